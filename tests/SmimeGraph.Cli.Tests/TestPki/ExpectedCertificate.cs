using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cli.Tests.TestPki;

/// <summary>What one end-entity certificate of the test PKI must look like, written down independently of the generator.</summary>
public sealed record ExpectedCertificate(
    string Name,
    string CommonName,
    string Email,
    string KeyAlgorithm,
    int KeySize,
    X509KeyUsageFlags KeyUsage,
    string ExtendedKeyUsage,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter)
{
    public const string Rsa = "1.2.840.113549.1.1.1";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string EmailProtection = "1.3.6.1.5.5.7.3.4";
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    private const X509KeyUsageFlags Signing = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation;
    private const X509KeyUsageFlags SigningAndEncryption = Signing | X509KeyUsageFlags.KeyEncipherment;

    public static readonly DateTimeOffset CaNotBefore = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset GoodNotBefore = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<ExpectedCertificate> EndEntities { get; } =
    [
        new("signer-rsa2048", "Alice", "alice@example.com", Rsa, 2048, Signing, EmailProtection, GoodNotBefore, End),
        new("signer-rsa3072", "Alice RSA-3072", "alice3072@example.com", Rsa, 3072, Signing, EmailProtection, GoodNotBefore, End),
        new("signer-ecdsa-p256", "Alice ECDSA", "alice-ec@example.com", EcPublicKey, 256, Signing, EmailProtection, GoodNotBefore, End),
        new("sender-rsa2048-enc", "Alice (encryption)", "alice@example.com", Rsa, 2048, X509KeyUsageFlags.KeyEncipherment, EmailProtection, GoodNotBefore, End),
        new("recipient-rsa2048", "Bob", "bob@example.com", Rsa, 2048, X509KeyUsageFlags.KeyEncipherment, EmailProtection, GoodNotBefore, End),
        new("recipient-ecdh-p256", "Carol", "carol@example.com", EcPublicKey, 256, X509KeyUsageFlags.KeyAgreement, EmailProtection, GoodNotBefore, End),
        new("bad-expired", "Expired", "expired@example.com", Rsa, 2048, SigningAndEncryption, EmailProtection, CaNotBefore, new DateTimeOffset(2021, 12, 31, 23, 59, 59, TimeSpan.Zero)),
        new("bad-not-yet-valid", "Not Yet Valid", "notyetvalid@example.com", Rsa, 2048, SigningAndEncryption, EmailProtection, new DateTimeOffset(2049, 1, 1, 0, 0, 0, TimeSpan.Zero), End),
        new("bad-no-email-eku", "No Email EKU", "noemaileku@example.com", Rsa, 2048, SigningAndEncryption, ServerAuth, GoodNotBefore, End),
        new("bad-rsa1024", "Weak RSA-1024", "rsa1024@example.com", Rsa, 1024, SigningAndEncryption, EmailProtection, GoodNotBefore, End),
    ];

    public static IReadOnlyList<string> CertificateNames { get; } = ["root-ca", "intermediate", .. EndEntities.Select(e => e.Name)];

    /// <summary>Every file the generator writes.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        .. CertificateNames.SelectMany(n => new[] { n + ".pem", n + ".key.pem", n + ".pfx" }),
        "ca-chain.pem",
        "README.md",
    ];

    public static ExpectedCertificate Get(string name) => EndEntities.Single(e => e.Name == name);

    public static TheoryData<string> Names(Func<ExpectedCertificate, bool> predicate) => [.. EndEntities.Where(predicate).Select(e => e.Name)];
}
