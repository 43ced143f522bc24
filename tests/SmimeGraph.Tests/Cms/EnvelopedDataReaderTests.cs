using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

public class EnvelopedDataReaderTests
{
    private const string Nss = "thunderbird-nss";

    [Fact]
    public void Nss_enveloped_message_decrypts_for_bob()
    {
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.SmimeBody(Nss, "smime", "alice.env.eml"));
        Assert.False(reader.IsAuthenticated);
        DecryptedContent result = reader.Decrypt([bob]);
        Assert.Contains("This is a test message from Alice to Bob.", System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal("RSA PKCS#1 v1.5 key transport", result.KeyManagementAlgorithm);
        Assert.StartsWith("AES-", reader.ContentEncryptionAlgorithmName);
    }

    [Fact]
    public void Nss_raw_envelope_of_an_earlier_key_generation_fails_as_it_does_for_openssl()
    {
        // alice.mime.env was made for a previous Bob key: OpenSSL fails on it too ("bad decrypt").
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.Bytes(Nss, "smime", "alice.mime.env"));
        Assert.Throws<DecryptionFailedException>(() => reader.Decrypt([bob]));
    }

    [Fact]
    public void Wrong_key_tampered_key_and_tampered_content_fail_alike()
    {
        byte[] env = ReaderVectors.SmimeBody(Nss, "smime", "alice.env.eml");
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        Assert.NotEmpty(EnvelopedDataReader.Decode(env).Decrypt([bob]).Content);
        X509Certificate2 eve = ReaderVectors.NssKey(Nss, "smime/Eve.p12");
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(env);
        var messages = new HashSet<string>();

        messages.Add(Assert.Throws<DecryptionFailedException>(() => reader.Decrypt([eve])).Message);

        // RFC 3218 §2.3: a broken PKCS #1 block and broken content give the same error.
        byte[] encryptedKey = FindEncryptedKey(env, bob);
        int keyAt = env.AsSpan().IndexOf(encryptedKey);
        for (int i = 0; i < 8; i++)
        {
            byte[] bad = ReaderVectors.Flip(env, keyAt + 1 + i * 31);
            messages.Add(Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(bad).Decrypt([bob])).Message);
        }

        // A flipped byte in the last ciphertext block breaks the CBC padding.
        int lastCiphertextByte = Array.FindLastIndex(env, b => b != 0); // BER end-of-contents octets follow it
        byte[] contentFlipped = ReaderVectors.Flip(env, lastCiphertextByte - 3);
        messages.Add(Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(contentFlipped).Decrypt([bob])).Message);
        Assert.Single(messages.Where(m => !m.Contains("No private key", StringComparison.Ordinal)).Distinct());
    }

    [Theory]
    [InlineData("fran-oaep_ossl.env")]
    [InlineData("fran-oaep-label_ossl.env")]
    [InlineData("fran-oaep-sha256hash_ossl.env")]
    [InlineData("fran-oaep-sha256hash-label_ossl.env")]
    [InlineData("fran-oaep-sha256hash-sha256mgf_ossl.env")]
    [InlineData("fran-oaep-sha256mgf-label_ossl.env")]
    [InlineData("fran-oaep-sha256mgf_ossl.env")]
    [InlineData("fran-oaep-sha384hash_ossl.env")]
    [InlineData("fran-oaep-sha384mgf_ossl.env")]
    [InlineData("fran-oaep-sha512hash_ossl.env")]
    [InlineData("fran-oaep-sha512mgf_ossl.env")]
    [InlineData("fran-oaep_ossl-sha256hash-sha256mgf-label.env")]
    [InlineData("fran-ec_ossl-aes128-sha1.env")]
    [InlineData("fran-ec_ossl-aes128-sha224.env")]
    [InlineData("fran-ec_ossl-aes128-sha256.env")]
    [InlineData("fran-ec_ossl-aes192-sha384.env")]
    [InlineData("fran-ec_ossl-aes256-sha512.env")]
    public void Nss_openssl_interop_envelopes_decrypt_for_fran(string file)
    {
        X509Certificate2 fran = ReaderVectors.NssKey("nss", "interop-openssl/Fran.p12");
        X509Certificate2 franEc = ReaderVectors.NssKey("nss", "interop-openssl/Fran-ec.p12");
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.Bytes("nss", "interop-openssl", file));
        DecryptedContent result = reader.Decrypt([fran, franEc]);
        Assert.Equal("This is a test message to Fran.\n", System.Text.Encoding.ASCII.GetString(result.Content).Replace("\r\n", "\n", StringComparison.Ordinal));
        if (file.Contains("label", StringComparison.Ordinal))
        {
            Assert.Contains("label", result.KeyManagementAlgorithm);
        }

        if (file.StartsWith("fran-ec", StringComparison.Ordinal))
        {
            Assert.StartsWith("ECDH (X9.63 KDF SHA-", result.KeyManagementAlgorithm);
            Assert.Same(franEc, result.RecipientCertificate);
        }
    }

    [Theory]
    [InlineData("fran-oaep-label_ossl.env")]
    [InlineData("fran-oaep-sha256hash-label_ossl.env")]
    [InlineData("fran-ec_ossl-aes128-sha224.env")]
    public void Openssl_agrees_on_the_plaintext(string file)
    {
        string dir = TestPaths.NewTempDirectory();
        string pem = Path.Combine(dir, "key.pem");
        string p12 = file.StartsWith("fran-ec", StringComparison.Ordinal) ? "Fran-ec.p12" : "Fran.p12";
        Peer.OpenSsl("pkcs12", "-in", ReaderVectors.Path("nss", "interop-openssl", p12), "-passin", "pass:nss", "-nodes", "-out", pem).EnsureSuccess("openssl pkcs12");
        PeerResult openssl = Peer.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", ReaderVectors.Path("nss", "interop-openssl", file), "-inkey", pem).EnsureSuccess("openssl cms -decrypt");
        X509Certificate2 key = ReaderVectors.NssKey("nss", "interop-openssl/" + p12);
        Assert.NotEmpty(openssl.StandardOutput);
        Assert.Equal(openssl.StandardOutput, EnvelopedDataReader.Decode(ReaderVectors.Bytes("nss", "interop-openssl", file)).Decrypt([key]).Content);
    }

    [Theory]
    [InlineData("fran-oaep_ossl.env")]
    [InlineData("fran-oaep-sha256hash-sha256mgf_ossl.env")]
    [InlineData("fran-ec_ossl-aes128-sha256.env")]
    public void Thunderbird_interop_copies_decrypt(string file)
    {
        X509Certificate2 fran = ReaderVectors.NssKey(Nss, "smime-interop/Fran.p12");
        X509Certificate2 franEc = ReaderVectors.NssKey(Nss, "smime-interop/Fran-ec.p12");
        byte[] content = EnvelopedDataReader.Decode(ReaderVectors.SmimeBody(Nss, "smime-interop", file)).Decrypt([fran, franEc]).Content;
        Assert.StartsWith("This is a test message to Fran.", System.Text.Encoding.ASCII.GetString(content));
    }

    [Fact]
    public void Oaep_with_label_fails_like_any_other_when_the_key_block_is_altered()
    {
        byte[] env = ReaderVectors.Bytes("nss", "interop-openssl", "fran-oaep-sha256hash-label_ossl.env");
        X509Certificate2 fran = ReaderVectors.NssKey("nss", "interop-openssl/Fran.p12");
        byte[] encryptedKey = FindEncryptedKey(env, fran);
        int at = env.AsSpan().IndexOf(encryptedKey) + 100;
        Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(ReaderVectors.Flip(env, at)).Decrypt([fran]));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("3")]
    [InlineData("4")]
    [InlineData("5")]
    [InlineData("6")]
    [InlineData("7")]
    [InlineData("8")]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("C")]
    [InlineData("D")]
    [InlineData("E")]
    [InlineData("F")]
    [InlineData("G")]
    [InlineData("H")]
    public void BouncyCastle_ecdh_sessions_decrypt(string name)
    {
        X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(ReaderVectors.Path("bc-java", "pkix-cms", "ecdh", "ecc.crt")));
        string keyPem = File.ReadAllText(ReaderVectors.Path("bc-java", "pkix-cms", "ecdh", "ecc.key"));
        using ECDiffieHellman ecdh = ECDiffieHellman.Create();
        ecdh.ImportFromPem(keyPem.AsSpan(keyPem.IndexOf("-----BEGIN EC PRIVATE KEY", StringComparison.Ordinal)));
        using X509Certificate2 key = certificate.CopyWithPrivateKey(ecdh);
        byte[] expected = ReaderVectors.Bytes("bc-java", "pkix-cms", "ecdh", "sess.txt");
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.Der("bc-java", "pkix-cms", "ecdh", $"encSess{name}.asc"));
        DecryptedContent result = reader.Decrypt([key]);
        Assert.Equal(System.Text.Encoding.ASCII.GetString(expected).TrimEnd(), System.Text.Encoding.ASCII.GetString(result.Content).TrimEnd());
    }

    [Fact]
    public void Rfc4134_triple_des_envelope_decrypts_and_is_weak()
    {
        X509Certificate2 bobCert = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "BobRSASignByCarl.cer"));
        using RSA rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(ReaderVectors.Bytes("rfc4134", "BobPrivRSAEncrypt.pri"), out _);
        using X509Certificate2 bob = bobCert.CopyWithPrivateKey(rsa);
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.Bytes("rfc4134", "5.1.bin"));
        Assert.True(reader.IsWeak);
        Assert.Equal("3DES-CBC", reader.ContentEncryptionAlgorithmName);
        Assert.Equal("This is some sample content."u8.ToArray(), reader.Decrypt([bob]).Content);
    }

    [Fact]
    public void Rfc4134_kek_recipient_is_read_but_not_decryptable()
    {
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(ReaderVectors.Bytes("rfc4134", "5.2.bin"));
        Assert.Contains(reader.Recipients, r => r.Kind == RecipientInfoKind.KeyEncryptionKey);
        Assert.Equal("RC2-CBC", reader.ContentEncryptionAlgorithmName);
        Assert.True(reader.IsWeak);
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        Assert.Throws<DecryptionFailedException>(() => reader.Decrypt([bob]));
    }

    [Theory]
    [InlineData("-aes-128-gcm", "AES-128-GCM")]
    [InlineData("-aes-256-gcm", "AES-256-GCM")]
    [InlineData("-aes-192-cbc", "AES-192-CBC")]
    public void Openssl_auth_enveloped_and_cbc_decrypt(string cipher, string name)
    {
        string dir = TestPaths.NewTempDirectory();
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        string certPath = Path.Combine(dir, "bob.pem");
        File.WriteAllText(certPath, bob.ExportCertificatePem());
        string input = Path.Combine(dir, "in.txt");
        byte[] plaintext = RandomNumberGenerator.GetBytes(1000);
        File.WriteAllBytes(input, plaintext);
        string output = Path.Combine(dir, "out.der");
        Peer.OpenSsl("cms", "-encrypt", "-binary", cipher, "-in", input, "-outform", "DER", "-out", output, "-recip", certPath, "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256").EnsureSuccess("openssl cms -encrypt");
        byte[] env = File.ReadAllBytes(output);
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(env);
        Assert.Equal(name, reader.ContentEncryptionAlgorithmName);
        Assert.Equal(name.EndsWith("GCM", StringComparison.Ordinal), reader.IsAuthenticated);
        Assert.Equal(plaintext, reader.Decrypt([bob]).Content);

        // An altered ciphertext byte: GCM rejects it outright; CBC fails on padding or yields other bytes.
        int at = env.Length - (reader.IsAuthenticated ? 40 : 20);
        if (reader.IsAuthenticated)
        {
            Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(ReaderVectors.Flip(env, at)).Decrypt([bob]));
        }
    }

    [Fact]
    public void Enveloped_cms_from_the_platform_with_ski_and_oaep_decrypts()
    {
        X509Certificate2 alice = ReaderVectors.NssKey(Nss, "smime/Alice.p12");
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        using X509Certificate2 bobPublic = X509CertificateLoader.LoadCertificate(bob.RawData);
        var cms = new EnvelopedCms(new ContentInfo("to bob"u8.ToArray()), new System.Security.Cryptography.Pkcs.AlgorithmIdentifier(new Oid(Oids.Aes256Cbc)));
        cms.Encrypt(new CmsRecipient(SubjectIdentifierType.SubjectKeyIdentifier, bobPublic, RSAEncryptionPadding.OaepSHA384));
        DecryptedContent result = EnvelopedDataReader.Decode(cms.Encode()).Decrypt([alice, bob]);
        Assert.Equal("to bob"u8.ToArray(), result.Content);
        Assert.Equal("RSAES-OAEP (SHA-384, MGF1 SHA-384)", result.KeyManagementAlgorithm);
    }

    [Theory]
    [InlineData("enveloped-rsa-oaep.pem", "RSAES-OAEP (SHA-1, MGF1 SHA-1)")]
    [InlineData("enveloped-aes-256-cbc.pem", "RSA PKCS#1 v1.5 key transport")]
    public void Pyca_envelopes_decrypt_with_the_4096_bit_key(string file, string keyManagement)
    {
        X509Certificate2 ca = X509Certificate2.CreateFromPemFile(ReaderVectors.Path("pyca-cryptography", "x509-custom-ca-rsa_ca.pem"), ReaderVectors.Path("pyca-cryptography", "x509-custom-ca-rsa_key.pem"));
        DecryptedContent result = EnvelopedDataReader.Decode(ReaderVectors.Der("pyca-cryptography", file)).Decrypt([ca]);
        Assert.StartsWith("Hello", System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal(keyManagement, result.KeyManagementAlgorithm);
    }

    [Fact]
    public void No_private_key_is_a_decryption_failure()
    {
        X509Certificate2 bob = ReaderVectors.NssKey(Nss, "smime/Bob.p12");
        using X509Certificate2 bobPublic = X509CertificateLoader.LoadCertificate(bob.RawData);
        Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(ReaderVectors.Bytes(Nss, "smime", "alice.mime.env")).Decrypt([bobPublic]));
    }

    private static byte[] FindEncryptedKey(byte[] env, X509Certificate2 key)
    {
        // The encrypted key is the last OCTET STRING of the KeyTransRecipientInfo: as long as the modulus.
        int length = key.GetRSAPublicKey()!.KeySize / 8;
        byte[] header = length == 256 ? [0x04, 0x82, 0x01, 0x00] : length == 128 ? [0x04, 0x81, 0x80] : [0x04, 0x82, (byte)(length >> 8), (byte)length];
        int at = env.AsSpan().IndexOf(header);
        Assert.True(at > 0);
        return env.AsSpan(at + header.Length, length).ToArray();
    }
}
