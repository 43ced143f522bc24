namespace SmimeGraph.Cli;

/// <summary><c>smimegraph demo</c>.</summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync("smimegraph demo: not available in this build.").ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
