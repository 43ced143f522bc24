using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

public class SignedDataReaderTests
{
    private const string Nss = "thunderbird-nss";

    [Theory]
    [InlineData("SHA1", "SHA-1", true)]
    [InlineData("SHA256", "SHA-256", false)]
    [InlineData("SHA384", "SHA-384", false)]
    [InlineData("SHA512", "SHA-512", false)]
    public void Nss_detached_signature_over_alice_mime_verifies(string file, string digest, bool weak)
    {
        byte[] content = ReaderVectors.Bytes(Nss, "smime", "alice.mime");
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes(Nss, "smime", "alice.mime.dsig." + file));
        Assert.Null(reader.EncapsulatedContent);

        SignatureVerdict verdict = Assert.Single(reader.Verify(content));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.Equal(digest, verdict.DigestAlgorithm);
        Assert.Contains("Alice", verdict.SignerCertificate!.Subject);
        Assert.Null(verdict.SigningTime); // cmsutil writes no signingTime
        Assert.Equal(weak, verdict.Weaknesses.Count > 0);
        Assert.StartsWith("RSA PKCS#1 v1.5", verdict.SignatureAlgorithm);
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public void Nss_opaque_signature_verifies_and_carries_the_text(string file)
    {
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes(Nss, "smime", "alice.textplain.sig." + file));
        Assert.Equal(ReaderVectors.Bytes(Nss, "smime", "alice.textplain"), reader.EncapsulatedContent!.Value.ToArray());
        SignatureVerdict verdict = Assert.Single(reader.Verify(null));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
    }

    [Fact]
    public void Altered_content_is_invalid()
    {
        byte[] content = ReaderVectors.Bytes(Nss, "smime", "alice.mime");
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes(Nss, "smime", "alice.mime.dsig.SHA256"));
        for (int i = 0; i < content.Length; i += 17)
        {
            SignatureVerdict verdict = Assert.Single(reader.Verify(ReaderVectors.Flip(content, i)));
            Assert.False(verdict.IsSignatureValid);
            Assert.Contains("message digest", verdict.Failure);
        }
    }

    [Fact]
    public void Flipped_signature_byte_is_invalid()
    {
        byte[] content = ReaderVectors.Bytes(Nss, "smime", "alice.mime");
        byte[] cms = ReaderVectors.Bytes(Nss, "smime", "alice.mime.dsig.SHA256");
        SignedDataReader original = SignedDataReader.Decode(cms);
        byte[] signature = original.SignerInfos[0].Signature.ToArray();
        int at = cms.AsSpan().IndexOf(signature) + signature.Length / 2;
        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(ReaderVectors.Flip(cms, at)).Verify(content));
        Assert.False(verdict.IsSignatureValid);
        Assert.Contains("does not verify", verdict.Failure);
    }

    [Fact]
    public void Encapsulated_content_with_a_supplied_detached_content_is_invalid()
    {
        // The eContent-confusion attack: a "detached" signature that also carries eContent.
        byte[] opaque = ReaderVectors.Bytes(Nss, "smime", "alice.textplain.sig.SHA256");
        SignedDataReader reader = SignedDataReader.Decode(opaque);
        SignatureVerdict verdict = Assert.Single(reader.Verify(ReaderVectors.Bytes(Nss, "smime", "alice.textplain")));
        Assert.False(verdict.IsSignatureValid);
        Assert.Contains("encapsulated content", verdict.Failure);
    }

    [Theory]
    [InlineData("bad_signtime_attr.cms", "signingTime")]
    [InlineData("ct_multiple_attr.cms", "contentType")]
    [InlineData("no_ct_attr.cms", "contentType")]
    [InlineData("no_md_attr.cms", "messageDigest")]
    public void OpenSsl_malformed_signed_attributes_are_rejected(string file, string attribute)
    {
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes("openssl", "80-test_cms_data", file));
        SignatureVerdict verdict = Assert.Single(reader.Verify(null));
        Assert.False(verdict.IsSignatureValid);
        Assert.Contains(attribute, verdict.Failure);
    }

    [Theory]
    [InlineData("PSSSignDataSHA1.sig", "SHA-1")]
    [InlineData("PSSSignDataSHA1Enc.sig", "SHA-1")]
    [InlineData("PSSSignDataSHA256.sig", "SHA-256")]
    [InlineData("PSSSignDataSHA256Enc.sig", "SHA-256")]
    [InlineData("PSSSignDataSHA512.sig", "SHA-512")]
    [InlineData("PSSSignDataSHA512Enc.sig", "SHA-512")]
    public void BouncyCastle_pss_signatures_verify(string file, string digest)
    {
        byte[] data = ReaderVectors.Bytes("bc-csharp", "cms", "sigs", "PSSSignData.data");
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes("bc-csharp", "cms", "sigs", file));
        ReadOnlyMemory<byte>? detached = reader.EncapsulatedContent is null ? data : (ReadOnlyMemory<byte>?)null;
        SignatureVerdict verdict = Assert.Single(reader.Verify(detached));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.StartsWith($"RSASSA-PSS ({digest}", verdict.SignatureAlgorithm);
        if (detached is not null)
        {
            Assert.False(Assert.Single(reader.Verify(ReaderVectors.Flip(data, 3))).IsSignatureValid);
        }
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(0)]
    public void OpenSsl_pss_with_non_default_salt_length_verifies(int saltLength)
    {
        string dir = TestPaths.NewTempDirectory();
        X509Certificate2 alice = ReaderVectors.NssKey(Nss, "smime/Alice.p12");
        File.WriteAllText(System.IO.Path.Combine(dir, "alice.pem"), alice.ExportCertificatePem() + "\n" + alice.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        string input = System.IO.Path.Combine(dir, "in.txt");
        File.WriteAllText(input, "PSS with a chosen salt length\r\n");
        string output = System.IO.Path.Combine(dir, "out.der");
        Peer.OpenSsl("cms", "-sign", "-binary", "-in", input, "-signer", System.IO.Path.Combine(dir, "alice.pem"), "-md", "sha256",
            "-keyopt", "rsa_padding_mode:pss", "-keyopt", $"rsa_pss_saltlen:{saltLength}", "-keyopt", "rsa_mgf1_md:sha384", "-outform", "DER", "-out", output).EnsureSuccess("openssl cms -sign");

        SignedDataReader reader = SignedDataReader.Decode(File.ReadAllBytes(output));
        SignatureVerdict verdict = Assert.Single(reader.Verify(File.ReadAllBytes(input)));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.Equal($"RSASSA-PSS (SHA-256, MGF1 SHA-384, salt {saltLength})", verdict.SignatureAlgorithm);
        Assert.False(Assert.Single(reader.Verify(ReaderVectors.Flip(File.ReadAllBytes(input), 0))).IsSignatureValid);
    }

    [Theory]
    [InlineData("smime/Alice.p12", "sha224", "RSA PKCS#1 v1.5 with SHA-224")]
    [InlineData("smime/Alice-ec.p12", "sha224", "ECDSA with SHA-224")]
    [InlineData("smime/Alice-ec.p12", "sha384", "ECDSA with SHA-384")]
    [InlineData("smime/Alice.p12", "md5", "RSA PKCS#1 v1.5 with MD5")]
    public void OpenSsl_signatures_over_every_digest_verify(string p12, string digest, string description)
    {
        string dir = TestPaths.NewTempDirectory();
        X509Certificate2 signer = ReaderVectors.NssKey(Nss, p12);
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)signer.GetRSAPrivateKey() ?? signer.GetECDsaPrivateKey()!;
        string pem = System.IO.Path.Combine(dir, "signer.pem");
        File.WriteAllText(pem, signer.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        string input = System.IO.Path.Combine(dir, "in.txt");
        File.WriteAllText(input, "digest " + digest + "\r\n");
        string output = System.IO.Path.Combine(dir, "out.der");
        Peer.OpenSsl("cms", "-sign", "-binary", "-nodetach", "-in", input, "-signer", pem, "-md", digest, "-outform", "DER", "-out", output).EnsureSuccess("openssl cms -sign");

        SignedDataReader reader = SignedDataReader.Decode(File.ReadAllBytes(output));
        SignatureVerdict verdict = Assert.Single(reader.Verify(null));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.Equal(description, verdict.SignatureAlgorithm);
        Assert.Equal(digest == "md5", verdict.Weaknesses.Count > 0);
        byte[] flipped = File.ReadAllBytes(output);
        int at = flipped.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes("digest " + digest));
        Assert.False(Assert.Single(SignedDataReader.Decode(ReaderVectors.Flip(flipped, at)).Verify(null)).IsSignatureValid);
    }

    [Fact]
    public void Several_signers_are_each_reported_and_a_bad_one_does_not_hide()
    {
        X509Certificate2 alice = ReaderVectors.NssKey(Nss, "smime/Alice.p12");
        X509Certificate2 dave = ReaderVectors.NssKey(Nss, "smime/Dave.p12");
        X509Certificate2 aliceEc = ReaderVectors.NssKey(Nss, "smime/Alice-ec.p12");
        var cms = new SignedCms(new ContentInfo("several signers"u8.ToArray()), detached: false);
        cms.ComputeSignature(new CmsSigner(alice) { DigestAlgorithm = new Oid(Oids.DigestSha256) });
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.SubjectKeyIdentifier, dave) { DigestAlgorithm = new Oid(Oids.DigestSha384) });
        cms.ComputeSignature(new CmsSigner(aliceEc) { DigestAlgorithm = new Oid(Oids.DigestSha512) });
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, alice, alice.GetRSAPrivateKey(), RSASignaturePadding.Pss) { DigestAlgorithm = new Oid(Oids.DigestSha256) });
        byte[] encoded = cms.Encode();

        SignedDataReader reader = SignedDataReader.Decode(encoded);
        IReadOnlyList<SignatureVerdict> verdicts = reader.Verify(null);
        Assert.Equal(4, verdicts.Count);
        Assert.All(verdicts, v => Assert.True(v.IsSignatureValid, v.Failure));
        Assert.Contains(verdicts, v => v.SignatureAlgorithm.StartsWith("ECDSA", StringComparison.Ordinal));
        Assert.Contains(verdicts, v => v.SignatureAlgorithm.StartsWith("RSASSA-PSS", StringComparison.Ordinal));
        Assert.Contains(verdicts, v => v.SignerIdentifier.StartsWith("subjectKeyIdentifier", StringComparison.Ordinal));

        // Corrupt the second signature only.
        byte[] second = reader.SignerInfos[1].Signature.ToArray();
        int at = encoded.AsSpan().IndexOf(second) + 10;
        IReadOnlyList<SignatureVerdict> after = SignedDataReader.Decode(ReaderVectors.Flip(encoded, at)).Verify(null);
        Assert.Equal([true, false, true, true], after.Select(v => v.IsSignatureValid));
    }

    [Fact]
    public void Zero_signer_infos_is_unsigned()
    {
        // ContentInfo { signedData, SignedData { 1, {}, { data, "nobody signed" }, signerInfos {} } }
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.ContentTypeSignedData);
        var explicit0 = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0);
        writer.PushSequence(explicit0);
        writer.PushSequence();
        writer.WriteInteger(1);
        writer.PushSetOf();
        writer.PopSetOf();
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.ContentTypeData);
        writer.PushSequence(explicit0);
        writer.WriteOctetString("nobody signed"u8);
        writer.PopSequence(explicit0);
        writer.PopSequence();
        writer.PushSetOf();
        writer.PopSetOf();
        writer.PopSequence();
        writer.PopSequence(explicit0);
        writer.PopSequence();
        SignedDataReader reader = SignedDataReader.Decode(writer.Encode());
        Assert.Empty(reader.SignerInfos);
        Assert.Empty(reader.Verify(null));
    }

    [Fact]
    public void Signer_certificate_supplied_by_the_caller_is_found()
    {
        X509Certificate2 alice = ReaderVectors.NssKey(Nss, "smime/Alice.p12");
        var cms = new SignedCms(new ContentInfo("cert outside"u8.ToArray()), detached: true);
        cms.ComputeSignature(new CmsSigner(alice) { IncludeOption = X509IncludeOption.None });
        SignedDataReader reader = SignedDataReader.Decode(cms.Encode());
        Assert.Empty(reader.Certificates);
        Assert.Equal("the signer's certificate was not found", Assert.Single(reader.Verify("cert outside"u8.ToArray())).Failure);
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(alice.RawData);
        Assert.True(Assert.Single(reader.Verify("cert outside"u8.ToArray(), [publicOnly])).IsSignatureValid);
    }

    [Fact]
    public void Signed_cms_agrees_with_our_verdicts_on_the_nss_blobs()
    {
        // System.Security.Cryptography.Pkcs as the independent oracle.
        foreach (string digest in new[] { "SHA1", "SHA256", "SHA384", "SHA512" })
        {
            byte[] content = ReaderVectors.Bytes(Nss, "smime", "alice.mime");
            byte[] cms = ReaderVectors.Bytes(Nss, "smime", "alice.mime.dsig." + digest);
            var signedCms = new SignedCms(new ContentInfo(content), detached: true);
            signedCms.Decode(cms);
            signedCms.CheckSignature(verifySignatureOnly: true);
            Assert.True(Assert.Single(SignedDataReader.Decode(cms).Verify(content)).IsSignatureValid);
        }
    }

    [Theory]
    [InlineData("4.1.bin")]
    [InlineData("4.2.bin")]
    [InlineData("4.3.bin")]
    [InlineData("4.4.bin")]
    [InlineData("4.5.bin")]
    [InlineData("4.6.bin")]
    [InlineData("4.7.bin")]
    [InlineData("4.10.bin")]
    [InlineData("4.11.bin")]
    public void Rfc4134_signed_data_parses_and_every_signer_is_valid_or_explained(string file)
    {
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes("rfc4134", file));
        X509Certificate2[] certs = Directory.GetFiles(ReaderVectors.Path("rfc4134"), "*.cer").Select(X509CertificateLoader.LoadCertificateFromFile).ToArray();
        ReadOnlyMemory<byte>? detached = reader.EncapsulatedContent is null ? ReaderVectors.Bytes("rfc4134", "ExContent.bin") : (ReadOnlyMemory<byte>?)null;
        IReadOnlyList<SignatureVerdict> verdicts = reader.Verify(detached, certs);

        // 4.11 is a certificates-and-CRLs-only SignedData: no signer, so never a valid signature.
        Assert.Equal(file == "4.11.bin", verdicts.Count == 0);
        foreach (SignatureVerdict verdict in verdicts)
        {
            // RFC 4134 signs with SHA-1 throughout: always flagged weak.
            Assert.Contains(verdict.Weaknesses, w => w.Contains("SHA-1", StringComparison.Ordinal));
            Assert.True(verdict.IsSignatureValid || verdict.Failure is not null);
        }

        // Every example verifies except 4.6's second signer (Diane, see below).
        Assert.All(verdicts.Where(v => v.SignerCertificate?.Subject != "CN=DianeDSS"), v => Assert.True(v.IsSignatureValid, v.Failure));
    }

    [Theory]
    [InlineData("SignedMSPkcs7.sig", "MD5")]
    [InlineData("counterSig.p7m", "SHA-1")]
    [InlineData("rawsha256nonull.p7m", null)]
    [InlineData("Pkcs7SignedContent.p7b", null)]
    public void BouncyCastle_third_party_signatures_verify_and_weak_digests_are_flagged(string file, string? weakDigest)
    {
        SignedDataReader reader = SignedDataReader.Decode(ReaderVectors.Bytes("bc-csharp", "cms", "sigs", file));
        SignatureVerdict verdict = Assert.Single(reader.Verify(null));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        if (weakDigest is null)
        {
            Assert.DoesNotContain(verdict.Weaknesses, w => w.StartsWith("digest", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains($"digest algorithm {weakDigest} is weak", verdict.Weaknesses);
        }
    }

    [Fact]
    public void Rfc4134_dsa_signer_with_inherited_parameters_is_explained_not_thrown()
    {
        // Diane's DSA certificate inherits p, q, g from Carl's (RFC 3279 §2.3.2); the platform cannot load such a key.
        X509Certificate2[] certs = Directory.GetFiles(ReaderVectors.Path("rfc4134"), "*.cer").Select(X509CertificateLoader.LoadCertificateFromFile).ToArray();
        IReadOnlyList<SignatureVerdict> verdicts = SignedDataReader.Decode(ReaderVectors.Bytes("rfc4134", "4.6.bin")).Verify(null, certs);
        Assert.Equal(2, verdicts.Count);
        Assert.True(verdicts[0].IsSignatureValid, verdicts[0].Failure);
        Assert.False(verdicts[1].IsSignatureValid);
        Assert.Contains("DianeDSS", verdicts[1].SignerCertificate!.Subject);
        Assert.StartsWith("the signature could not be checked", verdicts[1].Failure);
    }

    [Theory]
    [InlineData(1024, true)]
    [InlineData(2048, false)]
    public void A_signer_key_under_2048_bits_is_a_weakness_of_a_valid_signature(int bits, bool weak)
    {
        // Signed by System.Security.Cryptography.Pkcs, read here: the signature verifies either
        // way; the key size is judged from the certificate (RFC 8550 §4.4.1 sets no minimum, the
        // policy does).
        using RSA key = RSA.Create(bits);
        var request = new CertificateRequest($"CN=Signer {bits}, E=signer{bits}@example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        byte[] content = "Content-Type: text/plain\r\n\r\nweak or not\r\n"u8.ToArray();
        var signedCms = new SignedCms(new ContentInfo(content), detached: true);
        signedCms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate) { DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1") });

        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(signedCms.Encode()).Verify(content));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        if (weak)
        {
            Assert.Contains($"RSA key of {bits} bits is under 2048", verdict.Weaknesses);
        }
        else
        {
            Assert.Empty(verdict.Weaknesses);
        }
    }

    [Fact]
    public void A_signer_key_under_2048_bits_in_a_ber_encoded_rsa_public_key_is_still_a_weakness()
    {
        // The RSAPublicKey in the certificate uses a long-form length where DER needs the short
        // one (X.690 §10.1): the platform imports the key (BER) and the signature verifies, so the
        // key size must still be judged, not skipped as unreadable.
        using RSA key = RSA.Create(1024);
        byte[] der = key.ExportRSAPublicKey();
        Assert.Equal(0x81, der[1]);
        byte[] ber = [0x30, 0x84, 0, 0, 0, der[2], .. der.AsSpan(3)];
        var publicKey = new PublicKey(new Oid("1.2.840.113549.1.1.1"), new AsnEncodedData([0x05, 0x00]), new AsnEncodedData(ber));
        var subject = new X500DistinguishedName("CN=Signer BER, E=signer.ber@example.com");
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 issued = request.Create(subject, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3]);
        using RSA? imported = issued.GetRSAPublicKey();
        Assert.Equal(1024, imported!.KeySize);
        using X509Certificate2 certificate = issued.CopyWithPrivateKey(key);
        byte[] content = "Content-Type: text/plain\r\n\r\nweak, BER or not\r\n"u8.ToArray();
        var signedCms = new SignedCms(new ContentInfo(content), detached: true);
        signedCms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate) { DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1") });
        signedCms.CheckSignature(verifySignatureOnly: true);

        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(signedCms.Encode()).Verify(content));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.Contains("RSA key of 1024 bits is under 2048", verdict.Weaknesses);

        // The certificate policy reads the same key size for its refusal.
        Assert.Contains("its RSA key has 1024 bits, under the minimum of 2048", SmimeGraph.Smime.CertificatePolicy.Evaluate(certificate, SmimeGraph.Smime.CertificatePurpose.Signing, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Garbage_is_a_cms_format_exception()
    {
        Assert.Throws<CmsFormatException>(() => SignedDataReader.Decode(new byte[] { 0x30, 0x03, 0x02, 0x01 }));
        Assert.Throws<CmsFormatException>(() => SignedDataReader.Decode(ReaderVectors.Bytes(Nss, "smime", "alice.mime.env")));
        Assert.Throws<CmsFormatException>(() => SignedDataReader.Decode(ReadOnlyMemory<byte>.Empty));
    }
}
