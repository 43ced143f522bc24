using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Smime;

/// <summary>Real messages from Outlook, Mac Outlook, Thunderbird, OpenSSL and the RFC 4134 examples.</summary>
public class InspectorInteropTests
{
    private static byte[] Bc(string file) => File.ReadAllBytes(ReaderVectors.Path("bc-java", "mail-smime", file));

    /// <summary>Inspects once to find the message's own root, then again trusting it at <paramref name="at"/>.</summary>
    private static InspectionResult InspectTrustingOwnRoot(byte[] message, DateTimeOffset at)
    {
        var options = new SmimeInspectorOptions { ValidationTime = at };
        InspectionResult first = SmimeInspector.Inspect(message, options);
        X509Certificate2 root = first.Layers.OfType<SignatureLayer>().First().Signatures[0].Chain!.Chain[^1];
        Assert.Equal(root.Subject, root.Issuer);
        options.TrustAnchors.Add(root);
        return SmimeInspector.Inspect(message, options);
    }

    [Fact]
    public void Mac_outlook_sha256_message_verifies_and_chains_at_a_pinned_time()
    {
        InspectionResult result = InspectTrustingOwnRoot(Bc("3nnn_smime.eml"), new DateTimeOffset(2015, 6, 1, 0, 0, 0, TimeSpan.Zero));
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.Equal("sha256", layer.MicAlg);
        SignatureVerdict verdict = Assert.Single(layer.Signatures);
        Assert.True(verdict.IsValidAndTrusted, verdict.Failure + string.Join("; ", verdict.Chain!.Problems));
        Assert.True(verdict.SignerMatchesSender);
        Assert.True(result.IsValid, string.Join("; ", layer.Problems));
        Assert.Equal("multipart/mixed", layer.CoveredEntity!.MediaType);

        // Before the certificate existed the same signature is untrusted.
        Assert.False(InspectTrustingOwnRoot(Bc("3nnn_smime.eml"), new DateTimeOffset(2015, 3, 11, 0, 0, 0, TimeSpan.Zero)).IsValid);
    }

