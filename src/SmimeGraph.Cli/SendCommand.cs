namespace SmimeGraph.Cli;

/// <summary><c>smimegraph send</c>.</summary>
internal static class SendCommand
{
    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync("smimegraph send: not available in this build.").ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
