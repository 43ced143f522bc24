namespace SmimeGraph.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) =>
        CommandLine.RunAsync(
            args,
            Console.Out,
            Console.Error,
            CancellationToken.None,
            terminationTimeout: TimeSpan.FromSeconds(5),
            readPassword: Console.IsInputRedirected ? null : TerminalPassword.Read);
}
