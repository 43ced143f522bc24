using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests.Interop;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests.Cms;

/// <summary>A signer with what a verifier needs: the chain to send, and the root as PEM and in an NSS database.</summary>
public sealed record TestSigner(string Name, X509Certificate2 Certificate, X509Certificate2Collection Chain, X509Certificate2 Root, string RootPemPath, Lazy<string> NssDatabaseDirectory)
{
    /// <summary>The NSS database trusting <see cref="Root"/>, made on first use so that only the tests that call NSS need its tools.</summary>
    public string NssDatabase => NssDatabaseDirectory.Value;
}

/// <summary>
/// The signing test PKI: the certificates in certs-test/ when present (password "smimegraph"),
/// completed by a PKI made here with CertificateRequest for anything certs-test does not hold.
/// Each trust anchor also gets an NSS database for cmsutil.
/// </summary>
public sealed class SignedDataTestPki : IDisposable
{
    public const string Password = "smimegraph";

    private readonly Dictionary<string, TestSigner> _signers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, X509Certificate2> _bad = new(StringComparer.Ordinal);

    public SignedDataTestPki()
    {
        Directory = TestPaths.NewTempDirectory();
        Generated = CreateGeneratedPki();
        LoadCertsTest();
    }

    public string Directory { get; }

    /// <summary>Signers of the generated PKI, by name (rsa2048, rsa3072, ecdsa-p256, ecdsa-p384).</summary>
    private Dictionary<string, TestSigner> Generated { get; }

    /// <summary>rsa2048, rsa3072, ecdsa-p256, ecdsa-p384: from certs-test when it has them, else generated.</summary>
    public TestSigner Signer(string name) => _signers.TryGetValue(name, out TestSigner? s) ? s : Generated[name];

    /// <summary>expired, not-yet-valid, no-email-eku, rsa1024: from certs-test when it has them, else generated.</summary>
    public X509Certificate2 Bad(string name) => _bad[name];

    /// <summary>An encryption certificate (RSA, keyEncipherment): certs-test's sender-rsa2048-enc, else generated.</summary>
    public X509Certificate2 EncryptionCertificate { get; private set; } = null!;

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void LoadCertsTest()
    {
        string root = TestPaths.Cert("root-ca.pem");
        if (!File.Exists(root))
        {
            return;
        }

        X509Certificate2 rootCertificate = X509CertificateLoader.LoadCertificateFromFile(root);
        var chain = new X509Certificate2Collection();
        string chainPath = TestPaths.Cert("ca-chain.pem");
        if (File.Exists(chainPath))
        {
            chain.ImportFromPemFile(chainPath);
        }

        Lazy<string> nss = CreateNssDatabase(root);
        string encryption = TestPaths.Cert("sender-rsa2048-enc.pem");
        if (File.Exists(encryption))
        {
            EncryptionCertificate = X509CertificateLoader.LoadCertificateFromFile(encryption);
        }

        foreach ((string name, string file) in new[] { ("rsa2048", "signer-rsa2048.pfx"), ("rsa3072", "signer-rsa3072.pfx"), ("ecdsa-p256", "signer-ecdsa-p256.pfx"), ("ecdsa-p384", "signer-ecdsa-p384.pfx") })
        {
            string path = TestPaths.Cert(file);
            if (File.Exists(path))
            {
                _signers[name] = new TestSigner(name, LoadPfx(path), chain, rootCertificate, root, nss);
            }
        }

        foreach (string path in System.IO.Directory.GetFiles(TestPaths.CertsTest, "bad-*.pfx"))
        {
            string file = Path.GetFileNameWithoutExtension(path);
            string? name =
                file.Contains("expired", StringComparison.OrdinalIgnoreCase) ? "expired" :
                file.Contains("not-yet", StringComparison.OrdinalIgnoreCase) || file.Contains("future", StringComparison.OrdinalIgnoreCase) ? "not-yet-valid" :
                file.Contains("eku", StringComparison.OrdinalIgnoreCase) || file.Contains("email", StringComparison.OrdinalIgnoreCase) ? "no-email-eku" :
                file.Contains("1024", StringComparison.OrdinalIgnoreCase) ? "rsa1024" : null;
            if (name is not null)
            {
                _bad[name] = LoadPfx(path);
            }
        }
    }

