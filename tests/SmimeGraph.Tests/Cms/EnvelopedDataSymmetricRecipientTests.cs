using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Parameters;
using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// KEKRecipientInfo (RFC 5652 §6.2.3), PasswordRecipientInfo (RFC 5652 §6.2.4, RFC 3211) and RC2
/// content (RFC 3370 §5.2) as OpenSSL and BouncyCastle write them: the reader decrypts each, a
/// wrong key or password fails like any other failure, and RC2 stays weak.
/// </summary>
public sealed class EnvelopedDataSymmetricRecipientTests
{
    private const string Text = "Content-Type: text/plain\r\n\r\nThe quarterly figures.\r\n";

    [Theory]
    [InlineData("000102030405060708090A0B0C0D0E0F", "AES-128 key wrap")]
    [InlineData("000102030405060708090A0B0C0D0E0F1011121314151617", "AES-192 key wrap")]
    [InlineData("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "AES-256 key wrap")]
    public void Openssl_secret_key_envelope_decrypts_with_the_named_key(string keyHex, string wrap)
    {
        byte[] envelope = OpenSsl("-aes-256-cbc", "-secretkey", keyHex, "-secretkeyid", "C0FFEE");
        byte[] key = Convert.FromHexString(keyHex);
        DecryptedContent result = EnvelopedDataReader.Decode(envelope).Decrypt([], [new SharedKeyEncryptionKey(Convert.FromHexString("C0FFEE"), key)]);
        Assert.Equal(Text, System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal($"key-encryption key ({wrap})", result.KeyManagementAlgorithm);
        Assert.Null(result.RecipientCertificate);

        // Another key under the same identifier, or the right key under another identifier: no.
        byte[] wrong = (byte[])key.Clone();
        wrong[0] ^= 1;
        Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(envelope).Decrypt([], [new SharedKeyEncryptionKey(Convert.FromHexString("C0FFEE"), wrong)]));
        Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(envelope).Decrypt([], [new SharedKeyEncryptionKey(Convert.FromHexString("C0FFEF"), key)]));
    }

    [Fact]
    public void BouncyCastle_triple_des_key_wrap_envelope_decrypts()
    {
        // RFC 3217 §3: OpenSSL wraps KEK recipients with AES only; BouncyCastle writes the Triple-DES key wrap.
        byte[] key = RandomNumberGenerator.GetBytes(24);
        var generator = new CmsEnvelopedDataGenerator();
        generator.AddKekRecipient("DESEDE", new DesEdeParameters(key), [1, 2, 3, 4]);
        byte[] envelope = generator.Generate(new CmsProcessableByteArray(System.Text.Encoding.ASCII.GetBytes(Text)), NistObjectIdentifiers.IdAes128Cbc).GetEncoded();
        DecryptedContent result = EnvelopedDataReader.Decode(envelope).Decrypt([], [new SharedKeyEncryptionKey(new byte[] { 1, 2, 3, 4 }, key)]);
        Assert.Equal(Text, System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal("key-encryption key (Triple-DES key wrap)", result.KeyManagementAlgorithm);
    }

    [Theory]
    [InlineData("-aes-128-cbc")]
    [InlineData("-aes-256-cbc")]
    public void Openssl_password_envelope_decrypts_with_the_password_only(string cipher)
    {
        byte[] envelope = OpenSsl(cipher, "-pwri_password", "correct horse battery staple");
        DecryptedContent result = EnvelopedDataReader.Decode(envelope).Decrypt([], passwords: [System.Text.Encoding.UTF8.GetBytes("correct horse battery staple")]);
        Assert.Equal(Text, System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.StartsWith("password (PBKDF2 with HMAC SHA-1, 2048 iterations;", result.KeyManagementAlgorithm);

        Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(envelope).Decrypt([], passwords: [System.Text.Encoding.UTF8.GetBytes("correct horse battery stapler")]));
    }

    [Fact]
    public void Password_iteration_count_over_the_limit_is_refused_before_deriving()
    {
        byte[] envelope = OpenSsl("-aes-128-cbc", "-pwri_password", "secret");
        var budget = new CmsReadBudget { MaxPasswordIterations = 2047 };
        ReaderLimitExceededException ex = Assert.Throws<ReaderLimitExceededException>(() => EnvelopedDataReader.Decode(envelope, budget).Decrypt([], passwords: ["secret"u8.ToArray()]));
        Assert.Equal(nameof(CmsReadBudget.MaxPasswordIterations), ex.LimitName);
        Assert.Equal(2047, ex.Limit);
    }

    [Theory]
    [InlineData("-rc2-40")]
    [InlineData("-rc2-64")]
    [InlineData("-rc2-128")]
    public void Openssl_rc2_envelope_decrypts_and_is_weak(string cipher)
    {
        // OpenSSL 3 keeps RC2 in its legacy provider.
        byte[] envelope = OpenSsl(cipher, "-provider", "legacy", "-provider", "default", "-recip", TestPaths.Cert("recipient-rsa2048.pem"));
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(envelope);
        Assert.Equal("RC2-CBC", reader.ContentEncryptionAlgorithmName);
        Assert.True(reader.IsWeak);
        Assert.Equal(Text, System.Text.Encoding.ASCII.GetString(reader.Decrypt([Recipient()]).Content));
    }

    [Fact]
    public void Rfc4134_rc2_envelope_decrypts_to_the_example_content()
    {
        // RFC 4134 §5.2: RC2-CBC (rc2ParameterVersion 160, 40 effective bits) to Bob by RSA key transport.
        X509Certificate2 bobCertificate = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "BobRSASignByCarl.cer"));
        using RSA rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(ReaderVectors.Bytes("rfc4134", "BobPrivRSAEncrypt.pri"), out _);
        using X509Certificate2 bob = bobCertificate.CopyWithPrivateKey(rsa);
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.Bytes("rfc4134", "5.2.bin"));
        Assert.Equal("RC2-CBC", reader.ContentEncryptionAlgorithmName);
        Assert.True(reader.IsWeak);
        Assert.Equal(ReaderVectors.Bytes("rfc4134", "ExContent.bin"), reader.Decrypt([bob]).Content);
    }

    [Fact]
    public void Rc2_message_decrypts_in_the_inspector_but_is_never_valid()
    {
        string directory = TestPaths.NewTempDirectory();
        string input = Path.Combine(directory, "in.eml");
        File.WriteAllText(input, "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: old\r\nMIME-Version: 1.0\r\n" + Text);
        string output = Path.Combine(directory, "out.eml");
        Peer.OpenSsl("cms", "-encrypt", "-rc2-128", "-provider", "legacy", "-provider", "default", "-in", input, "-out", output, TestPaths.Cert("recipient-rsa2048.pem")).EnsureSuccess("openssl cms -encrypt -rc2-128");
        var options = new SmimeInspectorOptions();
        options.DecryptionCertificates.Add(Recipient());
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(output), options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.True(layer.IsDecrypted);
        Assert.True(layer.IsWeak);
        Assert.Contains(layer.Problems, p => p.Message.Contains("RC2-CBC is weak", StringComparison.Ordinal));
        Assert.False(result.IsValid);
        Assert.Equal("text/plain", result.Content.MediaType);
    }

    [Fact]
    public void Inspector_opens_key_encryption_key_and_password_messages_from_its_options()
    {
        string directory = TestPaths.NewTempDirectory();
        string input = Path.Combine(directory, "in.eml");
        File.WriteAllText(input, "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: shared\r\nMIME-Version: 1.0\r\n" + Text);
        string kekMessage = Path.Combine(directory, "kek.eml");
        string passwordMessage = Path.Combine(directory, "pwri.eml");
        Peer.OpenSsl("cms", "-encrypt", "-aes-256-cbc", "-in", input, "-out", kekMessage, "-secretkey", "000102030405060708090A0B0C0D0E0F", "-secretkeyid", "0A0B").EnsureSuccess("openssl cms -encrypt -secretkey");
        Peer.OpenSsl("cms", "-encrypt", "-aes-256-cbc", "-in", input, "-out", passwordMessage, "-pwri_password", "pässwörd").EnsureSuccess("openssl cms -encrypt -pwri_password");

        using var kek = new KeyEncryptionKey([0x0A, 0x0B], Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
        var options = new SmimeInspectorOptions();
        options.KeyEncryptionKeys.Add(kek);
        options.DecryptionPasswords.Add("pässwörd");
        foreach (string message in new[] { kekMessage, passwordMessage })
        {
            EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(SmimeInspector.Inspect(File.ReadAllBytes(message), options).Layers));
            Assert.True(layer.IsDecrypted, string.Join("; ", layer.Problems));
            Assert.Null(layer.RecipientCertificate);
        }
    }

    private static X509Certificate2 Recipient() =>
        X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("recipient-rsa2048.pfx"), "smimegraph", X509KeyStorageFlags.Exportable);

    /// <summary>The DER EnvelopedData <c>openssl cms -encrypt</c> makes of <see cref="Text"/> with these options.</summary>
    private static byte[] OpenSsl(params string[] options)
    {
        string directory = TestPaths.NewTempDirectory();
        string input = Path.Combine(directory, "in.txt");
        File.WriteAllText(input, Text);
        string output = Path.Combine(directory, "out.der");
        Peer.OpenSsl(["cms", "-encrypt", "-binary", "-in", input, "-outform", "DER", "-out", output, .. options]).EnsureSuccess("openssl cms -encrypt " + string.Join(' ', options));
        return File.ReadAllBytes(output);
    }
}
