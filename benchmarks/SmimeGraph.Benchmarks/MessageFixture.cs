using System.Collections.Concurrent;
using SmimeGraph.Benchmarks.Smime;
using SmimeGraph.Graph;
using SmimeGraph.Mime;

namespace SmimeGraph.Benchmarks;

/// <summary>
/// The message every contender composes: fixed routing headers, a short text/plain part and one
/// attachment of <see cref="AttachmentLength"/> random bytes (seeded, so every run and every
/// contender sees the same bytes), plus the test certificates. Signed by Alice; encrypted to Bob
/// and to Alice's own encryption certificate, so the copy in her Sent Items stays readable (two
/// key transports). One instance per size, shared by the benchmarks in a process; nothing here
/// is timed.
/// </summary>
internal sealed class MessageFixture
{
    /// <summary>A small message: per-message overhead dominates.</summary>
    public const int Small = 4 * 1024;

    /// <summary>A typical attachment.</summary>
    public const int Medium = 1024 * 1024;

    /// <summary>
    /// The largest attachment (1553 KiB) whose sign-then-encrypt message fits Graph's default
    /// ceiling, <see cref="GraphPayload.DefaultCeiling"/> = 4,000,000 bytes of base64 request body.
    /// Working back from the ceiling through each layer (overheads from <see cref="SizeModel"/>, with
    /// the certs-test signer, recipient and sender's encryption certificate):
    /// <code>
    /// request body      4,000,000 ≥ 4·ceil(M/3)                 final base64, no line breaks (RFC 4648 §4)
    ///   → MIME message  M ≤ 3,000,000
    /// outer MIME        M = 371 + B(C)                          routing + pkcs7-mime headers; B(n) = 4·ceil(n/3)
    ///                                                           + 2 per 76-char line (RFC 2045 §6.8): 78 per 57 bytes
    ///   → EnvelopedData C ≤ 2,192,034
    /// EnvelopedData     C = 16·(floor(S/16)+1) + 824            CBC padding; ContentInfo, two RecipientInfos with
    ///                                                           256-byte wrapped keys, IV, DER lengths
    ///   → signed entity S ≤ 2,191,199
    /// multipart/signed  S = E + 2,666                           boundaries, headers, base64 of the ~1.6 KB SignedData
    ///   → body entity   E ≤ 2,188,533
    /// multipart/mixed   E = 617 + B(A)                          headers, text part, attachment part headers
    ///   → attachment    A ≤ 1,598,859 bytes (≈ 1.52 MiB)
    /// </code>
    /// Three base64 layers cost (78/57)²·4/3 ≈ 2.50 bytes of request body per attachment byte, so
    /// the bound is about 4,000,000 / 2.50 ≈ 1.6 MB, not 2.1 MiB (that is the size of the
    /// EnvelopedData). The constant is the bound rounded down to a whole KiB (1561 KiB) less 8 KiB
    /// (≈ 21 KB of request body to spare) so a composer with longer boundaries or more signed
    /// attributes still fits. <see cref="EnsureFits"/> checks
    /// the baseline's real output in every setup; <c>--sizes</c> prints the numbers again.
    /// </summary>
    public const int Largest = 1553 * 1024;

    /// <summary>Seed of the attachment bytes.</summary>
    public const int Seed = 5652;

    public const string FromDisplay = "Alice";
    public const string FromAddress = "alice@example.com";
    public const string ToDisplay = "Bob";
    public const string ToAddress = "bob@example.com";
    public const string Subject = "Quarterly figures";
    public const string MessageId = "5f0b7e1c9a4d.benchmark@example.com";
    public const string AttachmentName = "figures.bin";

    /// <summary>The text part: 7-bit, CRLF, lines under 76 characters, no trailing CRLF (the writer adds the delimiter's).</summary>
    public const string Text =
        "Hello,\r\n" +
        "\r\n" +
        "please find the quarterly figures attached. The file is signed and\r\n" +
        "encrypted with S/MIME; open it with a client that holds your key.\r\n" +
        "\r\n" +
        "Regards,\r\n" +
        "Alice";

    public static readonly DateTimeOffset Date = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    private static readonly ConcurrentDictionary<int, MessageFixture> s_fixtures = new();

    private readonly ConcurrentDictionary<SmimeOperation, Composition> _compositions = new();
    private readonly Lazy<BouncyCastleKeys> _bouncyCastle;
    private readonly Lazy<MimeKitKeys> _mimeKit;

    private MessageFixture(int attachmentLength)
    {
        AttachmentLength = attachmentLength;
        Attachment = new byte[attachmentLength];
        new Random(Seed).NextBytes(Attachment);
        Certificates = TestCertificates.Shared;
        _bouncyCastle = new Lazy<BouncyCastleKeys>(() => new BouncyCastleKeys(Certificates));
        _mimeKit = new Lazy<MimeKitKeys>(() => new MimeKitKeys(Certificates));
    }

    public int AttachmentLength { get; }

    public byte[] Attachment { get; }

    public TestCertificates Certificates { get; }

    /// <summary>The keys in BouncyCastle's types (converted on first use, once per process).</summary>
    public BouncyCastleKeys BouncyCastle => _bouncyCastle.Value;

    /// <summary>MimeKit's signer and recipients (built on first use, once per process: the signer takes hundreds of milliseconds).</summary>
    public MimeKitKeys MimeKit => _mimeKit.Value;

    /// <summary>The fixture for an attachment of <paramref name="attachmentLength"/> bytes (built once per process).</summary>
    public static MessageFixture For(int attachmentLength) => s_fixtures.GetOrAdd(attachmentLength, n => new MessageFixture(n));

    /// <summary>
    /// The same message as a <see cref="MessageSpec"/> for the library: the attachment opens a
    /// fresh read-only stream each time it is written, and its length is known.
    /// </summary>
    public MessageSpec CreateSpec()
    {
        var spec = new MessageSpec
        {
            From = new MailboxAddress(FromDisplay, FromAddress),
            Subject = Subject,
            Date = Date,
            MessageId = MessageId,
            TextBody = Text,
        };
        spec.To.Add(new MailboxAddress(ToDisplay, ToAddress));
        spec.Attachments.Add(MimeAttachment.FromStreamFactory(AttachmentName, () => new MemoryStream(Attachment, writable: false), Attachment.Length));
        return spec;
    }

    /// <summary>The baseline's composition of this message (built once): the pre-built MIME and its layer sizes.</summary>
    public Composition Composition(SmimeOperation operation) =>
        _compositions.GetOrAdd(operation, op => SystemPkcsComposer.Compose(this, op));

    /// <summary>Throws when the baseline's request body for this message would not fit the default ceiling.</summary>
    public void EnsureFits(SmimeOperation operation)
    {
        long body = Base64Length(Composition(operation).Mime.Length);
        if (body > GraphPayload.DefaultCeiling)
        {
            throw new InvalidOperationException(
                $"The {operation} message with a {AttachmentLength:N0}-byte attachment needs {body:N0} bytes of request body, over the {GraphPayload.DefaultCeiling:N0} ceiling; lower MessageFixture.Largest.");
        }
    }

    /// <summary>RFC 4648 §4 length without line breaks.</summary>
    public static long Base64Length(long length) => (length + 2) / 3 * 4;
}