    [Theory]
    [InlineData("embeddedmulti.message", 2007, 1, 20)] // Outlook 11, SHA-1
    [InlineData("qp-soft-break.eml", 2007, 7, 10)]     // Thunderbird, quoted-printable soft breaks, SHA-1
    [InlineData("quotable.message", 2006, 8, 20)]      // quoted-printable, SHA-1
    [InlineData("multi-alternative.eml", 2008, 4, 10)] // signed multipart/alternative, SHA-1
    public void Legacy_sha1_messages_verify_but_are_weak(string file, int year, int month, int day)
    {
        InspectionResult result = SmimeInspector.Inspect(Bc(file), new SmimeInspectorOptions { ValidationTime = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero) });
        SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.Contains("digest algorithm SHA-1 is weak", verdict.Weaknesses);
        Assert.False(verdict.IsValidAndTrusted);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Thunderbird_2_message_with_extra_newline_verifies()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("extra-nl.eml"), new SmimeInspectorOptions { ValidationTime = new DateTimeOffset(2009, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.True(layer.Signatures[0].IsSignatureValid, layer.Signatures[0].Failure);
    }

    [Fact]
    public void Circular_certificate_chain_terminates_untrusted()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("circular.eml"), new SmimeInspectorOptions { ValidationTime = new DateTimeOffset(2008, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
        Assert.True(verdict.IsSignatureValid);
        Assert.False(verdict.Chain!.IsTrusted);
        Assert.NotEmpty(verdict.Chain.Problems);
    }

    [Fact]
    public void Openssl_pss_message_with_salt_length_222_verifies()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("openssl-signed-sha256-non-default-salt-length.eml"), new SmimeInspectorOptions { ValidationTime = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        Assert.Equal("RSASSA-PSS (SHA-256, MGF1 SHA-256, salt 222)", verdict.SignatureAlgorithm);
    }

    [Theory]
    [InlineData("test128.message", "AES-128-CBC")]
    [InlineData("test192.message", "AES-192-CBC")]
    [InlineData("test256.message", "AES-256-CBC")]
    public void BouncyCastle_aes_envelopes_open_exactly_when_openssl_opens_them(string file, string algorithm)
    {
        // Only test192 was made for cert.pem's key; OpenSSL reports "bad decrypt" for the others.
        string folder = ReaderVectors.Path("bc-java", "mail-smime");
        bool opensslOpens = Peer.OpenSsl("smime", "-decrypt", "-in", Path.Combine(folder, file), "-recip", Path.Combine(folder, "cert.pem"), "-inkey", Path.Combine(folder, "key.pem")).ExitCode == 0;
        Assert.Equal(file == "test192.message", opensslOpens);
        X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(ReaderVectors.Path("bc-java", "mail-smime", "cert.pem"), ReaderVectors.Path("bc-java", "mail-smime", "key.pem"));
        var options = new SmimeInspectorOptions();
        options.DecryptionCertificates.Add(certificate);
        InspectionResult result = SmimeInspector.Inspect(Bc(file), options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.Equal(opensslOpens, layer.IsDecrypted);
        Assert.Equal(algorithm, layer.ContentEncryptionAlgorithm);
        Assert.Equal(opensslOpens, layer.DecryptedEntity is not null);
    }

    [Fact]
    public void Broken_standalone_signature_is_a_failed_layer()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("brokenEnv.message"), new SmimeInspectorOptions());
        InspectionLayer layer = Assert.Single(result.Layers);
        Assert.NotEmpty(layer.Problems);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Rfc4134_enveloped_message_decrypts_with_bob_and_is_weak()
    {
        X509Certificate2 bobCert = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "BobRSASignByCarl.cer"));
        using RSA rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(ReaderVectors.Bytes("rfc4134", "BobPrivRSAEncrypt.pri"), out _);
        var options = new SmimeInspectorOptions();
        options.DecryptionCertificates.Add(bobCert.CopyWithPrivateKey(rsa));
        InspectionResult result = SmimeInspector.Inspect(ReaderVectors.Bytes("rfc4134", "5.3.eml"), options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.True(layer.IsDecrypted);
        Assert.True(layer.IsWeak);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("4.8.eml")]
    [InlineData("4.9.eml")]
    public void Rfc4134_signed_messages_verify_and_are_weak(string file)
    {
        var options = new SmimeInspectorOptions { ValidationTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "CarlRSASelf.cer")));
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "CarlDSSSelf.cer")));
        InspectionResult result = SmimeInspector.Inspect(ReaderVectors.Bytes("rfc4134", file), options);
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.All(layer.Signatures, s => Assert.True(s.IsSignatureValid, s.Failure));
        Assert.All(layer.Signatures, s => Assert.Contains("digest algorithm SHA-1 is weak", s.Weaknesses));
    }

    [Fact]
    public void Openssl_smime_sign_then_encrypt_is_read_end_to_end()
    {
        string dir = TestPaths.NewTempDirectory();
        X509Certificate2 alice = ReaderVectors.NssKey("thunderbird-nss", "smime/Alice.p12");
        X509Certificate2 bob = ReaderVectors.NssKey("thunderbird-nss", "smime/Bob.p12");
        string signer = Path.Combine(dir, "alice.pem");
        File.WriteAllText(signer, alice.ExportCertificatePem() + "\n" + alice.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        string recipient = Path.Combine(dir, "bob.pem");
        File.WriteAllText(recipient, bob.ExportCertificatePem());
        string body = Path.Combine(dir, "body.txt");
        File.WriteAllText(body, "Content-Type: text/plain\r\n\r\nHello from OpenSSL\r\n");
        string signedPath = Path.Combine(dir, "signed.eml");
        Peer.OpenSsl("smime", "-sign", "-in", body, "-signer", signer, "-md", "sha256", "-out", signedPath, "-from", "Alice@example.com").EnsureSuccess("openssl smime -sign");
        string encryptedPath = Path.Combine(dir, "encrypted.eml");
        Peer.OpenSsl("cms", "-encrypt", "-in", signedPath, "-aes-256-gcm", "-recip", recipient, "-out", encryptedPath, "-from", "Alice@example.com", "-to", "Bob@example.com", "-subject", "gcm").EnsureSuccess("openssl cms -encrypt");

        // Signed just now: validate now, or the fresh signingTime would be in the pinned time's future.
        SmimeInspectorOptions options = InspectorThunderbirdTests.NssOptions();
        options.ValidationTime = null;
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(encryptedPath), options);
        EncryptionLayer encryption = Assert.IsType<EncryptionLayer>(result.Layers[0]);
        Assert.True(encryption.IsAuthenticated);
        Assert.Equal("AES-256-GCM", encryption.ContentEncryptionAlgorithm);
        SignatureLayer signature = Assert.IsType<SignatureLayer>(result.Layers[1]);
        Assert.Equal(SignatureForm.Detached, signature.Form);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Contains("Hello from OpenSSL", result.Content.DecodeText());
    }

    [Fact]
    public void Dotnet_message_labelled_signed_data_but_enveloped_is_read_as_enveloped()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("dotnet_encrypted_mail.eml"), new SmimeInspectorOptions());
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.Contains("smime-type says signed-data but the content is enveloped-data", layer.Notes);
        Assert.Equal("3DES-CBC", layer.ContentEncryptionAlgorithm);
        Assert.True(layer.IsWeak);
        Assert.False(layer.IsDecrypted); // the recipient's private key is not published
        Assert.Equal("fred@fred.com", Assert.Single(result.SenderAddresses));
    }

    [Fact]
    public void Outlook_2010_beta_envelope_is_read_without_a_crash()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("outlook_2010_beta_sime_msg.eml"), new SmimeInspectorOptions());
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.Equal("3DES-CBC", layer.ContentEncryptionAlgorithm);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Pyca_signed_data_without_content_is_a_failed_layer()
    {
        // Labelled opaque signed-data, but eContent is absent (openssl cms -cmsout agrees):
        // there is nothing the signature could be checked over.
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(ReaderVectors.Path("pyca-cryptography", "signed-opaque.msg")), new SmimeInspectorOptions());
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.Equal(SignatureForm.Opaque, layer.Form);
        Assert.Equal("the signed-data has no encapsulated content", Assert.Single(layer.Problems).Message);
        Assert.Empty(layer.Signatures);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Thunderbird_attachment_only_message_is_unprotected()
    {
        InspectionResult result = SmimeInspector.Inspect(Bc("attachonly.eml"), new SmimeInspectorOptions());
        Assert.Empty(result.Layers);
        Assert.Equal("application/msword", result.Content.MediaType);
        Assert.Equal("testfile.doc", result.Content.FileName);
    }
}
