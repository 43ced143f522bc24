using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>What the writer writes, the reader reads back: every field, body and attachment.</summary>
public sealed class MimeRoundTripTests
{
    private static readonly byte[] Big = MakeBytes(1024 * 1024, 7);
    private static readonly byte[] Image = MakeBytes(3000, 8);

    private static MessageSpec Spec()
    {
        var spec = new MessageSpec
        {
            From = new MailboxAddress("Zoë Ångström", "zoe@example.com"),
            Sender = new MailboxAddress("Assistant", "assistant@example.com"),
            Subject = "Résumé – quarterly figures, 第3四半期 and a rather long subject line that must be folded",
            Date = new DateTimeOffset(2026, 11, 21, 9, 5, 7, TimeSpan.FromHours(1)),
            MessageId = "round-trip.1@example.com",
            InReplyTo = "parent@example.com",
            Importance = MessageImportance.High,
            TextBody = "Hello Bob,\r\nünïcødé text with a line that is certainly longer than seventy-six characters, to force soft breaks.\r\nFrom the start of a line.\r\n",
            HtmlBody = "<p>Hello <b>Bob</b>, see <img src=\"cid:logo@example.com\"></p>",
        };
        spec.To.Add(new MailboxAddress("Bob \"the builder\"", "bob@example.com"));
        spec.Cc.Add(new MailboxAddress("carol@example.com"));
        spec.Bcc.Add(new MailboxAddress("Audit", "audit@example.com"));
        spec.ReplyTo.Add(new MailboxAddress("replies@example.com"));
        spec.References.Add("grandparent@example.com");
        spec.References.Add("parent@example.com");
        spec.Headers.Add(new("X-Tracking-Id", "abc-123"));
        spec.Headers.Add(new("X-Note", "naïve café"));
        spec.InlineResources.Add(MimeAttachment.Inline("logo@example.com", "logo.png", new MemoryStream(Image), "image/png"));
        spec.Attachments.Add(MimeAttachment.FromStream("empty.txt", new MemoryStream([]), "text/plain"));
        spec.Attachments.Add(MimeAttachment.FromStream("one.bin", new MemoryStream([0x42])));
        spec.Attachments.Add(MimeAttachment.FromStream("Prüfbericht \"final\" Q3 2026 – a very long file name indeed.pdf", new MemoryStream(Big), "application/pdf"));
        spec.Attachments.Add(MimeAttachment.FromMessage("forwarded.eml", new MemoryStream(Encoding.ASCII.GetBytes("From: dave@example.com\r\nSubject: inner\r\n\r\nInner body.\r\n"))));
        return spec;
    }

    public static TheoryData<int> Chunks => new() { 1, 16, 4096, int.MaxValue };

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task The_reader_gives_back_every_field_body_and_attachment(int chunk)
    {
        var written = new MemoryStream();
        await MimeMessageWriter.Create(Spec()).WriteMessageAsync(written);
        byte[] bytes = written.ToArray();
        Stream source = chunk == 1 ? new OneBytePerReadStream(bytes) : new ChunkedReadStream(bytes, chunk);
        MimeEntity message = await MimeParser.ParseAsync(source);

        MessageSpec spec = Spec();
        Assert.Equal("Zoë Ångström <zoe@example.com>", message.GetHeader("From"));
        Assert.Equal("Assistant <assistant@example.com>", message.GetHeader("Sender"));
        Assert.Equal(spec.Subject, message.GetHeader("Subject"));
        Assert.Equal("\"Bob \\\"the builder\\\"\" <bob@example.com>", message.GetHeader("To"));
        Assert.Equal("carol@example.com", message.GetHeader("Cc"));
        Assert.Equal("Audit <audit@example.com>", message.GetHeader("Bcc"));
        Assert.Equal("<round-trip.1@example.com>", message.GetHeader("Message-ID"));
        Assert.Equal("<parent@example.com>", message.GetHeader("In-Reply-To"));
        Assert.Equal("abc-123", message.GetHeader("X-Tracking-Id"));
        Assert.Equal("naïve café", message.GetHeader("X-Note"));
        Assert.Equal("high", message.GetHeader("Importance"), ignoreCase: true);
        Assert.Equal("Sat, 21 Nov 2026 09:05:07 +0100", message.GetHeader("Date"));

        MimeEntity text = MimeParserTestKit.Walk(message).First(e => e.MediaType == "text/plain" && e.FileName is null);
        MimeEntity html = MimeParserTestKit.Walk(message).First(e => e.MediaType == "text/html");
        Assert.Equal(spec.TextBody, text.DecodeText());
        Assert.Equal(spec.HtmlBody, html.DecodeText());

        MimeEntity logo = MimeParserTestKit.Walk(message).Single(e => e.ContentId is not null);
        Assert.Equal("logo@example.com", logo.ContentId!.Trim('<', '>'));
        Assert.Equal(Image, logo.DecodeContent());
        Assert.Equal("multipart/related", Parent(message, logo).MediaType);

        Assert.Equal([], Attachment(message, "empty.txt").DecodeContent());
        Assert.Equal([0x42], Attachment(message, "one.bin").DecodeContent());
        Assert.Equal(Big, Attachment(message, "Prüfbericht \"final\" Q3 2026 – a very long file name indeed.pdf").DecodeContent());

        MimeEntity forwarded = Assert.Single(message.Children, c => c.MediaType == "message/rfc822");
        MimeEntity inner = Assert.Single(forwarded.Children);
        Assert.Equal("inner", inner.GetHeader("Subject"));
        Assert.Equal("Inner body.\r\n", inner.DecodeText());
    }

    private static MimeEntity Attachment(MimeEntity message, string fileName) =>
        Assert.Single(MimeParserTestKit.Walk(message), e => e.FileName == fileName);

    private static MimeEntity Parent(MimeEntity root, MimeEntity child) =>
        MimeParserTestKit.Walk(root).Single(e => e.Children.Contains(child));

    private static byte[] MakeBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
