namespace SmimeGraph.MimeKit.Tests.Interop;

/// <summary>One S/MIME mode both libraries produce: who signs and how, who it is encrypted to and how.</summary>
public sealed record InteropMode(string Name, string? Signer = null, bool Pss = false, bool Opaque = false, string? Recipient = null, bool Oaep = false)
{
    /// <summary>Every mode MimeKit's TemporarySecureMimeContext writes and reads, RSA and EC.</summary>
    public static IReadOnlyList<InteropMode> All { get; } =
    [
        new("detached RSA PKCS#1 v1.5", Signer: "signer-rsa2048"),
        new("detached RSASSA-PSS", Signer: "signer-rsa2048", Pss: true),
        new("detached ECDSA P-256", Signer: "signer-ecdsa-p256"),
        new("opaque RSA", Signer: "signer-rsa2048", Opaque: true),
        new("opaque ECDSA P-256", Signer: "signer-ecdsa-p256", Opaque: true),
        new("encrypt RSA PKCS#1 v1.5", Recipient: "recipient-rsa2048"),
        new("encrypt RSAES-OAEP", Recipient: "recipient-rsa2048", Oaep: true),
        new("encrypt ECDH P-256", Recipient: "recipient-ecdh-p256"),
        new("sign+encrypt RSA PKCS#1 v1.5", Signer: "signer-rsa2048", Recipient: "recipient-rsa2048"),
        new("sign+encrypt RSAES-OAEP", Signer: "signer-rsa2048", Recipient: "recipient-rsa2048", Oaep: true),
        new("opaque sign+encrypt RSA", Signer: "signer-rsa2048", Opaque: true, Recipient: "recipient-rsa2048"),
        new("sign ECDSA + encrypt ECDH", Signer: "signer-ecdsa-p256", Recipient: "recipient-ecdh-p256"),
    ];

    public static TheoryData<string> Names() => new(All.Select(m => m.Name));

    /// <summary>Encrypted to the EC recipient: ephemeral-static ECDH key agreement (RFC 5753).</summary>
    public bool IsEcdh => Recipient == "recipient-ecdh-p256";

    public static InteropMode Named(string name) => All.Single(m => m.Name == name);

    public override string ToString() => Name;
}
