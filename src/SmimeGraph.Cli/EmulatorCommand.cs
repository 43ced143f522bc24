using System.CommandLine;
using System.Runtime.InteropServices;
using SmimeGraph.Emulator;

namespace SmimeGraph.Cli;

/// <summary><c>smimegraph emulator [--urls http://127.0.0.1:5080] [--store DIR]</c>: runs until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    internal const string DefaultUrl = "http://127.0.0.1:5080";
    internal const string DefaultStore = "smimegraph-store";

    public static CliCommand Create()
    {
        var urlsOption = CliOptions.Value("--urls", "URL", $"The loopback http URL to listen on (default {DefaultUrl}; port 0 picks a free one).");
        var storeOption = CliOptions.Value("--store", "DIR", $"The Maildir store folder (default {DefaultStore}).");
        var verboseOption = CliOptions.Flag("--verbose", "Log every request to standard output.");
        var command = new CliCommand(
            "emulator",
            "Run the local Graph mail emulator (loopback only, Maildir storage) until Ctrl+C.",
            [
                "# listen on the default address with the default store",
                "smimegraph emulator",
                "# another port and store, logging every request",
                "smimegraph emulator --urls http://127.0.0.1:5090 --store /tmp/mail --verbose",
            ]);
        command.Add(urlsOption);
        command.Add(storeOption);
        command.Add(verboseOption);
        command.SetRun((result, console, cancellationToken) => RunAsync(result.GetValue(urlsOption), result.GetValue(storeOption), result.GetValue(verboseOption), console, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? urlsValue, string? store, bool verbose, CommandConsole console, CancellationToken cancellationToken)
    {
        string urls = urlsValue ?? DefaultUrl;
        if (urls.Contains(';', StringComparison.Ordinal))
        {
            throw new UsageException("--urls takes one URL.");
        }

        var options = new EmulatorOptions
        {
            Url = urls,
            StoreDirectory = Path.GetFullPath(store ?? DefaultStore),
            Log = verbose ? TextWriter.Synchronized(console.Out) : null,
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        await using (host.ConfigureAwait(false))
        {
            await console.Out.WriteLineAsync($"Graph mail emulator listening on {host.BaseAddress} (store: {host.StoreDirectory}). Press Ctrl+C to stop.").ConfigureAwait(false);
            await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C, SIGTERM or the caller's cancellation: stop cleanly.
            }
        }

        await console.Out.WriteLineAsync("Graph mail emulator stopped.").ConfigureAwait(false);
        return CommandLine.Success;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
