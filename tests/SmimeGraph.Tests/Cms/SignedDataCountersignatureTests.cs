using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// Countersignatures (RFC 5652 §11.4) as System.Security.Cryptography.Pkcs writes them
/// (<c>SignerInfo.ComputeCounterSignature</c>) and as RFC 4134 §4.4 carries one: each is checked
/// over the countersigned signature value, reported beside the signature it countersigns, and
/// never makes or breaks that signature.
/// </summary>
public sealed class SignedDataCountersignatureTests
{
    private static readonly byte[] Content = "Content-Type: text/plain\r\n\r\nCountersigned.\r\n"u8.ToArray();

    private static X509Certificate2 Key(string name) =>
        X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert(name + ".pfx"), "smimegraph", X509KeyStorageFlags.Exportable);

    [Theory]
    [InlineData("signer-rsa3072", "RSA PKCS#1 v1.5")]
    [InlineData("signer-ecdsa-p256", "ECDSA")]
    public void Platform_countersignature_verifies_as_the_platform_says(string counterSigner, string algorithm)
    {
        byte[] encoded = Countersigned(Key("signer-rsa2048"), Key(counterSigner));

        // The peer's own judgement of what it wrote.
        var peer = new SignedCms();
        peer.Decode(encoded);
        peer.SignerInfos[0].CounterSignerInfos[0].CheckSignature(verifySignatureOnly: true);

        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(encoded).Verify(null));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.True(countersignature.IsSignatureValid, countersignature.Failure);
        Assert.Equal(Key(counterSigner).Thumbprint, countersignature.SignerCertificate!.Thumbprint);
        Assert.StartsWith(algorithm, countersignature.SignatureAlgorithm, StringComparison.Ordinal);
        Assert.Equal("SHA-256", countersignature.DigestAlgorithm);
    }

    [Fact]
    public void Altered_countersignature_fails_and_the_signature_stands()
    {
        byte[] encoded = Countersigned(Key("signer-rsa2048"), Key("signer-rsa3072"));
        var peer = new SignedCms();
        peer.Decode(encoded);
        byte[] counterValue = peer.SignerInfos[0].CounterSignerInfos[0].GetSignature();
        byte[] altered = Flip(encoded, encoded.AsSpan().IndexOf(counterValue) + 10);

        var peerOnAltered = new SignedCms();
        peerOnAltered.Decode(altered);
        Assert.ThrowsAny<CryptographicException>(() => peerOnAltered.SignerInfos[0].CounterSignerInfos[0].CheckSignature(verifySignatureOnly: true));

        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(altered).Verify(null));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.False(countersignature.IsSignatureValid);
        Assert.Contains("does not verify", countersignature.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Countersignature_does_not_cover_another_signature_value()
    {
        // The countersigned signature altered: the countersignature's messageDigest no longer
        // matches it, and the signature itself fails as well.
        byte[] encoded = Countersigned(Key("signer-rsa2048"), Key("signer-rsa3072"));
        var peer = new SignedCms();
        peer.Decode(encoded);
        byte[] signatureValue = peer.SignerInfos[0].GetSignature();
        byte[] altered = Flip(encoded, encoded.AsSpan().IndexOf(signatureValue) + 10);

        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(altered).Verify(null));
        Assert.False(verdict.IsSignatureValid);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.False(countersignature.IsSignatureValid);
        Assert.Contains("message digest", countersignature.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Countersignature_with_a_content_type_attribute_is_refused()
    {
        // RFC 5652 §11.4: a countersignature's signed attributes must not include contentType.
        using X509Certificate2 signer = Key("signer-rsa2048");
        using X509Certificate2 counterSigner = Key("signer-rsa3072");
        var cms = new SignedCms(new ContentInfo(Content), detached: false);
        cms.ComputeSignature(new CmsSigner(signer));
        var counter = new CmsSigner(counterSigner);
        counter.SignedAttributes.Add(new AsnEncodedData(new Oid(Oids.AttributeContentType), ContentTypeValue()));
        cms.SignerInfos[0].ComputeCounterSignature(counter);
        byte[] encoded = cms.Encode();

        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(encoded).Verify(null));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.False(countersignature.IsSignatureValid);
        Assert.Contains("contentType", countersignature.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Countersignatures_count_against_the_signer_info_limit()
    {
        using X509Certificate2 signer = Key("signer-rsa2048");
        using X509Certificate2 counterSigner = Key("signer-ecdsa-p256");
        var cms = new SignedCms(new ContentInfo(Content), detached: false);
        cms.ComputeSignature(new CmsSigner(signer));
        for (int i = 0; i < 3; i++)
        {
            cms.SignerInfos[0].ComputeCounterSignature(new CmsSigner(counterSigner));
        }

        byte[] encoded = cms.Encode();
        Assert.Equal(3, Assert.Single(SignedDataReader.Decode(encoded, new CmsReadBudget { MaxSignerInfos = 4 }).Verify(null)).Countersignatures.Count);
        ReaderLimitExceededException ex = Assert.Throws<ReaderLimitExceededException>(() => SignedDataReader.Decode(encoded, new CmsReadBudget { MaxSignerInfos = 3 }).Verify(null));
        Assert.Equal(nameof(CmsReadBudget.MaxSignerInfos), ex.LimitName);
    }

    [Fact]
    public void Rfc4134_countersignature_verifies()
    {
        // RFC 4134 §4.4: Alice's DSA signature with a countersignature. The prose says Diane; the
        // DER names CarlRSA serial 46346BC7800056BC11D36E2EC410B3B0, Alice's RSA certificate.
        X509Certificate2[] certificates = Directory.GetFiles(ReaderVectors.Path("rfc4134"), "*.cer").Select(X509CertificateLoader.LoadCertificateFromFile).ToArray();
        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(ReaderVectors.Bytes("rfc4134", "4.4.bin")).Verify(null, certificates));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.Equal("CN=AliceRSA", countersignature.SignerCertificate?.Subject);
        Assert.True(countersignature.IsSignatureValid, countersignature.Failure);
        Assert.Contains(countersignature.Weaknesses, w => w.Contains("SHA-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Inspector_reports_the_countersigner_with_its_chain_and_keeps_the_verdict()
    {
        using X509Certificate2 signer = Key("signer-rsa2048");
        using X509Certificate2 counterSigner = Key("signer-rsa3072");
        byte[] encoded = Countersigned(signer, counterSigner);
        InspectionResult result = SmimeInspector.Inspect(System.Text.Encoding.ASCII.GetBytes(OpaqueMessage(signer, encoded)), InspectorOptions());
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        SignatureVerdict verdict = Assert.Single(layer.Signatures);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.True(countersignature.IsSignatureValid, countersignature.Failure);
        Assert.NotNull(countersignature.Chain);
        Assert.True(countersignature.Chain.IsTrusted, string.Join("; ", countersignature.Chain.Problems));
        Assert.Contains(counterSigner.GetNameInfo(X509NameType.EmailName, false), countersignature.SignerAddresses);
        Assert.True(verdict.IsValidAndTrusted, verdict.Failure);
    }

    [Fact]
    public void Countersigner_certificate_the_platform_cannot_decode_is_a_problem_not_an_exception()
    {
        // A countersigner certificate with an extension whose OID is about 600 bytes long: .NET
        // throws reading its extensions, which must stay inside the inspector.
        using X509Certificate2 signer = Key("signer-rsa2048");
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Countersigner, E=counter@example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1." + string.Join('.', Enumerable.Repeat("99", 596)), [0x05, 0x00], critical: false));
        using X509Certificate2 issuer = Key("intermediate");
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using X509Certificate2 publicOnly = request.Create(issuer, issuer.NotBefore.AddDays(1), issuer.NotAfter.AddDays(-1), serial);
        using X509Certificate2 counterSigner = publicOnly.CopyWithPrivateKey(key);
        byte[] encoded = Countersigned(signer, counterSigner);

        InspectionResult result = SmimeInspector.Inspect(System.Text.Encoding.ASCII.GetBytes(OpaqueMessage(signer, encoded)), InspectorOptions());
        SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
        Assert.True(verdict.IsValidAndTrusted, verdict.Failure);
        SignatureVerdict countersignature = Assert.Single(verdict.Countersignatures);
        Assert.False(countersignature.Chain!.IsTrusted);
        Assert.Contains(countersignature.Chain.Problems, p => p.Code == InspectionProblemCodes.CertificateUnreadable);
    }

    /// <summary>An encapsulated SignedData over <see cref="Content"/> by <paramref name="signer"/>, countersigned by <paramref name="counterSigner"/>.</summary>
    private static byte[] Countersigned(X509Certificate2 signer, X509Certificate2 counterSigner)
    {
        var cms = new SignedCms(new ContentInfo(Content), detached: false);
        cms.ComputeSignature(new CmsSigner(signer) { DigestAlgorithm = new Oid(Oids.DigestSha256) });
        cms.SignerInfos[0].ComputeCounterSignature(new CmsSigner(counterSigner) { DigestAlgorithm = new Oid(Oids.DigestSha256) });
        return cms.Encode();
    }

    private static string OpaqueMessage(X509Certificate2 signer, byte[] signedData) =>
        "From: " + signer.GetNameInfo(X509NameType.EmailName, false) + "\r\nTo: bob@example.com\r\nSubject: countersigned\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Convert.ToBase64String(signedData, Base64FormattingOptions.InsertLineBreaks) + "\r\n";

    private static SmimeInspectorOptions InspectorOptions()
    {
        var options = new SmimeInspectorOptions();
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("root-ca.pem")));
        options.ExtraCertificates.Add(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("intermediate.pem")));
        return options;
    }

    private static byte[] ContentTypeValue()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(Oids.ContentTypeData);
        return writer.Encode();
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[at] ^= 0x01;
        return copy;
    }
}
