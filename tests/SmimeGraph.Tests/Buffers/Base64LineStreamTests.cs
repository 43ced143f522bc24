using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Buffers;

namespace SmimeGraph.Tests.Buffers;

public class Base64LineStreamTests
{
    public static TheoryData<int, int> SizesAndChunks()
    {
        var data = new TheoryData<int, int>();
        foreach (int size in new[] { 0, 1, 2, 3, 56, 57, 58, 114, 1000, 65_537 })
        {
            foreach (int chunk in new[] { 1, 16, 4096, int.MaxValue })
            {
                data.Add(size, chunk);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SizesAndChunks))]
    public void Chunked_writes_match_the_bcl_with_line_breaks(int size, int chunk)
    {
        byte[] input = RandomNumberGenerator.GetBytes(size);
        var output = new MemoryStream();
        using (var stream = new Base64LineStream(output))
        {
            for (int offset = 0; offset < size; offset += Math.Min(chunk, size - offset))
            {
                stream.Write(input, offset, Math.Min(chunk, size - offset));
            }

            stream.Complete();
        }

        string expected = size == 0 ? string.Empty : Convert.ToBase64String(input, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
        Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
        Assert.Equal(Base64LineStream.EncodedLength(size), output.Length);
    }

    [Theory]
    [MemberData(nameof(SizesAndChunks))]
    public async Task Chunked_async_writes_match_the_bcl(int size, int chunk)
    {
        byte[] input = RandomNumberGenerator.GetBytes(size);
        var output = new MemoryStream();
        await using (var stream = new Base64LineStream(output))
        {
            for (int offset = 0; offset < size; offset += Math.Min(chunk, size - offset))
            {
                await stream.WriteAsync(input.AsMemory(offset, Math.Min(chunk, size - offset)));
            }
        }

        string expected = size == 0 ? string.Empty : Convert.ToBase64String(input, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
        Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(80)]
    public void Encoder_with_a_small_destination_gives_the_same_bytes(int destinationSize)
    {
        byte[] input = RandomNumberGenerator.GetBytes(1000);
        var encoder = default(Base64LineEncoder);
        var output = new ArrayBufferWriter<byte>();
        ReadOnlySpan<byte> rest = input;
        OperationStatus status;
        do
        {
            status = encoder.Encode(rest, output.GetSpan(destinationSize)[..destinationSize], out int consumed, out int written, isFinalBlock: true);
            output.Advance(written);
            rest = rest[consumed..];
            Assert.True(consumed > 0 || written > 0 || status == OperationStatus.Done, "no progress");
        }
        while (status == OperationStatus.DestinationTooSmall);

        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(Convert.ToBase64String(input, Base64FormattingOptions.InsertLineBreaks) + "\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Every_line_is_76_characters_but_the_last()
    {
        var output = new MemoryStream();
        using (var stream = new Base64LineStream(output))
        {
            stream.Write(new byte[10_000]);
        }

        string[] lines = Encoding.ASCII.GetString(output.ToArray()).Split("\r\n");
        Assert.Equal(string.Empty, lines[^1]);
        Assert.All(lines[..^2], line => Assert.Equal(76, line.Length));
        Assert.InRange(lines[^2].Length, 4, 76);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Destination_is_disposed_only_when_not_left_open(bool leaveOpen)
    {
        var output = new MemoryStream();
        await using (var stream = new Base64LineStream(output, leaveOpen))
        {
            await stream.WriteAsync(new byte[] { 1, 2, 3, 4 });
            await stream.CompleteAsync();
        }

        Assert.Equal(leaveOpen, output.CanWrite);
        Assert.Equal("AQIDBA==\r\n", Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public void A_failed_destination_is_not_written_again_on_dispose()
    {
        var destination = new FailingStream();
        var stream = new Base64LineStream(destination);
        Assert.Throws<IOException>(() => stream.Write(new byte[100_000]));
        stream.Dispose();
        Assert.Equal(1, destination.Writes);
    }

    [Fact]
    public void Writing_after_complete_is_refused()
    {
        using var stream = new Base64LineStream(new MemoryStream());
        stream.Write([1, 2]);
        stream.Complete();
        Assert.Throws<InvalidOperationException>(() => stream.Write([3]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_pooled_buffer_goes_back_without_the_encoded_text(bool abort)
    {
        // The encoded text is the plaintext (base64) when the stream feeds an encryption stage:
        // it must not stay readable in the shared pool. The pool hands the array just returned
        // on this thread straight back to the next Rent of the same size.
        byte[] secret = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("attack at dawn; ", 64)));
        string encoded = Convert.ToBase64String(secret)[..64];
        var stream = new Base64LineStream(new MemoryStream());
        stream.Write(secret);
        if (abort)
        {
            stream.Abort();
        }
        else
        {
            stream.Complete();
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            Assert.DoesNotContain(encoded, Encoding.ASCII.GetString(rented), StringComparison.Ordinal);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            throw new IOException("full");
        }
    }
}
