using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using MimeKit.Cryptography;
using SmimeGraph.Cms;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// ECDH key agreement (RFC 5753) from the two families of writers: MimeKit 4.18.2 on BouncyCastle
/// 2.7 (whose ECC-CMS-SharedInfo carries NULL key-wrap parameters) and OpenSSL (the RFC 5753 form).
/// The reader opens both; OpenSSL opens only the second, which is the one the writer here makes.
/// </summary>
public sealed class EnvelopedDataEcdhInteropTests
{
    private const string Text = "Quarterly figures: EUR 100.\r\n";

    private static X509Certificate2 Recipient() =>
        X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("recipient-ecdh-p256.pfx"), "smimegraph", X509KeyStorageFlags.Exportable);

    [Theory]
    [InlineData(SubjectIdentifierType.IssuerAndSerialNumber)]
    [InlineData(SubjectIdentifierType.SubjectKeyIdentifier)]
    public void MimeKit_ecdh_envelope_decrypts_with_the_bouncycastle_shared_info(SubjectIdentifierType identifier)
    {
        byte[] envelope = MimeKitEnvelope(identifier);
        var budget = new CmsReadBudget();
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(envelope, budget);
        DecryptedContent result = reader.Decrypt([Recipient()]);
        Assert.Contains(Text, System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal("ECDH (X9.63 KDF SHA-1, AES-128 key wrap)", result.KeyManagementAlgorithm);

        // The RFC 5753 form first (fails: BouncyCastle derived another KEK), then BouncyCastle's.
        Assert.Equal(2, budget.PrivateKeyOperations);

        // The envelope itself is as RFC 5753 wants it: id-aes128-wrap with absent parameters (RFC
        // 3565 §2.3.2) and no ukm. So the KEK differs only because BouncyCastle's KDF input
        // re-encodes keyInfo with NULL parameters.
        RecipientInfo recipient = Assert.Single(reader.Recipients);
        Assert.Equal("300B0609608648016503040105", Convert.ToHexString(recipient.KeyEncryptionAlgorithm!.Value.Parameters!.Value.Span));
        Assert.Null(recipient.UserKeyingMaterial);
    }

    [Fact]
    public void MimeKit_ecdh_envelope_is_refused_by_openssl()
    {
        // The evidence that the two forms differ: OpenSSL derives the RFC 5753 KEK and its unwrap fails.
        byte[] envelope = MimeKitEnvelope(SubjectIdentifierType.IssuerAndSerialNumber);
        string directory = TestPaths.NewTempDirectory();
        string input = Path.Combine(directory, "env.der");
        File.WriteAllBytes(input, envelope);
        PeerResult openssl = Peer.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", input, "-recip", TestPaths.Cert("recipient-ecdh-p256.pem"), "-inkey", TestPaths.Cert("recipient-ecdh-p256.key.pem"));
        Assert.NotEqual(0, openssl.ExitCode);
        Assert.DoesNotContain(Text.TrimEnd(), openssl.StandardOutputText);
    }

    [Theory]
    [InlineData("-aes128-wrap", "sha256", "SHA-256", "AES-128")]
    [InlineData("-aes256-wrap", "sha384", "SHA-384", "AES-256")]
    public void Openssl_ecdh_envelope_decrypts_with_the_standard_shared_info_alone(string wrap, string kdf, string kdfName, string wrapName)
    {
        string directory = TestPaths.NewTempDirectory();
        string input = Path.Combine(directory, "in.txt");
        File.WriteAllText(input, Text);
        string output = Path.Combine(directory, "env.der");
        Peer.OpenSsl("cms", "-encrypt", "-binary", "-aes-256-cbc", "-in", input, "-outform", "DER", "-out", output,
            "-recip", TestPaths.Cert("recipient-ecdh-p256.pem"), "-keyopt", "ecdh_kdf_md:" + kdf, "-wrap", wrap.TrimStart('-')).EnsureSuccess("openssl cms -encrypt");
        var budget = new CmsReadBudget();
        DecryptedContent result = EnvelopedDataReader.Decode(File.ReadAllBytes(output), budget).Decrypt([Recipient()]);
        Assert.Equal(Text, System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal($"ECDH (X9.63 KDF {kdfName}, {wrapName} key wrap)", result.KeyManagementAlgorithm);
        Assert.Equal(1, budget.PrivateKeyOperations);
    }

    [Fact]
    public void Altered_mimekit_key_fails_both_forms_alike()
    {
        byte[] envelope = MimeKitEnvelope(SubjectIdentifierType.IssuerAndSerialNumber);
        var reader = EnvelopedDataReader.Decode(envelope);
        byte[] wrapped = reader.Recipients.Single().EncryptedKeys.Single().ToArray();
        int at = envelope.AsSpan().IndexOf(wrapped) + 5;
        byte[] altered = (byte[])envelope.Clone();
        altered[at] ^= 1;
        Assert.Throws<DecryptionFailedException>(() => EnvelopedDataReader.Decode(altered).Decrypt([Recipient()]));
    }

    /// <summary>The DER EnvelopedData MimeKit's TemporarySecureMimeContext writes for the EC recipient.</summary>
    private static byte[] MimeKitEnvelope(SubjectIdentifierType identifier)
    {
        using var context = new TemporarySecureMimeContext();
        var recipients = new CmsRecipientCollection { new CmsRecipient(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("recipient-ecdh-p256.pem")), identifier) };
        ApplicationPkcs7Mime encrypted = ApplicationPkcs7Mime.Encrypt(context, recipients, new TextPart("plain") { Text = Text });
        Assert.NotNull(encrypted.Content);
        using var content = new MemoryStream();
        encrypted.Content.DecodeTo(content);
        return content.ToArray();
    }
}
