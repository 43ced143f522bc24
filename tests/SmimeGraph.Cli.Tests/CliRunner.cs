namespace SmimeGraph.Cli.Tests;

/// <summary>Runs the command line in process and captures what it printed.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        await RunWithPromptAsync(null, args);

    public static async Task<(int Code, string Stdout, string Stderr)> RunWithPromptAsync(Func<string, string?>? readPassword, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None, readPassword: readPassword);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
