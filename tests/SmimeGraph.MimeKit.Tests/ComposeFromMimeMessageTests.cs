using MimeKit;
using MimeKit.Cryptography;
using SmimeGraph.Graph;
using SmimeGraph.MimeKit.Tests.Interop;
using SmimeGraph.MimeKit.Tests.TestSupport;
using SmimeGraph.Smime;

namespace SmimeGraph.MimeKit.Tests;

/// <summary>
/// Composing from a MimeKit message: routing fields outside, the body entity canonical and
/// protected, streamed once, and the Graph ceiling enforced before upload.
/// </summary>
public sealed class ComposeFromMimeMessageTests
{
    private static readonly InteropMode Detached = InteropMode.Named("detached RSA PKCS#1 v1.5");

    [Fact]
    public async Task Routing_fields_stay_outside_and_the_body_entity_is_signed()
    {
        MimeMessage original = SampleMessages.Create();
        original.InReplyTo = "earlier@example.com";
        original.References.Add("first@example.com");
        original.ReplyTo.Add(new MailboxAddress("Team", "team@example.com"));
        original.Bcc.Add(new MailboxAddress("Audit", "audit@example.com"));
        byte[] mime = await MimeKitReadsSmimeGraphTests.ComposeAsync(original, Detached);

        MimeMessage received = MessageBytes.Load(mime);
        foreach (string field in new[] { "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-Id", "In-Reply-To", "References", "X-Mailer" })
        {
            Assert.Equal(original.Headers[field], received.Headers[field]);
        }

        Assert.Equal("1.0", received.Headers[HeaderId.MimeVersion]);
        var signed = Assert.IsType<MultipartSigned>(received.Body);

        // Inside the signature: only the body entity's own Content-* fields.
        Assert.All(signed[0].Headers, h => Assert.StartsWith("Content-", h.Field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_output_is_7bit_with_CRLF_line_breaks()
    {
        MimeMessage original = SampleMessages.Create();

        // 8-bit text with bare LF line breaks, as an app may hand it over.
        ((Multipart)((Multipart)original.Body!)[0]).OfType<TextPart>().First().Text = "Zeile eins – ä\nZeile zwei\n";
        byte[] mime = await MimeKitReadsSmimeGraphTests.ComposeAsync(original, Detached);

        Assert.DoesNotContain(mime, b => b > 0x7F || b == 0);
        for (int i = 0; i < mime.Length; i++)
        {
            if (mime[i] == (byte)'\n')
            {
                Assert.True(i > 0 && mime[i - 1] == (byte)'\r', $"bare LF at {i}");
            }
        }
    }

    [Fact]
    public async Task With_every_length_known_the_prediction_is_exact()
    {
        MimeMessage original = SampleMessages.Create(attachmentLength: 200_000);
        var composer = new SmimeComposer();
        SmimeOptions options = MimeKitReadsSmimeGraphTests.SmimeGraphOptions(InteropMode.Named("sign+encrypt RSA PKCS#1 v1.5"));

        PayloadSizePrediction prediction = composer.PredictSize(original, options);
        using GraphPayload payload = await composer.ComposeAsync(original, options);

        Assert.True(prediction.IsExact);
        Assert.Equal(prediction.BodyLength, payload.Length);
        Assert.Equal(prediction.MimeLength, payload.MimeLength);
    }

    [Fact]
    public async Task Over_the_ceiling_with_known_lengths_nothing_is_read()
    {
        var content = new CountingStream(SampleMessages.Bytes(3_000_000, 5));
        MimeMessage message = WithAttachment(content);
        SmimeOptions options = MimeKitReadsSmimeGraphTests.SmimeGraphOptions(Detached);

        PayloadTooLargeException error = await Assert.ThrowsAsync<PayloadTooLargeException>(
            () => new SmimeComposer().ComposeAsync(message, options));

        Assert.False(error.SizeIsLowerBound);
        Assert.Equal(GraphPayload.DefaultCeiling, error.Ceiling);
        Assert.True(error.Size > error.Ceiling);
        Assert.Equal(0, content.BytesRead);
    }

    [Fact]
    public async Task With_an_unknown_length_the_body_stops_at_the_ceiling()
    {
        // A part still base64-encoded, as in a parsed message: its decoded length is not known
        // until it is decoded, which happens only while the body is written.
        byte[] encoded = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(SampleMessages.Bytes(3_000_000, 5), Base64FormattingOptions.InsertLineBreaks));
        var content = new CountingStream(encoded);
        MimeMessage message = WithAttachment(content, ContentEncoding.Base64);
        SmimeOptions options = MimeKitReadsSmimeGraphTests.SmimeGraphOptions(Detached);

        Assert.False(new SmimeComposer().PredictSize(message, options).IsExact);
        PayloadTooLargeException error = await Assert.ThrowsAsync<PayloadTooLargeException>(
            () => new SmimeComposer().ComposeAsync(message, options));

        Assert.Equal(GraphPayload.DefaultCeiling, error.Ceiling);

        // Stopped at the ceiling: the Graph body is base64 of the MIME, the MIME holds the content
        // as base64 too, so about 9/16 of the ceiling was read (plus buffers), never all 4 MB.
        Assert.InRange(content.BytesRead, 1, (GraphPayload.DefaultCeiling * 3 / 4) + 200_000);
        Assert.True(content.BytesRead < encoded.Length);
    }

    [Fact]
    public async Task Each_content_is_read_once_and_the_message_stays_usable()
    {
        byte[] bytes = SampleMessages.Bytes(1_000_000, 9);
        var content = new CountingStream(bytes);
        MimeMessage message = WithAttachment(content);
        SmimeOptions options = MimeKitReadsSmimeGraphTests.SmimeGraphOptions(Detached);

        using (GraphPayload first = await new SmimeComposer().ComposeAsync(message, options))
        {
            Assert.Equal(bytes.Length, content.BytesRead);
        }

        // The content stream was left open: the app can send the same message again.
        using GraphPayload second = await new SmimeComposer().ComposeAsync(message, options);
        MimeMessage received = MessageBytes.Load(MessageBytes.FromGraphBody(second));
        MimePart attachment = ((MultipartSigned)received.Body!)[0] is Multipart mixed ? (MimePart)mixed[1] : throw new InvalidOperationException();
        Assert.Equal(bytes, EntityAssert.Decoded(attachment));
    }

    [Fact]
    public async Task A_parsed_message_with_8bit_headers_is_sent_with_encoded_words()
    {
        string raw = "From: =?utf-8?q?J=C3=BCrgen?= <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Grüße aus Köln\r\n"
            + "Date: Sat, 21 Nov 2026 06:04:55 +0000\r\nMessage-ID: <parsed@example.com>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n";
        MimeMessage parsed = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));
        byte[] mime = await MimeKitReadsSmimeGraphTests.ComposeAsync(parsed, Detached);

        Assert.DoesNotContain(mime, b => b > 0x7F);
        MimeMessage received = MessageBytes.Load(mime);
        Assert.Equal("Grüße aus Köln", received.Subject);
        Assert.Equal("parsed@example.com", received.MessageId);
        using TemporarySecureMimeContext context = MimeKitPeer.Context();
        var signed = (MultipartSigned)received.Body!;
        Assert.True(Assert.Single(signed.Verify(context)).Verify());
        Assert.Equal("Grüße\r\n"u8.ToArray(), EntityAssert.Decoded((MimePart)signed[0]));
    }

    [Fact]
    public async Task A_message_without_Date_and_Message_ID_gets_both()
    {
        var message = new MimeMessage();
        message.Headers.Remove(HeaderId.Date);
        message.Headers.Remove(HeaderId.MessageId);
        message.From.Add(new MailboxAddress("Alice", "alice@example.com"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        message.Body = new TextPart("plain") { Text = "Hi\r\n" };
        using GraphPayload payload = await new SmimeComposer().ComposeAsync(message, MimeKitReadsSmimeGraphTests.SmimeGraphOptions(Detached));

        MimeMessage received = MessageBytes.Load(MessageBytes.FromGraphBody(payload));
        Assert.EndsWith("@example.com", received.MessageId, StringComparison.Ordinal);
        Assert.Equal(received.MessageId, payload.InternetMessageId);
        Assert.True(received.Headers.Contains(HeaderId.Date));
    }

    private static MimeMessage WithAttachment(Stream content, ContentEncoding encoding = ContentEncoding.Default)
    {
        MimeMessage message = SampleMessages.Simple();
        var attachment = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(content, encoding),
            ContentTransferEncoding = encoding,
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            FileName = "big.bin",
        };
        message.Body = new Multipart("mixed") { message.Body!, attachment };
        return message;
    }
}
