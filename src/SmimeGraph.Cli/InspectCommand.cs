namespace SmimeGraph.Cli;

/// <summary><c>smimegraph inspect</c>.</summary>
internal static class InspectCommand
{
    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync("smimegraph inspect: not available in this build.").ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
