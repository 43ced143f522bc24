using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Testing;

/// <summary>Settings of a <see cref="GraphMailEmulator"/>.</summary>
public sealed class GraphMailEmulatorOptions
{
    /// <summary>
    /// Who <c>/me</c> is. With an address, a From or Sender that is not this mailbox is refused
    /// with 403 ErrorSendAsDenied, as Graph does; null (the default) lets <c>/me</c> send as anyone.
    /// </summary>
    public string? Mailbox { get; set; }

    /// <summary>The only bearer token the emulator accepts; a fresh random one by default.</summary>
    public string Token { get; set; } = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>How long sent mail takes to reach Sent Items (Graph's behaviour); 200 ms by default.</summary>
    public TimeSpan SentCopyDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Certificates with private keys that decrypt what was sent (the sender's own encryption certificate, a recipient's).</summary>
    public IList<X509Certificate2> DecryptionCertificates { get; } = new List<X509Certificate2>();

    /// <summary>The trust anchors signatures are verified against (a test PKI's root).</summary>
    public IList<X509Certificate2> TrustAnchors { get; } = new List<X509Certificate2>();

    /// <summary>The time certificates are validated at; null for the message's Date or now.</summary>
    public DateTimeOffset? ValidationTime { get; set; }

    /// <summary>Further emulator settings (faults, throttling limits, token modes), applied last.</summary>
    public Action<SmimeGraph.Emulator.EmulatorOptions>? Configure { get; set; }
}
