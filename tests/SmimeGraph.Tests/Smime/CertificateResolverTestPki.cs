using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Temporary certificate folders for the resolver tests: copies of the committed test PKI, and
/// extra certificates issued on the spot by the test intermediate CA (several per address):
/// signing ones with their private key, encryption ones without.
/// </summary>
internal static class CertificateResolverTestPki
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh folder holding the named files copied from the test PKI.</summary>
    public static string FolderWith(params string[] fileNames)
    {
        string folder = TestPaths.NewTempDirectory();
        foreach (string name in fileNames)
        {
            File.Copy(TestPaths.Cert(name), Path.Combine(folder, name));
        }

        return folder;
    }

    /// <summary>A fresh folder holding every certificate, PFX and key file of the test PKI.</summary>
    public static string FolderWithWholePki()
    {
        string folder = TestPaths.NewTempDirectory();
        foreach (string path in Directory.EnumerateFiles(TestPaths.CertsTest))
        {
            File.Copy(path, Path.Combine(folder, Path.GetFileName(path)));
        }

        return folder;
    }

    public static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string Thumbprint(string pemName) => X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert(pemName)).Thumbprint;

    public static string Password(string path) => SmimeFixture.Password;

    /// <summary>
    /// Issues an S/MIME end-entity certificate for <paramref name="address"/> from the test
    /// intermediate CA (with its private key when for signing). <paramref name="key"/> is "rsa2048", "rsa3072" or "p384".
    /// </summary>
    public static X509Certificate2 Issue(string address, string key, bool signing, DateTimeOffset notBefore, DateTimeOffset notAfter, string? subjectAltNameAddress = null)
    {
        using X509Certificate2 issuer = SmimeFixture.LoadPfx("intermediate");
        X509KeyUsageFlags usage = signing ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation
            : key == "p384" ? X509KeyUsageFlags.KeyAgreement : X509KeyUsageFlags.KeyEncipherment;
        var spec = new TestCertificateSpec($"CN={address}, O=SmimeGraph Test")
        {
            Key = key switch
            {
                "p384" => TestKeyType.EcP384,
                "rsa3072" => TestKeyType.Rsa3072,
                _ => TestKeyType.Rsa2048,
            },
            SignatureHash = key == "p384" ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256,
            NotBefore = notBefore,
            NotAfter = notAfter,
            CertificateAuthority = false,
            KeyUsage = usage,
            ExtendedKeyUsage = "1.3.6.1.5.5.7.3.4",
            Email = subjectAltNameAddress ?? address,
            AuthorityKeyIdentifier = true,
        };

        // Recipients' certificates travel without keys (and .NET will not pair an ECDSA key with
        // a keyAgreement-only certificate).
        return TestCertificateIssuer.Issue(spec, issuer, signing ? TestPrivateKey.Signing : TestPrivateKey.None);
    }

    /// <summary>Writes <paramref name="certificate"/> into <paramref name="folder"/> as PFX (with key) or PEM (certificate only).</summary>
    public static string Write(string folder, string fileName, X509Certificate2 certificate)
    {
        string path = Path.Combine(folder, fileName);
        if (fileName.EndsWith(".pfx", StringComparison.Ordinal))
        {
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, SmimeFixture.Password));
        }
        else
        {
            File.WriteAllText(path, certificate.ExportCertificatePem());
        }

        return path;
    }
}
