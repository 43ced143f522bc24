using System.Text;
using MimeKit;

namespace SmimeGraph.MimeKit.Tests.TestSupport;

/// <summary>Messages as a MailKit/MimeKit app builds them.</summary>
public static class SampleMessages
{
    /// <summary>
    /// Alice to Bob: text and HTML alternatives, an inline image, a PDF-like binary attachment
    /// and an attached message; Unicode in the subject, a display name and a file name.
    /// </summary>
    public static MimeMessage Create(string from = "alice@example.com", int attachmentLength = 50_000)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice Ärger", from));
        message.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        message.Cc.Add(new MailboxAddress("Carol", "carol@example.com"));
        message.Subject = "Quarterly figures – grüße";
        message.Headers.Add("X-Mailer", "SmimeGraph tests");

        var builder = new BodyBuilder
        {
            TextBody = "Hello Bob,\r\nthe figures are attached. Grüße, Alice\r\n" + new string('x', 120) + "\r\n",
        };
        MimeEntity image = builder.LinkedResources.Add("logo.png", Bytes(300, 7), new ContentType("image", "png"));
        image.ContentId = "logo@example.com";
        builder.HtmlBody = "<p>Hello Bob, <img src=\"cid:logo@example.com\"> Grüße</p>\r\n";
        builder.Attachments.Add("zahlen-ä.pdf", Bytes(attachmentLength, 11), new ContentType("application", "pdf"));

        var attached = new MimeMessage();
        attached.From.Add(new MailboxAddress("Dave", "dave@example.com"));
        attached.To.Add(new MailboxAddress("Alice", from));
        attached.Subject = "The earlier thread";
        attached.Body = new TextPart("plain") { Text = "Earlier text\r\n" };
        builder.Attachments.Add(new MessagePart { Message = attached });

        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>A message with one text part, for the cases where only the protection matters.</summary>
    public static MimeMessage Simple(string from = "alice@example.com", string text = "Hello Bob\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", from));
        message.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        message.Subject = "Hello";
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
