using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.MimeKit.Tests.TestSupport;

/// <summary>The committed test PKI (certs-test/README.md), as the tests of this project use it.</summary>
public static class TestPki
{
    public const string Password = "smimegraph";

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "certs-test");

    /// <summary>A certificate with its private key, from NAME.pfx.</summary>
    public static X509Certificate2 WithKey(string name) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(Directory, name + ".pfx"), Password, X509KeyStorageFlags.Exportable);

    /// <summary>A certificate alone, from NAME.pem.</summary>
    public static X509Certificate2 Certificate(string name) =>
        X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Directory, name + ".pem"));

    /// <summary>The intermediate and the root, as a signer sends them.</summary>
    public static X509Certificate2Collection Chain()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(Path.Combine(Directory, "ca-chain.pem"));
        return chain;
    }

    /// <summary>The address each end entity is issued to.</summary>
    public static string Address(string name) => name switch
    {
        "signer-rsa2048" or "sender-rsa2048-enc" => "alice@example.com",
        "signer-rsa3072" => "alice3072@example.com",
        "signer-ecdsa-p256" => "alice-ec@example.com",
        "recipient-rsa2048" => "bob@example.com",
        "recipient-ecdh-p256" => "carol@example.com",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
