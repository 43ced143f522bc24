using System.Security.Cryptography;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

public class GraphPayloadTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(65_537)]
    [InlineData(1_000_003)]
    public async Task Body_is_base64_of_the_mime_without_line_breaks(int length)
    {
        byte[] mime = RandomNumberGenerator.GetBytes(length);
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));

        string body = System.Text.Encoding.ASCII.GetString(payload.ToArray());
        Assert.Equal(Convert.ToBase64String(mime), body);
        Assert.Equal(body.Length, payload.Length);
        Assert.Equal(length, payload.MimeLength);
        Assert.Null(payload.InternetMessageId);
        Assert.DoesNotContain('\n', body);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(4096)]
    public async Task Chunked_writes_give_the_same_body(int chunk)
    {
        byte[] mime = RandomNumberGenerator.GetBytes(100_000);
        using var payload = await GraphPayload.FromMimeAsync(new SmimeGraph.Tests.Mime.ChunkedReadStream(mime, chunk));
        Assert.Equal(Convert.ToBase64String(mime), System.Text.Encoding.ASCII.GetString(payload.ToArray()));
    }

    [Fact]
    public async Task Exactly_at_the_ceiling_is_accepted_and_one_quartet_over_is_refused()
    {
        // 3,000,000 MIME bytes are exactly 4,000,000 bytes of base64.
        using (var atCeiling = await GraphPayload.FromMimeAsync(new MemoryStream(new byte[3_000_000])))
        {
            Assert.Equal(GraphPayload.DefaultCeiling, atCeiling.Length);
            Assert.Equal(0, atCeiling.Headroom);
        }

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => GraphPayload.FromMimeAsync(new MemoryStream(new byte[3_000_001])));
        Assert.Equal(GraphPayload.DefaultCeiling, ex.Ceiling);
        Assert.True(ex.Size > ex.Ceiling);
    }

    [Fact]
    public async Task Http_content_is_text_plain_with_exact_length()
    {
        byte[] mime = RandomNumberGenerator.GetBytes(1000);
        using var payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
        using HttpContent content = payload.CreateHttpContent();
        Assert.Equal("text/plain", content.Headers.ContentType?.MediaType);
        Assert.Equal(payload.Length, content.Headers.ContentLength);
        Assert.Equal(Convert.ToBase64String(mime), await content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failing_source_is_reported_not_hidden_by_the_final_quartet()
    {
        // Five bytes leave two carried; written on the way out they would cross a 7-byte ceiling
        // and replace the source's own failure with a size error.
        var ex = await Assert.ThrowsAsync<IOException>(() => GraphPayload.FromMimeAsync(new FailingAfterStream(new byte[5]), ceiling: 7));
        Assert.Equal("source failed", ex.Message);
    }

    private sealed class FailingAfterStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("source failed");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
