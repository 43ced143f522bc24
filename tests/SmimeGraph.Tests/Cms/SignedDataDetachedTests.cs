using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Cms;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Cms;

[Collection(SignedDataCollection.Name)]
public sealed class SignedDataDetachedTests(SignedDataTestPki pki)
{
    public static TheoryData<string, string, bool, bool> Modes => new()
    {
        // key, digest, PSS, subjectKeyIdentifier
        { "rsa2048", "SHA256", false, false },
        { "rsa3072", "SHA256", false, false },
        { "ecdsa-p256", "SHA256", false, false },
        { "ecdsa-p384", "SHA384", false, false },
        { "rsa2048", "SHA256", true, false },
        { "rsa3072", "SHA512", true, false },
        { "rsa2048", "SHA384", false, false },
        { "rsa2048", "SHA512", false, false },
        { "ecdsa-p256", "SHA512", false, false },
        { "rsa2048", "SHA256", false, true },
        { "ecdsa-p256", "SHA256", false, true },
    };

    internal static byte[] Content(int length)
    {
        // Canonical MIME-like text: CRLF lines.
        var builder = new StringBuilder("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        var random = new Random(length);
        while (builder.Length < length)
        {
            builder.Append("line ").Append(random.Next()).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(builder.ToString())[..length];
    }

    private SmimeSigner Options(TestSigner signer, string digest, bool pss, bool ski)
    {
        var options = new SmimeSigner(signer.Certificate)
        {
            DigestAlgorithm = new HashAlgorithmName(digest),
            UseRsaPss = pss,
            UseSubjectKeyIdentifier = ski,
        };
        options.Chain.AddRange(signer.Chain);
        return options;
    }

    private static byte[] SignDetached(SignedDataWriter writer, byte[] content)
    {
        using IncrementalHash hash = writer.CreateContentHash();
        hash.AppendData(content);
        byte[] signature = writer.CompleteDetached(hash.GetHashAndReset());
        Assert.Equal(writer.DetachedLength, signature.Length);
        return signature;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Verifies_with_openssl_nss_and_SignedCms(string key, string digest, bool pss, bool ski)
    {
        TestSigner signer = pki.Signer(key);
        var writer = SendingAgent.CreateSignedDataWriter(Options(signer, digest, pss, ski));
        byte[] content = Content(3000);
        byte[] signature = SignDetached(writer, content);

        SignedDataPeers.Success(SignedDataPeers.OpenSslVerify(signer, signature, content), "openssl cms -verify", content);
        SignedDataPeers.Success(SignedDataPeers.CmsUtilVerify(signer, signature, content), "cmsutil -D", expectedContent: null);

        SignedCms cms = SignedDataPeers.SignedCmsVerify(signer, signature, content);
        Assert.Equal(ski ? 3 : 1, cms.Version);
        Assert.Equal(ski ? 3 : 1, cms.SignerInfos[0].Version);
        Assert.Equal(ski ? SubjectIdentifierType.SubjectKeyIdentifier : SubjectIdentifierType.IssuerAndSerialNumber, cms.SignerInfos[0].SignerIdentifier.Type);
        Assert.Equal(digest switch { "SHA256" => "2.16.840.1.101.3.4.2.1", "SHA384" => "2.16.840.1.101.3.4.2.2", _ => "2.16.840.1.101.3.4.2.3" }, cms.SignerInfos[0].DigestAlgorithm.Value);
        Assert.Equal(
            pss ? "1.2.840.113549.1.1.10" : key.StartsWith("ecdsa", StringComparison.Ordinal) ? "1.2.840.10045.4.3." + digest switch { "SHA256" => "2", "SHA384" => "3", _ => "4" } : "1.2.840.113549.1.1." + digest switch { "SHA256" => "11", "SHA384" => "12", _ => "13" },
            cms.SignerInfos[0].SignatureAlgorithm.Value);
        Assert.Equal("sha-" + digest[3..], writer.MicAlg);
    }

    [Theory]
    [InlineData("rsa2048", false)]
    [InlineData("rsa2048", true)]
    [InlineData("ecdsa-p256", false)]
    public void Flipped_byte_in_content_or_signature_fails_everywhere(string key, bool pss)
    {
        TestSigner signer = pki.Signer(key);
        var writer = SendingAgent.CreateSignedDataWriter(Options(signer, "SHA256", pss, ski: false));
        byte[] content = Content(1000);
        byte[] signature = SignDetached(writer, content);

        byte[] badContent = (byte[])content.Clone();
        badContent[500] ^= 0x01;
        byte[] badSignature = (byte[])signature.Clone();
        badSignature[^10] ^= 0x01; // inside the signature value, the last field of the SignerInfo

        foreach ((byte[] sig, byte[] data) in new[] { (signature, badContent), (badSignature, content) })
        {
            Assert.NotEqual(0, SignedDataPeers.OpenSslVerify(signer, sig, data).ExitCode);
            SignedDataPeers.Failure(SignedDataPeers.CmsUtilVerify(signer, sig, data), "cmsutil -D");

            Assert.ThrowsAny<CryptographicException>(() => SignedDataPeers.SignedCmsVerify(signer, sig, data));
        }

        // The untouched pair still verifies, so the failures above come from the flipped bytes.
        Assert.Equal(0, SignedDataPeers.OpenSslVerify(signer, signature, content).ExitCode);
        Assert.Equal(0, SignedDataPeers.CmsUtilVerify(signer, signature, content).ExitCode);
        SignedDataPeers.SignedCmsVerify(signer, signature, content);
    }

    [Fact]
    public void OpenSsl_prints_the_expected_signed_attributes()
    {
        TestSigner signer = pki.Signer("rsa2048");
        SmimeSigner options = Options(signer, "SHA256", pss: false, ski: false);
        options.EncryptionCertificate = pki.EncryptionCertificate;
        byte[] signature = SignDetached(SendingAgent.CreateSignedDataWriter(options), Content(100));

        string print = OpenSslPrint(signature);
        foreach (string expected in new[] { "object: contentType (1.2.840.113549.1.9.3)", "object: messageDigest (1.2.840.113549.1.9.4)", "object: signingTime (1.2.840.113549.1.9.5)", "object: S/MIME Capabilities (1.2.840.113549.1.9.15)", "object: id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)", "object: id-smime-aa-encrypKeyPref (1.2.840.113549.1.9.16.2.11)", "(1.3.6.1.4.1.311.16.4)", "aes-256-gcm", "aes-128-gcm", "aes-256-cbc", "aes-128-cbc", "rsaesOaep" })
        {
            Assert.True(print.Contains(expected, StringComparison.Ordinal), $"{expected} missing from:\n{print}");
        }

        // Strongest first (RFC 8551 §2.5.2).
        int gcm256 = print.IndexOf("aes-256-gcm", StringComparison.Ordinal);
        int gcm128 = print.IndexOf("aes-128-gcm", StringComparison.Ordinal);
        int cbc256 = print.IndexOf("aes-256-cbc", StringComparison.Ordinal);
        int cbc128 = print.IndexOf("aes-128-cbc", StringComparison.Ordinal);
        Assert.True(gcm256 < gcm128 && gcm128 < cbc256 && cbc256 < cbc128, print);
    }

    private static string OpenSslPrint(byte[] signature) => SignedDataPeers.OpenSslPrint(signature);

    [Theory]
    [InlineData("SHA256", "2.16.840.1.101.3.4.2.1", 32)]
    [InlineData("SHA384", "2.16.840.1.101.3.4.2.2", 48)]
    [InlineData("SHA512", "2.16.840.1.101.3.4.2.3", 64)]
    public void Pss_parameters_follow_RFC_4056(string digest, string hashOid, int saltLength)
    {
        TestSigner signer = pki.Signer("rsa2048");
        byte[] signature = SignDetached(SendingAgent.CreateSignedDataWriter(Options(signer, digest, pss: true, ski: false)), Content(10));
        Assert.Contains("algorithm: rsassaPss (1.2.840.113549.1.1.10)", OpenSslPrint(signature), StringComparison.Ordinal);

        AsnReader signerInfo = ReadSignerInfo(signature);
        signerInfo.ReadInteger();
        signerInfo.ReadSequence();
        signerInfo.ReadSequence();
        signerInfo.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        AsnReader algorithm = signerInfo.ReadSequence();
        Assert.Equal("1.2.840.113549.1.1.10", algorithm.ReadObjectIdentifier());
        AsnReader parameters = algorithm.ReadSequence();
        AsnReader hash = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        Assert.Equal(hashOid, hash.ReadObjectIdentifier());
        AsnReader mgf = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1)).ReadSequence();
        Assert.Equal("1.2.840.113549.1.1.8", mgf.ReadObjectIdentifier());
        Assert.Equal(hashOid, mgf.ReadSequence().ReadObjectIdentifier());
        Assert.Equal(saltLength, (int)parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2)).ReadInteger());
        Assert.False(parameters.HasData); // trailerField 1 is the DEFAULT: omitted
    }

    internal static AsnReader ReadSignerInfo(byte[] signature)
    {
        AsnReader contentInfo = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        AsnReader signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        signedData.ReadSequence();
        signedData.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        return signedData.ReadSetOf().ReadSequence();
    }

    [Fact]
    public void Attribute_values_follow_RFC_5035_and_RFC_8551()
    {
        TestSigner signer = pki.Signer("ecdsa-p256");
        SmimeSigner options = Options(signer, "SHA256", pss: false, ski: false);
        options.EncryptionCertificate = pki.EncryptionCertificate;
        byte[] content = Content(10);
        byte[] signature = SignDetached(SendingAgent.CreateSignedDataWriter(options), content);
        SignedCms cms = SignedDataPeers.SignedCmsVerify(signer, signature, content);
        CryptographicAttributeObjectCollection attributes = cms.SignerInfos[0].SignedAttributes;

        // RFC 5035 §5.4.1: ESSCertIDv2 without hashAlgorithm (SHA-256 is the DEFAULT), certHash, issuerSerial.
        var reader = new AsnReader(Single(attributes, "1.2.840.113549.1.9.16.2.47"), AsnEncodingRules.DER);
        AsnReader certId = reader.ReadSequence().ReadSequence().ReadSequence();
        Assert.Equal(SHA256.HashData(signer.Certificate.RawData), certId.ReadOctetString());
        AsnReader issuerSerial = certId.ReadSequence();
        AsnReader generalNames = issuerSerial.ReadSequence();
        AsnReader directoryName = generalNames.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4));
        Assert.Equal(signer.Certificate.IssuerName.RawData, directoryName.ReadEncodedValue().ToArray());
        Assert.Equal(signer.Certificate.SerialNumberBytes.ToArray(), issuerSerial.ReadIntegerBytes().ToArray());
        Assert.False(certId.HasData);

        // RFC 8551 §2.5.3: issuerAndSerialNumber [0] of the encryption certificate.
        reader = new AsnReader(Single(attributes, "1.2.840.113549.1.9.16.2.11"), AsnEncodingRules.DER);
        AsnReader preference = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        Assert.Equal(pki.EncryptionCertificate.IssuerName.RawData, preference.ReadEncodedValue().ToArray());
        Assert.Equal(pki.EncryptionCertificate.SerialNumberBytes.ToArray(), preference.ReadIntegerBytes().ToArray());

        // Microsoft's attribute: a plain IssuerAndSerialNumber of the same certificate.
        reader = new AsnReader(Single(attributes, "1.3.6.1.4.1.311.16.4"), AsnEncodingRules.DER);
        AsnReader microsoft = reader.ReadSequence();
        Assert.Equal(pki.EncryptionCertificate.IssuerName.RawData, microsoft.ReadEncodedValue().ToArray());
        Assert.Equal(pki.EncryptionCertificate.SerialNumberBytes.ToArray(), microsoft.ReadIntegerBytes().ToArray());

        // SMIMECapabilities, in order.
        reader = new AsnReader(Single(attributes, "1.2.840.113549.1.9.15"), AsnEncodingRules.DER);
        AsnReader capabilities = reader.ReadSequence();
        var ids = new List<string>();
        while (capabilities.HasData)
        {
            ids.Add(capabilities.ReadSequence().ReadObjectIdentifier());
        }

        Assert.Equal(["2.16.840.1.101.3.4.1.46", "2.16.840.1.101.3.4.1.6", "2.16.840.1.101.3.4.1.42", "2.16.840.1.101.3.4.1.2", "1.2.840.113549.1.1.7"], ids);

        // contentType is id-data.
        reader = new AsnReader(Single(attributes, "1.2.840.113549.1.9.3"), AsnEncodingRules.DER);
        Assert.Equal("1.2.840.113549.1.7.1", reader.ReadObjectIdentifier());
    }

    private static byte[] Single(CryptographicAttributeObjectCollection attributes, string oid)
    {
        CryptographicAttributeObject[] matching = attributes.Cast<CryptographicAttributeObject>().Where(a => a.Oid.Value == oid).ToArray();
        Assert.Single(matching);
        Assert.True(matching[0].Values.Count == 1, "one attribute value");
        return matching[0].Values[0].RawData;
    }

    [Fact]
    public void Without_encryption_certificate_no_key_preference_is_sent()
    {
        TestSigner signer = pki.Signer("rsa2048");
        byte[] content = Content(10);
        byte[] signature = SignDetached(SendingAgent.CreateSignedDataWriter(Options(signer, "SHA256", false, false)), content);
        SignedCms cms = SignedDataPeers.SignedCmsVerify(signer, signature, content);
        string[] types = cms.SignerInfos[0].SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value!).ToArray();
        Assert.Equal(5, types.Length);
        Assert.DoesNotContain("1.2.840.113549.1.9.16.2.11", types);
        Assert.DoesNotContain("1.3.6.1.4.1.311.16.4", types);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Output_is_strict_DER_with_sorted_sets_and_the_chain_without_root(bool includeRoot)
    {
        TestSigner signer = pki.Signer("rsa2048");
        SmimeSigner options = Options(signer, "SHA256", false, false);
        options.EncryptionCertificate = pki.EncryptionCertificate;
        options.IncludeRoot = includeRoot;
        if (!options.Chain.Contains(signer.Root))
        {
            options.Chain.Add(signer.Root);
        }

        byte[] signature = SignDetached(SendingAgent.CreateSignedDataWriter(options), Content(10));

        // AsnReader in DER mode rejects unsorted SET OF and any non-DER length.
        var contentInfo = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.2", contentInfo.ReadObjectIdentifier());
        AsnReader signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        Assert.Equal(1, (int)signedData.ReadInteger());
        signedData.ReadSetOf();
        AsnReader eci = signedData.ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.1", eci.ReadObjectIdentifier());
        Assert.False(eci.HasData); // detached: no eContent
        AsnReader certificates = signedData.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        var sent = new List<X509Certificate2>();
        while (certificates.HasData)
        {
            sent.Add(X509CertificateLoader.LoadCertificate(certificates.ReadEncodedValue().Span));
        }

        Assert.Contains(sent, c => c.RawData.AsSpan().SequenceEqual(signer.Certificate.RawData));
        Assert.Equal(includeRoot, sent.Exists(c => c.RawData.AsSpan().SequenceEqual(signer.Root.RawData)));
        foreach (X509Certificate2 member in signer.Chain)
        {
            if (member.SubjectName.RawData.AsSpan().SequenceEqual(member.IssuerName.RawData) is false)
            {
                Assert.Contains(sent, c => c.RawData.AsSpan().SequenceEqual(member.RawData));
            }
        }

        AsnReader signerInfo = signedData.ReadSetOf().ReadSequence();
        Assert.False(signedData.HasData);
        Assert.Equal(1, (int)signerInfo.ReadInteger());
        signerInfo.ReadSequence();
        signerInfo.ReadSequence();
        AsnReader signedAttributes = signerInfo.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        int count = 0;
        while (signedAttributes.HasData)
        {
            signedAttributes.ReadSequence();
            count++;
        }

        Assert.Equal(7, count);
    }

    [Theory]
    [InlineData(2030, UniversalTagNumber.UtcTime)]
    [InlineData(2049, UniversalTagNumber.UtcTime)]
    [InlineData(2050, UniversalTagNumber.GeneralizedTime)]
    public void SigningTime_is_UTCTime_before_2050_and_GeneralizedTime_from_2050(int year, UniversalTagNumber expected)
    {
        TestSigner signer = pki.Signer("rsa2048");
        SmimeSigner options = Options(signer, "SHA256", false, false);
        options.SigningTime = new DateTimeOffset(year, 12, 31, 23, 59, 58, 123, TimeSpan.Zero);
        var writer = SendingAgent.CreateSignedDataWriter(options);
        byte[] content = Content(10);
        byte[] signature = SignDetached(writer, content);

        SignedCms cms = SignedDataPeers.SignedCmsVerify(signer, signature, content);
        var reader = new AsnReader(Single(cms.SignerInfos[0].SignedAttributes, "1.2.840.113549.1.9.5"), AsnEncodingRules.DER);
        Assert.Equal(new Asn1Tag(expected), reader.PeekTag());
        DateTimeOffset decoded = expected == UniversalTagNumber.UtcTime ? reader.ReadUtcTime(2049) : reader.ReadGeneralizedTime();
        Assert.Equal(new DateTimeOffset(year, 12, 31, 23, 59, 58, TimeSpan.Zero), decoded);
        Assert.Equal(decoded, writer.SigningTime);
    }

    [Fact]
    public void SigningTime_defaults_to_the_clock()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow.AddMinutes(-5));
        var writer = SendingAgent.CreateSignedDataWriter(Options(pki.Signer("rsa2048"), "SHA256", false, false), clock);
        DateTimeOffset now = clock.GetUtcNow();
        Assert.Equal(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero), writer.SigningTime);
    }

    [Fact]
    public void Wrong_digest_length_is_refused()
    {
        var writer = SendingAgent.CreateSignedDataWriter(Options(pki.Signer("rsa2048"), "SHA256", false, false));
        Assert.Throws<ArgumentException>("contentDigest", () => writer.CompleteDetached(new byte[48]));
    }

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
