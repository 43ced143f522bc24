using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>
/// Hostile shapes: each finishes with a tree or a <see cref="MimeFormatException"/> carrying the
/// offset, never a hang, a stack overflow or unbounded memory.
/// </summary>
public sealed class MimeParserLimitTests
{
    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>A multipart nested <paramref name="levels"/> deep around one text/plain leaf.</summary>
    private static byte[] NestedMultipart(int levels)
    {
        var text = new StringBuilder();
        for (int i = 0; i < levels; i++)
        {
            text.Append("Content-Type: multipart/mixed; boundary=b").Append(i).Append("\r\n\r\n--b").Append(i).Append("\r\n");
        }

        text.Append("Content-Type: text/plain\r\n\r\nleaf");
        for (int i = levels - 1; i >= 0; i--)
        {
            text.Append("\r\n--b").Append(i).Append("--");
        }

        return Ascii(text.Append("\r\n").ToString());
    }

    [Fact]
    public void Ten_thousand_nested_multiparts_fail_at_the_depth_limit()
    {
        byte[] data = NestedMultipart(10_000);

        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data));

        Assert.Contains("nested more than 32 levels", error.Message, StringComparison.Ordinal);
        string text = Encoding.ASCII.GetString(data);
        int part33 = text.IndexOf("--b32\r\n", StringComparison.Ordinal) + "--b32\r\n".Length;
        Assert.Equal(part33, error.Offset);
    }

    [Fact]
    public void Nesting_up_to_the_depth_limit_parses()
    {
        MimeEntity entity = MimeParser.Parse(NestedMultipart(32));

        int depth = 0;
        while (entity.Children.Count > 0)
        {
            entity = Assert.Single(entity.Children);
            depth++;
        }

        Assert.Equal(32, depth);
        Assert.Equal("leaf", entity.DecodeText());
        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(NestedMultipart(33)));
        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(NestedMultipart(5), new MimeParserOptions { MaxDepth = 4 }));
    }

    /// <summary>The deepest nesting the options allow parses on a thread-pool thread's smaller stack.</summary>
    [Fact]
    public async Task Nesting_at_the_depth_ceiling_fits_a_thread_pool_stack()
    {
        byte[] data = NestedMultipart(MimeParserOptions.DepthCeiling);
        var options = new MimeParserOptions { MaxDepth = MimeParserOptions.DepthCeiling };

        MimeEntity root = await Task.Run(() => MimeParser.ParseAsync(new ChunkedReadStream(data, 4096), options));

        Assert.Equal(MimeParserOptions.DepthCeiling + 1, MimeParserTestKit.Walk(root).Count());
        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(NestedMultipart(MimeParserOptions.DepthCeiling + 1), options));
    }

    [Fact]
    public void Ten_thousand_nested_rfc822_messages_fail_at_the_depth_limit()
    {
        string header = "Content-Type: message/rfc822\r\n\r\n";
        byte[] data = Ascii(string.Concat(Enumerable.Repeat(header, 10_000)) + "Subject: innermost\r\n\r\nbody\r\n");

        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data));

        Assert.Equal(33 * header.Length, error.Offset);
    }

    [Fact]
    public void Header_count_limit_is_enforced_at_the_first_field_over_it()
    {
        string field = "X-Field: value\r\n";
        byte[] atLimit = Ascii(string.Concat(Enumerable.Repeat(field, 1000)) + "\r\nbody");
        byte[] overLimit = Ascii(string.Concat(Enumerable.Repeat(field, 1001)) + "\r\nbody");

        Assert.Equal(1000, MimeParser.Parse(atLimit).Headers.Count);
        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(overLimit));
        Assert.Equal(1000 * field.Length, error.Offset);
        Assert.Contains("1000 header fields", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_megabyte_folded_header_fails_at_the_field_length_limit_or_parses_when_allowed()
    {
        var text = new StringBuilder("From: a@example.com\r\nSubject: start");
        int folds = 0;
        while (text.Length < 1024 * 1024)
        {
            text.Append("\r\n folded");
            folds++;
        }

        byte[] data = Ascii(text.Append("\r\n\r\nbody").ToString());
        int subject = "From: a@example.com\r\n".Length;

        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data));
        Assert.Equal(subject, error.Offset);

        MimeEntity entity = MimeParser.Parse(data, new MimeParserOptions { MaxHeaderFieldLength = 2 * 1024 * 1024 });
        string value = entity.GetHeader("Subject")!;
        Assert.StartsWith("start folded folded", value, StringComparison.Ordinal);
        Assert.Equal("start".Length + (folds * " folded".Length), value.Length);
        Assert.Equal("body", entity.DecodeText());
    }

    [Fact]
    public void One_megabyte_unfolded_header_line_fails_at_the_field_length_limit()
    {
        byte[] data = Ascii("Subject: " + new string('x', 1024 * 1024) + "\r\n\r\nbody");

        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data));

        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void One_megabyte_of_encoded_word_openers_decodes_in_linear_time()
    {
        var options = new MimeParserOptions { MaxHeaderFieldLength = 4 * 1024 * 1024 };
        string[] values =
        [
            string.Concat(Enumerable.Repeat("=?utf-8?q?x", 100_000)),
            string.Concat(Enumerable.Repeat("=?", 500_000)),
            string.Concat(Enumerable.Repeat("=?utf-8?b?!!!", 80_000)) + "?=",
        ];

        foreach (string value in values)
        {
            MimeEntity entity = MimeParser.Parse(Ascii("Subject: " + value + "\r\n\r\n"), options);
            Assert.Equal(value, entity.GetHeader("Subject"));
        }
    }

    [Fact]
    public void Boundary_that_never_appears_gives_a_multipart_without_parts()
    {
        var body = new StringBuilder();
        while (body.Length < 1024 * 1024)
        {
            body.Append("--almost-the-boundary\r\n-- boundary\r\nline\r\n");
        }

        string head = "Content-Type: multipart/mixed; boundary=boundary\r\n\r\n";
        MimeEntity entity = MimeParser.Parse(Ascii(head + body));

        Assert.True(entity.IsMultipart);
        Assert.Empty(entity.Children);
        Assert.Equal(body.Length, entity.RawBody.Length);
    }

    [Fact]
    public void Part_count_limit_is_enforced()
    {
        const string head = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
        const string part = "--p\r\n\r\npart\r\n";
        var text = new StringBuilder(head);
        for (int i = 0; i < 10_000; i++)
        {
            text.Append(part);
        }

        byte[] data = Ascii(text.Append("--p--\r\n").ToString());

        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data));
        Assert.Equal(10_000, MimeParser.Parse(data, new MimeParserOptions { MaxPartCount = 10_001 }).Children.Count);
        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data, new MimeParserOptions { MaxPartCount = 3 }));
        // The root and two parts fit; the third part's header is where the limit is hit.
        Assert.Equal(head.Length + (2 * part.Length) + "--p\r\n".Length, error.Offset);
    }

    [Fact]
    public void Message_size_limit_is_enforced_in_memory()
    {
        byte[] data = Ascii("Subject: x\r\n\r\n" + new string('y', 100));

        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data, new MimeParserOptions { MaxMessageSize = data.Length - 1 }));

        Assert.Equal(data.Length - 1, error.Offset);
        Assert.Equal(data.Length, MimeParser.Parse(data, new MimeParserOptions { MaxMessageSize = data.Length }).RawEntity.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(4096)]
    public async Task Message_size_limit_stops_an_endless_stream(int chunk)
    {
        await using var stream = new EndlessStream(chunk);

        var error = await Assert.ThrowsAsync<MimeFormatException>(() => MimeParser.ParseAsync(stream, new MimeParserOptions { MaxMessageSize = 100_000 }));

        Assert.Equal(100_000, error.Offset);
        Assert.InRange(stream.Delivered, 100_001, 100_000 + chunk);
    }

    [Fact]
    public async Task ParseAsync_accepts_a_message_exactly_at_the_size_limit()
    {
        byte[] data = Ascii("Subject: x\r\n\r\n" + new string('y', 70_000));

        MimeEntity entity = await MimeParser.ParseAsync(new ChunkedReadStream(data, 4096), new MimeParserOptions { MaxMessageSize = data.Length });

        Assert.Equal(70_000, entity.RawBody.Length);
    }

    [Fact]
    public async Task ParseAsync_honours_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MimeParser.ParseAsync(new MemoryStream(Ascii("Subject: x\r\n\r\n")), null, cancelled.Token));
    }

    [Theory]
    [InlineData("Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\n--x--\r\n")]
    [InlineData("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n")]
    public void Multipart_without_usable_boundary_is_refused(string message)
    {
        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(Ascii(message)));

        Assert.Equal(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4, error.Offset);
    }

    [Fact]
    public void Options_refuse_a_depth_the_stack_cannot_afford()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeParserOptions { MaxDepth = MimeParserOptions.DepthCeiling + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeParserOptions { MaxHeaderCount = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MimeParserOptions { MaxMessageSize = 0 });
        var defaults = new MimeParserOptions();
        Assert.Equal((32, 1000, 65536, 64L * 1024 * 1024, 10_000), (defaults.MaxDepth, defaults.MaxHeaderCount, defaults.MaxHeaderFieldLength, defaults.MaxMessageSize, defaults.MaxPartCount));
    }

    /// <summary>A stream that never ends: a header line, then 'x' forever.</summary>
    private sealed class EndlessStream(int chunk) : Stream
    {
        public long Delivered { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(chunk, count);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            Delivered += n;
            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
