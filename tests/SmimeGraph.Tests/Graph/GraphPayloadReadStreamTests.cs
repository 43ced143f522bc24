using System.Security.Cryptography;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

/// <summary><see cref="GraphPayload.OpenRead"/>: the body an SDK uploads, read in place.</summary>
public class GraphPayloadReadStreamTests
{
    [Theory]
    [InlineData(0, 4096)]
    [InlineData(1, 1)]
    [InlineData(65_537, 1)]
    [InlineData(65_537, 16)]
    [InlineData(1_000_003, 4096)]
    [InlineData(2_900_000, 81_920)]
    public async Task Reads_back_the_uploaded_body_byte_for_byte(int mimeLength, int readSize)
    {
        byte[] mime = RandomNumberGenerator.GetBytes(mimeLength);
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
        using HttpContent content = payload.CreateHttpContent();
        byte[] uploaded = await content.ReadAsByteArrayAsync();

        using Stream body = payload.OpenRead();
        Assert.True(body.CanRead);
        Assert.True(body.CanSeek);
        Assert.False(body.CanWrite);
        Assert.Equal(payload.Length, body.Length);
        byte[] read = ReadAll(body, readSize);

        Assert.Equal(uploaded, read);
        Assert.Equal(Convert.ToBase64String(mime), System.Text.Encoding.ASCII.GetString(read));
        Assert.Equal(0, body.Read(new byte[1]));
        Assert.Equal(-1, body.ReadByte());
    }

    [Fact]
    public async Task Async_reads_and_copies_give_the_same_bytes_as_the_upload()
    {
        byte[] mime = RandomNumberGenerator.GetBytes(300_001);
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
        byte[] expected = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(mime));

        await using Stream body = payload.OpenRead();
        byte[] head = new byte[70_000];
        int got = 0;
        while (got < head.Length)
        {
            got += await body.ReadAsync(head.AsMemory(got));
        }

        using var rest = new MemoryStream();
        await body.CopyToAsync(rest);
        byte[] joined = [.. head, .. rest.ToArray()];
        Assert.Equal(expected, joined);

        body.Position = 0;
        using var whole = new MemoryStream();
        body.CopyTo(whole);
        Assert.Equal(expected, whole.ToArray());
    }

    [Fact]
    public async Task Seeking_reads_from_the_position_asked_for()
    {
        byte[] mime = RandomNumberGenerator.GetBytes(200_000);
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
        byte[] expected = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(mime));
        using Stream body = payload.OpenRead();

        // Across the boundary of the first 64 KB segment, then from the end, then past it.
        Assert.Equal(65_530, body.Seek(65_530, SeekOrigin.Begin));
        Assert.Equal(expected.AsSpan(65_530, 20).ToArray(), ReadExactly(body, 20));
        Assert.Equal(expected.Length - 10, body.Seek(-10, SeekOrigin.End));
        Assert.Equal(expected.AsSpan(expected.Length - 10).ToArray(), ReadAll(body, 3));
        body.Seek(5, SeekOrigin.Current);
        Assert.Equal(0, body.Read(new byte[8]));
        Assert.Throws<IOException>(() => body.Seek(-1, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => body.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => body.SetLength(0));
    }

    [Fact]
    public async Task Each_stream_is_independent_and_disposing_one_leaves_the_payload_usable()
    {
        byte[] mime = RandomNumberGenerator.GetBytes(10_000);
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
        byte[] expected = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(mime));

        Stream first = payload.OpenRead();
        using Stream second = payload.OpenRead();
        Assert.Equal(expected.AsSpan(0, 100).ToArray(), ReadExactly(first, 100));
        first.Dispose();

        Assert.Throws<ObjectDisposedException>(() => first.Read(new byte[1]));
        Assert.Equal(expected, ReadAll(second, 4096));
        using Stream third = payload.OpenRead();
        Assert.Equal(expected, ReadAll(third, 4096));
        using HttpContent content = payload.CreateHttpContent();
        Assert.Equal(expected, await content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Reading_after_the_payload_is_disposed_throws_ObjectDisposedException()
    {
        var payload = await GraphPayload.FromMimeAsync(new MemoryStream(RandomNumberGenerator.GetBytes(100_000)));
        using Stream body = payload.OpenRead();
        Assert.Equal(10, ReadExactly(body, 10).Length);
        payload.Dispose();

        ObjectDisposedException ex = Assert.Throws<ObjectDisposedException>(() => body.Read(new byte[16]));
        Assert.Equal(nameof(GraphPayload), ex.ObjectName);
        Assert.Throws<ObjectDisposedException>(() => body.ReadByte());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await body.ReadExactlyAsync(new byte[16]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => body.CopyToAsync(Stream.Null));
        Assert.Throws<ObjectDisposedException>(() => body.CopyTo(Stream.Null));
        Assert.Throws<ObjectDisposedException>(() => body.Seek(0, SeekOrigin.Begin));
        Assert.Throws<ObjectDisposedException>(() => payload.OpenRead());
    }

    [Fact]
    public async Task Opening_and_reading_allocates_no_copy_of_the_body()
    {
        // 2,900,000 bytes of MIME are 3,866,668 bytes of body: a copy would allocate that much.
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(new byte[2_900_000]));
        byte[] chunk = new byte[81_920];
        using (Stream warmUp = payload.OpenRead())
        {
            ReadAll(warmUp, chunk);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        long total;
        using (Stream body = payload.OpenRead())
        {
            total = ReadAll(body, chunk);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(payload.Length, total);
        Assert.True(allocated < 4096, $"opening and reading the body allocated {allocated} bytes");
    }

    private static byte[] ReadAll(Stream stream, int readSize)
    {
        using var output = new MemoryStream();
        byte[] chunk = new byte[readSize];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            output.Write(chunk, 0, n);
        }

        return output.ToArray();
    }

    private static long ReadAll(Stream stream, byte[] chunk)
    {
        long total = 0;
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        byte[] result = new byte[count];
        stream.ReadExactly(result);
        return result;
    }
}
