namespace SmimeGraph.Mime;

/// <summary>
/// A message built by another MIME library, ready for <see cref="Smime.SmimeComposer"/>: the
/// routing header fields that stay outside the protection (From, To, Subject, Date, Message-ID,
/// ...), and the body entity as canonical text with streamed contents in between, which the
/// library base64-encodes as it writes them. The same single pass signs, encrypts and encodes it
/// as a message from a <see cref="MessageSpec"/>.
/// </summary>
/// <remarks>
/// The body entity is what RFC 8551 §3.1.1 calls the MIME entity to protect: its own Content-*
/// fields, a blank line and its body, in canonical form (7-bit, CRLF line breaks, no line over
/// 998 octets, RFC 5322 §2.1.1, RFC 2045 §2.7). Its exact length is known when every streamed
/// content declares its length; then the ceiling is checked before any content is read.
/// </remarks>
public sealed class PreparedMessage
{
    private readonly List<(string? Text, MimeAttachment? Content)> _pieces = [];

    /// <summary>
    /// The routing header fields in the order to write them, each with its raw value (what
    /// follows the colon: 7-bit text, RFC 2047 encoded-words for anything else, folded with CRLF
    /// followed by white space). No Content-* field and no MIME-Version: those are the body
    /// entity's and the library's. A From field is required; Date and Message-ID are added when
    /// missing.
    /// </summary>
    public IList<MimeHeaderField> Headers { get; } = new List<MimeHeaderField>();

    /// <summary>
    /// Appends canonical text to the body entity: header fields, the blank line, boundary
    /// delimiters, a body already in a 7-bit transfer encoding. Checked when the message is
    /// composed.
    /// </summary>
    public PreparedMessage AppendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _pieces.Add((text, null));
        return this;
    }

    /// <summary>
    /// Appends a content that the library reads once, while the message is written, and encodes
    /// as base64 in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8). The text before
    /// it must end a line.
    /// </summary>
    /// <param name="open">Opens the (decoded) content; called once, when the message is written. The stream is disposed.</param>
    /// <param name="length">The content length in bytes, when known: then the message length is exact before anything is read.</param>
    /// <param name="name">The name used in error messages (a file name).</param>
    public PreparedMessage AppendBase64(Func<Stream> open, long? length, string name = "content")
    {
        ArgumentNullException.ThrowIfNull(open);
        _pieces.Add((null, MimeAttachment.FromStreamFactory(name, open, length)));
        return this;
    }

    /// <summary>The body entity's pieces in order: text (joined where adjacent) and contents.</summary>
    internal IReadOnlyList<(string? Text, MimeAttachment? Content)> BodyPieces => _pieces;
}
