using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Emulator;
using SmimeGraph.Smime;

namespace SmimeGraph.Testing;

/// <summary>
/// An in-process Microsoft Graph mail endpoint for a test suite's fixtures:
/// <c>await using var graph = await GraphMailEmulator.StartAsync(options);</c> then point the code
/// under test at <see cref="BaseAddress"/> with <see cref="Token"/>, and assert on
/// <see cref="Mailbox"/>'s view of what was sent, decrypted and verified. It behaves as Graph does
/// (the sent copy under a new id after a delay, <c>$value</c> regenerated, validation, throttling):
/// see the emulator's documentation for each behaviour and the Graph page it follows.
/// </summary>
public sealed class GraphMailEmulator : IAsyncDisposable
{
    private readonly GraphMailEmulatorOptions _options;

    private GraphMailEmulator(EmulatorHost host, GraphMailEmulatorOptions options)
    {
        Host = host;
        _options = options;
    }

    /// <summary>Graph's base URL for the code under test, e.g. <c>http://127.0.0.1:PORT/v1.0</c>.</summary>
    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>The bearer token the emulator accepts.</summary>
    public string Token => _options.Token;

    /// <summary>The emulator itself: fault injection (<see cref="EmulatorHost.Faults"/>), request counts, stored messages.</summary>
    public EmulatorHost Host { get; }

    internal HttpClient Http { get; } = new();

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Mailbox, token, sent-copy delay, keys and trust anchors; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<GraphMailEmulator> StartAsync(GraphMailEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GraphMailEmulatorOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Token, nameof(options));
        var emulator = new EmulatorOptions
        {
            Token = options.Token,
            SentCopyDelay = options.SentCopyDelay,
        };
        if (options.Mailbox is not null)
        {
            emulator.MeMailbox = options.Mailbox;
        }

        options.Configure?.Invoke(emulator);
        EmulatorHost host = await EmulatorHost.StartAsync(emulator, cancellationToken).ConfigureAwait(false);
        return new GraphMailEmulator(host, options);
    }

    /// <summary>The view of a mailbox: <c>me</c> (the default) or a user's address.</summary>
    public GraphMailboxView Mailbox(string mailbox = "me")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mailbox);
        bool me = string.Equals(mailbox, "me", StringComparison.OrdinalIgnoreCase);
        // With a configured mailbox, /me is that mailbox and its mail is stored under its address.
        string stored = me ? _options.Mailbox ?? "me" : mailbox;
        return new GraphMailboxView(this, stored, me ? "me" : "users/" + Uri.EscapeDataString(mailbox));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync().ConfigureAwait(false);
    }

    internal SmimeInspectorOptions InspectorOptions()
    {
        var inspector = new SmimeInspectorOptions { ValidationTime = _options.ValidationTime };
        foreach (X509Certificate2 key in _options.DecryptionCertificates)
        {
            inspector.DecryptionCertificates.Add(key);
        }

        foreach (X509Certificate2 anchor in _options.TrustAnchors)
        {
            inspector.TrustAnchors.Add(anchor);
        }

        return inspector;
    }
}
