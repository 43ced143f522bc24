using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// An attachment or inline resource. Its content is read once, in pooled chunks, while the
/// message is written; the stream is opened only then (never during size prediction).
/// </summary>
public sealed class MimeAttachment
{
    private readonly Func<Stream> _open;

    private MimeAttachment(string fileName, string contentType, Func<Stream> open, long? length)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(contentType);
        HeaderValueGuard.ThrowIfUnsafe(nameof(fileName), fileName);
        HeaderValueGuard.ThrowIfUnsafe(nameof(contentType), contentType);
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The length cannot be negative.");
        }

        FileName = fileName;
        ContentType = contentType;
        _open = open;
        Length = length;
    }

    /// <summary>The file name (any Unicode; written with RFC 2231 when needed).</summary>
    public string FileName { get; }

    /// <summary>The media type, e.g. <c>application/pdf</c>; <c>message/rfc822</c> for an attached message.</summary>
    public string ContentType { get; }

    /// <summary>The content length in bytes when known; makes size prediction exact.</summary>
    public long? Length { get; }

    /// <summary>The Content-ID (without angle brackets) of an inline resource, referenced from HTML as <c>cid:...</c>.</summary>
    public string? ContentId { get; private init; }

    /// <summary>True for an attached message (<c>message/rfc822</c>).</summary>
    public bool IsMessage => string.Equals(ContentType, "message/rfc822", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the content. Called once, when the message is written.</summary>
    internal Stream Open() => _open() ?? throw new InvalidOperationException($"The content of attachment '{FileName}' could not be opened.");

    /// <summary>
    /// An attachment read from <paramref name="content"/>. The stream is not disposed. When the
    /// stream is seekable its remaining length is used as <see cref="Length"/>.
    /// </summary>
    public static MimeAttachment FromStream(string fileName, Stream content, string contentType = "application/octet-stream", long? length = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        length ??= content.CanSeek ? content.Length - content.Position : null;
        return new MimeAttachment(fileName, contentType, () => new NonClosingStream(content), length);
    }

    /// <summary>An attachment whose stream is opened (and disposed) when the message is written.</summary>
    public static MimeAttachment FromStreamFactory(string fileName, Func<Stream> open, long? length, string contentType = "application/octet-stream")
    {
        ArgumentNullException.ThrowIfNull(open);
        return new MimeAttachment(fileName, contentType, open, length);
    }

    /// <summary>An attachment read from a file when the message is written; the length is taken now.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory.</exception>
    public static MimeAttachment FromFile(string path, string? contentType = null, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists && Directory.Exists(path))
        {
            throw new IOException($"Attachment '{path}' is a directory, not a file.");
        }

        if (!info.Exists)
        {
            throw new FileNotFoundException($"Attachment file '{path}' does not exist.", path);
        }

        return new MimeAttachment(
            fileName ?? info.Name,
            contentType ?? MediaTypes.FromFileName(info.Name),
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan),
            info.Length);
    }

    /// <summary>
    /// An attached message (<c>message/rfc822</c>). The message must be 7-bit with CRLF line
    /// endings (RFC 2046 §5.2.1 allows no transfer encoding other than 7bit/8bit/binary, and a
    /// signed parent needs 7-bit); the writer refuses it otherwise.
    /// </summary>
    public static MimeAttachment FromMessage(string fileName, Stream message, long? length = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        length ??= message.CanSeek ? message.Length - message.Position : null;
        return new MimeAttachment(fileName, "message/rfc822", () => new NonClosingStream(message), length);
    }

    /// <summary>An inline resource (e.g. an image referenced as <c>cid:logo</c> from the HTML body).</summary>
    public static MimeAttachment Inline(string contentId, string fileName, Stream content, string contentType, long? length = null)
    {
        ArgumentNullException.ThrowIfNull(contentId);
        HeaderValueGuard.ThrowIfUnsafe(nameof(contentId), contentId);
        if (contentId.AsSpan().ContainsAny("<> \t\"") || contentId.AsSpan().ContainsAnyExceptInRange('\0', '~'))
        {
            throw new ArgumentException("A Content-ID is ASCII without spaces, quotes or angle brackets.", nameof(contentId));
        }

        ArgumentNullException.ThrowIfNull(content);
        length ??= content.CanSeek ? content.Length - content.Position : null;
        return new MimeAttachment(fileName, contentType, () => new NonClosingStream(content), length) { ContentId = contentId };
    }
}
