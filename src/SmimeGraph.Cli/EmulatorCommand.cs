using System.Runtime.InteropServices;
using SmimeGraph.Emulator;

namespace SmimeGraph.Cli;

/// <summary><c>smimegraph emulator [--urls http://127.0.0.1:5080] [--store DIR]</c>: runs until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    internal const string DefaultUrl = "http://127.0.0.1:5080";
    internal const string DefaultStore = "smimegraph-store";

    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        var reader = new ArgumentReader(args, ["--urls", "--store"], ["--verbose"]);
        if (reader.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{reader.Positional[0]}'.");
        }

        string urls = reader.Optional("--urls") ?? DefaultUrl;
        if (urls.Contains(';', StringComparison.Ordinal))
        {
            throw new UsageException("--urls takes one URL.");
        }

        var options = new EmulatorOptions
        {
            Url = urls,
            StoreDirectory = Path.GetFullPath(reader.Optional("--store") ?? DefaultStore),
            Log = reader.Has("--verbose") ? TextWriter.Synchronized(console.Out) : null,
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
