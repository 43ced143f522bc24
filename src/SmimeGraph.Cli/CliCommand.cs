using System.CommandLine;
using System.Security.Cryptography;
using SmimeGraph.Graph;

namespace SmimeGraph.Cli;

/// <summary>
/// A <c>smimegraph</c> command (the root or a subcommand): its options, its examples for
/// <c>--help</c>, and an action whose failures become one line on standard error and the exit
/// code DESIGN.md gives them.
/// </summary>
internal sealed class CliCommand : Command
{
    public CliCommand(string name, string description, IReadOnlyList<string> examples)
        : base(name, description)
    {
        Examples = examples;
    }

    /// <summary>The no-echo password prompt when a terminal is attached, otherwise null.</summary>
    public Func<string, string?>? ReadPassword { get; set; }

    /// <summary>Example command lines shown by <c>--help</c>, each with a comment line before it.</summary>
    public IReadOnlyList<string> Examples { get; }

    /// <summary>
    /// The command's <c>--json</c> switch when a failure should also be one JSON object on
    /// standard output (compose, send); null otherwise.
    /// </summary>
    public Option<bool>? JsonErrors { get; set; }

    /// <summary>Sets the action; a failure is reported as <c>smimegraph NAME: message</c>.</summary>
    public void SetRun(Func<ParseResult, CommandConsole, CancellationToken, Task<int>> run) =>
        SetAction(async (result, cancellationToken) =>
        {
            var console = new CommandConsole(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, ReadPassword);
            try
            {
                return await run(result, console, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ExitCodeFor(ex) is int code)
            {
                await console.Error.WriteLineAsync($"smimegraph {Name}: {ex.Message}").ConfigureAwait(false);
                if (JsonErrors is not null && result.GetValue(JsonErrors))
                {
                    await console.Out.WriteAsync(CommandJson.Error(Name, ex, code)).ConfigureAwait(false);
                }

                return code;
            }
        });

    private static int? ExitCodeFor(Exception ex) => ex switch
    {
        UsageException => CommandLine.Usage,
        PayloadTooLargeException => CommandLine.Rejected,
        GraphRequestException or GraphAmbiguousSendException or HttpRequestException => CommandLine.Rejected,
        IOException or UnauthorizedAccessException or SmimeGraphException or CryptographicException => CommandLine.Usage,
        _ => null,
    };
}
