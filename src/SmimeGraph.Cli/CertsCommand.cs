using SmimeGraph.Cli.TestPki;

namespace SmimeGraph.Cli;

/// <summary><c>smimegraph certs [--out DIR]</c>: regenerates the test PKI (default folder <c>certs-test</c>).</summary>
internal static class CertsCommand
{
    public const string DefaultDirectory = "certs-test";

    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        var reader = new ArgumentReader(args, ["--out"], []);
        if (reader.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{reader.Positional[0]}'.");
        }

        string directory = reader.Optional("--out") ?? DefaultDirectory;
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> written = TestPkiGenerator.Write(directory);
        foreach (string path in written)
        {
            await console.Out.WriteLineAsync(path).ConfigureAwait(false);
        }

        await console.Error.WriteLineAsync($"smimegraph certs: wrote {written.Count} files to {Path.GetFullPath(directory)} (PKCS#12 password '{TestPkiGenerator.PfxPassword}').").ConfigureAwait(false);
        return CommandLine.Success;
    }
}
