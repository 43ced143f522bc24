using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using SmimeGraph.Cms;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Cms;

[Collection(SignedDataCollection.Name)]
public sealed class SignedDataEncapsulatedTests(SignedDataTestPki pki)
{
    public static TheoryData<string, bool, int> KeysAndSizes()
    {
        var data = new TheoryData<string, bool, int>();
        foreach (string key in new[] { "rsa2048", "rsa3072", "ecdsa-p256", "ecdsa-p384" })
        {
            foreach (int size in new[] { 0, 1, 4096, 1 << 20 })
            {
                data.Add(key, false, size);
            }
        }

        data.Add("rsa2048", true, 0);
        data.Add("rsa2048", true, 1 << 20);
        return data;
    }

    private SignedDataWriter Writer(string key, bool pss = false, string digest = "SHA256", bool ski = false)
    {
        TestSigner signer = pki.Signer(key);
        var options = new SmimeSigner(signer.Certificate) { UseRsaPss = pss, DigestAlgorithm = new HashAlgorithmName(digest), UseSubjectKeyIdentifier = ski };
        options.Chain.AddRange(signer.Chain);
        return SendingAgent.CreateSignedDataWriter(options);
    }

    private static byte[] Encapsulate(SignedDataWriter writer, byte[] content, bool definite, int chunk)
    {
        using var output = new MemoryStream();
        using (Stream signing = writer.OpenEncapsulated(output, definite ? content.Length : null))
        {
            for (int offset = 0; offset < content.Length; offset += chunk)
            {
                signing.Write(content, offset, Math.Min(chunk, content.Length - offset));
            }
        }

        return output.ToArray();
    }

