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
            await stdout.WriteLineAsync(Usage_).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Success;
        }

        await stderr.WriteLineAsync($"smimegraph: unknown command '{args[0]}'.").ConfigureAwait(false);
        await stderr.WriteLineAsync(Usage_).ConfigureAwait(false);
        return Usage;
    }

    private const string Usage_ = """
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
        """;
}
