using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Certificates are attacker-supplied bytes: a signer certificate .NET cannot decode becomes a
/// problem of the signature, never an exception out of the inspector.
/// </summary>
public class CertificateDecodingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<RSA> Key = new(() => RSA.Create(2048));

    /// <summary>An OID of about <paramref name="bytes"/> content bytes: 1.3.6.1.4.1 then arcs of one byte each.</summary>
    private static string LongOid(int bytes) => "1.3.6.1.4.1." + string.Join('.', Enumerable.Repeat("99", bytes - 4));

    /// <summary>
    /// A signer certificate for alice@example.com issued by the test intermediate, with
    /// <paramref name="extra"/> added, signing a multipart/signed message with SignedCms.
    /// </summary>
    internal static byte[] SignedBy(params X509Extension[] extra)
    {
        var request = new CertificateRequest("CN=Alice, E=alice@example.com", Key.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress("alice@example.com");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], critical: false));
        foreach (X509Extension extension in extra)
        {
            // An extra extension takes the place of a default one with the same OID.
            request.CertificateExtensions.Remove(request.CertificateExtensions.FirstOrDefault(e => e.Oid?.Value == extension.Oid?.Value)!);
            request.CertificateExtensions.Add(extension);
        }

        using X509Certificate2 issuer = SmimeFixture.LoadPfx("intermediate");
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using X509Certificate2 publicOnly = request.Create(issuer, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), serial);
        using X509Certificate2 signer = publicOnly.CopyWithPrivateKey(Key.Value);

        const string Entity = "Content-Type: text/plain; charset=us-ascii\r\n\r\nSigned with an unusual certificate.\r\n";
        var cms = new SignedCms(new ContentInfo(Encoding.ASCII.GetBytes(Entity)), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer) { DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"), IncludeOption = X509IncludeOption.EndCertOnly }, silent: true);
        string signature = Convert.ToBase64String(cms.Encode(), Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(
            "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: unusual certificate\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"b\"\r\n\r\n" +
            "--b\r\n" + Entity + "\r\n--b\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            signature + "\r\n--b--\r\n");
    }

    private static SmimeInspectorOptions Options()
    {
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.TrustAnchors.Add(SmimeFixture.LoadPem("root-ca"));
        options.ExtraCertificates.Add(SmimeFixture.LoadPem("intermediate"));
        return options;
    }

    [Fact]
    public void A_signer_certificate_with_a_600_byte_oid_is_a_layer_problem_not_an_exception()
    {
        byte[] message = SignedBy(new X509Extension(LongOid(600), [0x05, 0x00], critical: false));
        InspectionResult result = SmimeInspector.Inspect(message, Options());
        Assert.False(result.IsValid);
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.True(layer.Signatures[0].IsSignatureValid);
        InspectionProblem problem = Assert.Single(result.Problems);
        Assert.Equal(InspectionProblemCodes.CertificateUnreadable, problem.Code);
        Assert.Equal("signature layer 1", problem.Location);
    }

    [Fact]
    public void The_same_certificate_without_the_extension_is_valid()
    {
        // The control: everything but the extension is a certificate the inspector accepts.
        InspectionResult result = SmimeInspector.Inspect(SignedBy(), Options());
        SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
        Assert.True(result.IsValid, verdict.Failure + " " + string.Join("; ", verdict.Chain?.Problems ?? []));
    }

    /// <summary>
    /// Each variant and whether the message stays valid: an extension nobody reads (a long but
    /// decodable OID, a policy, a directoryName) changes nothing; one that the chain builder or
    /// the certificate policy must read and cannot (garbage, an OID past what .NET decodes, an
    /// unknown critical extension), or an address that is not the From, makes it not valid.
    /// </summary>
    public static TheoryData<string, bool> MalformedExtensions => new()
    {
        { "oid-100", true }, { "oid-300", true }, { "oid-1000", false }, { "oid-4000", false }, { "oid-arc-overflow", true },
        { "san-garbage", false }, { "san-truncated", false }, { "san-wrong-tag", false }, { "san-empty", false }, { "san-other-address", false },
        { "key-usage-garbage", false }, { "key-usage-empty", false }, { "eku-garbage", false }, { "eku-long-oid", false },
        { "basic-constraints-garbage", false }, { "ski-garbage", false }, { "aki-garbage", false }, { "name-constraints-garbage", false },
        { "critical-unknown", false }, { "policies-long-oid", true }, { "subject-long-oid", true },
    };

    [Theory]
    [MemberData(nameof(MalformedExtensions))]
    public void Malformed_certificates_give_a_result_never_an_exception(string variant, bool valid)
    {
        // Any exception, of the library's family or not, fails the test: a certificate is data.
        InspectionResult result = SmimeInspector.Inspect(Variant(variant), Options());
        Assert.True(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures[0].IsSignatureValid, variant);
        Assert.True(valid == result.IsValid, $"{variant}: {string.Join("; ", result.Problems)}");
    }

    private static byte[] Variant(string variant)
    {
        static X509Extension Raw(string oid, byte[] value, bool critical = false) => new(oid, value, critical);
        static byte[] Sequence(Action<AsnWriter> write)
        {
            AsnWriter writer = Der();
            using (writer.PushSequence())
            {
                write(writer);
            }

            return writer.Encode();
        }

        byte[] garbage = [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        return variant switch
        {
            "oid-100" => SignedBy(Raw(LongOid(100), [0x05, 0x00])),
            "oid-300" => SignedBy(Raw(LongOid(300), [0x05, 0x00])),
            "oid-1000" => SignedBy(Raw(LongOid(1000), [0x05, 0x00])),
            "oid-4000" => SignedBy(Raw(LongOid(4000), [0x05, 0x00])),
            "oid-arc-overflow" => SignedBy(Raw("1.3.6.1.4.1.340282366920938463463374607431768211456123456789", [0x05, 0x00])),
            "san-garbage" => SignedBy(Raw("2.5.29.17", garbage)),
            "san-truncated" => SignedBy(Raw("2.5.29.17", [0x30, 0x10, 0x81, 0x0E, (byte)'a', (byte)'@'])),
            "san-wrong-tag" => SignedBy(Raw("2.5.29.17", [0x04, 0x03, 0x81, 0x01, 0x41])),
            "san-empty" => SignedBy(Raw("2.5.29.17", [])),
            "san-other-address" => SignedBy(Raw("2.5.29.17", Sequence(w => w.WriteCharacterString(UniversalTagNumber.IA5String, "mallory@example.com", new Asn1Tag(TagClass.ContextSpecific, 1))))),
            "key-usage-garbage" => SignedBy(Raw("2.5.29.15", garbage, critical: true)),
            "key-usage-empty" => SignedBy(Raw("2.5.29.15", [0x03, 0x00], critical: true)),
            "eku-garbage" => SignedBy(Raw("2.5.29.37", garbage)),
            "eku-long-oid" => SignedBy(Raw("2.5.29.37", Sequence(w => w.WriteObjectIdentifier(LongOid(700))))),
            "basic-constraints-garbage" => SignedBy(Raw("2.5.29.19", garbage, critical: true)),
            "ski-garbage" => SignedBy(Raw("2.5.29.14", garbage)),
            "aki-garbage" => SignedBy(Raw("2.5.29.35", garbage)),
            "name-constraints-garbage" => SignedBy(Raw("2.5.29.30", garbage, critical: true)),
            "critical-unknown" => SignedBy(Raw("1.3.6.1.4.1.99999.1", [0x05, 0x00], critical: true)),
            "policies-long-oid" => SignedBy(Raw("2.5.29.32", Sequence(w => { using (w.PushSequence()) { w.WriteObjectIdentifier(LongOid(600)); } }))),
            "subject-long-oid" => SignedBy(Raw("2.5.29.17", Sequence(w =>
            {
                // A directoryName whose attribute type is a 600-byte OID.
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                using (w.PushSequence())
                using (w.PushSetOf())
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(LongOid(600));
                    w.WriteCharacterString(UniversalTagNumber.UTF8String, "x");
                }
            }))),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    internal static AsnWriter Der() => new(AsnEncodingRules.DER);
}