    [Theory]
    [MemberData(nameof(KeysAndSizes))]
    public void Predicted_lengths_equal_produced_lengths_and_openssl_verifies(string key, bool pss, int size)
    {
        TestSigner signer = pki.Signer(key);
        SignedDataWriter writer = Writer(key, pss);
        byte[] content = SignedDataDetachedTests.Content(size);

        byte[] definite = Encapsulate(writer, content, definite: true, chunk: 4096);
        Assert.Equal(writer.PredictEncapsulatedLength(size), definite.Length);
        byte[] indefinite = Encapsulate(writer, content, definite: false, chunk: 4096);
        Assert.Equal(writer.PredictIndefiniteEncapsulatedLength(size), indefinite.Length);

        foreach (byte[] signed in new[] { definite, indefinite })
        {
            SignedDataPeers.Success(SignedDataPeers.OpenSslVerify(signer, signed, detachedContent: null), "openssl cms -verify", content);
            SignedCms cms = SignedDataPeers.SignedCmsVerify(signer, signed, detachedContent: null);
            Assert.Equal(content, cms.ContentInfo.Content);
        }

        // The definite form is DER throughout.
        AsnReader contentInfo = new AsnReader(definite, AsnEncodingRules.DER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        AsnReader signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        Assert.Equal(1, (int)signedData.ReadInteger());
        signedData.ReadSetOf();
        AsnReader eci = signedData.ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.1", eci.ReadObjectIdentifier());
        Assert.Equal(content, eci.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString());
    }

    [Theory]
    [InlineData("rsa2048", false)]
    [InlineData("rsa2048", true)]
    [InlineData("ecdsa-p256", false)]
    [InlineData("ecdsa-p384", false)]
    public void Nss_cmsutil_verifies_and_returns_the_content(string key, bool definite)
    {
        TestSigner signer = pki.Signer(key);
        SignedDataWriter writer = Writer(key);
        byte[] content = SignedDataDetachedTests.Content(20000);
        byte[] signed = Encapsulate(writer, content, definite, chunk: 16);

        SignedDataPeers.Success(SignedDataPeers.CmsUtilVerify(signer, signed, detachedContent: null), "cmsutil -D", content);

        byte[] damaged = (byte[])signed.Clone();
        damaged[signed.Length / 2] ^= 0x01; // in the content
        SignedDataPeers.Failure(SignedDataPeers.CmsUtilVerify(signer, damaged, detachedContent: null), "cmsutil -D");
        Assert.NotEqual(0, SignedDataPeers.OpenSslVerify(signer, damaged, detachedContent: null).ExitCode);
        Assert.ThrowsAny<CryptographicException>(() => SignedDataPeers.SignedCmsVerify(signer, damaged, detachedContent: null));

        damaged = (byte[])signed.Clone();
        damaged[^(definite ? 5 : 17)] ^= 0x01; // in the signature value (before the end-of-contents octets when indefinite)
        SignedDataPeers.Failure(SignedDataPeers.CmsUtilVerify(signer, damaged, detachedContent: null), "cmsutil -D");
        Assert.NotEqual(0, SignedDataPeers.OpenSslVerify(signer, damaged, detachedContent: null).ExitCode);
        Assert.ThrowsAny<CryptographicException>(() => SignedDataPeers.SignedCmsVerify(signer, damaged, detachedContent: null));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Chunking_does_not_change_the_output(bool definite)
    {
        // RSA PKCS #1 v1.5 is deterministic and the signing time is fixed per writer: the
        // outputs must be identical byte for byte whatever the write sizes.
        SignedDataWriter writer = Writer("rsa2048");
        byte[] content = SignedDataDetachedTests.Content(20000);
        byte[] reference = Encapsulate(writer, content, definite, chunk: content.Length);
        foreach (int chunk in new[] { 1, 16, 4096, SignedDataWriter.EncapsulatedSegmentLength + 1 })
        {
            Assert.Equal(reference, Encapsulate(writer, content, definite, chunk));
        }

        SignedDataPeers.Success(SignedDataPeers.OpenSslVerify(pki.Signer("rsa2048"), reference, null), "openssl cms -verify", content);
    }

    [Theory]
    [InlineData("ecdsa-p256", 1)]
    [InlineData("ecdsa-p384", 16)]
    [InlineData("rsa2048", 4096)]
    public async Task Async_writes_give_the_same_structure_and_verify(string key, int chunk)
    {
        TestSigner signer = pki.Signer(key);
        SignedDataWriter writer = Writer(key, digest: "SHA384");
        byte[] content = SignedDataDetachedTests.Content(10000);
        foreach (bool definite in new[] { true, false })
        {
            using var output = new MemoryStream();
            await using (Stream signing = writer.OpenEncapsulated(output, definite ? content.Length : null))
            {
                for (int offset = 0; offset < content.Length; offset += chunk)
                {
                    await signing.WriteAsync(content.AsMemory(offset, Math.Min(chunk, content.Length - offset)));
                }
            }

            byte[] signed = output.ToArray();
            Assert.Equal(definite ? writer.PredictEncapsulatedLength(content.Length) : writer.PredictIndefiniteEncapsulatedLength(content.Length), signed.Length);
            byte[] synchronous = Encapsulate(writer, content, definite, chunk);
            Assert.Equal(synchronous.Length, signed.Length);

            // Same bytes up to the signature value (ECDSA signatures are randomized).
            int signatureLength = key.StartsWith("ecdsa", StringComparison.Ordinal) ? (key.EndsWith("256", StringComparison.Ordinal) ? 72 : 104) : 256;
            int tail = signatureLength + (definite ? 0 : 6);
            Assert.Equal(synchronous.AsSpan(0, synchronous.Length - tail).ToArray(), signed.AsSpan(0, signed.Length - tail).ToArray());
            SignedDataPeers.Success(SignedDataPeers.OpenSslVerify(signer, signed, null), "openssl cms -verify", content);
            SignedDataPeers.SignedCmsVerify(signer, signed, null);
        }
    }

    [Theory]
    [InlineData("rsa2048", true, "SHA512")]
    [InlineData("ecdsa-p256", false, "SHA384")]
    public void Subject_key_identifier_signer_makes_version_3_and_verifies(string key, bool definite, string digest)
    {
        TestSigner signer = pki.Signer(key);
        SignedDataWriter writer = Writer(key, digest: digest, ski: true);
        byte[] content = SignedDataDetachedTests.Content(5000);
        byte[] signed = Encapsulate(writer, content, definite, chunk: 16);
        Assert.Equal(definite ? writer.PredictEncapsulatedLength(content.Length) : writer.PredictIndefiniteEncapsulatedLength(content.Length), signed.Length);

        SignedDataPeers.Success(SignedDataPeers.OpenSslVerify(signer, signed, null), "openssl cms -verify", content);
        SignedDataPeers.Success(SignedDataPeers.CmsUtilVerify(signer, signed, null), "cmsutil -D", content);
        SignedCms cms = SignedDataPeers.SignedCmsVerify(signer, signed, null);
        Assert.Equal(3, cms.Version);
        Assert.Equal(3, cms.SignerInfos[0].Version);
        Assert.Equal(SubjectIdentifierType.SubjectKeyIdentifier, cms.SignerInfos[0].SignerIdentifier.Type);
        Assert.Equal(
            signer.Certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier,
            (string?)cms.SignerInfos[0].SignerIdentifier.Value);
    }

    [Fact]
    public void Writing_more_or_less_than_announced_is_refused()
    {
        SignedDataWriter writer = Writer("rsa2048");
        using var output = new MemoryStream();
        Stream signing = writer.OpenEncapsulated(output, 10);
        signing.Write(new byte[6]);
        Assert.Throws<InvalidOperationException>(() => signing.Write(new byte[5]));
        Assert.Throws<InvalidOperationException>(signing.Dispose);
        Assert.Throws<ObjectDisposedException>(() => signing.Write(new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.OpenEncapsulated(output, -1));
    }

    [Fact]
    public void Ecdsa_signatures_have_the_longest_DER_length_for_the_curve()
    {
        Assert.Equal(72, SignerInfoWriter.MaximalEcdsaSignatureLength(256));
        Assert.Equal(104, SignerInfoWriter.MaximalEcdsaSignatureLength(384));
        Assert.Equal(139, SignerInfoWriter.MaximalEcdsaSignatureLength(521));

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] hash = SHA256.HashData("abc"u8);
        for (int i = 0; i < 20; i++)
        {
            byte[] signature = SignerInfoWriter.SignEcdsa(key, hash, 72);
            Assert.Equal(72, signature.Length);
            Assert.True(key.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence));
        }
    }

    [Fact]
    public void Ecdsa_that_never_gives_the_full_length_fails_with_a_typed_error()
    {
        // A key with deterministic nonces (RFC 6979, an HSM) signs a digest the same way every
        // time; when that signature is short, no number of attempts helps.
        using var key = new ShortSignatureEcdsa();
        byte[] hash = SHA256.HashData("abc"u8);
        var ex = Assert.Throws<SmimeGraphException>(() => SignerInfoWriter.SignEcdsa(key, hash, 72));
        Assert.Contains("deterministic", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ShortSignatureEcdsa : ECDsa
    {
        public ShortSignatureEcdsa() => KeySizeValue = 256;

        // IEEE P1363 r || s with both integers tiny: their DER form is far under 72 bytes.
        public override byte[] SignHash(byte[] hash)
        {
            byte[] signature = new byte[64];
            signature[31] = 1;
            signature[63] = 1;
            return signature;
        }

        public override bool VerifyHash(byte[] hash, byte[] signature) => false;
    }
}
