using MimeKit;
using MimeKit.Cryptography;
using SmimeGraph.MimeKit.Tests.TestSupport;
using SmimeGraph.Smime;

namespace SmimeGraph.MimeKit.Tests.Interop;

/// <summary>
/// AES-GCM (AuthEnvelopedData, RFC 5083/5084; smime-type=authEnveloped-data, RFC 8551 §3.4) is
/// the one SmimeGraph output MimeKit 4.18 cannot read: it names the type but refuses to decrypt
/// it, and its BouncyCastle context cannot parse the CMS. The same message is read by
/// SmimeGraph's inspector, so the limitation is MimeKit's.
/// </summary>
public sealed class AuthEnvelopedDataTests
{
    [Fact]
    public async Task MimeKit_cannot_read_authEnveloped_data_that_the_inspector_reads()
    {
        InteropMode mode = InteropMode.Named("encrypt RSA PKCS#1 v1.5");
        MimeMessage original = SampleMessages.Simple();
        using Graph.GraphPayload payload = await new SmimeComposer().ComposeAsync(
            original, MimeKitReadsSmimeGraphTests.SmimeGraphOptions(mode, ContentEncryptionAlgorithm.Aes256Gcm));
        byte[] mime = MessageBytes.FromGraphBody(payload);

        var body = Assert.IsType<ApplicationPkcs7Mime>(MessageBytes.Load(mime).Body);
        Assert.Equal(SecureMimeType.AuthEnvelopedData, body.SecureMimeType);
        using TemporarySecureMimeContext context = MimeKitPeer.Context(mode.Recipient!);
        Assert.Throws<InvalidOperationException>(() => body.Decrypt(context));

        // Handing the CMS straight to the context fails too: BouncyCastle's S/MIME reads
        // EnvelopedData only.
        using var cms = new MemoryStream();
        body.Content!.DecodeTo(cms);
        cms.Position = 0;
        Exception error = Record.Exception(() => context.Decrypt(cms));
        Assert.NotNull(error);

        InspectionResult result = SmimeInspector.Inspect(mime, SmimeGraphReadsMimeKitTests.InspectorOptions(mode));
        EncryptionLayer layer = Assert.Single(result.Layers.OfType<EncryptionLayer>());
        Assert.True(layer.IsDecrypted);
        Assert.True(layer.IsAuthenticated);
        EntityAssert.Same(original.Body!, result.GetContentEntity());
    }
}
