using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Benchmarks;

/// <summary>
/// The signer, recipient and sender-encryption certificates (RSA-2048, all with private keys).
/// Taken from the test PKI in <c>certs-test/</c> (signer-rsa2048.pfx, recipient-rsa2048.pfx,
/// sender-rsa2048-enc.pfx) when it is there, else generated once per process with
/// <see cref="CertificateRequest"/> so the suite runs anywhere.
/// </summary>
internal sealed class TestCertificates
{
    internal const string PfxPassword = "smimegraph";
    internal const string SignerPfx = "signer-rsa2048.pfx";
    internal const string RecipientPfx = "recipient-rsa2048.pfx";
    internal const string SenderEncryptionPfx = "sender-rsa2048-enc.pfx";

    private static readonly Lazy<TestCertificates> s_shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestCertificates(X509Certificate2 signer, X509Certificate2 recipient, X509Certificate2 senderEncryption, string source)
    {
        Signer = signer;
        Recipient = recipient;
        SenderEncryption = senderEncryption;
        Source = source;
    }

    /// <summary>The certificates, loaded or generated on first use and shared by every benchmark.</summary>
    public static TestCertificates Shared => s_shared.Value;

    /// <summary>Signs (digitalSignature, emailProtection); has its private key.</summary>
    public X509Certificate2 Signer { get; }

    /// <summary>Receives the content-encryption key (keyEncipherment); has its private key.</summary>
    public X509Certificate2 Recipient { get; }

    /// <summary>
    /// The sender's own encryption certificate (keyEncipherment): every encrypted message is also
    /// encrypted to it, so the copy in the sender's Sent Items stays readable.
    /// </summary>
    public X509Certificate2 SenderEncryption { get; }

    /// <summary>Where the certificates came from, for the run's log.</summary>
    public string Source { get; }

    private static TestCertificates Load()
    {
        string? folder = FindCertsTest();
        if (folder is not null)
        {
            // Exportable: the BouncyCastle contender converts the keys to its own types.
            const X509KeyStorageFlags flags = X509KeyStorageFlags.Exportable;
            return new TestCertificates(
                X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(folder, SignerPfx), PfxPassword, flags),
                X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(folder, RecipientPfx), PfxPassword, flags),
                X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(folder, SenderEncryptionPfx), PfxPassword, flags),
                folder);
        }

        return new TestCertificates(
            Generate("Alice", MessageFixture.FromAddress, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation),
            Generate("Bob", MessageFixture.ToAddress, X509KeyUsageFlags.KeyEncipherment),
            Generate("Alice (encryption)", MessageFixture.FromAddress, X509KeyUsageFlags.KeyEncipherment),
            "generated (RSA-2048, self-signed)");
    }

    /// <summary>The certs-test folder copied beside the binaries, or found walking up to the repository root.</summary>
    private static string? FindCertsTest()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "certs-test");
            if (new[] { SignerPfx, RecipientPfx, SenderEncryptionPfx }.All(name => File.Exists(Path.Combine(candidate, name))))
            {
                return candidate;
            }
        }

        return null;
    }

    private static X509Certificate2 Generate(string commonName, string email, X509KeyUsageFlags usage)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        // RFC 8550 §4.4.4: id-kp-emailProtection.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], critical: false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(email);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        // Round trip through PKCS#12 so the key is a persisted, exportable one, as a PFX load gives.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12, PfxPassword), PfxPassword, X509KeyStorageFlags.Exportable);
    }
}
