using System.Net;
using System.Net.Http.Headers;
using SmimeGraph.Buffers;

namespace SmimeGraph.Graph;

/// <summary>
/// A ready Graph request body: the base64 of a whole MIME message, without line breaks, in
/// pooled memory, its exact length known and at most the ceiling it was built under. Graph's
/// MIME endpoints take it as <c>Content-Type: text/plain</c>.
/// </summary>
public sealed class GraphPayload : IDisposable
{
    /// <summary>Graph's documented 4 MB limit, read conservatively as 4,000,000 bytes of request body.</summary>
    public const long DefaultCeiling = 4_000_000;

    private readonly PooledSegmentBuffer _body;

    internal GraphPayload(PooledSegmentBuffer body, long mimeLength, string? internetMessageId = null)
    {
        _body = body;
        MimeLength = mimeLength;
        InternetMessageId = internetMessageId;
    }

    /// <summary>
    /// The Message-ID (without angle brackets) of the message when SmimeGraph composed it; Graph
    /// reports it as <c>internetMessageId</c>, so it finds the sent item after a sendMail that
    /// returns no id. Null for a payload made from existing MIME.
    /// </summary>
    public string? InternetMessageId { get; }

    /// <summary>The request body's length in bytes (the base64 text).</summary>
    public long Length => _body.Length;

    /// <summary>The length of the MIME message the body encodes.</summary>
    public long MimeLength { get; }

    /// <summary>The ceiling the body was built under.</summary>
    public long Ceiling => _body.Ceiling;

    /// <summary>How many more bytes of request body would still fit under the ceiling.</summary>
    public long Headroom => Ceiling - Length;

    /// <summary>
    /// Encodes a MIME message read from <paramref name="mime"/> into a payload, refusing it the
    /// moment the body would cross <paramref name="ceiling"/>.
    /// </summary>
    /// <exception cref="PayloadTooLargeException">The body would exceed the ceiling.</exception>
    public static async Task<GraphPayload> FromMimeAsync(Stream mime, long ceiling = DefaultCeiling, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mime);
        var body = new PooledSegmentBuffer(ceiling);
        try
        {
            // Completed only on success: completing after a failed copy would write the final
            // quartet and could throw over the ceiling, hiding the first failure.
            var encoder = new GraphBodyStream(body);
            await mime.CopyToAsync(encoder, 81920, cancellationToken).ConfigureAwait(false);
            encoder.Complete();
            return new GraphPayload(body, encoder.BytesIn);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Creates a payload from a body that a <see cref="GraphBodyStream"/> has completed.</summary>
    internal static GraphPayload FromCompletedBody(PooledSegmentBuffer body, long mimeLength, string? internetMessageId) => new(body, mimeLength, internetMessageId);

    /// <summary>Writes the body to <paramref name="destination"/>.</summary>
    public Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return _body.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>
    /// An <see cref="HttpContent"/> (<c>text/plain</c>, exact Content-Length) that writes the
    /// pooled body straight to the request stream. The payload must outlive the request.
    /// </summary>
    public HttpContent CreateHttpContent() => new PayloadContent(this);

    /// <summary>The body as one array (for tests and small payloads; the upload path never copies).</summary>
    public byte[] ToArray() => _body.ToArray();

    /// <summary>Clears and returns the pooled body.</summary>
    public void Dispose() => _body.Dispose();

    private sealed class PayloadContent : HttpContent
    {
        private readonly GraphPayload _payload;

        public PayloadContent(GraphPayload payload)
        {
            _payload = payload;
            Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _payload.WriteToAsync(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _payload.WriteToAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = _payload.Length;
            return true;
        }
    }
}
