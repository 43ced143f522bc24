namespace SmimeGraph.Cli;

/// <summary><c>smimegraph certs</c>.</summary>
internal static class CertsCommand
{
    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync("smimegraph certs: not available in this build.").ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
