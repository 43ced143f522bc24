using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Graph;
using SmimeGraph.Mime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// What every reading contender reads: the fixture's sign-then-encrypt message as SmimeGraph
/// composed it (multipart/signed inside EnvelopedData, the MIME a recipient's client fetches), and
/// the keys a recipient holds: the recipient's private key and one pinned trust anchor. Built once
/// per size; nothing here is timed.
/// </summary>
internal sealed class ReadingFixture
{
    private static readonly ConcurrentDictionary<int, ReadingFixture> s_fixtures = new();

    private ReadingFixture(MessageFixture message)
    {
        Message = message;
        // Dated now: the inspector compares the Date field with the signingTime attribute.
        MessageSpec spec = message.CreateSpec();
        spec.Date = DateTimeOffset.UtcNow;
        using GraphPayload payload = LibraryPipeline.ComposeAsync(spec, message.Certificates, SmimeOperation.SignAndEncrypt).GetAwaiter().GetResult();
        using var buffer = new MemoryStream();
        payload.WriteToAsync(buffer).GetAwaiter().GetResult();
        byte[] body = buffer.ToArray();
        byte[] mime = new byte[Base64.GetMaxDecodedFromUtf8Length(body.Length)];
        if (Base64.DecodeFromUtf8(body, mime, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            throw new InvalidOperationException("The pipeline's request body is not base64.");
        }

        Mime = mime.AsSpan(0, written).ToArray();
        TestCertificates certificates = message.Certificates;
        if (certificates.Signer.SubjectName.RawData.AsSpan().SequenceEqual(certificates.Signer.IssuerName.RawData))
        {
            Anchor = certificates.Signer;
            Intermediates = [];
        }
        else
        {
            // The committed test PKI: signer ← intermediate ← root (certs-test/README.md).
            Anchor = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certificates.Source, "root-ca.pem"));
            Intermediates = [X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certificates.Source, "intermediate.pem"))];
        }
    }

    public MessageFixture Message { get; }

    /// <summary>The MIME message (routing headers, application/pkcs7-mime enveloped-data).</summary>
    public byte[] Mime { get; }

    /// <summary>The one certificate trusted: the test root (or the self-signed signer when generated).</summary>
    public X509Certificate2 Anchor { get; }

    /// <summary>Certificates between the signer and the anchor, as a client's store would hold them.</summary>
    public X509Certificate2[] Intermediates { get; }

    /// <summary>The recipient's certificate with its private key.</summary>
    public X509Certificate2 Recipient => Message.Certificates.Recipient;

    /// <summary>The fixture for an attachment of <paramref name="attachmentLength"/> bytes (built once per process).</summary>
    public static ReadingFixture For(int attachmentLength) =>
        s_fixtures.GetOrAdd(attachmentLength, n => new ReadingFixture(MessageFixture.For(n)));
}
