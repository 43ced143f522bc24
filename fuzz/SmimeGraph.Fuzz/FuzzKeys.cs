using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Fuzz;

/// <summary>
/// The fixed keys of the decrypting targets, from the committed test PKI (certs-test, copied
/// beside the binaries): an RSA and an ECDH recipient with their private keys, and the root CA
/// as trust anchor, so that mutated inputs built on seeds encrypted to these recipients reach
/// key recovery, content decryption, signature verification and chain validation.
/// </summary>
internal static class FuzzKeys
{
    private const string Password = "smimegraph";

    private static readonly Lazy<X509Certificate2[]> Recipients = new(() =>
    [
        Load("recipient-rsa2048.pfx"),
        Load("recipient-ecdh-p256.pfx"),
    ]);

    private static readonly Lazy<X509Certificate2> Root = new(() =>
        X509CertificateLoader.LoadCertificateFromFile(Path.Combine(AppContext.BaseDirectory, "certs-test", "root-ca.pem")));

    /// <summary>bob@example.com (RSA-2048) and carol@example.com (ECDH P-256), with private keys.</summary>
    public static IReadOnlyList<X509Certificate2> DecryptionCertificates => Recipients.Value;

    /// <summary>SmimeGraph Test Root CA.</summary>
    public static X509Certificate2 TrustAnchor => Root.Value;

    private static X509Certificate2 Load(string fileName) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(AppContext.BaseDirectory, "certs-test", fileName), Password);
}
