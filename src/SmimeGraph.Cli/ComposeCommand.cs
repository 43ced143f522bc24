namespace SmimeGraph.Cli;

/// <summary><c>smimegraph compose</c>.</summary>
internal static class ComposeCommand
{
    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync("smimegraph compose: not available in this build.").ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
