using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace SmimeGraph.Cli;

/// <summary><c>--version</c>: the tool's own informational version, whichever process hosts it.</summary>
internal sealed class ToolVersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(ToolVersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolVersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return CommandLine.Success;
    }
}
