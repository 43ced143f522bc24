using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// One entity of a parsed MIME message (RFC 2045 §2.4): its header fields, its media type and
/// parameters, its children (multipart parts, or the message inside a message/rfc822 body) and
/// the exact bytes it occupies in the input, which is what a multipart/signed verifier hashes.
/// </summary>
public sealed class MimeEntity
{
    private readonly ParameterizedHeaderValue _contentType;
    private readonly ParameterizedHeaderValue _contentDisposition;
    private readonly long _bodyOffset;

    internal MimeEntity(
        IReadOnlyList<MimeHeaderField> headers,
        string defaultMediaType,
        ReadOnlyMemory<byte> rawEntity,
        ReadOnlyMemory<byte> rawBody,
        long bodyOffset)
    {
        Headers = headers;
        RawEntity = rawEntity;
        RawBody = rawBody;
        _bodyOffset = bodyOffset;

        // RFC 2045 §5.2: no Content-Type, or one that does not parse, means text/plain (or the
        // multipart/digest default, RFC 2046 §5.1.5).
        string? contentType = GetUnfolded("Content-Type");
        _contentType = contentType is null ? ParameterizedHeaderValue.Empty : ParameterizedHeaderValue.Parse(contentType);
        MediaType = IsValidMediaType(_contentType.Value) ? _contentType.Value : defaultMediaType;

        string? disposition = GetUnfolded("Content-Disposition");
        _contentDisposition = disposition is null ? ParameterizedHeaderValue.Empty : ParameterizedHeaderValue.Parse(disposition);
        Disposition = _contentDisposition.Value.Length == 0 ? null : _contentDisposition.Value;

        string? encoding = GetUnfolded("Content-Transfer-Encoding");
        ContentTransferEncoding = string.IsNullOrWhiteSpace(encoding) ? "7bit" : ParameterizedHeaderValue.Parse(encoding).Value;

        string? contentId = GetUnfolded("Content-ID");
        ContentId = string.IsNullOrWhiteSpace(contentId) ? null : contentId.Trim().TrimStart('<').TrimEnd('>').Trim();
    }

    /// <summary>The header fields in the order they appear.</summary>
    public IReadOnlyList<MimeHeaderField> Headers { get; }

    /// <summary>"type/subtype" in lower case; text/plain when Content-Type is absent or malformed.</summary>
    public string MediaType { get; }

    /// <summary>The Content-Transfer-Encoding in lower case; "7bit" when absent.</summary>
    public string ContentTransferEncoding { get; }

    /// <summary>
    /// The file name: the Content-Disposition "filename" parameter, else the Content-Type "name"
    /// parameter (RFC 2231-decoded, unquoted); null when neither is present.
    /// </summary>
    public string? FileName => _contentDisposition.GetParameter("filename") ?? _contentType.GetParameter("name");

    /// <summary>The Content-ID without its angle brackets; null when absent.</summary>
    public string? ContentId { get; }

    /// <summary>The Content-Disposition type in lower case ("inline", "attachment"); null when absent.</summary>
    public string? Disposition { get; }

    /// <summary>True for every multipart/* media type.</summary>
    public bool IsMultipart => MediaType.StartsWith("multipart/", StringComparison.Ordinal);

    /// <summary>The parts of a multipart, or the one message inside a message/rfc822 body; empty otherwise.</summary>
    public IReadOnlyList<MimeEntity> Children { get; internal set; } = [];

    /// <summary>
    /// The exact bytes of the entity in the input, from the first header byte to the end of the
    /// body. A multipart part ends before the line break that precedes the next delimiter, which
    /// belongs to the delimiter (RFC 2046 §5.1.1), so this is the content a multipart/signed
    /// signature covers (RFC 1847 §2.1).
    /// </summary>
    public ReadOnlyMemory<byte> RawEntity { get; }

    /// <summary>The exact bytes of the body: after the blank line that ends the header, to the entity's end.</summary>
    public ReadOnlyMemory<byte> RawBody { get; }

    /// <summary>The first header field named <paramref name="name"/> (case-insensitive), unfolded and RFC 2047-decoded; null when absent.</summary>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return FindHeader(name)?.Value;
    }

    /// <summary>A Content-Type parameter (case-insensitive name), RFC 2231-decoded and unquoted; null when absent.</summary>
    public string? GetContentTypeParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _contentType.GetParameter(name);
    }

    /// <summary>
    /// The body with its Content-Transfer-Encoding removed: base64 (whitespace ignored),
    /// quoted-printable (soft line breaks joined), or the raw bytes for 7bit, 8bit, binary and
    /// encodings this parser does not know.
    /// </summary>
    /// <exception cref="MimeFormatException">The base64 body holds characters outside the alphabet or is truncated.</exception>
    public byte[] DecodeContent() => ContentTransferEncoding switch
    {
        "base64" => Base64TransferDecoder.Decode(RawBody.Span, _bodyOffset),
        "quoted-printable" => QuotedPrintableDecoder.Decode(RawBody.Span),
        _ => RawBody.ToArray(),
    };

    /// <summary>
    /// <see cref="DecodeContent"/> read as text in the Content-Type charset. A missing charset,
    /// "us-ascii" or an unknown one is read as UTF-8 (a superset of US-ASCII), invalid sequences
    /// replaced by U+FFFD.
    /// </summary>
    public string DecodeText() => MimeCharset.GetEncodingOrUtf8(GetContentTypeParameter("charset")).GetString(DecodeContent());

    /// <inheritdoc />
    public override string ToString() => IsMultipart ? $"{MediaType} ({Children.Count} parts)" : MediaType;

    private MimeHeaderField? FindHeader(string name)
    {
        foreach (MimeHeaderField field in Headers)
        {
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return field;
            }
        }

        return null;
    }

    private string? GetUnfolded(string name)
    {
        MimeHeaderField? field = FindHeader(name);
        return field is null ? null : MimeHeaderField.Unfold(field.RawValue).Trim();
    }

    /// <summary>RFC 2045 §5.1: type "/" subtype, both tokens.</summary>
    private static bool IsValidMediaType(string value)
    {
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1 || value.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (c <= 0x20 || c >= 0x7F || "()<>@,;:\\\"[]?=".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
