using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmimeGraph.Testing;

/// <summary>
/// Writes the test PKI: a root CA, an intermediate CA and the S/MIME end-entity certificates
/// (good and deliberately bad), each as PEM certificate, unencrypted PKCS#8 key and PKCS#12
/// with the chain. File names are fixed; keys and serial numbers are fresh on every run.
/// </summary>
public static class TestPkiGenerator
{
    /// <summary>The password of every PKCS#12 file written.</summary>
    public const string PfxPassword = "smimegraph";

    /// <summary>The root CA's file name stem (<c>root-ca.pem</c>: the trust anchor).</summary>
    public const string RootName = "root-ca";

    /// <summary>The intermediate CA's file name stem.</summary>
    public const string IntermediateName = "intermediate";

    /// <summary>The intermediate and root certificates, in that order, as PEM.</summary>
    public const string ChainFileName = "ca-chain.pem";

    /// <summary>The README describing the files.</summary>
    public const string ReadmeFileName = "README.md";

    // Test keys only: the default count of .NET's PBES2 export, enough to exercise PBKDF2
    // without slowing every test that opens a PFX.
    private const int Pkcs12Iterations = 2000;

    private const string Organization = "SmimeGraph Test";
    private const string EmailProtection = "1.3.6.1.5.5.7.3.4"; // RFC 5280 §4.2.1.12 id-kp-emailProtection
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";      // id-kp-serverAuth

    /// <summary>Start of the CAs' validity.</summary>
    public static readonly DateTimeOffset CaNotBefore = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Start of the good end entities' validity.</summary>
    public static readonly DateTimeOffset GoodNotBefore = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>End of validity of the CAs and the good end entities.</summary>
    public static readonly DateTimeOffset NotAfter = new(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const X509KeyUsageFlags SigningUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation;

    // The deliberately bad ones may sign and encrypt, so that their one flaw is the only reason a
    // verifier rejects them.
    private const X509KeyUsageFlags AnyUsage = SigningUsage | X509KeyUsageFlags.KeyEncipherment;

    /// <summary>The end-entity certificates, in the order they are written.</summary>
    public static IReadOnlyList<TestCertificateProfile> EndEntities { get; } =
    [
        new("signer-rsa2048", "Alice", "alice@example.com", TestKeyAlgorithm.Rsa, 2048, SigningUsage, [EmailProtection],
            GoodNotBefore, NotAfter, "Signer (digitalSignature, nonRepudiation)."),
        new("signer-rsa3072", "Alice RSA-3072", "alice3072@example.com", TestKeyAlgorithm.Rsa, 3072, SigningUsage, [EmailProtection],
            GoodNotBefore, NotAfter, "Signer (digitalSignature, nonRepudiation)."),
        new("signer-ecdsa-p256", "Alice ECDSA", "alice-ec@example.com", TestKeyAlgorithm.EcdsaP256, 256, SigningUsage, [EmailProtection],
            GoodNotBefore, NotAfter, "ECDSA signer (digitalSignature, nonRepudiation)."),
        new("sender-rsa2048-enc", "Alice (encryption)", "alice@example.com", TestKeyAlgorithm.Rsa, 2048, X509KeyUsageFlags.KeyEncipherment, [EmailProtection],
            GoodNotBefore, NotAfter, "Alice's encryption certificate (keyEncipherment), for the sender's own copy in Sent Items."),
        new("recipient-rsa2048", "Bob", "bob@example.com", TestKeyAlgorithm.Rsa, 2048, X509KeyUsageFlags.KeyEncipherment, [EmailProtection],
            GoodNotBefore, NotAfter, "RSA recipient (keyEncipherment)."),
        new("recipient-ecdh-p256", "Carol", "carol@example.com", TestKeyAlgorithm.EcdhP256, 256, X509KeyUsageFlags.KeyAgreement, [EmailProtection],
            GoodNotBefore, NotAfter, "ECDH recipient (keyAgreement), for RFC 5753 key agreement."),
        new("bad-expired", "Expired", "expired@example.com", TestKeyAlgorithm.Rsa, 2048, AnyUsage, [EmailProtection],
            CaNotBefore, new DateTimeOffset(2021, 12, 31, 23, 59, 59, TimeSpan.Zero), "BAD: expired (valid 2020-01-01 to 2021-12-31 only)."),
        new("bad-not-yet-valid", "Not Yet Valid", "notyetvalid@example.com", TestKeyAlgorithm.Rsa, 2048, AnyUsage, [EmailProtection],
            new DateTimeOffset(2049, 1, 1, 0, 0, 0, TimeSpan.Zero), NotAfter, "BAD: not yet valid (valid from 2049-01-01)."),
        new("bad-no-email-eku", "No Email EKU", "noemaileku@example.com", TestKeyAlgorithm.Rsa, 2048, AnyUsage, [ServerAuth],
            GoodNotBefore, NotAfter, "BAD: extended key usage is serverAuth only, no emailProtection."),
        new("bad-rsa1024", "Weak RSA-1024", "rsa1024@example.com", TestKeyAlgorithm.Rsa, 1024, AnyUsage, [EmailProtection],
            GoodNotBefore, NotAfter, "BAD: RSA key of 1024 bits, under the 2048-bit minimum."),
    ];

    /// <summary>Generates the whole set into <paramref name="directory"/> (created if missing, files overwritten).</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();

        using RSA rootKey = RSA.Create(3072);
        using X509Certificate2 root = CreateRoot(rootKey);
        WriteSet(directory, RootName, root, rootKey, [], written);

        using RSA intermediateKey = RSA.Create(3072);
        using X509Certificate2 intermediate = CreateIntermediate(intermediateKey, root);
        WriteSet(directory, IntermediateName, intermediate, intermediateKey, [root], written);

        foreach (TestCertificateProfile profile in EndEntities)
        {
            using AsymmetricAlgorithm key = profile.KeyAlgorithm switch
            {
                TestKeyAlgorithm.Rsa => RSA.Create(profile.KeySize),
                TestKeyAlgorithm.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
                _ => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256),
            };
            using X509Certificate2 certificate = CreateEndEntity(profile, key, intermediate);
            WriteSet(directory, profile.Name, certificate, key, [intermediate, root], written);
        }

