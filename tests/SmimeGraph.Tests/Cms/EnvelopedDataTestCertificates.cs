using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests.Interop;

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
        RecipientEcdhP384 = Create("recipient-ecdh-p384", ECDsa.Create(ECCurve.NamedCurves.nistP384), X509KeyUsageFlags.KeyAgreement);
        RecipientEcdhP521 = Create("recipient-ecdh-p521", ECDsa.Create(ECCurve.NamedCurves.nistP521), X509KeyUsageFlags.KeyAgreement);
        RecipientRsa3072 = Create("recipient-rsa3072", RSA.Create(3072), X509KeyUsageFlags.KeyEncipherment);
        RsaKeyAgreementOnly = Create("bad-rsa-keyagreement-only", RSA.Create(2048), X509KeyUsageFlags.KeyAgreement);

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

    private TestRecipient Create(string name, AsymmetricAlgorithm key, X509KeyUsageFlags keyUsage, string eku = "1.3.6.1.5.5.7.3.4", DateTimeOffset? notAfter = null)
    {
        using (key)
        {
            string subject = $"CN={name}, E={name}@smimegraph.test";
            CertificateRequest request = key switch
            {
                RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                // EC keys serve ECDH and ECDSA alike; the certificate's key usage says which. A
                // key-agreement-only certificate is issued by a separate key below.
                ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
                _ => throw new ArgumentException("Unsupported key.", nameof(key)),
            };
            request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], critical: false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddEmailAddress($"{name}@smimegraph.test");
            request.CertificateExtensions.Add(san.Build());

            DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddDays(-30);
            DateTimeOffset end = notAfter ?? DateTimeOffset.UtcNow.AddYears(1);
            X509Certificate2 certificate;
            string keyPem;
            if (key is RSA rsaKey)
            {
                certificate = request.CreateSelfSigned(notBefore, end);
                keyPem = rsaKey.ExportPkcs8PrivateKeyPem();
            }
            else
            {
                var ecKey = (ECDsa)key;
                using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var issuerRequest = new CertificateRequest("CN=SmimeGraph Test EC Issuer", issuerKey, HashAlgorithmName.SHA256);
                issuerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                using X509Certificate2 issuer = issuerRequest.CreateSelfSigned(notBefore, end.AddDays(1));
                byte[] serial = RandomNumberGenerator.GetBytes(8);
                serial[0] &= 0x7F;
                using X509Certificate2 signed = request.Create(issuer, notBefore, end, serial);
                // .NET offers the key as ECDH or ECDSA according to the key usage.
                if ((keyUsage & X509KeyUsageFlags.KeyAgreement) != 0)
                {
                    using var ecdh = ECDiffieHellman.Create(ecKey.ExportParameters(includePrivateParameters: true));
                    certificate = signed.CopyWithPrivateKey(ecdh);
                }
                else
                {
                    certificate = signed.CopyWithPrivateKey(ecKey);
                }

                keyPem = ecKey.ExportPkcs8PrivateKeyPem();
            }

            string certificatePath = Path.Combine(_directory, name + ".pem");
            string keyPath = Path.Combine(_directory, name + ".key.pem");
            string pfxPath = Path.Combine(_directory, name + ".pfx");
            File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(keyPath, keyPem);
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
