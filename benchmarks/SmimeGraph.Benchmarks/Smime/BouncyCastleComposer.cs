using Org.BouncyCastle.Cms;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The same message with BouncyCastle.Cryptography 2.7's streaming CMS generators:
/// <see cref="CmsSignedDataStreamGenerator"/> for the detached signature (the content is only
/// hashed as it streams through) and <see cref="CmsEnvelopedDataStreamGenerator"/> for the
/// encryption (AES-256-CBC, RSA PKCS#1 v1.5 key transport to the recipient and to the sender's
/// encryption certificate), both writing into a <see cref="MemoryStream"/>. The MIME around them
/// is the same hand-built MIME as the baseline, so the two differ only in their CMS library.
/// </summary>
internal static class BouncyCastleComposer
{
    /// <summary>The Graph request body (base64 of the MIME, no line breaks).</summary>
    public static string ComposeGraphBody(MessageFixture fixture, BouncyCastleKeys keys, SmimeOperation operation) =>
        Convert.ToBase64String(Compose(fixture, keys, operation).Mime);

    public static Composition Compose(MessageFixture fixture, BouncyCastleKeys keys, SmimeOperation operation)
    {
        byte[] entity = HandBuiltMime.BodyEntity(fixture);
        byte[] signature = [];
        byte[] envelope = [];
        byte[] content = entity;
        if (operation is SmimeOperation.Sign or SmimeOperation.SignAndEncrypt)
        {
            signature = SignDetached(entity, keys);
            content = HandBuiltMime.MultipartSigned(entity, signature);
        }

        int encrypted = 0;
        if (operation is SmimeOperation.Encrypt or SmimeOperation.SignAndEncrypt)
        {
            encrypted = content.Length;
            envelope = Envelope(content, keys);
            content = HandBuiltMime.EnvelopedMime(envelope);
        }

        byte[] mime = HandBuiltMime.Message(HandBuiltMime.RoutingHeaders(fixture), content);
        return new Composition(mime, entity.Length, encrypted, signature.Length, envelope.Length);
    }

    private static byte[] SignDetached(byte[] entity, BouncyCastleKeys keys)
    {
        // RFC 5652 §5: SHA256withRSA (PKCS#1 v1.5); BouncyCastle's default signed attributes:
        // content-type, signing-time, message-digest, CMS algorithm protection.
        var generator = new CmsSignedDataStreamGenerator();
        generator.AddSigner(keys.SignerKey, keys.Signer, CmsSignedGenerator.DigestSha256);
        generator.AddCertificates(keys.SignerStore);
        var output = new MemoryStream(4096);
        using (Stream signing = generator.Open(output, encapsulate: false))
        {
            signing.Write(entity, 0, entity.Length);
        }

        return output.ToArray();
    }

    private static byte[] Envelope(byte[] content, BouncyCastleKeys keys)
    {
        // RFC 5652 §6: EnvelopedData, one KeyTransRecipientInfo per certificate (issuerAndSerialNumber).
        var generator = new CmsEnvelopedDataStreamGenerator();
        generator.AddKeyTransRecipient(keys.Recipient);
        generator.AddKeyTransRecipient(keys.SenderEncryption);
        var output = new MemoryStream(content.Length + 2048);
        using (Stream encrypting = generator.Open(output, CmsEnvelopedGenerator.Aes256Cbc))
        {
            encrypting.Write(content, 0, content.Length);
        }

        return output.ToArray();
    }
}
