using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>
/// The streaming multipart splitter against <see cref="MimeParser"/> on the same bytes: the same
/// parts, byte for byte, however the input arrives (one byte per read up to large reads), with
/// delimiters next to buffer edges, bare LFs, CRs at line ends, transport padding, lines that
/// look like delimiters and are not, long lines and a missing close-delimiter.
/// </summary>
public class MultipartBodyReaderTests
{
    private const string Boundary = "b0undary";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Parts_are_the_parsers_parts_for_any_read_size(int readSize)
    {
        var random = new Random(readSize);
        for (int i = 0; i < 300; i++)
        {
            byte[] message = RandomMultipart(random);
            AssertSameParts(message, readSize);
        }
    }

    [Theory]
    [InlineData("--b0undary\r\nA\r\n--b0undary--\r\n", new[] { "A" })]
    [InlineData("--b0undary\nA\n--b0undary\nB\n--b0undary--", new[] { "A", "B" })]
    [InlineData("preamble\r\n--b0undary  \t\r\nA\r\n--b0undary-- epilogue\r\n--b0undary\r\nC\r\n", new[] { "A" })]
    [InlineData("--b0undary\r\nA\r\n--b0undaryX\r\n--b0undary--", new[] { "A\r\n--b0undaryX" })]
    [InlineData("--b0undary\r\n\r\n--b0undary\r\n--b0undary--", new[] { "", "" })]
    [InlineData("--b0undary\r\nno close\r\n", new[] { "no close" })]
    [InlineData("no delimiter at all\r\n", new string[0])]
    [InlineData("--b0undary\r\nA\r\r\n--b0undary--", new[] { "A\r" })]
    public void Edge_cases_split_as_the_parser_splits(string body, string[] expected)
    {
        byte[] message = Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=" + Boundary + "\r\n\r\n" + body);
        AssertSameParts(message, readSize: 1);
        Assert.Equal(expected, StreamedParts(message, 3).Select(p => Encoding.ASCII.GetString(p)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public void A_part_skipped_partway_counts_what_it_skipped_and_the_next_parts_are_unchanged(int readSize)
    {
        var random = new Random(1000 + readSize);
        for (int i = 0; i < 300; i++)
        {
            byte[] message = RandomMultipart(random);
            List<byte[]> expected = MimeParser.Parse(message).Children.Select(c => c.RawEntity.ToArray()).ToList();

            using var source = new BufferedReadSource(new TrickleStream(message, readSize), long.MaxValue, 1024, default);
            HeaderBlockReader.Read(source, new MimeParserOptions(), "text/plain", out _);
            var reader = new MultipartBodyReader(source, Encoding.ASCII.GetBytes("--" + Boundary), dropFinalBreak: true);
            int index = 0;
            while (reader.MoveNext())
            {
                byte[] whole = expected[index++];
                int prefix = random.Next(0, whole.Length + 2);
                byte[] head = new byte[prefix];
                int read = 0;
                int n;
                using (var part = new BufferedReadSource(reader.Current, long.MaxValue, 64, default))
                {
                    while (read < head.Length && (n = part.Read(head.AsSpan(read, Math.Min(head.Length - read, 1 + random.Next(200))))) > 0)
                    {
                        read += n;
                    }

                    Assert.Equal(whole.AsSpan(0, read).ToArray(), head.AsSpan(0, read).ToArray());

                    // Every other part is left unfinished, for MoveNext to skip.
                    if (random.Next(2) == 0)
                    {
                        Assert.Equal(whole.Length - read, part.SkipToEnd());
                        Assert.Equal(whole.Length, part.Consumed);
                        Assert.Equal(0, part.Read(new byte[1]));
                        Assert.Equal(0, reader.Current.Read(new byte[1]));
                    }
                }
            }

            Assert.Equal(expected.Count, index);
        }
    }

    // A reader over a part has its own limit (a signature part's is 8 MiB): skipping the part
    // is held to it as reading it is, and a cancelled read does not skip.
    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void A_part_skipped_by_a_reader_with_a_limit_is_held_to_that_limit(int readSize)
    {
        string part = "Content-Type: text/plain\r\n\r\n" + new string('x', 10_000);
        byte[] message = Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=" + Boundary + "\r\n\r\n--" + Boundary + "\r\n" + part + "\r\n--" + Boundary + "--\r\n");
        Assert.Equal(part, Encoding.ASCII.GetString(MimeParser.Parse(message).Children[0].RawEntity.Span));

        foreach (bool skip in new[] { false, true })
        {
            foreach (int limit in new[] { part.Length - 1, part.Length })
            {
                using var source = new BufferedReadSource(new TrickleStream(message, readSize), long.MaxValue, 1024, default);
                HeaderBlockReader.Read(source, new MimeParserOptions(), "text/plain", out _);
                var reader = new MultipartBodyReader(source, Encoding.ASCII.GetBytes("--" + Boundary), dropFinalBreak: true);
                Assert.True(reader.MoveNext());
                using var limited = new BufferedReadSource(reader.Current, limit, 1024, default);
                Assert.Equal('C', (char)limited.ReadByte());
                Action drain = skip ? () => limited.SkipToEnd() : () => limited.CopyTo(Stream.Null);
                if (limit < part.Length)
                {
                    Assert.Equal(limit, Assert.Throws<MimeFormatException>(drain).Offset);
                }
                else
                {
                    drain();
                    Assert.Equal(part.Length, limited.Consumed);
                }
            }
        }

        using var cancelled = new CancellationTokenSource();
        using var outer = new BufferedReadSource(new TrickleStream(message, readSize), long.MaxValue, 1024, default);
        HeaderBlockReader.Read(outer, new MimeParserOptions(), "text/plain", out _);
        var parts = new MultipartBodyReader(outer, Encoding.ASCII.GetBytes("--" + Boundary), dropFinalBreak: true);
        Assert.True(parts.MoveNext());
        using var inner = new BufferedReadSource(parts.Current, long.MaxValue, 1024, cancelled.Token);
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => inner.SkipToEnd());
    }

    private static void AssertSameParts(byte[] message, int readSize)
    {
        MimeEntity parsed = MimeParser.Parse(message);
        List<byte[]> streamed = StreamedParts(message, readSize);
        Assert.Equal(parsed.Children.Select(c => Convert.ToHexString(c.RawEntity.Span)), streamed.Select(Convert.ToHexString));
    }

    private static List<byte[]> StreamedParts(byte[] message, int readSize)
    {
        using var source = new BufferedReadSource(new TrickleStream(message, readSize), long.MaxValue, 1024, default);
        HeaderBlockReader.Read(source, new MimeParserOptions(), "text/plain", out _);
        var reader = new MultipartBodyReader(source, Encoding.ASCII.GetBytes("--" + Boundary), dropFinalBreak: true);
        var parts = new List<byte[]>();
        while (reader.MoveNext())
        {
            using var part = new MemoryStream();
            reader.Current.CopyTo(part, 1 + (readSize % 13));
            parts.Add(part.ToArray());
        }

        return parts;
    }

    private static byte[] RandomMultipart(Random random)
    {
        string[] breaks = ["\r\n", "\n", "\r\n", "\r\n"];
        string[] lines = ["text", "--" + Boundary, "--" + Boundary + "--", "--" + Boundary + " ", "--" + Boundary + "x", "--other", "-", "--", "\r", "", new string('x', 3000), "--" + Boundary + new string(' ', 2000) + "x", "line with \r inside", "Content-Type: text/plain"];
        var text = new StringBuilder("Content-Type: multipart/mixed; boundary=" + Boundary + "\r\n\r\n");
        int count = random.Next(0, 30);
        for (int i = 0; i < count; i++)
        {
            text.Append(lines[random.Next(lines.Length)]);
            if (random.Next(10) > 0 || i < count - 1)
            {
                text.Append(breaks[random.Next(breaks.Length)]);
            }
        }

        return Encoding.Latin1.GetBytes(text.ToString());
    }

    /// <summary>Hands out at most a fixed number of bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int readSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, readSize), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
