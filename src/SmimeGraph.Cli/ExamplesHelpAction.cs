using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace SmimeGraph.Cli;

/// <summary>System.CommandLine's help, followed by the command's examples and the exit codes.</summary>
internal sealed class ExamplesHelpAction(HelpAction help) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        int code = help.Invoke(parseResult);
        TextWriter output = parseResult.InvocationConfiguration.Output;
        if (parseResult.CommandResult.Command is CliCommand { Examples.Count: > 0 } command)
        {
            output.WriteLine("Examples:");
            foreach (string example in command.Examples)
            {
                output.WriteLine("  " + example);
            }

            output.WriteLine();
        }

        output.WriteLine(CommandLine.ExitCodesText);
        return code;
    }
}
