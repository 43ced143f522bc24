using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests.Interop;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests.Cms;

/// <summary>A recipient: the certificate with its private key, and the same as PEM and PKCS #12 files for the peers.</summary>
public sealed record TestRecipient(string Name, X509Certificate2 Certificate, string CertificatePath, string KeyPath, string PfxPath)
{
    public X509Certificate2 PublicOnly => X509CertificateLoader.LoadCertificate(Certificate.RawData);

    public override string ToString() => Name;
}

/// <summary>
/// The recipients the EnvelopedData tests encrypt to: the committed test PKI, plus the kinds it
/// lacks (P-384, P-521, RSA-3072, an RSA key-agreement-only certificate) made once per run with
/// CertificateRequest and written out as PEM and PKCS #12 (password <c>smimegraph</c>); and an
/// NSS database holding the good recipients' private keys.
/// </summary>
public sealed class EnvelopedDataTestCertificates : IDisposable
{
    public const string CollectionName = "EnvelopedData recipients";

    public const string Password = "smimegraph";

    private readonly string _directory = TestPaths.NewTempDirectory();

    private readonly Lazy<string> _nssDatabase;

    public EnvelopedDataTestCertificates()
    {
        // The committed test PKI (certs-test/README.md).
        RecipientRsa = Load("recipient-rsa2048");
        SenderRsa = Load("sender-rsa2048-enc");
        RecipientEcdhP256 = Load("recipient-ecdh-p256");
        Rsa1024 = Load("bad-rsa1024");
        Expired = Load("bad-expired");
        NotYetValid = Load("bad-not-yet-valid");
        NoEmailEku = Load("bad-no-email-eku");
        SigningOnly = Load("signer-rsa2048");
        EcSigningOnly = Load("signer-ecdsa-p256");

        // Kinds the test PKI does not have, made for this run.
        RecipientEcdhP384 = Create("recipient-ecdh-p384", TestKeyType.EcP384, X509KeyUsageFlags.KeyAgreement);
        RecipientEcdhP521 = Create("recipient-ecdh-p521", TestKeyType.EcP521, X509KeyUsageFlags.KeyAgreement);
        RecipientRsa3072 = Create("recipient-rsa3072", TestKeyType.Rsa3072, X509KeyUsageFlags.KeyEncipherment);
        RsaKeyAgreementOnly = Create("bad-rsa-keyagreement-only", TestKeyType.Rsa2048, X509KeyUsageFlags.KeyAgreement);

        _nssDatabase = new Lazy<string>(() => Interop.NssDatabase.Create(
            [],
            new[] { RecipientRsa, SenderRsa, RecipientEcdhP256, RecipientEcdhP384, RecipientRsa3072, RecipientEcdhP521 }.Select(r => (r.PfxPath, Password))).Directory);
    }

    public TestRecipient RecipientRsa { get; }

    public TestRecipient SenderRsa { get; }

    public TestRecipient RecipientEcdhP256 { get; }

    public TestRecipient RecipientEcdhP384 { get; }

    public TestRecipient RecipientRsa3072 { get; }

    public TestRecipient RecipientEcdhP521 { get; }

    public TestRecipient RsaKeyAgreementOnly { get; }

    public TestRecipient Rsa1024 { get; }

    public TestRecipient SigningOnly { get; }

    public TestRecipient NoEmailEku { get; }

    public TestRecipient Expired { get; }

    public TestRecipient NotYetValid { get; }

    public TestRecipient EcSigningOnly { get; }

    /// <summary>An NSS database (empty password) with the private keys of the good recipients, made on first use so that only the tests that call NSS need its tools.</summary>
    public string NssDatabase => _nssDatabase.Value;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static TestRecipient Load(string name) => new(
        name,
        X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert(name + ".pfx"), Password),
        TestPaths.Cert(name + ".pem"),
        TestPaths.Cert(name + ".key.pem"),
        TestPaths.Cert(name + ".pfx"));

    private TestRecipient Create(string name, TestKeyType key, X509KeyUsageFlags keyUsage)
    {
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddDays(-30);
        DateTimeOffset notAfter = DateTimeOffset.UtcNow.AddYears(1);
        var spec = new TestCertificateSpec($"CN={name}, E={name}@smimegraph.test")
        {
            Key = key,
            NotBefore = notBefore,
            NotAfter = notAfter,
            KeyUsage = keyUsage,
            ExtendedKeyUsage = "1.3.6.1.5.5.7.3.4",
            Email = $"{name}@smimegraph.test",
        };

        X509Certificate2 certificate;
        if (key is TestKeyType.Rsa2048 or TestKeyType.Rsa3072)
        {
            certificate = TestCertificateIssuer.Issue(spec);
        }
        else
        {
            // EC keys serve ECDH and ECDSA alike; the certificate's key usage says which. A
            // key-agreement-only certificate is issued by a separate key.
            using X509Certificate2 issuer = TestCertificateIssuer.Issue(new TestCertificateSpec("CN=SmimeGraph Test EC Issuer")
            {
                Key = TestKeyType.EcP256,
                NotBefore = notBefore,
                NotAfter = notAfter.AddDays(1),
                CertificateAuthority = true,
            });
            certificate = TestCertificateIssuer.Issue(
                spec,
                issuer,
                (keyUsage & X509KeyUsageFlags.KeyAgreement) != 0 ? TestPrivateKey.KeyAgreement : TestPrivateKey.Signing);
        }

        using (certificate)
        {
            string certificatePath = Path.Combine(_directory, name + ".pem");
            string keyPath = Path.Combine(_directory, name + ".key.pem");
            string pfxPath = Path.Combine(_directory, name + ".pfx");
            File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(keyPath, TestCertificateIssuer.ExportPrivateKeyPem(certificate));
            File.WriteAllBytes(pfxPath, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
            return new TestRecipient(name, X509CertificateLoader.LoadPkcs12(File.ReadAllBytes(pfxPath), Password, X509KeyStorageFlags.Exportable), certificatePath, keyPath, pfxPath);
        }
    }
}

/// <summary>One set of recipients for every EnvelopedData test class.</summary>
[CollectionDefinition(EnvelopedDataTestCertificates.CollectionName)]
public sealed class EnvelopedDataTestCertificatesCollection : ICollectionFixture<EnvelopedDataTestCertificates>
{
}
