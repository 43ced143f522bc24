using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Buffers;

namespace SmimeGraph.Tests.Buffers;

/// <summary>
/// The base64 transfer decoder (RFC 2045 §6.8) against the BCL's <see cref="Convert.FromBase64String"/>,
/// which also ignores spaces, tabs and line breaks: the same bytes for every layout of the text
/// and every way of splitting it into chunks, and an error wherever the BCL refuses, at the
/// offset of the byte that makes the text invalid.
/// </summary>
public class Base64TransferDecoderTests
{
    private const long BodyOffset = 1_000;

    private static readonly int[] Chunks = [1, 3, 7, 64, 4096, int.MaxValue];

    public static TheoryData<int, int, string> Layouts()
    {
        var data = new TheoryData<int, int, string>();
        foreach (int size in new[] { 0, 1, 2, 3, 11, 12, 13, 57, 100, 4_099, 70_001 })
        {
            // 76: RFC 2045's line; 64: PEM; 5 and 17: quartets split across lines; 0: one line.
            foreach (int line in new[] { 76, 64, 5, 17, 0 })
            {
                foreach (string breakText in new[] { "\r\n", "\n", " \t ", "\r\n\r\n" })
                {
                    data.Add(size, line, breakText);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_layout_and_chunking_decodes_as_the_bcl_does(int size, int line, string breakText)
    {
        byte[] original = RandomNumberGenerator.GetBytes(size);
        string text = Layout(Convert.ToBase64String(original), line, breakText);
        Assert.Equal(original, Convert.FromBase64String(text));
        byte[] encoded = Encoding.ASCII.GetBytes(text);

        Assert.Equal(original, Base64TransferDecoder.Decode(encoded, BodyOffset));
        foreach (int chunk in Chunks)
        {
            Assert.Equal(original, DecodeInChunks(encoded, chunk));
            Assert.Equal(original, ReadThroughStream(encoded, chunk));
            Assert.Equal(original, ReadThroughBufferedSource(encoded, chunk, chunk));
        }
    }

    [Fact]
    public void A_stray_byte_anywhere_is_refused_at_its_offset()
    {
        byte[] original = RandomNumberGenerator.GetBytes(3_000);
        string text = Layout(Convert.ToBase64String(original), 76, "\r\n");
        var random = new Random(20261202);
        var positions = new List<int> { 0, 1, 15, 16, 17, 75, 76, 77, 78, text.Length - 3 };
        for (int i = 0; i < 40; i++)
        {
            positions.Add(random.Next(text.Length - 2));
        }

        foreach (int position in positions)
        {
            foreach (char stray in "!*-.\u007f\u00e9")
            {
                byte[] encoded = Encoding.Latin1.GetBytes(text);
                encoded[position] = (byte)stray;
                Assert.Throws<FormatException>(() => Convert.FromBase64String(Encoding.Latin1.GetString(encoded)));
                foreach (int chunk in Chunks)
                {
                    MimeFormatException error = Assert.Throws<MimeFormatException>(() => DecodeInChunks(encoded, chunk));
                    Assert.Equal(BodyOffset + position, error.Offset);
                }

                Assert.Equal(BodyOffset + position, Assert.Throws<MimeFormatException>(() => Base64TransferDecoder.Decode(encoded, BodyOffset)).Offset);
            }
        }
    }

    [Theory]
    [InlineData(40)]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public void Data_after_padding_is_refused_where_it_resumes(int padAt)
    {
        // One long line, padding in its middle and data after it: the vectorized run stops at the '='.
        byte[] original = RandomNumberGenerator.GetBytes(300);
        char[] text = Convert.ToBase64String(original).ToCharArray();
        text[padAt] = '=';
        text[padAt + 1] = '=';
        string invalid = new(text);
        Assert.Throws<FormatException>(() => Convert.FromBase64String(invalid));
        byte[] encoded = Encoding.ASCII.GetBytes(invalid);

        // After one character of a quartet the padding itself is the error (RFC 4648 §4); otherwise
        // the first character after it.
        long expected = BodyOffset + (padAt % 4 == 1 ? padAt : padAt + 2);
        foreach (int chunk in Chunks)
        {
            MimeFormatException error = Assert.Throws<MimeFormatException>(() => DecodeInChunks(encoded, chunk));
            Assert.Equal(expected, error.Offset);
        }
    }

    [Theory]
    [InlineData(17)]
    [InlineData(77)]
    [InlineData(4_001)]
    public void A_lone_last_character_is_refused(int characters)
    {
        string text = new('Q', characters);
        Assert.Throws<FormatException>(() => Convert.FromBase64String(text));
        byte[] encoded = Encoding.ASCII.GetBytes(text);
        foreach (int chunk in Chunks)
        {
            MimeFormatException error = Assert.Throws<MimeFormatException>(() => DecodeInChunks(encoded, chunk));
            Assert.Equal(BodyOffset + characters, error.Offset);
        }
    }

    [Theory]
    [InlineData((57 * 40) + 1)]
    [InlineData((57 * 40) + 2)]
    [InlineData((57 * 40) - 1)]
    [InlineData((57 * 40) - 2)]
    public void Padding_at_the_end_of_a_line_then_data_on_the_next_is_refused_at_that_data(int firstLength)
    {
        // A first part that ends padded at the end of a line (a short one or a full 76), and a
        // second part on the next line: the BCL refuses it, and so does the decoder, at the second
        // part's first byte.
        string head = Layout(Convert.ToBase64String(RandomNumberGenerator.GetBytes(firstLength)), 76, "\r\n");
        string text = head + Layout(Convert.ToBase64String(RandomNumberGenerator.GetBytes(57 * 40)), 76, "\r\n");
        Assert.EndsWith("=\r\n", head);
        Assert.Throws<FormatException>(() => Convert.FromBase64String(text));
        AssertRefusedEverywhere(Encoding.ASCII.GetBytes(text), head.Length);
    }

    [Theory]
    [InlineData(76, "\f")]
    [InlineData(76, "\v")]
    [InlineData(76, "\r\n\f")]
    [InlineData(76, "\v\r\n")]
    [InlineData(64, "\f\v")]
    [InlineData(17, "\f\r\n")]
    public void Form_feed_and_vertical_tab_between_lines_are_whitespace(int line, string breakText)
    {
        // The BCL takes only space, tab, CR and LF; RFC 2045 §6.8 ignores line breaks and the table
        // here counts FF and VT as whitespace too, so the text is decoded as the BCL decodes it
        // without them.
        byte[] original = RandomNumberGenerator.GetBytes(20_000);
        string text = Layout(Convert.ToBase64String(original), line, breakText);
        Assert.Throws<FormatException>(() => Convert.FromBase64String(text));
        Assert.Equal(original, Convert.FromBase64String(text.Replace("\f", "").Replace("\v", "")));
        AssertDecodesEverywhere(original, Encoding.ASCII.GetBytes(text));
    }

    [Theory]
    [InlineData(75)]
    [InlineData(77)]
    [InlineData(74)]
    public void A_quartet_split_across_a_chunk_boundary_and_across_lines_decodes(int line)
    {
        // Lines whose length is not a multiple of 4 split a quartet at every line break; the body
        // (longer than the 16 KiB the decoder handles at once) is then cut into two chunks at every
        // position of its first lines and in chunks of every size the other tests use.
        byte[] original = RandomNumberGenerator.GetBytes(30_000);
        string text = Layout(Convert.ToBase64String(original), line, "\r\n");
        Assert.Equal(original, Convert.FromBase64String(text));
        byte[] encoded = Encoding.ASCII.GetBytes(text);
        AssertDecodesEverywhere(original, encoded);
        for (int cut = 1; cut < 4 * (line + 2); cut++)
        {
            Assert.Equal(original, DecodeInChunks(encoded, [cut, encoded.Length - cut]));
        }
    }

    [Fact]
    public void An_error_in_the_middle_of_a_long_body_is_refused_at_its_offset()
    {
        // 76-character CRLF lines, long enough that the error sits deep inside a chunk of every size.
        byte[] original = RandomNumberGenerator.GetBytes(60_000);
        string text = Layout(Convert.ToBase64String(original), 76, "\r\n");
        int middle = text.Length / 2 / 78 * 78;

        // At a line's start, inside it, at its end, on its CR and LF, and one line on.
        foreach (int position in new[] { middle, middle + 1, middle + 37, middle + 75, middle + 76, middle + 77, middle + 78 + 40 })
        {
            foreach (byte stray in new byte[] { (byte)'!', 0x00, 0x01, 0x80, 0xFF })
            {
                byte[] encoded = Encoding.Latin1.GetBytes(text);
                encoded[position] = stray;
                Assert.Throws<FormatException>(() => Convert.FromBase64String(Encoding.Latin1.GetString(encoded)));
                AssertRefusedEverywhere(encoded, position);
            }
        }

        // Padding in the middle of a line: data after it is refused at the first byte after it.
        byte[] padded = Encoding.ASCII.GetBytes(text);
        padded[middle + 42] = (byte)'=';
        padded[middle + 43] = (byte)'=';
        Assert.Throws<FormatException>(() => Convert.FromBase64String(Encoding.ASCII.GetString(padded)));
        AssertRefusedEverywhere(padded, middle + 44);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Mangled_text_split_at_random_decodes_or_fails_as_a_byte_at_a_time_reference_does(int seed)
    {
        // Text of whole lines with whitespace of every kind, '=' and bytes outside the alphabet
        // dropped in at random, cut into chunks of random sizes (so that windows of the compacting
        // path, quartets and lines are split everywhere): the bytes, or the error offset, are those
        // of a plain byte-at-a-time decoder of the same rules.
        var random = new Random(seed);
        byte[] noise = "\r\n \t\f\v=!-\0\u0080"u8.ToArray();
        for (int round = 0; round < 150; round++)
        {
            string text = Layout(Convert.ToBase64String(RandomNumberGenerator.GetBytes(random.Next(0, 40_000))), random.Next(0, 3) == 0 ? 0 : random.Next(1, 120), random.Next(2) == 0 ? "\r\n" : "\n");
            var encoded = new List<byte>(Encoding.ASCII.GetBytes(text));
            int changes = random.Next(0, 4);
            for (int i = 0; i < changes && encoded.Count > 0; i++)
            {
                byte value = noise[random.Next(random.Next(3) == 0 ? noise.Length : 6)];
                int at = random.Next(encoded.Count);
                if (random.Next(2) == 0)
                {
                    encoded.Insert(at, value);
                }
                else
                {
                    encoded[at] = value;
                }
            }

            if (random.Next(4) == 0 && encoded.Count > 0)
            {
                encoded.RemoveRange(random.Next(encoded.Count), 1);
            }

            byte[] bytes = [.. encoded];
            var lengths = new List<int>();
            for (int offset = 0; offset < bytes.Length; offset += lengths[^1])
            {
                int most = random.Next(3) switch { 0 => 8, 1 => 200, _ => 40_000 };
                lengths.Add(Math.Min(random.Next(1, most + 1), bytes.Length - offset));
            }

            (byte[]? expected, long? failsAt) = Reference(bytes);
            if (expected is not null)
            {
                Assert.Equal(expected, Base64TransferDecoder.Decode(bytes, BodyOffset));
                Assert.Equal(expected, DecodeInChunks(bytes, lengths));
                Assert.Equal(expected, ReadThroughStream(bytes, lengths[0]));
                Assert.Equal(expected, ReadThroughBufferedSource(bytes, lengths[0], lengths.Count));
            }
            else
            {
                Assert.Equal(failsAt, Assert.Throws<MimeFormatException>(() => Base64TransferDecoder.Decode(bytes, BodyOffset)).Offset);
                Assert.Equal(failsAt, Assert.Throws<MimeFormatException>(() => DecodeInChunks(bytes, lengths)).Offset);
                Assert.Equal(failsAt, Assert.Throws<MimeFormatException>(() => ReadThroughStream(bytes, lengths[0])).Offset);
                Assert.Equal(failsAt, Assert.Throws<MimeFormatException>(() => ReadThroughBufferedSource(bytes, lengths[0], lengths.Count)).Offset);
            }
        }
    }

    /// <summary>
    /// The decoder's rules one byte at a time: whitespace (space, HT, LF, VT, FF, CR) is skipped;
    /// '=' ends the data (after two or three characters of a quartet, which give one or two
    /// bytes; after one, it is the error) and later '=' are skipped; a character of the alphabet
    /// after it, any other byte, or one character left at the end is an error.
    /// </summary>
    private static (byte[]? Bytes, long? FailsAt) Reference(byte[] encoded)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var output = new List<byte>();
        int accumulator = 0;
        int count = 0;
        bool padded = false;
        for (int i = 0; i < encoded.Length; i++)
        {
            byte b = encoded[i];
            int value = alphabet.IndexOf((char)b, StringComparison.Ordinal);
            if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            {
                continue;
            }

            if (b == (byte)'=')
            {
                if (!padded)
                {
                    if (count == 1)
                    {
                        return (null, BodyOffset + i);
                    }

                    Flush();
                    padded = true;
                }

                continue;
            }

            if (value < 0 || padded)
            {
                return (null, BodyOffset + i);
            }

            accumulator = (accumulator << 6) | value;
            if (++count == 4)
            {
                output.AddRange([(byte)(accumulator >> 16), (byte)(accumulator >> 8), (byte)accumulator]);
                accumulator = 0;
                count = 0;
            }
        }

        if (count == 1)
        {
            return (null, BodyOffset + encoded.Length);
        }

        Flush();
        return ([.. output], null);

        void Flush()
        {
            if (count == 2)
            {
                output.Add((byte)(accumulator >> 4));
            }
            else if (count == 3)
            {
                output.AddRange([(byte)(accumulator >> 10), (byte)(accumulator >> 2)]);
            }

            accumulator = 0;
            count = 0;
        }
    }

    private static void AssertDecodesEverywhere(byte[] original, byte[] encoded)
    {
        Assert.Equal(original, Base64TransferDecoder.Decode(encoded, BodyOffset));
        foreach (int chunk in Chunks)
        {
            Assert.Equal(original, DecodeInChunks(encoded, chunk));
            Assert.Equal(original, ReadThroughStream(encoded, chunk));
        }
    }

    private static void AssertRefusedEverywhere(byte[] encoded, int position)
    {
        Assert.Equal(BodyOffset + position, Assert.Throws<MimeFormatException>(() => Base64TransferDecoder.Decode(encoded, BodyOffset)).Offset);
        foreach (int chunk in Chunks)
        {
            Assert.Equal(BodyOffset + position, Assert.Throws<MimeFormatException>(() => DecodeInChunks(encoded, chunk)).Offset);
            Assert.Equal(BodyOffset + position, Assert.Throws<MimeFormatException>(() => ReadThroughStream(encoded, chunk)).Offset);
            Assert.Equal(BodyOffset + position, Assert.Throws<MimeFormatException>(() => ReadThroughBufferedSource(encoded, chunk, chunk)).Offset);
        }
    }

    private static string Layout(string base64, int line, string breakText)
    {
        if (line == 0)
        {
            return base64;
        }

        var text = new StringBuilder();
        for (int i = 0; i < base64.Length; i += line)
        {
            text.Append(base64, i, Math.Min(line, base64.Length - i)).Append(breakText);
        }

        return text.ToString();
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(5_000, false)]
    [InlineData(5_000, true)]
    public void The_stream_clears_what_it_held_before_its_buffers_go_back_to_the_pool(int size, bool broken)
    {
        // A recognisable plaintext, and text that may end in a character outside the alphabet.
        byte[] original = new byte[size];
        for (int i = 0; i < original.Length; i++)
        {
            original[i] = (byte)(0xA5 ^ (i % 7));
        }

        byte[] encoded = Encoding.ASCII.GetBytes(Layout(Convert.ToBase64String(original), 76, "\r\n") + (broken ? "*" : string.Empty));
        using (var source = new SmimeGraph.Mime.BufferedReadSource(new MemoryStream(encoded), long.MaxValue, 1024, default))
        using (var stream = new Base64DecodingReadStream(source, BodyOffset))
        {
            byte[] small = new byte[64];
            try
            {
                while (stream.Read(small) > 0)
                {
                }
            }
            catch (MimeFormatException) when (broken)
            {
            }
        }

        // The pool hands the same thread its last returned arrays first: the decoded bytes, the
        // text without its whitespace and the MIME reader's buffer of encoded text.
        byte[][] rented = [.. Enumerable.Range(0, 3).Select(_ => System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024))];
        try
        {
            byte[] marker = original.AsSpan(0, 21).ToArray();
            byte[] text = encoded.AsSpan(0, 28).ToArray();
            Assert.All(rented, a => Assert.True(a.AsSpan().IndexOf(marker) < 0 && a.AsSpan().IndexOf(text) < 0, "a pooled buffer still holds the body"));
        }
        finally
        {
            foreach (byte[] array in rented)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    private static byte[] DecodeInChunks(byte[] encoded, int chunk)
    {
        var lengths = new List<int>();
        for (int offset = 0; offset < encoded.Length; offset += lengths[^1])
        {
            lengths.Add(Math.Min(chunk, encoded.Length - offset));
        }

        return DecodeInChunks(encoded, lengths);
    }

    private static byte[] DecodeInChunks(byte[] encoded, IReadOnlyList<int> lengths)
    {
        var output = new MemoryStream();
        var state = default(Base64TransferDecoder.State);
        int offset = 0;
        foreach (int length in lengths)
        {
            // Sized exactly as the decoder asks, so a write past it fails.
            byte[] buffer = new byte[(length / 4 * 3) + 3];
            int written = Base64TransferDecoder.DecodeChunk(encoded.AsSpan(offset, length), buffer, ref state, BodyOffset + offset);
            output.Write(buffer, 0, written);
            offset += length;
        }

        Assert.Equal(encoded.Length, offset);
        byte[] last = new byte[3];

        int end = Base64TransferDecoder.Finish(last, ref state, BodyOffset + encoded.Length);
        output.Write(last, 0, end);
        return output.ToArray();
    }

    private static byte[] ReadThroughStream(byte[] encoded, int readSize)
    {
        using var source = new SmimeGraph.Mime.BufferedReadSource(new TrickleStream(encoded, readSize), long.MaxValue, 1024, default);
        using var stream = new Base64DecodingReadStream(source, BodyOffset);
        var output = new MemoryStream();

        // Reads of different sizes, so that text is decoded both into the stream's own buffer
        // and straight into the reader's (a read with room for 4 KiB of text or more).
        int[] sizes = [Math.Min(readSize, 8192), 16_384, 3_074, 3_075, 1];
        byte[] buffer = new byte[sizes.Max()];
        int read;
        for (int i = 0; (read = stream.Read(buffer.AsSpan(0, sizes[i % sizes.Length]))) > 0; i++)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    // The MIME reader's own buffer as the source: the text is decoded where that buffer holds
    // it, with reads of every size, so text is decoded both into the stream's buffer and
    // straight into the reader's.
    private static byte[] ReadThroughBufferedSource(byte[] encoded, int readSize, int seed)
    {
        using var source = new SmimeGraph.Mime.BufferedReadSource(new TrickleStream(encoded, readSize), long.MaxValue, 1024, default);
        using var stream = new Base64DecodingReadStream(source, BodyOffset);
        var output = new MemoryStream();
        var random = new Random(seed);
        int[] sizes = [1, 3_074, 3_075, 8_192, 16_384, 40_000];
        byte[] buffer = new byte[sizes.Max()];
        int read;
        while ((read = stream.Read(buffer.AsSpan(0, sizes[random.Next(sizes.Length)]))) > 0)
        {
            output.Write(buffer, 0, read);
        }

        Assert.Equal(0, source.Read(new byte[1]));
        return output.ToArray();
    }

    /// <summary>Hands out at most <c>limit</c> bytes per read, so chunks end anywhere.</summary>
    private sealed class TrickleStream(byte[] data, int limit) : MemoryStream(data, writable: false)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, limit)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, limit));
    }
}
