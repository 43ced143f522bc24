using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using SmimeGraph.Buffers;
using SmimeGraph.Mime;

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
    /// The Message-ID (without angle brackets) of the message: the one SmimeGraph composed, or
    /// the one read from the header of existing MIME (<see cref="FromMimeAsync"/>). Graph reports
    /// it as <c>internetMessageId</c>, so it finds the sent item after a sendMail that returns no
    /// id, and the draft after a create whose answer was lost. Null when the MIME has none.
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
    /// moment the body would cross <paramref name="ceiling"/>. The message's Message-ID, when its
    /// header (within the first <see cref="MaxHeaderLength"/> bytes) has a well-formed one,
    /// becomes <see cref="InternetMessageId"/>.
    /// </summary>
    /// <exception cref="PayloadTooLargeException">The body would exceed the ceiling.</exception>
    public static async Task<GraphPayload> FromMimeAsync(Stream mime, long ceiling = DefaultCeiling, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mime);
        var body = new PooledSegmentBuffer(ceiling);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(81920);
        byte[] header = ArrayPool<byte>.Shared.Rent(MaxHeaderLength);
        int headerLength = 0;
        int headerEnd = -1;
        try
        {
            // Completed only on success: completing after a failed copy would write the final
            // quartet and could throw over the ceiling, hiding the first failure.
            var encoder = new GraphBodyStream(body);
            int read;
            while ((read = await mime.ReadAsync(chunk.AsMemory(0, 81920), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (headerEnd < 0 && headerLength < MaxHeaderLength)
                {
                    int take = Math.Min(read, MaxHeaderLength - headerLength);
                    chunk.AsSpan(0, take).CopyTo(header.AsSpan(headerLength));
                    headerEnd = HeaderEnd(header.AsSpan(0, headerLength + take), Math.Max(0, headerLength - 3));
                    headerLength += take;
                }

                await encoder.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            encoder.Complete();
            return new GraphPayload(body, encoder.BytesIn, headerEnd < 0 ? null : MessageIdOf(header.AsMemory(0, headerEnd)));
        }
        catch
        {
            body.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(chunk.AsSpan(0, Math.Min(chunk.Length, 81920)));
            CryptographicOperations.ZeroMemory(header.AsSpan(0, headerLength));
            ArrayPool<byte>.Shared.Return(chunk);
            ArrayPool<byte>.Shared.Return(header);
        }
    }

    /// <summary>How much of a message <see cref="FromMimeAsync"/> searches for the end of its header.</summary>
    public const int MaxHeaderLength = 64 * 1024;

    /// <summary>The length of the header up to and including the blank line that ends it (RFC 5322 §2.1), or -1.</summary>
    private static int HeaderEnd(ReadOnlySpan<byte> bytes, int from)
    {
        for (int i = from; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
            {
                continue;
            }

            if (i + 1 < bytes.Length && bytes[i + 1] == (byte)'\n')
            {
                return i + 2;
            }

            if (i + 2 < bytes.Length && bytes[i + 1] == (byte)'\r' && bytes[i + 2] == (byte)'\n')
            {
                return i + 3;
            }
        }

        return -1;
    }

    /// <summary>The msg-id of the Message-ID field (RFC 5322 §3.6.4) without its angle brackets, or null.</summary>
    private static string? MessageIdOf(ReadOnlyMemory<byte> header)
    {
        string? value;
        try
        {
            value = MimeParser.Parse(header).GetHeader("Message-ID")?.Trim();
        }
        catch (MimeFormatException)
        {
            return null;
        }

        if (value is not { Length: > 2 and <= 998 } || value[0] != '<' || value[^1] != '>')
        {
            return null;
        }

        foreach (char c in value)
        {
            if (c <= ' ' || c > '~')
            {
                return null;
            }
        }

        return value[1..^1];
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

    /// <summary>
    /// A read-only, seekable <see cref="Stream"/> over the body (the base64 text, <see cref="Length"/>
    /// bytes) that reads the pooled memory in place, without copying the body: for an SDK or an
    /// API that takes a request body as a stream. Each call opens an independent stream at
    /// position 0. The payload owns the memory: disposing the stream leaves the payload usable,
    /// and once the payload is disposed the stream throws <see cref="ObjectDisposedException"/>
    /// on every read, so dispose the payload only after the request has been sent.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The payload has been disposed.</exception>
    public Stream OpenRead() => new SegmentReadStream(_body, nameof(GraphPayload));

    /// <summary>The body as one array (a copy; for tests).</summary>
    internal byte[] ToArray() => _body.ToArray();

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
