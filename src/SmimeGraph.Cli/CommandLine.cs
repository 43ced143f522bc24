namespace SmimeGraph.Cli;

/// <summary>
/// The <c>smimegraph</c> command dispatcher. Exit codes (DESIGN.md): 0 success; 1 invalid,
/// tampered, untrusted or undecryptable (inspect); 2 bad usage or unreadable input; 3 rejected
/// (payload over the ceiling, Graph error).
/// </summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Invalid = 1;
    public const int Usage = 2;
    public const int Rejected = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await (args.Length == 0 ? stderr : stdout).WriteLineAsync(UsageText).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Success;
        }

        var console = new CommandConsole(stdout, stderr);
        string[] rest = args[1..];
        try
        {
            return args[0] switch
            {
                "compose" => await ComposeCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false),
                "inspect" => await InspectCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false),
                "send" => await SendCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false),
                "emulator" => await EmulatorCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false),
                "certs" => await CertsCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false),
                "demo" => await DemoCommand.RunAsync(rest, console, cancellationToken).ConfigureAwait(false),
                _ => await UnknownAsync(args[0], console).ConfigureAwait(false),
            };
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"smimegraph {args[0]}: {ex.Message}").ConfigureAwait(false);
            return Usage;
        }
        catch (PayloadTooLargeException ex)
        {
            await stderr.WriteLineAsync($"smimegraph {args[0]}: {ex.Message}").ConfigureAwait(false);
            return Rejected;
        }
        catch (Exception ex) when (ex is SmimeGraph.Graph.GraphRequestException or SmimeGraph.Graph.GraphAmbiguousSendException or HttpRequestException)
        {
            await stderr.WriteLineAsync($"smimegraph {args[0]}: {ex.Message}").ConfigureAwait(false);
            return Rejected;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SmimeGraphException or System.Security.Cryptography.CryptographicException)
        {
            await stderr.WriteLineAsync($"smimegraph {args[0]}: {ex.Message}").ConfigureAwait(false);
            return Usage;
        }
    }

    private static async Task<int> UnknownAsync(string command, CommandConsole console)
    {
        await console.Error.WriteLineAsync($"smimegraph: unknown command '{command}'.").ConfigureAwait(false);
        await console.Error.WriteLineAsync(UsageText).ConfigureAwait(false);
        return Usage;
    }

    internal const string UsageText = """
        usage:
          smimegraph compose  --from A --to B [--cc C] [--bcc D] --subject S [--text T|@file]
                              [--html H|@file] [--attach FILE]... [--header "Name: value"]...
                              [--sign PFX[:password]] [--encrypt-to CERT]... [--opaque]
                              [--oaep] [--pss] [--aes-gcm] [--out FILE.eml] [--graph-body FILE]
          smimegraph inspect  FILE.eml [--key PFX[:password]]... [--trust CA.pem]... [--at TIME] [--json]
          smimegraph send     <compose options> [--graph URL] [--mailbox me|UPN] [--draft]
          smimegraph emulator [--urls http://127.0.0.1:5080] [--store DIR]
          smimegraph certs    [--out DIR]
          smimegraph demo

        exit codes: 0 success; 1 invalid, tampered, untrusted or undecryptable; 2 bad usage or
        unreadable input; 3 rejected (payload over the ceiling, Graph error)
        """;
}

/// <summary>Where a command writes its output and its diagnostics.</summary>
internal sealed record CommandConsole(TextWriter Out, TextWriter Error);

/// <summary>The command line was wrong: exit code 2 with the message.</summary>
internal sealed class UsageException(string message) : Exception(message);
