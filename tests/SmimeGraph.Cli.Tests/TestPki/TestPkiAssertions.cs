using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests.TestPki;

/// <summary>Checks a test PKI folder (the committed one or a freshly generated one) with X509Certificate2 and OpenSSL.</summary>
internal static class TestPkiAssertions
{
    public static X509Certificate2 Load(string directory, string name) =>
        X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, name + ".pem"));

    public static PeerResult OpenSsl(string directory, params string[] arguments) =>
        Peer.Run("openssl", arguments, workingDirectory: directory);

    public static PeerResult Verify(string directory, string name, string? purpose)
    {
        List<string> arguments = ["verify", "-CAfile", "root-ca.pem", "-untrusted", "intermediate.pem"];
        if (purpose is not null)
        {
            arguments.AddRange(["-purpose", purpose]);
        }

        arguments.Add(name + ".pem");
        return OpenSsl(directory, [.. arguments]);
    }

    public static void AssertCertificateAuthorities(string directory)
    {
        using X509Certificate2 root = Load(directory, "root-ca");
        using X509Certificate2 intermediate = Load(directory, "intermediate");

        Assert.Equal("CN=SmimeGraph Test Root CA, O=SmimeGraph Test", root.Subject);
        Assert.Equal(root.Subject, root.Issuer);
        Assert.Equal("CN=SmimeGraph Test Intermediate CA, O=SmimeGraph Test", intermediate.Subject);
        Assert.Equal(root.Subject, intermediate.Issuer);

        foreach (X509Certificate2 ca in new[] { root, intermediate })
        {
            Assert.Equal("1.2.840.113549.1.1.11", ca.SignatureAlgorithm.Value); // sha256WithRSAEncryption
            Assert.Equal(3072, ca.GetRSAPublicKey()!.KeySize);
            Assert.Equal(ExpectedCertificate.CaNotBefore, new DateTimeOffset(ca.NotBefore.ToUniversalTime()));
            Assert.Equal(ExpectedCertificate.End, new DateTimeOffset(ca.NotAfter.ToUniversalTime()));
            X509KeyUsageExtension keyUsage = Extension<X509KeyUsageExtension>(ca);
            Assert.True(keyUsage.Critical);
            Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, keyUsage.KeyUsages);
        }

        X509BasicConstraintsExtension rootConstraints = Extension<X509BasicConstraintsExtension>(root);
        Assert.True(rootConstraints.Critical);
        Assert.True(rootConstraints.CertificateAuthority);
        Assert.False(rootConstraints.HasPathLengthConstraint);

        X509BasicConstraintsExtension intermediateConstraints = Extension<X509BasicConstraintsExtension>(intermediate);
        Assert.True(intermediateConstraints.Critical);
        Assert.True(intermediateConstraints.CertificateAuthority);
        Assert.True(intermediateConstraints.HasPathLengthConstraint);
        Assert.Equal(0, intermediateConstraints.PathLengthConstraint);

        AssertKeyIdentifiers(root, root);
        AssertKeyIdentifiers(intermediate, root);

        // ca-chain.pem: the intermediate, then the root.
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(Path.Combine(directory, "ca-chain.pem"));
        Assert.Equal([intermediate.Thumbprint, root.Thumbprint], chain.Select(c => c.Thumbprint));

        string text = OpenSsl(directory, "x509", "-in", "intermediate.pem", "-noout", "-text").EnsureSuccess("openssl x509").StandardOutputText;
        Assert.Contains("CA:TRUE, pathlen:0", text, StringComparison.Ordinal);
        Assert.Contains("Certificate Sign, CRL Sign", text, StringComparison.Ordinal);
    }

    public static void AssertEndEntity(string directory, ExpectedCertificate expected)
    {
        using X509Certificate2 certificate = Load(directory, expected.Name);
        using X509Certificate2 intermediate = Load(directory, "intermediate");

        Assert.Equal(intermediate.Subject, certificate.Issuer);
        Assert.Equal("1.2.840.113549.1.1.11", certificate.SignatureAlgorithm.Value);
        Assert.Equal(expected.NotBefore, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()));
        Assert.Equal(expected.NotAfter, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));

        // Serial numbers: random, positive, 16 octets (big-endian, no leading zero octet).
        byte[] serial = certificate.SerialNumberBytes.ToArray();
        Assert.Equal(16, serial.Length);
        Assert.InRange(serial[0], 0x01, 0x7F);

        Assert.Equal(expected.KeyAlgorithm, certificate.PublicKey.Oid.Value);
        if (expected.KeyAlgorithm == ExpectedCertificate.Rsa)
        {
            using RSA rsa = certificate.GetRSAPublicKey()!;
            Assert.Equal(expected.KeySize, rsa.KeySize);
        }
        else
        {
            using ECDiffieHellman ec = certificate.PublicKey.GetECDiffieHellmanPublicKey()!;
            Assert.Equal("1.2.840.10045.3.1.7", ec.ExportParameters(false).Curve.Oid.Value); // P-256
        }

        // Subject: O, CN, E (PKCS #9 emailAddress).
        Dictionary<string, string?> subject = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .ToDictionary(r => r.GetSingleElementType().Value!, r => r.GetSingleElementValue());
        Assert.Equal(expected.CommonName, subject["2.5.4.3"]);
        Assert.Equal(expected.Email, subject["1.2.840.113549.1.9.1"]);
        Assert.Equal("SmimeGraph Test", subject["2.5.4.10"]);

        X509BasicConstraintsExtension constraints = Extension<X509BasicConstraintsExtension>(certificate);
        Assert.False(constraints.CertificateAuthority);

        X509KeyUsageExtension keyUsage = Extension<X509KeyUsageExtension>(certificate);
        Assert.True(keyUsage.Critical);
        Assert.Equal(expected.KeyUsage, keyUsage.KeyUsages);

        X509EnhancedKeyUsageExtension extendedKeyUsage = Extension<X509EnhancedKeyUsageExtension>(certificate);
        Assert.Equal([expected.ExtendedKeyUsage], extendedKeyUsage.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));

        Assert.Equal([expected.Email], SubjectAltNameEmails(certificate));
        AssertKeyIdentifiers(certificate, intermediate);

        // The same facts as OpenSSL prints them.
        string text = OpenSsl(directory, "x509", "-in", expected.Name + ".pem", "-noout", "-text").EnsureSuccess("openssl x509").StandardOutputText;
        Assert.Contains("email:" + expected.Email, text, StringComparison.Ordinal);
        Assert.Contains("emailAddress = " + expected.Email, text, StringComparison.Ordinal);
        Assert.Contains(expected.ExtendedKeyUsage == ExpectedCertificate.EmailProtection ? "E-mail Protection" : "TLS Web Server Authentication", text, StringComparison.Ordinal);
        Assert.Matches(@"X509v3 Basic Constraints: critical\s+CA:FALSE", text);
        Assert.Matches(@"X509v3 Key Usage: critical\s+" + Regex.Escape(OpenSslKeyUsage(expected.KeyUsage)) + @"\s", text);
        Assert.Contains("X509v3 Subject Key Identifier", text, StringComparison.Ordinal);
        Assert.Contains("X509v3 Authority Key Identifier", text, StringComparison.Ordinal);
        Assert.Contains($"Public-Key: ({expected.KeySize} bit)", text, StringComparison.Ordinal);
    }

    /// <summary>NAME.key.pem holds the private key of NAME.pem, and NAME.pfx both with the chain.</summary>
    public static void AssertKeyAndPkcs12(string directory, string name, int expectedCertificates)
    {
        string certificateKey = OpenSsl(directory, "x509", "-in", name + ".pem", "-noout", "-pubkey").EnsureSuccess("openssl x509 -pubkey").StandardOutputText;
        string privateKeyPublic = OpenSsl(directory, "pkey", "-in", name + ".key.pem", "-pubout").EnsureSuccess("openssl pkey").StandardOutputText;
        Assert.Equal(certificateKey, privateKeyPublic);

        OpenSsl(directory, "pkcs12", "-in", name + ".pfx", "-passin", "pass:smimegraph", "-noout").EnsureSuccess("openssl pkcs12 -noout");
        PeerResult info = OpenSsl(directory, "pkcs12", "-in", name + ".pfx", "-passin", "pass:smimegraph", "-info", "-nokeys").EnsureSuccess("openssl pkcs12 -info");
        string infoText = info.StandardError + info.StandardOutputText;
        Assert.Contains("MAC: sha256", infoText, StringComparison.Ordinal);
        Assert.Contains("PBES2, PBKDF2, AES-256-CBC", infoText, StringComparison.Ordinal);
        Assert.DoesNotContain("RC2", infoText, StringComparison.Ordinal);
        Assert.DoesNotContain("3DES", infoText, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(infoText, "Shrouded Keybag"));
        Assert.Contains("friendlyName: " + name, info.StandardOutputText, StringComparison.Ordinal);
        Assert.Equal(expectedCertificates, Regex.Count(info.StandardOutputText, "-----BEGIN CERTIFICATE-----"));

        X509Certificate2Collection pfx = X509CertificateLoader.LoadPkcs12CollectionFromFile(Path.Combine(directory, name + ".pfx"), "smimegraph");
        try
        {
            using X509Certificate2 certificate = Load(directory, name);
            X509Certificate2 keyed = Assert.Single(pfx, c => c.HasPrivateKey);
            Assert.Equal(certificate.Thumbprint, keyed.Thumbprint);
            Assert.Equal(expectedCertificates, pfx.Count);
        }
        finally
        {
            foreach (X509Certificate2 c in pfx)
            {
                c.Dispose();
            }
        }
    }

    private static void AssertKeyIdentifiers(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        X509SubjectKeyIdentifierExtension subjectKeyIdentifier = Extension<X509SubjectKeyIdentifierExtension>(certificate);
        // RFC 5280 §4.2.1.2 method 1.
        var computed = new X509SubjectKeyIdentifierExtension(certificate.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, false);
        Assert.Equal(computed.SubjectKeyIdentifier, subjectKeyIdentifier.SubjectKeyIdentifier);

        X509AuthorityKeyIdentifierExtension authorityKeyIdentifier = Extension<X509AuthorityKeyIdentifierExtension>(certificate);
        Assert.NotNull(authorityKeyIdentifier.KeyIdentifier);
        Assert.Equal(
            Convert.FromHexString(Extension<X509SubjectKeyIdentifierExtension>(issuer).SubjectKeyIdentifier!),
            authorityKeyIdentifier.KeyIdentifier.Value.ToArray());
    }

    private static T Extension<T>(X509Certificate2 certificate)
        where T : X509Extension =>
        Assert.Single(certificate.Extensions.OfType<T>());

    /// <summary>The rfc822Name entries of subjectAltName (RFC 5280 §4.2.1.6: GeneralName [1] IA5String).</summary>
    private static List<string> SubjectAltNameEmails(X509Certificate2 certificate)
    {
        X509Extension extension = Assert.Single(certificate.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == "2.5.29.17");
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        AsnReader names = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var emails = new List<string>();
        var rfc822Name = new Asn1Tag(TagClass.ContextSpecific, 1);
        while (names.HasData)
        {
            if (names.PeekTag() == rfc822Name)
            {
                emails.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, rfc822Name));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return emails;
    }

    private static string OpenSslKeyUsage(X509KeyUsageFlags usage)
    {
        var names = new List<string>();
        if (usage.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            names.Add("Digital Signature");
        }

        if (usage.HasFlag(X509KeyUsageFlags.NonRepudiation))
        {
            names.Add("Non Repudiation");
        }

        if (usage.HasFlag(X509KeyUsageFlags.KeyEncipherment))
        {
            names.Add("Key Encipherment");
        }

        if (usage.HasFlag(X509KeyUsageFlags.KeyAgreement))
        {
            names.Add("Key Agreement");
        }

        return string.Join(", ", names);
    }
}
