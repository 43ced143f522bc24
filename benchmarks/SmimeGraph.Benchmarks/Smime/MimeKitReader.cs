using MimeKit;
using MimeKit.Cryptography;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// MimeKit 4.18.2 reading the message as a MailKit app does: <see cref="MimeMessage.Load(Stream, System.Threading.CancellationToken)"/>,
/// <see cref="ApplicationPkcs7Mime.Decrypt(SecureMimeContext, System.Threading.CancellationToken)"/>,
/// <see cref="MultipartSigned.Verify(CryptographyContext, System.Threading.CancellationToken)"/> and
/// <see cref="IDigitalSignature.Verify()"/> (which validates the chain against the context's
/// anchors). The context (the recipient's key, the anchor, the intermediates) is built once per
/// thread, outside the timing, as an app keeps it.
/// </summary>
internal static class MimeKitReader
{
    [ThreadStatic]
    private static Dictionary<ReadingFixture, TemporarySecureMimeContext>? t_contexts;

    /// <summary>Decrypts, verifies and validates; returns the number of verified signatures.</summary>
    public static int Read(ReadingFixture fixture)
    {
        SecureMimeContext context = Context(fixture);
        using var stream = new MemoryStream(fixture.Mime, writable: false);
        MimeMessage message = MimeMessage.Load(stream);
        var encrypted = message.Body as ApplicationPkcs7Mime ?? throw new InvalidOperationException("Not application/pkcs7-mime.");
        var signed = encrypted.Decrypt(context) as MultipartSigned ?? throw new InvalidOperationException("The decrypted entity is not multipart/signed.");
        int verified = 0;
        foreach (IDigitalSignature signature in signed.Verify(context))
        {
            verified += signature.Verify() ? 1 : throw new InvalidOperationException("MimeKit did not verify the signature.");
        }

        return verified;
    }

    /// <summary>Builds the thread's context for <paramref name="fixture"/> (call once outside the timing).</summary>
    public static SecureMimeContext Context(ReadingFixture fixture)
    {
        t_contexts ??= [];
        if (!t_contexts.TryGetValue(fixture, out TemporarySecureMimeContext? context))
        {
            context = new TemporarySecureMimeContext();
            // A self-signed certificate with keyCertSign is MimeKit's trust anchor; the others are intermediates.
            context.Import(fixture.Anchor);
            foreach (var intermediate in fixture.Intermediates)
            {
                context.Import(intermediate);
            }

            using var pfx = new MemoryStream(fixture.Recipient.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, TestCertificates.PfxPassword));
            context.Import(pfx, TestCertificates.PfxPassword);
            t_contexts[fixture] = context;
        }

        return context;
    }
}
