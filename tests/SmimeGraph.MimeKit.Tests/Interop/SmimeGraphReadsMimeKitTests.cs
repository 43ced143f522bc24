using MimeKit;
using MimeKit.Cryptography;
using SmimeGraph.MimeKit.Tests.TestSupport;
using SmimeGraph.Smime;

namespace SmimeGraph.MimeKit.Tests.Interop;

/// <summary>
/// MimeKit writes, SmimeGraph reads: messages signed and encrypted by MimeKit's own S/MIME
/// (TemporarySecureMimeContext, BouncyCastle; content encryption set to AES-256, since
/// MimeKit's default for a recipient without capabilities is 3DES) are decrypted and verified by
/// the inspector, which hands back MimeKit's entity unchanged.
/// </summary>
public sealed class SmimeGraphReadsMimeKitTests
{
    // Every mode, ECDH included: BouncyCastle's ECC-CMS-SharedInfo (keyInfo with NULL parameters)
    // is accepted when reading (docs/mimekit-interop.md, "ECDH from MimeKit to SmimeGraph").
    public static TheoryData<string> Modes() => new(InteropMode.All.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(Modes))]
    public void The_inspector_reads_MimeKits_message_and_gets_the_same_entity(string name) => ReadsAndGetsTheSameEntity(name);

    private static void ReadsAndGetsTheSameEntity(string name)
    {
        InteropMode mode = InteropMode.Named(name);
        (MimeMessage message, MimeEntity original) = Protect(mode);
        InspectionResult result = SmimeInspector.Inspect(MessageBytes.Write(message), InspectorOptions(mode));

        Assert.Equal(mode.Recipient is not null, result.IsEncrypted);
        Assert.Equal(mode.Signer is not null, result.IsSigned);
        if (mode.Recipient is not null)
        {
            EncryptionLayer layer = Assert.Single(result.Layers.OfType<EncryptionLayer>());
            Assert.True(layer.IsDecrypted, string.Join("; ", layer.Problems));
            Assert.Empty(layer.Problems);
            Assert.Contains("256", layer.ContentEncryptionAlgorithm, StringComparison.Ordinal);
            Assert.False(layer.IsWeak);
        }

        if (mode.Signer is not null)
        {
            SignatureVerdict verdict = Assert.Single(Assert.Single(result.Layers.OfType<SignatureLayer>()).Signatures);
            Assert.True(verdict.IsValidAndTrusted, verdict.Failure ?? string.Join("; ", verdict.Weaknesses));
            Assert.Equal(true, verdict.SignerMatchesSender);
            Assert.True(result.IsValid);
        }

        EntityAssert.Same(original, result.GetContentEntity());
        using MimeMessage received = result.GetMimeMessage();
        Assert.Equal(message.Subject, received.Subject);
        Assert.Equal(message.MessageId, received.MessageId);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void The_streaming_inspector_writes_out_MimeKits_entity(string name)
    {
        InteropMode mode = InteropMode.Named(name);
        (MimeMessage message, MimeEntity original) = Protect(mode);
        byte[] bytes = MessageBytes.Write(message);
        using var content = new MemoryStream();

        InspectionResult result = SmimeInspector.InspectStreaming(new MemoryStream(bytes), content, InspectorOptions(mode));

        Assert.True(result.IsStreamed);
        Assert.Equal(SmimeInspector.Inspect(bytes, InspectorOptions(mode)).IsValid, result.IsValid);
        Assert.Equal(mode.Signer is not null, result.IsValid);
        content.Position = 0;
        EntityAssert.Same(original, MimeEntity.Load(content));
        Assert.Throws<InvalidOperationException>(() => result.GetContentEntity());
    }

    [Fact]
    public void A_body_altered_after_MimeKit_signed_it_is_not_valid()
    {
        (MimeMessage message, _) = Protect(InteropMode.Named("detached RSA PKCS#1 v1.5"), SampleMessages.Simple(text: "Pay 100 EUR\r\n"));
        string text = System.Text.Encoding.ASCII.GetString(MessageBytes.Write(message)).Replace("Pay 100 EUR", "Pay 900 EUR", StringComparison.Ordinal);
        InspectionResult result = SmimeInspector.Inspect(System.Text.Encoding.ASCII.GetBytes(text), InspectorOptions(InteropMode.Named("detached RSA PKCS#1 v1.5")));

        SignatureVerdict verdict = Assert.Single(Assert.Single(result.Layers.OfType<SignatureLayer>()).Signatures);
        Assert.False(verdict.IsSignatureValid);
        Assert.False(result.IsValid);
    }

    /// <summary>Signs and/or encrypts the sample body with MimeKit as <paramref name="mode"/> says; returns the message and the body as built.</summary>
    internal static (MimeMessage Message, MimeEntity Original) Protect(InteropMode mode, MimeMessage? message = null)
    {
        message ??= SampleMessages.Create(from: mode.Signer is null ? "alice@example.com" : TestPki.Address(mode.Signer));
        MimeEntity original = message.Body!;
        using TemporarySecureMimeContext context = MimeKitPeer.Context();
        CmsSigner? signer = mode.Signer is null ? null : new CmsSigner(TestPki.WithKey(mode.Signer))
        {
            DigestAlgorithm = DigestAlgorithm.Sha256,
            RsaSignaturePadding = mode.Pss ? RsaSignaturePadding.Pss : RsaSignaturePadding.Pkcs1,
        };
        CmsRecipientCollection? recipients = null;
        if (mode.Recipient is not null)
        {
            var recipient = new CmsRecipient(TestPki.Certificate(mode.Recipient))
            {
                EncryptionAlgorithms = [EncryptionAlgorithm.Aes256],
            };
            if (mode.Oaep)
            {
                recipient.RsaEncryptionPadding = RsaEncryptionPadding.OaepSha256;
            }

            recipients = [recipient];
        }

        MimeEntity body = (signer, recipients, mode.Opaque) switch
        {
            (not null, null, false) => MultipartSigned.Create(context, signer, original),
            (not null, null, true) => ApplicationPkcs7Mime.Sign(context, signer, original),
            (null, not null, _) => ApplicationPkcs7Mime.Encrypt(context, recipients, original),
            (not null, not null, true) => ApplicationPkcs7Mime.SignAndEncrypt(context, signer, recipients, original),
            (not null, not null, false) => ApplicationPkcs7Mime.Encrypt(context, recipients, MultipartSigned.Create(context, signer, original)),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        message.Body = body;
        return (message, original);
    }

    internal static SmimeInspectorOptions InspectorOptions(InteropMode mode)
    {
        var options = new SmimeInspectorOptions();
        options.TrustAnchors.Add(TestPki.Certificate("root-ca"));
        options.ExtraCertificates.Add(TestPki.Certificate("intermediate"));
        if (mode.Recipient is not null)
        {
            options.DecryptionCertificates.Add(TestPki.WithKey(mode.Recipient));
        }

        return options;
    }
}
