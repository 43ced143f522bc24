using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
        var subject = new X500DistinguishedName($"CN={address}, O=SmimeGraph Test");
        CertificateRequest request;
        AsymmetricAlgorithm algorithm;
        X509KeyUsageFlags usage = signing ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation : X509KeyUsageFlags.KeyEncipherment;
        if (key == "p384")
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            request = new CertificateRequest(subject, ec, HashAlgorithmName.SHA384);
            algorithm = ec;
            usage = signing ? usage : X509KeyUsageFlags.KeyAgreement;
        }
        else
        {
            var rsa = RSA.Create(key == "rsa3072" ? 3072 : 2048);
            request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            algorithm = rsa;
        }

        using (algorithm)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddEmailAddress(subjectAltNameAddress ?? address);
            request.CertificateExtensions.Add(san.Build());
            byte[] serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            using RSA issuerKey = issuer.GetRSAPrivateKey()!;
            X509SignatureGenerator generator = X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1);
            using X509Certificate2 publicOnly = request.Create(issuer.SubjectName, generator, notBefore, notAfter, serial);
            if (!signing)
            {
                // Recipients' certificates travel without keys (and .NET will not pair an ECDSA
                // key with a keyAgreement-only certificate).
                return X509CertificateLoader.LoadCertificate(publicOnly.RawData);
            }

            return algorithm switch
            {
                RSA rsa => publicOnly.CopyWithPrivateKey(rsa),
                ECDsa ec => publicOnly.CopyWithPrivateKey(ec),
                _ => throw new InvalidOperationException(),
            };
        }
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
