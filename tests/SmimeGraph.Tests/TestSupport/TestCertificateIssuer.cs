using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Tests.TestSupport;

/// <summary>The key a test certificate carries.</summary>
public enum TestKeyType
{
    Rsa1024,
    Rsa2048,
    Rsa3072,
    EcP256,
    EcP384,
    EcP521,
}

/// <summary>Whether the issued certificate carries its private key, and as what.</summary>
public enum TestPrivateKey
{
    /// <summary>The certificate only, as a recipient's certificate travels.</summary>
    None,

    /// <summary>The key as RSA or ECDSA (signing, RSA decryption).</summary>
    Signing,

    /// <summary>An EC key as ECDH: .NET offers an EC key as ECDH or ECDSA according to the key usage.</summary>
    KeyAgreement,
}

/// <summary>What to put in a test certificate (RFC 5280 §4.1, §4.2.1; RFC 8550 §3, §4.4).</summary>
public sealed record TestCertificateSpec(string Subject)
{
    public TestKeyType Key { get; init; } = TestKeyType.Rsa2048;

    public DateTimeOffset NotBefore { get; init; } = DateTimeOffset.UtcNow.AddDays(-1);

    public DateTimeOffset NotAfter { get; init; } = DateTimeOffset.UtcNow.AddYears(1);

    /// <summary>The keyUsage extension (critical), or null for none.</summary>
    public X509KeyUsageFlags? KeyUsage { get; init; }

    /// <summary>The one extendedKeyUsage purpose (non-critical), or null for none.</summary>
    public string? ExtendedKeyUsage { get; init; }

    /// <summary>The rfc822Name of the subjectAltName, or null for none.</summary>
    public string? Email { get; init; }

    /// <summary>basicConstraints (critical): null for none, false for an end entity, true for a CA.</summary>
    public bool? CertificateAuthority { get; init; }

    /// <summary>The CA's pathLenConstraint, when <see cref="CertificateAuthority"/> is true.</summary>
    public int? PathLength { get; init; }

    public bool SubjectKeyIdentifier { get; init; }

    /// <summary>An authorityKeyIdentifier naming the issuer's key (issued certificates only).</summary>
    public bool AuthorityKeyIdentifier { get; init; }

    /// <summary>The signature hash of a CA-signed or self-signed certificate.</summary>
    public HashAlgorithmName SignatureHash { get; init; } = HashAlgorithmName.SHA256;
}

/// <summary>
/// The one place the tests make certificates: self-signed or issued by a test CA (RSA or EC),
/// with the extensions a spec asks for, with or without the private key, optionally round-tripped
/// through PKCS #12 so the key behaves as a loaded PFX's does. Every fixture uses it.
/// </summary>
public static class TestCertificateIssuer
{
    public const string Password = "smimegraph";

    /// <summary>
    /// Makes a certificate for <paramref name="spec"/>, signed by <paramref name="issuer"/>'s
    /// private key (RSA PKCS #1 v1.5 or ECDSA), or self-signed when it is null.
    /// </summary>
    public static X509Certificate2 Issue(TestCertificateSpec spec, X509Certificate2? issuer = null, TestPrivateKey privateKey = TestPrivateKey.Signing, bool viaPkcs12 = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using AsymmetricAlgorithm key = CreateKey(spec.Key);
        CertificateRequest request = key is ECDsa ec
            ? new CertificateRequest(new X500DistinguishedName(spec.Subject), ec, spec.SignatureHash)
            : new CertificateRequest(new X500DistinguishedName(spec.Subject), (RSA)key, spec.SignatureHash, RSASignaturePadding.Pkcs1);
        if (spec.CertificateAuthority is bool ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, spec.PathLength is not null, spec.PathLength ?? 0, true));
        }

        if (spec.KeyUsage is X509KeyUsageFlags usage)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        }

        if (spec.ExtendedKeyUsage is string purpose)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(purpose)], critical: false));
        }

        if (spec.SubjectKeyIdentifier)
        {
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        }

        if (spec.AuthorityKeyIdentifier && issuer is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        }

        if (spec.Email is string email)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddEmailAddress(email);
            request.CertificateExtensions.Add(san.Build());
        }

        // CreateSelfSigned returns the certificate with its key; an issued one comes without.
        using X509Certificate2 created = issuer is null
            ? request.CreateSelfSigned(spec.NotBefore, spec.NotAfter)
            : Sign(request, issuer, spec);
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(created.RawData);
        X509Certificate2 certificate = privateKey switch
        {
            TestPrivateKey.None => X509CertificateLoader.LoadCertificate(publicOnly.RawData),
            TestPrivateKey.KeyAgreement when key is ECDsa ecKey => WithEcdhKey(publicOnly, ecKey),
            _ => key is ECDsa ecKey ? publicOnly.CopyWithPrivateKey(ecKey) : publicOnly.CopyWithPrivateKey((RSA)key),
        };

        if (!viaPkcs12 || privateKey == TestPrivateKey.None)
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12, Password), Password, X509KeyStorageFlags.Exportable);
        }
    }

    /// <summary>A positive 16-byte serial number (RFC 5280 §4.1.2.2: at most 20 octets, positive).</summary>
    public static byte[] RandomSerial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    /// <summary>The certificate's private key as PKCS #8 PEM, for peers that take a key file.</summary>
    public static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey()
            ?? (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey()
            ?? certificate.GetECDiffieHellmanPrivateKey()
            ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, TestCertificateSpec spec)
    {
        using RSA? rsa = issuer.GetRSAPrivateKey();
        using ECDsa? ecdsa = rsa is null ? issuer.GetECDsaPrivateKey() : null;
        X509SignatureGenerator generator = rsa is not null
            ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)
            : X509SignatureGenerator.CreateForECDsa(ecdsa ?? throw new ArgumentException("The issuer has no RSA or ECDSA private key.", nameof(issuer)));
        return request.Create(issuer.SubjectName, generator, spec.NotBefore, spec.NotAfter, RandomSerial());
    }

    private static X509Certificate2 WithEcdhKey(X509Certificate2 certificate, ECDsa key)
    {
        using var ecdh = ECDiffieHellman.Create(key.ExportParameters(includePrivateParameters: true));
        return certificate.CopyWithPrivateKey(ecdh);
    }

    private static AsymmetricAlgorithm CreateKey(TestKeyType type) => type switch
    {
        TestKeyType.Rsa1024 => RSA.Create(1024),
        TestKeyType.Rsa2048 => RSA.Create(2048),
        TestKeyType.Rsa3072 => RSA.Create(3072),
        TestKeyType.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        TestKeyType.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        TestKeyType.EcP521 => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
