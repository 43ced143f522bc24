using System.CommandLine;
using System.Runtime.InteropServices;
using SmimeGraph.Emulator;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>smimegraph emulator [--urls http://127.0.0.1:5080] [--store DIR] [--mailbox ADDRESS]
/// [--send-as ADDRESS]... [--user ADDRESS]... [--token T | --cae] [--faults FILE]
/// [--sent-delay MS] [--raw-mime] [--max-concurrent N] [--max-requests N] [--max-upload-bytes N]
/// [--no-throttling] [--verbose]</c>: runs until Ctrl+C. Each setting is an
/// <see cref="EmulatorOptions"/> property; docs/emulator.md describes them.
/// </summary>
internal static class EmulatorCommand
{
    internal const string DefaultUrl = "http://127.0.0.1:5080";
    internal const string DefaultStore = "smimegraph-store";

    public static CliCommand Create()
    {
        var urlsOption = CliOptions.Value("--urls", "URL", $"The loopback http URL to listen on (default {DefaultUrl}; port 0 picks a free one).");
        var storeOption = CliOptions.Value("--store", "DIR", $"The Maildir store folder (default {DefaultStore}).");
        var mailboxOption = CliOptions.Value("--mailbox", "ADDRESS", "Who /me is. Makes a tenant of this mailbox, --send-as and --user: other users get 404, and From must be the mailbox or a --send-as address (403 otherwise). Default: nobody, and /me may send as any From.");
        var sendAsOption = CliOptions.Values("--send-as", "ADDRESS", "An address every mailbox may also send as (repeatable).");
        var userOption = CliOptions.Values("--user", "ADDRESS", "Another mailbox of the --mailbox tenant (repeatable).");
        var tokenOption = CliOptions.Value("--token", "TOKEN", "Accept only this bearer token (401 for any other). Default: any non-empty token. Visible to other local users in the process list: use a test value.");
        var caeOption = CliOptions.Flag("--cae", "Continuous access evaluation: tokens issued before the emulator started get 401 with a claims challenge until the client asks for a token with the claims (see docs/emulator.md).");
        var faultsOption = CliOptions.Value("--faults", "FILE", "Inject faults from a JSON file: {\"faults\":[{\"operation\":\"send\",\"fault\":\"504\",\"after\":true}, ...]} (format in docs/emulator.md).");
        var sentDelayOption = CliOptions.Value("--sent-delay", "MS", "Milliseconds before sent mail reaches Sent Items (default 200; 0 moves it before the 202).");
        var rawMimeOption = CliOptions.Flag("--raw-mime", "Answer GET $value with the MIME exactly as uploaded instead of regenerated the way Exchange does.");
        var maxConcurrentOption = CliOptions.Value("--max-concurrent", "N", "Concurrent requests per app and mailbox before 429 (default 4).");
        var maxRequestsOption = CliOptions.Value("--max-requests", "N", "Requests per app and mailbox in 10 minutes before 429 (default 10000).");
        var maxUploadOption = CliOptions.Value("--max-upload-bytes", "N", "Request-body bytes per app and mailbox in 5 minutes before 429 (default 157286400, 150 MB).");
        var noThrottlingOption = CliOptions.Flag("--no-throttling", "Turn Outlook's throttling limits off.");
        var verboseOption = CliOptions.Flag("--verbose", "Log every request to standard output.");
        var command = new CliCommand(
            "emulator",
            "Run the local Graph mail emulator (loopback only, Maildir storage) until Ctrl+C. It behaves as Graph does: sent mail reaches Sent Items after a delay under a new id, $value is regenerated, From and recipients are checked, throttling applies (docs/emulator.md).",
            [
                "# listen on the default address with the default store",
                "smimegraph emulator",
                "# another port and store, logging every request",
                "smimegraph emulator --urls http://127.0.0.1:5090 --store /tmp/mail --verbose",
                "# a tenant with one mailbox, one token, and a gateway timeout after the first send",
                "smimegraph emulator --mailbox alice@example.com --token test-token --faults faults.json",
            ]);
        foreach (Option option in (Option[])[urlsOption, storeOption, mailboxOption, sendAsOption, userOption, tokenOption, caeOption, faultsOption, sentDelayOption, rawMimeOption, maxConcurrentOption, maxRequestsOption, maxUploadOption, noThrottlingOption, verboseOption])
        {
            command.Add(option);
        }

        command.SetRun((result, console, cancellationToken) =>
        {
            var options = new EmulatorOptions
            {
                Url = result.GetValue(urlsOption) ?? DefaultUrl,
                StoreDirectory = Path.GetFullPath(result.GetValue(storeOption) ?? DefaultStore),
                Token = result.GetValue(tokenOption),
                ContinuousAccessEvaluation = result.GetValue(caeOption),
                RegenerateMime = !result.GetValue(rawMimeOption),
                Log = result.GetValue(verboseOption) ? TextWriter.Synchronized(console.Out) : null,
            };
            if (result.GetValue(mailboxOption) is string mailbox)
            {
                options.MeMailbox = mailbox;
            }

            foreach (string address in result.GetValue(sendAsOption) ?? [])
            {
                options.SendAs.Add(address);
            }

            foreach (string address in result.GetValue(userOption) ?? [])
            {
                options.Users.Add(address);
            }

            if (result.GetValue(sentDelayOption) is string delay)
            {
                options.SentCopyDelay = TimeSpan.FromMilliseconds(Number("--sent-delay", delay, minimum: 0, maximum: 86_400_000));
            }

            options.Throttling.Enabled = !result.GetValue(noThrottlingOption);
            if (result.GetValue(maxConcurrentOption) is string concurrent)
            {
                options.Throttling.MaxConcurrentRequests = (int)Number("--max-concurrent", concurrent, minimum: 1, maximum: int.MaxValue);
            }

            if (result.GetValue(maxRequestsOption) is string requests)
            {
                options.Throttling.MaxRequests = (int)Number("--max-requests", requests, minimum: 1, maximum: int.MaxValue);
            }

            if (result.GetValue(maxUploadOption) is string upload)
            {
                options.Throttling.MaxUploadBytes = Number("--max-upload-bytes", upload, minimum: 1);
            }

            IReadOnlyList<EmulatorFaultRule> faults = result.GetValue(faultsOption) is string file ? ReadFaults(file) : [];
            return RunAsync(options, faults, console, cancellationToken);
        });
        return command;
    }

    private static long Number(string option, string value, long minimum, long maximum = long.MaxValue) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number) && number >= minimum && number <= maximum
            ? number
            : throw new UsageException(maximum == long.MaxValue ? $"{option} takes a whole number of at least {minimum}, not '{value}'." : $"{option} takes a whole number from {minimum} to {maximum}, not '{value}'.");

    private static IReadOnlyList<EmulatorFaultRule> ReadFaults(string file)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--faults {file}: {ex.Message}");
        }

        try
        {
            return EmulatorFaults.Parse(json);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--faults {file}: {ex.Message}");
        }
    }

    private static async Task<int> RunAsync(EmulatorOptions options, IReadOnlyList<EmulatorFaultRule> faults, CommandConsole console, CancellationToken cancellationToken)
    {
        if (options.Url.Contains(';', StringComparison.Ordinal))
        {
            throw new UsageException("--urls takes one URL.");
        }

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
            foreach (EmulatorFaultRule fault in faults)
            {
                host.Faults.Add(fault);
            }

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
