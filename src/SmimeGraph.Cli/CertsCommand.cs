using System.CommandLine;
using SmimeGraph.Testing;

namespace SmimeGraph.Cli;

/// <summary><c>smimegraph certs [--out DIR]</c>: regenerates the test PKI (default folder <c>certs-test</c>).</summary>
internal static class CertsCommand
{
    public const string DefaultDirectory = "certs-test";

    public static CliCommand Create()
    {
        var outOption = CliOptions.Value("--out", "DIR", $"The folder to write to (default {DefaultDirectory}).");
        var command = new CliCommand(
            "certs",
            "Regenerate the test PKI: a root, an intermediate, signer and recipient certificates (RSA and EC) and deliberately bad ones, as PEM and PKCS#12.",
            [
                "# into ./certs-test",
                "smimegraph certs",
                "# somewhere else",
                "smimegraph certs --out /tmp/pki",
            ]);
        command.Add(outOption);
        command.SetRun((result, console, cancellationToken) => RunAsync(result.GetValue(outOption) ?? DefaultDirectory, console, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string directory, CommandConsole console, CancellationToken cancellationToken)
    {
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