    private static X509Certificate2 LoadPfx(string path) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, Password, X509KeyStorageFlags.Exportable);

    private Dictionary<string, TestSigner> CreateGeneratedPki()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 root = TestCertificateIssuer.Issue(new TestCertificateSpec("CN=SmimeGraph Test Root, O=SmimeGraph")
        {
            NotBefore = now.AddDays(-30),
            NotAfter = now.AddYears(10),
            CertificateAuthority = true,
            KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign,
            SubjectKeyIdentifier = true,
        });
        X509Certificate2 intermediate = TestCertificateIssuer.Issue(
            new TestCertificateSpec("CN=SmimeGraph Test Intermediate, O=SmimeGraph")
            {
                NotBefore = now.AddDays(-20),
                NotAfter = now.AddYears(5),
                CertificateAuthority = true,
                PathLength = 0,
                KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign,
                SubjectKeyIdentifier = true,
                AuthorityKeyIdentifier = true,
            },
            root);

        string rootPem = Path.Combine(Directory, "generated-root.pem");
        File.WriteAllText(rootPem, root.ExportCertificatePem());
        Lazy<string> nss = CreateNssDatabase(rootPem);
        var chain = new X509Certificate2Collection { intermediate, root };

        var signers = new Dictionary<string, TestSigner>(StringComparer.Ordinal);
        foreach (string name in new[] { "rsa2048", "rsa3072", "ecdsa-p256", "ecdsa-p384" })
        {
            signers[name] = new TestSigner(name, Issue(intermediate, name, now.AddDays(-1), now.AddYears(1), emailEku: true, signing: true), chain, root, rootPem, nss);
        }

        EncryptionCertificate = Issue(intermediate, "rsa2048", now.AddDays(-1), now.AddYears(1), emailEku: true, signing: false);
        _bad["expired"] = Issue(intermediate, "rsa2048", now.AddYears(-2), now.AddYears(-1), emailEku: true, signing: true);
        _bad["not-yet-valid"] = Issue(intermediate, "rsa2048", now.AddYears(1), now.AddYears(2), emailEku: true, signing: true);
        _bad["no-email-eku"] = Issue(intermediate, "rsa2048", now.AddDays(-1), now.AddYears(1), emailEku: false, signing: true);
        _bad["rsa1024"] = Issue(intermediate, "rsa1024", now.AddDays(-1), now.AddYears(1), emailEku: true, signing: true);
        return signers;
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string keyType, DateTimeOffset notBefore, DateTimeOffset notAfter, bool emailEku, bool signing)
    {
        string email = $"{keyType}-{Guid.NewGuid():N}@example.test";
        var spec = new TestCertificateSpec($"CN={keyType} signer, E={email}, O=SmimeGraph")
        {
            Key = keyType switch
            {
                "ecdsa-p256" => TestKeyType.EcP256,
                "ecdsa-p384" => TestKeyType.EcP384,
                "rsa3072" => TestKeyType.Rsa3072,
                "rsa1024" => TestKeyType.Rsa1024,
                _ => TestKeyType.Rsa2048,
            },
            NotBefore = notBefore,
            NotAfter = notAfter,
            CertificateAuthority = false,
            KeyUsage = signing ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation : X509KeyUsageFlags.KeyEncipherment,
            ExtendedKeyUsage = emailEku ? "1.3.6.1.5.5.7.3.4" : "1.3.6.1.5.5.7.3.2",
            SubjectKeyIdentifier = true,
            AuthorityKeyIdentifier = true,
            Email = email,
        };

        // Round-trip through PKCS #12 so the key is usable the way a loaded PFX is.
        return TestCertificateIssuer.Issue(spec, issuer, TestPrivateKey.Signing, viaPkcs12: true);
    }

    private static Lazy<string> CreateNssDatabase(string rootPem) => new(() => Interop.NssDatabase.Create([rootPem], []).Directory);
}