        written.Add(WriteText(directory, ChainFileName, intermediate.ExportCertificatePem() + "\n" + root.ExportCertificatePem() + "\n"));
        written.Add(WriteText(directory, ReadmeFileName, Readme()));
        return written;
    }

    /// <summary>Loads a written certificate with its private key (<c>NAME.pfx</c>).</summary>
    /// <param name="directory">The folder <see cref="Write"/> wrote to.</param>
    /// <param name="name">The name, e.g. <c>signer-rsa2048</c> (see <see cref="EndEntities"/>).</param>
    public static X509Certificate2 LoadWithKey(string directory, string name) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(directory, name + ".pfx"), PfxPassword);

    /// <summary>Loads a written certificate without its key (<c>NAME.pem</c>), e.g. the root as a trust anchor.</summary>
    /// <param name="directory">The folder <see cref="Write"/> wrote to.</param>
    /// <param name="name">The name, e.g. <c>root-ca</c> or <c>recipient-rsa2048</c>.</param>
    public static X509Certificate2 LoadCertificate(string directory, string name) =>
        X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, name + ".pem"));

    private static X509Certificate2 CreateRoot(RSA key)
    {
        var request = new CertificateRequest(DistinguishedName("SmimeGraph Test Root CA", email: null), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AddCaExtensions(request, pathLength: null);
        var subjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(request.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false);
        request.CertificateExtensions.Add(subjectKeyIdentifier);
        // RFC 5280 §4.2.1.1: optional in a self-signed certificate; present so that every
        // certificate here carries one.
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier));
        using X509Certificate2 unkeyed = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), CaNotBefore, NotAfter, NewSerialNumber());
        return unkeyed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 CreateIntermediate(RSA key, X509Certificate2 root)
    {
        var request = new CertificateRequest(DistinguishedName("SmimeGraph Test Intermediate CA", email: null), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AddCaExtensions(request, pathLength: 0);
        AddKeyIdentifiers(request, root);
        using X509Certificate2 unkeyed = request.Create(root, CaNotBefore, NotAfter, NewSerialNumber());
        return unkeyed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 CreateEndEntity(TestCertificateProfile profile, AsymmetricAlgorithm key, X509Certificate2 issuer)
    {
        X500DistinguishedName subject = DistinguishedName(profile.CommonName, profile.Email);
        // The hash algorithm is the issuer's signature hash; the subject key only contributes its
        // SubjectPublicKeyInfo (id-ecPublicKey for both ECDSA and ECDH, RFC 5480 §2.1.1).
        var request = new CertificateRequest(subject, new PublicKey(key), HashAlgorithmName.SHA256);

        // RFC 8550 §4.4.1 (basicConstraints: not a CA), §4.4.2 key usage, §4.4.4 extended key usage.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(profile.KeyUsage, critical: true));
        var usages = new OidCollection();
        foreach (string oid in profile.ExtendedKeyUsages)
        {
            usages.Add(new Oid(oid));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));

        // RFC 8550 §3: the address belongs in subjectAltName as an rfc822Name.
        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddEmailAddress(profile.Email);
        request.CertificateExtensions.Add(alternativeNames.Build(critical: false));
        AddKeyIdentifiers(request, issuer);

        // The issuer signs with RSA whatever the subject's key is, hence the explicit generator.
        using RSA issuerKey = issuer.GetRSAPrivateKey() ?? throw new ArgumentException("The issuer has no RSA private key.", nameof(issuer));
        X509Certificate2 unkeyed = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1), profile.NotBefore, profile.NotAfter, NewSerialNumber());
        try
        {
            // A keyAgreement-only EC certificate is not an ECDSA certificate to .NET, hence the
            // ECDiffieHellman key for it.
            return key switch
            {
                RSA rsa => unkeyed.CopyWithPrivateKey(rsa),
                ECDsa ecdsa => unkeyed.CopyWithPrivateKey(ecdsa),
                ECDiffieHellman ecdh => unkeyed.CopyWithPrivateKey(ecdh),
                _ => throw new ArgumentException("RSA, ECDSA or ECDH key expected.", nameof(key)),
            };
        }
        finally
        {
            unkeyed.Dispose();
        }
    }

    private static void AddCaExtensions(CertificateRequest request, int? pathLength)
    {
        // RFC 5280 §4.2.1.9: basicConstraints critical in CA certificates; §4.2.1.3 keyCertSign, cRLSign.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, pathLength.HasValue, pathLength ?? 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
    }

    private static void AddKeyIdentifiers(CertificateRequest request, X509Certificate2 issuer)
    {
        // RFC 5280 §4.2.1.2 (method 1: SHA-1 of the subjectPublicKey) and §4.2.1.1 (the issuer's SKI).
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
    }

    private static X500DistinguishedName DistinguishedName(string commonName, string? email)
    {
        // The builder adds in display order (least significant first), so the encoding is
        // O, CN, E.
        var builder = new X500DistinguishedNameBuilder();
        if (email is not null)
        {
            // PKCS #9 emailAddress, kept beside the SAN for readers that still look in the subject.
            builder.AddEmailAddress(email);
        }

        builder.AddCommonName(commonName);
        builder.AddOrganizationName(Organization);

        return builder.Build();
    }

    /// <summary>A positive 16-byte serial number (RFC 5280 §4.1.2.2: at most 20 octets, positive).</summary>
    private static byte[] NewSerialNumber()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static void WriteSet(string directory, string name, X509Certificate2 certificate, AsymmetricAlgorithm key, X509Certificate2[] chain, List<string> written)
    {
        written.Add(WriteText(directory, name + ".pem", certificate.ExportCertificatePem() + "\n"));
        written.Add(WriteText(directory, name + ".key.pem", key.ExportPkcs8PrivateKeyPem() + "\n"));

        string pfxPath = Path.Combine(directory, name + ".pfx");
        File.WriteAllBytes(pfxPath, Pkcs12(name, certificate, key, chain));
        written.Add(pfxPath);
    }

    /// <summary>
    /// RFC 7292 PFX: the certificate and the chain in an encrypted SafeContents, the key in a
    /// shrouded key bag, both bags carrying localKeyId and friendlyName (the file name stem, which
    /// NSS takes as the nickname). PBES2 (RFC 8018) with PBKDF2-HMAC-SHA-256 and AES-256-CBC, and
    /// an HMAC-SHA-256 MAC: OpenSSL 3 reads it without -legacy. The CA certificates go in without
    /// their keys.
    /// </summary>
    private static byte[] Pkcs12(string name, X509Certificate2 certificate, AsymmetricAlgorithm key, X509Certificate2[] chain)
    {
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Pkcs12Iterations);
        var localKeyId = new Pkcs9LocalKeyId(certificate.GetCertHash());
        AsnEncodedData friendlyName = FriendlyName(name);

        var certificates = new Pkcs12SafeContents();
        Pkcs12CertBag certificateBag = certificates.AddCertificate(certificate);
        certificateBag.Attributes.Add(localKeyId);
        certificateBag.Attributes.Add(friendlyName);
        foreach (X509Certificate2 ca in chain)
        {
            certificates.AddCertificate(ca);
        }

        var keys = new Pkcs12SafeContents();
        Pkcs12ShroudedKeyBag keyBag = keys.AddShroudedKey(key, PfxPassword, pbe);
        keyBag.Attributes.Add(localKeyId);
        keyBag.Attributes.Add(friendlyName);

        var builder = new Pkcs12Builder();
        builder.AddSafeContentsEncrypted(certificates, PfxPassword, pbe);
        builder.AddSafeContentsUnencrypted(keys);
        builder.SealWithMac(PfxPassword, HashAlgorithmName.SHA256, Pkcs12Iterations);
        return builder.Encode();
    }

    /// <summary>PKCS #9 friendlyName (RFC 2985 §5.5.1): <c>friendlyName ::= BMPString (SIZE(1..pkcs-9-ub-friendlyName))</c>.</summary>
    private static AsnEncodedData FriendlyName(string name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.BMPString, name);
        return new Pkcs9AttributeObject(new Oid("1.2.840.113549.1.9.20"), writer.Encode());
    }

    private static string WriteText(string directory, string fileName, string text)
    {
        string path = Path.Combine(directory, fileName);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private static string Readme()
    {
        var text = new StringBuilder();
        text.Append("""
            # Test PKI

            Fixed test certificates for SmimeGraph's tests and demos. **Test keys only**: every
            private key here is public; never trust `root-ca.pem` outside tests.

            Regenerate (new keys and serial numbers, same file names) with:

                dotnet run --project src/SmimeGraph.Cli -- certs --out certs-test

            The tests read the committed files and never regenerate them.

            ## Files

            For every certificate `NAME` below:

            - `NAME.pem`: the certificate (PEM).
            - `NAME.key.pem`: its private key, unencrypted PKCS#8 (PEM).
            - `NAME.pfx`: PKCS#12 with the certificate, the key and the chain up to the root
              (end entities: intermediate and root; intermediate: root). Password `smimegraph`.
              Encrypted with PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) and an HMAC-SHA-256 MAC,
              so OpenSSL 3 reads it without `-legacy`. The certificate and key bags carry
              friendlyName `NAME` (the nickname NSS `pk12util` gives it) and localKeyId.

            Plus `ca-chain.pem` (intermediate, then root) and this README.

            ## Certificate authorities

            | Name | Subject | Key | Validity | Extensions |
            |---|---|---|---|---|
            | `root-ca` | O=SmimeGraph Test, CN=SmimeGraph Test Root CA | RSA-3072, SHA-256 | 2020-01-01 to 2050-01-01 | basicConstraints CA (critical); keyUsage keyCertSign, cRLSign (critical); SKI; AKI (= SKI) |
            | `intermediate` | O=SmimeGraph Test, CN=SmimeGraph Test Intermediate CA | RSA-3072, SHA-256 | 2020-01-01 to 2050-01-01 | basicConstraints CA, pathlen 0 (critical); keyUsage keyCertSign, cRLSign (critical); SKI; AKI |

            ## End entities

            All are issued by `intermediate` with SHA-256 and carry: basicConstraints CA:FALSE
            (critical), keyUsage (critical), extendedKeyUsage, subjectAltName rfc822Name, SKI and
            AKI. The subject is `O=SmimeGraph Test, CN=..., E=address` (in encoding order). No CRL
            distribution points. Serial numbers are 16 random octets.


            """);
        text.Append("| Name | Address (SAN and E) | Key | Key usage | Extended key usage | Validity | Purpose |\n");
        text.Append("|---|---|---|---|---|---|---|\n");
        foreach (TestCertificateProfile p in EndEntities)
        {
            string eku = string.Join(", ", p.ExtendedKeyUsages.Select(o => o == EmailProtection ? "emailProtection" : o == ServerAuth ? "serverAuth" : o));
            text.Append(CultureInfo.InvariantCulture,
                $"| `{p.Name}` | {p.Email} | {p.KeyDescription} | {KeyUsageText(p.KeyUsage)} | {eku} | {p.NotBefore:yyyy-MM-dd} to {p.NotAfter:yyyy-MM-dd} | {p.Description} |\n");
        }

        text.Append("""

            ## Deliberately bad certificates

            - `bad-expired`: valid 2020-01-01 to 2021-12-31. `openssl verify` fails with
              "certificate has expired" (error 10); a signer must refuse it.
            - `bad-not-yet-valid`: valid from 2049-01-01. `openssl verify` fails with
              "certificate is not yet valid" (error 9).
            - `bad-no-email-eku`: extendedKeyUsage serverAuth only. `openssl verify -purpose
              smimesign` (or `smimeencrypt`) fails with "unsuitable certificate purpose"
              (error 26).
            - `bad-rsa1024`: a 1024-bit RSA key, under the 2048-bit minimum SmimeGraph enforces.
              The chain itself verifies; the key size is the flaw (`openssl verify -auth_level 2`
              rejects it with "EE certificate key too weak").

            Apart from their one flaw they are ordinary S/MIME certificates (digitalSignature,
            nonRepudiation and keyEncipherment), so that flaw is the only reason to reject them.

            ## Checking

                openssl verify -CAfile root-ca.pem -untrusted intermediate.pem -purpose smimesign signer-rsa2048.pem
                openssl verify -CAfile root-ca.pem -untrusted intermediate.pem -purpose smimeencrypt recipient-rsa2048.pem
                openssl pkcs12 -in signer-rsa2048.pfx -passin pass:smimegraph -noout

            OpenSSL's `smimeencrypt` purpose requires keyEncipherment, so `recipient-ecdh-p256`
            (keyAgreement, as RFC 5753 asks for ECDH) verifies without `-purpose`.

            """);
        return text.ToString();
    }

    private static string KeyUsageText(X509KeyUsageFlags usage)
    {
        var names = new List<string>();
        if (usage.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            names.Add("digitalSignature");
        }

        if (usage.HasFlag(X509KeyUsageFlags.NonRepudiation))
        {
            names.Add("nonRepudiation");
        }

        if (usage.HasFlag(X509KeyUsageFlags.KeyEncipherment))
        {
            names.Add("keyEncipherment");
        }

        if (usage.HasFlag(X509KeyUsageFlags.KeyAgreement))
        {
            names.Add("keyAgreement");
        }

        return string.Join(", ", names);
    }
}
