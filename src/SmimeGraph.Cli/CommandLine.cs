using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace SmimeGraph.Cli;

/// <summary>
/// The <c>smimegraph</c> command line on System.CommandLine. Exit codes (DESIGN.md): 0 success;
/// 1 invalid, tampered, untrusted or undecryptable (inspect); 2 bad usage or unreadable input;
/// 3 rejected (payload over the ceiling, Graph error).
/// </summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Invalid = 1;
    public const int Usage = 2;
    public const int Rejected = 3;

    /// <summary>The command's name, as installed by <c>dotnet tool install</c>.</summary>
    public const string ToolName = "smimegraph";

    internal const string ExitCodesText = """
        Exit codes:
          0  success; for inspect: the message is valid
          1  the message is not valid (unsigned, tampered, untrusted, undecryptable, spoofed sender)
          2  bad usage or unreadable input (including a refused certificate)
          3  rejected (payload over the ceiling, Graph error)
        """;

    /// <summary>Parses <paramref name="args"/> and runs the command they name.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <param name="terminationTimeout">
    /// When set, Ctrl+C and SIGTERM cancel the running command and the process ends after this
    /// long at the latest; null leaves signals alone (tests, embedding).
    /// </param>
    /// <param name="readPassword">
    /// Asks for a PKCS#12 password without echo (the prompt text in, the password or null out);
    /// null when no terminal is attached, and then nothing is asked.
    /// </param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, TimeSpan? terminationTimeout = null, Func<string, string?>? readPassword = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        Command root = CreateRootCommand();
        foreach (CliCommand command in root.Subcommands.OfType<CliCommand>())
        {
            command.ReadPassword = readPassword;
        }

        // "smimegraph help [COMMAND]" is "smimegraph [COMMAND] --help".
        if (args.Length > 0 && args[0] == "help")
        {
            args = [.. args[1..], "--help"];
        }

        // '@file' is the value syntax of --text and --html, so response files stay off: a token
        // starting with '@' is never replaced by the contents of a file.
        ParseResult result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = terminationTimeout,
        };

        if (args.Length == 0)
        {
            // No command at all: the overview goes to standard error, and it is a usage error.
            await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = stderr, Error = stderr }, cancellationToken).ConfigureAwait(false);
            return Usage;
        }

        if (result.Action is ParseErrorAction)
        {
            await ReportParseErrorsAsync(result, stderr).ConfigureAwait(false);
            return Usage;
        }

        return await result.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The root command (with examples of its own) with every subcommand, its help (with examples) and <c>--version</c>.</summary>
    internal static Command CreateRootCommand()
    {
        // A CliCommand rather than RootCommand: the root's name is the tool's, not the host
        // process's (dotnet, testhost), wherever it runs.
        var help = new HelpOption();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!);
        var version = new VersionOption { Action = new ToolVersionAction() };
        return new CliCommand(
            ToolName,
            "Compose, sign, encrypt, inspect and send S/MIME mail through Microsoft Graph or a local emulator.",
            [
                "# the whole job end to end on the embedded emulator",
                "smimegraph demo",
                "# sign and encrypt a message to bob, then decrypt and verify it as bob",
                "smimegraph compose --from alice@example.com --to bob@example.com --subject Hi --text 'Hello Bob' \\",
                "    --sign alice.pfx --encrypt-to bob.pem --out hi.eml",
                "smimegraph inspect hi.eml --key bob.pfx --trust root-ca.pem",
                "# a command's options and examples",
                "smimegraph compose --help",
            ])
        {
            help,
            version,
            ComposeCommand.Create(),
            InspectCommand.Create(),
            SendCommand.Create(),
            EmulatorCommand.Create(),
            CertsCommand.Create(),
            DemoCommand.Create(),
        };
    }

    private static async Task ReportParseErrorsAsync(ParseResult result, TextWriter stderr)
    {
        Command command = result.CommandResult.Command;
        if (command == result.RootCommandResult.Command)
        {
            string? first = result.UnmatchedTokens.FirstOrDefault();
            string message = first is null || first.StartsWith('-')
                ? first is null ? "a command is required." : $"unknown option '{first}'."
                : $"unknown command '{first}'.";
            await stderr.WriteLineAsync($"smimegraph: {message} Run 'smimegraph --help' for the commands.").ConfigureAwait(false);
            return;
        }

        foreach (System.CommandLine.Parsing.ParseError error in result.Errors)
        {
            await stderr.WriteLineAsync($"smimegraph {command.Name}: {error.Message}").ConfigureAwait(false);
        }

        await stderr.WriteLineAsync($"Run 'smimegraph {command.Name} --help' for usage and examples.").ConfigureAwait(false);
    }
}
