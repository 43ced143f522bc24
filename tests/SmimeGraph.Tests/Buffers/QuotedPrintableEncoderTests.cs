using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Buffers;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Buffers;

public class QuotedPrintableEncoderTests
{
    public static TheoryData<string, int> InputsAndChunks()
    {
        string[] inputs =
        [
            "",
            "plain",
            "trailing space \r\ntrailing tab\t\r\nend with space ",
            "= signs == and =3D\r\n",
            "Grüße, 日本語, emoji 🎉\r\n",
            new string('x', 75) + "\r\n" + new string('y', 76) + "\r\n" + new string('z', 300),
            new string(' ', 200) + "\r\n" + new string('\t', 100),
            "bare\rCR and bare\nLF and CR at end\r",
            new string('é', 100) + " \r\n" + string.Concat(Enumerable.Repeat("a ", 80)),
            "\0\x01\x7f controls",
            "From the start\r\nFrom here too\r\nFro\r\nFrom\r\nFrom\tx\r\nFFrom \r\nnot From here\r\nFrom ",
        ];
        var data = new TheoryData<string, int>();
        foreach (string input in inputs)
        {
            foreach (int chunk in new[] { 1, 16, 4096, int.MaxValue })
            {
                data.Add(input, chunk);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InputsAndChunks))]
    public void Chunked_input_gives_the_same_bytes_and_python_decodes_it(string text, int chunk)
    {
        byte[] input = Encoding.UTF8.GetBytes(text);
        byte[] whole = QuotedPrintableEncoder.EncodeToArray(input);
        Assert.Equal(whole.Length, QuotedPrintableEncoder.EncodedLength(input));
        Assert.Equal(whole, EncodeInChunks(input, chunk));
        AssertCanonicalQuotedPrintable(whole);
        Assert.Equal(input, PythonDecode(whole));
    }

    [Fact]
    public void Random_bytes_round_trip_through_python()
    {
        byte[] input = RandomNumberGenerator.GetBytes(20_000);
        byte[] encoded = QuotedPrintableEncoder.EncodeToArray(input);
        Assert.Equal(encoded, EncodeInChunks(input, 16));
        AssertCanonicalQuotedPrintable(encoded);
        Assert.Equal(input, PythonDecode(encoded));
    }

    [Fact]
    public void Hard_line_breaks_stay_crlf_and_soft_breaks_end_in_equals()
    {
        string encoded = Encoding.ASCII.GetString(QuotedPrintableEncoder.EncodeToArray(Encoding.ASCII.GetBytes("a \r\n" + new string('b', 80))));
        Assert.Equal("a=20\r\n" + new string('b', 75) + "=\r\nbbbbb", encoded);
    }

    [Theory]
    [InlineData("From me", "=46rom me")]
    [InlineData("a\r\nFrom b", "a\r\n=46rom b")]
    [InlineData("From", "From")]
    [InlineData("Fro\r\nm", "Fro\r\nm")]
    [InlineData("x From y", "x From y")]
    public void From_at_the_start_of_a_line_is_encoded(string text, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(QuotedPrintableEncoder.EncodeToArray(Encoding.ASCII.GetBytes(text))));

    private static byte[] EncodeInChunks(byte[] input, int chunk)
    {
        var encoder = default(QuotedPrintableEncoder);
        var output = new ArrayBufferWriter<byte>();
        int offset = 0;
        do
        {
            int n = Math.Min(chunk, input.Length - offset);
            bool final = offset + n == input.Length;
            ReadOnlySpan<byte> piece = input.AsSpan(offset, n);
            OperationStatus status;
            do
            {
                status = encoder.Encode(piece, output.GetSpan(QuotedPrintableEncoder.MaxBytesPerStep)[..QuotedPrintableEncoder.MaxBytesPerStep], out int consumed, out int written, final);
                output.Advance(written);
                piece = piece[consumed..];
            }
            while (status == OperationStatus.DestinationTooSmall);

            offset += n;
        }
        while (offset < input.Length);

        return output.WrittenSpan.ToArray();
    }

    private static void AssertCanonicalQuotedPrintable(byte[] encoded)
    {
        Assert.All(encoded, b => Assert.True(b is (byte)'\r' or (byte)'\n' or (byte)'\t' or (>= 0x20 and < 0x7F), $"byte 0x{b:X2}"));
        foreach (string line in Encoding.ASCII.GetString(encoded).Split("\r\n"))
        {
            Assert.True(line.Length <= 76, $"line of {line.Length}: {line}");
            Assert.False(line.EndsWith(' ') || line.EndsWith('\t'), $"trailing whitespace: '{line}'");
            Assert.DoesNotContain('\r', line);
            Assert.DoesNotContain('\n', line);
        }
    }

    // Python's quopri (RFC 1521/2045 decoder) reads the text back.
    private static byte[] PythonDecode(byte[] encoded) =>
        Peer.Run("python3", ["-c", "import sys, quopri; sys.stdout.buffer.write(quopri.decodestring(sys.stdin.buffer.read()))"], encoded)
            .EnsureSuccess("python3 quopri").StandardOutput;
}
