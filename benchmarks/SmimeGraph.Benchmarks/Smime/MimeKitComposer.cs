using MimeKit;
using MimeKit.Cryptography;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The same message with MimeKit 4.18.2 (its BouncyCastle S/MIME backend), written the way its
/// documentation shows: a <see cref="MimeMessage"/> with a text part and the attachment,
/// <see cref="MultipartSigned.Create(SecureMimeContext, CmsSigner, MimeEntity, CancellationToken)"/>,
/// <see cref="ApplicationPkcs7Mime.Encrypt(SecureMimeContext, CmsRecipientCollection, MimeEntity, CancellationToken)"/>
/// or <see cref="ApplicationPkcs7Mime.SignAndEncrypt(SecureMimeContext, CmsSigner, CmsRecipientCollection, MimeEntity, CancellationToken)"/>,
/// the message written with CRLF into a <see cref="MemoryStream"/>, and
/// <see cref="Convert.ToBase64String(byte[], int, int)"/> of it for Graph. The signer and the
/// recipients are built once (<see cref="MimeKitKeys"/>); each thread keeps one in-memory context.
/// </summary>
internal static class MimeKitComposer
{
    private static readonly FormatOptions s_crlf = CreateFormat();

    [ThreadStatic]
    private static TemporarySecureMimeContext? t_context;

    /// <summary>The Graph request body (base64 of the MIME, no line breaks).</summary>
    public static string ComposeGraphBody(MessageFixture fixture, MimeKitKeys keys, SmimeOperation operation)
    {
        using MemoryStream mime = Compose(fixture, keys, operation);
        return Convert.ToBase64String(mime.GetBuffer(), 0, (int)mime.Length);
    }

    /// <summary>The MIME message, as bytes.</summary>
    public static byte[] ComposeMime(MessageFixture fixture, MimeKitKeys keys, SmimeOperation operation)
    {
        using MemoryStream mime = Compose(fixture, keys, operation);
        return mime.ToArray();
    }

    private static MemoryStream Compose(MessageFixture fixture, MimeKitKeys keys, SmimeOperation operation)
    {
        SecureMimeContext context = t_context ??= new TemporarySecureMimeContext();
        var message = new MimeMessage
        {
            Subject = MessageFixture.Subject,
            Date = MessageFixture.Date,
            MessageId = MessageFixture.MessageId,
        };
        message.From.Add(new MailboxAddress(MessageFixture.FromDisplay, MessageFixture.FromAddress));
        message.To.Add(new MailboxAddress(MessageFixture.ToDisplay, MessageFixture.ToAddress));

        var text = new TextPart("plain") { Text = MessageFixture.Text };
        var attachment = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(fixture.Attachment, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = MessageFixture.AttachmentName,
        };
        var mixed = new Multipart("mixed") { text, attachment };

        message.Body = operation switch
        {
            SmimeOperation.Sign => MultipartSigned.Create(context, keys.Signer, mixed),
            SmimeOperation.Encrypt => ApplicationPkcs7Mime.Encrypt(context, keys.Recipients, mixed),
            SmimeOperation.SignAndEncrypt => ApplicationPkcs7Mime.SignAndEncrypt(context, keys.Signer, keys.Recipients, mixed),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };

        var output = new MemoryStream();
        message.WriteTo(s_crlf, output);
        return output;
    }

    private static FormatOptions CreateFormat()
    {
        FormatOptions options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
