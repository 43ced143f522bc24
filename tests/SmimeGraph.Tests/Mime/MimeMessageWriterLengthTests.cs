using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

public class MimeMessageWriterLengthTests
{
    public static TheoryData<string> Specs => new()
    {
        "empty", "ascii-text", "qp-text", "base64-text", "html-only", "text-and-html", "inline",
        "attachment-0", "attachment-1", "attachment-2", "attachment-3", "attachment-56", "attachment-57",
        "attachment-58", "attachment-4096", "attachment-100003", "many-attachments", "message", "everything",
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task Predicted_lengths_equal_the_bytes_written(string kind)
    {
        var writer = MimeMessageWriter.Create(Build(kind));

        var headers = new MemoryStream();
        writer.WriteRoutingHeaders(headers);
        var body = new MemoryStream();
        await writer.WriteBodyEntityAsync(body);
        var whole = new MemoryStream();
        await writer.WriteMessageAsync(whole);

        Assert.Equal(writer.RoutingHeadersLength, headers.Length);
        Assert.Equal(writer.BodyEntityLength, body.Length);
        Assert.Equal(writer.MessageLength, whole.Length);
        Assert.Equal([.. headers.ToArray(), .. body.ToArray()], whole.ToArray());
        MimeAssert.Canonical(whole.ToArray());

        // The body entity starts with its own Content-Type and the header block has no blank line.
        Assert.StartsWith("Content-Type: ", Encoding.ASCII.GetString(body.ToArray()), StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n\r\n", Encoding.ASCII.GetString(headers.ToArray()), StringComparison.Ordinal);
        Assert.EndsWith("MIME-Version: 1.0\r\n", Encoding.ASCII.GetString(headers.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_never_reads_an_attachment()
    {
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), TextBody = "hi", HtmlBody = "<img src=cid:x@y>" };
        spec.Attachments.Add(MimeAttachment.FromStream("a.bin", new ThrowingStream(1000)));
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("b.bin", () => throw new InvalidOperationException("opened"), 10));
        spec.Attachments.Add(MimeAttachment.FromMessage("c.eml", new ThrowingStream(100)));
        spec.InlineResources.Add(MimeAttachment.Inline("x@y", "x.png", new ThrowingStream(50), "image/png"));

        var writer = MimeMessageWriter.Create(spec);

        Assert.NotNull(writer.MessageLength);
        // Writing does read the attachments: the throwing stream is reached then, and only then.
        await Assert.ThrowsAsync<IOException>(() => writer.WriteMessageAsync(Stream.Null));
    }

    [Fact]
    public async Task Unknown_attachment_length_gives_null_lengths_and_still_writes()
    {
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), TextBody = "hi" };
        byte[] data = RandomNumberGenerator.GetBytes(5000);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("u.bin", () => new MemoryStream(data), length: null));
        var writer = MimeMessageWriter.Create(spec);
        Assert.Null(writer.BodyEntityLength);
        Assert.Null(writer.MessageLength);
        var output = new MemoryStream();
        await writer.WriteMessageAsync(output);
        Assert.Contains(Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + "\r\n", Encoding.ASCII.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public async Task Attachment_read_in_chunks_gives_the_same_bytes(int chunk)
    {
        byte[] data = RandomNumberGenerator.GetBytes(70_001);
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), TextBody = "hi", MessageId = "fixed@example.com", Date = DateTimeOffset.UnixEpoch };
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("d.bin", () => new ChunkedReadStream(data, chunk), data.Length));
        var writer = MimeMessageWriter.Create(spec);
        var output = new MemoryStream();
        await writer.WriteMessageAsync(output);
        Assert.Equal(writer.MessageLength, output.Length);
        Assert.Contains(Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + "\r\n", Encoding.ASCII.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task Attachment_shorter_or_longer_than_declared_is_refused(int delta)
    {
        byte[] data = new byte[100];
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com") };
        spec.Attachments.Add(MimeAttachment.FromStream("d.bin", new MemoryStream(data), length: data.Length + delta));
        var writer = MimeMessageWriter.Create(spec);
        await Assert.ThrowsAsync<MimeFormatException>(() => writer.WriteMessageAsync(new MemoryStream()));
    }

    [Theory]
    [InlineData("Subject: x\nbare LF\r\n")]
    [InlineData("Subject: x\r\nbare CR\rhere\r\n")]
    [InlineData("Subject: 8-bit \u00e9\r\n")]
    [InlineData("Subject: NUL \0\r\n")]
    [InlineData("Subject: ends in CR\r")]
    public async Task Attached_message_that_is_not_7bit_crlf_is_refused(string message)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(message);
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), TextBody = "see attached" };
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("m.eml", () => new ChunkedReadStream(bytes, 1), bytes.Length, "message/rfc822"));
        var writer = MimeMessageWriter.Create(spec);
        var ex = await Assert.ThrowsAsync<MimeFormatException>(() => writer.WriteMessageAsync(new MemoryStream()));
        Assert.NotNull(ex.Offset);
    }

    [Fact]
    public void Date_and_message_id_are_fixed_at_create()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));
        var writer = MimeMessageWriter.Create(new MessageSpec { From = new MailboxAddress("a@mail.example.com") }, clock);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), writer.Date);
        Assert.Matches("^[0-9a-f]{32}@mail\\.example\\.com$", writer.MessageId);
        var headers = new MemoryStream();
        writer.WriteRoutingHeaders(headers);
        string text = Encoding.ASCII.GetString(headers.ToArray());
        Assert.Contains("Date: Wed, 4 Mar 2026 05:06:07 +0000\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Message-ID: <" + writer.MessageId + ">\r\n", text, StringComparison.Ordinal);
        Assert.NotEqual(writer.MessageId, MimeMessageWriter.Create(new MessageSpec { From = new MailboxAddress("a@mail.example.com") }, clock).MessageId);
    }

    [Theory]
    [InlineData(-210, "Fri, 2 Jan 2026 03:04:05 -0330")]
    [InlineData(330, "Fri, 2 Jan 2026 03:04:05 +0530")]
    [InlineData(0, "Fri, 2 Jan 2026 03:04:05 +0000")]
    public void Date_keeps_its_offset(int offsetMinutes, string expected)
    {
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), Date = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(offsetMinutes)) };
        var headers = new MemoryStream();
        MimeMessageWriter.Create(spec).WriteRoutingHeaders(headers);
        Assert.Contains("\r\nDate: " + expected + "\r\n", Encoding.ASCII.GetString(headers.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\nb\rc\r\nd\n\re", "a\r\nb\r\nc\r\nd\r\n\r\ne")]
    [InlineData("\r", "\r\n")]
    [InlineData("\n\n", "\r\n\r\n")]
    [InlineData("no breaks", "no breaks")]
    public void Text_line_breaks_become_crlf(string text, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(TextBodyEncoder.Canonicalize(Encoding.ASCII.GetBytes(text))));

    [Fact]
    public void Boundaries_are_random_and_of_fixed_length()
    {
        string[] boundaries = [.. Enumerable.Range(0, 100).Select(_ => MimeBoundary.Create())];
        Assert.All(boundaries, b => Assert.Equal(MimeBoundary.Length, b.Length));
        Assert.Equal(boundaries.Length, boundaries.Distinct().Count());
    }

    [Fact]
    public void Boundary_characters_are_drawn_evenly_from_the_alphabet()
    {
        // RFC 2046 §5.1.1 bchars; the random part is letters and digits after "=_". 6000
        // boundaries give 180 000 characters, about 2903 of each of the 62: a modulo bias (byte % 62)
        // would make 8 of them 25% more frequent, far outside the ±12% (about 6.5 standard
        // deviations) allowed here.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var counts = new Dictionary<char, int>();
        for (int i = 0; i < 6000; i++)
        {
            string boundary = MimeBoundary.Create();
            Assert.StartsWith("=_", boundary, StringComparison.Ordinal);
            foreach (char c in boundary[2..])
            {
                Assert.Contains(c, alphabet);
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        double expected = 6000.0 * (MimeBoundary.Length - 2) / alphabet.Length;
        Assert.Equal(alphabet.Length, counts.Count);
        Assert.All(counts, pair => Assert.InRange(pair.Value, expected * 0.88, expected * 1.12));
    }

    private static MessageSpec Build(string kind)
    {
        var spec = new MessageSpec
        {
            From = new MailboxAddress("Sénder", "sender@example.com"),
            Subject = "Test " + kind + " ✓",
        };
        spec.To.Add(new MailboxAddress("Recipient Ünö", "to@example.org"));
        spec.Bcc.Add(new MailboxAddress("bcc@example.org"));
        string ascii = "Hello,\nthis is a short ASCII body.\n";
        string qp = "Grüße,\nmostly ASCII with an umlaut and a line that is far longer than seventy-six characters, so it is wrapped.\n";
        string cyrillic = "Здравствуйте! Это почти полностью кириллический текст.";
        switch (kind)
        {
            case "empty":
                break;
            case "ascii-text":
                spec.TextBody = ascii;
                break;
            case "qp-text":
                spec.TextBody = qp;
                break;
            case "base64-text":
                spec.TextBody = cyrillic;
                break;
            case "html-only":
                spec.HtmlBody = "<p>" + cyrillic + "</p>";
                break;
            case "text-and-html":
                spec.TextBody = qp;
                spec.HtmlBody = "<p>" + qp + "</p>";
                break;
            case "inline":
                spec.HtmlBody = "<img src=\"cid:a@b\">";
                spec.InlineResources.Add(MimeAttachment.Inline("a@b", "a.png", new MemoryStream(RandomNumberGenerator.GetBytes(777)), "image/png"));
                break;
            case "many-attachments":
                spec.TextBody = ascii;
                for (int i = 0; i < 5; i++)
                {
                    spec.Attachments.Add(MimeAttachment.FromStream($"fïle {i} with a rather long name to force continuations.txt", new MemoryStream(RandomNumberGenerator.GetBytes(i * 31)), "text/plain"));
                }

                break;
            case "message":
                spec.TextBody = ascii;
                spec.Attachments.Add(MimeAttachment.FromMessage("m.eml", new MemoryStream(Encoding.ASCII.GetBytes("Subject: inner\r\n\r\nbody\r\n"))));
                break;
            case "everything":
                spec.TextBody = qp;
                spec.HtmlBody = "<p>" + cyrillic + "</p>";
                spec.Cc.Add(new MailboxAddress("cc@example.org"));
                spec.ReplyTo.Add(new MailboxAddress("Reply", "r@example.org"));
                spec.Sender = new MailboxAddress("s@example.com");
                spec.InReplyTo = "x@y";
                spec.References.Add("x@y");
                spec.Importance = MessageImportance.Low;
                spec.Headers.Add(new("X-Thing", "välue"));
                spec.InlineResources.Add(MimeAttachment.Inline("a@b", "a.png", new MemoryStream(RandomNumberGenerator.GetBytes(10)), "image/png"));
                spec.Attachments.Add(MimeAttachment.FromStream("b.bin", new MemoryStream(RandomNumberGenerator.GetBytes(12345))));
                spec.Attachments.Add(MimeAttachment.FromMessage("m.eml", new MemoryStream(Encoding.ASCII.GetBytes("Subject: inner\r\n\r\nbody"))));
                break;
            default:
                int size = int.Parse(kind["attachment-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                spec.TextBody = ascii;
                spec.Attachments.Add(MimeAttachment.FromStream("a.bin", new MemoryStream(RandomNumberGenerator.GetBytes(size))));
                break;
        }

        // Repeated writes need repeatable content: wrap every stream attachment in a factory over its bytes.
        return Repeatable(spec);
    }

    private static MessageSpec Repeatable(MessageSpec spec)
    {
        for (int i = 0; i < spec.Attachments.Count; i++)
        {
            spec.Attachments[i] = Reopenable(spec.Attachments[i]);
        }

        for (int i = 0; i < spec.InlineResources.Count; i++)
        {
            MimeAttachment original = spec.InlineResources[i];
            byte[] data = ReadAll(original);
            spec.InlineResources[i] = MimeAttachment.Inline(original.ContentId!, original.FileName, new RewindingStream(data), original.ContentType, data.Length);
        }

        return spec;
    }

    private static MimeAttachment Reopenable(MimeAttachment original)
    {
        byte[] data = ReadAll(original);
        return MimeAttachment.FromStreamFactory(original.FileName, () => new MemoryStream(data), data.Length, original.ContentType);
    }

    private static byte[] ReadAll(MimeAttachment attachment)
    {
        using Stream s = attachment.Open();
        var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Reads from the start again once it has been read to the end.</summary>
    private sealed class RewindingStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer)
        {
            int n = base.Read(buffer);
            if (n == 0)
            {
                Position = 0;
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>A seekable stream of known length that fails any read.</summary>
internal sealed class ThrowingStream(long length) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => 0; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new IOException("read");
    public override int Read(Span<byte> buffer) => throw new IOException("read");
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("read");
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("read");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
