using Org.BouncyCastle.Cms;
using Org.BouncyCastle.X509;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The same message with Portable.BouncyCastle 1.8.10, using the generators that MimeKit's
/// BouncyCastle backend (the usual way .NET code reaches BouncyCastle for S/MIME) uses:
/// <see cref="CmsSignedDataStreamGenerator"/> for the detached signature (the content is only
/// hashed, streamed through it) and the non-streaming <see cref="CmsEnvelopedDataGenerator"/> for
/// encryption. The MIME around it is the same hand-built MIME as the baseline.
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
            var generator = new CmsEnvelopedDataGenerator();
            generator.AddKeyTransRecipient(keys.Recipient);
            envelope = generator.Generate(new CmsProcessableByteArray(content), CmsEnvelopedGenerator.Aes256Cbc).GetEncoded();
            content = HandBuiltMime.EnvelopedMime(envelope);
        }

        byte[] mime = HandBuiltMime.Message(HandBuiltMime.RoutingHeaders(fixture), content);
        return new Composition(mime, entity.Length, encrypted, signature.Length, envelope.Length);
    }

    private static byte[] SignDetached(byte[] entity, BouncyCastleKeys keys)
    {
        // SHA256withRSA (PKCS#1 v1.5); default signed attributes: content-type, signing-time, message-digest.
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
}
