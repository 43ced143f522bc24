namespace SmimeGraph.Cli;

/// <summary><c>smimegraph emulator</c>.</summary>
internal static class EmulatorCommand
{
    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync("smimegraph emulator: not available in this build.").ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
