using System.Globalization;

namespace SmimeGraph;

/// <summary>
/// The Graph request body would exceed the payload ceiling. Nothing was sent.
/// </summary>
public sealed class PayloadTooLargeException : SmimeGraphException
{
    /// <summary>Creates the exception for a body of <paramref name="size"/> bytes against <paramref name="ceiling"/>.</summary>
    /// <param name="size">The size of the request body, in bytes (exact, or the least it would be when <paramref name="sizeIsLowerBound"/>).</param>
    /// <param name="ceiling">The ceiling, in bytes of base64 request body.</param>
    /// <param name="sizeIsLowerBound">True when encoding stopped at the ceiling, so the real size is at least <paramref name="size"/>.</param>
    public PayloadTooLargeException(long size, long ceiling, bool sizeIsLowerBound = false)
        : base(FormatMessage(size, ceiling, sizeIsLowerBound, null, null))
    {
        Size = size;
        Ceiling = ceiling;
        SizeIsLowerBound = sizeIsLowerBound;
    }

    /// <summary>
    /// Creates the exception for a body of exactly <paramref name="size"/> bytes whose attachment
    /// content must shrink by <paramref name="attachmentBytesToRemove"/> bytes for it to fit.
    /// </summary>
    /// <param name="size">The size of the request body, in bytes.</param>
    /// <param name="ceiling">The ceiling, in bytes of base64 request body.</param>
    /// <param name="attachmentBytesToRemove">The least number of bytes of attachment content to remove.</param>
    /// <param name="attachmentFileName">
    /// The attachment that must shrink by that much (the largest), or null when the figure is for
    /// all attachments together (emptying the largest is not enough).
    /// </param>
    public PayloadTooLargeException(long size, long ceiling, long attachmentBytesToRemove, string? attachmentFileName)
        : base(FormatMessage(size, ceiling, false, attachmentBytesToRemove, attachmentFileName))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attachmentBytesToRemove);
        Size = size;
        Ceiling = ceiling;
        AttachmentBytesToRemove = attachmentBytesToRemove;
        AttachmentFileName = attachmentFileName;
    }

    /// <summary>Creates the exception with its own message, e.g. for a 413 from the server, whose ceiling is not known exactly.</summary>
    /// <param name="size">The size of the request body, in bytes.</param>
    /// <param name="ceiling">The ceiling, or the most it can be (one byte under <paramref name="size"/> when the server refused it).</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure that caused it, e.g. the server's error.</param>
    public PayloadTooLargeException(long size, long ceiling, string message, Exception? innerException)
        : base(message, innerException)
    {
        Size = size;
        Ceiling = ceiling;
    }

    /// <summary>The size of the Graph request body in bytes (a lower bound when <see cref="SizeIsLowerBound"/>).</summary>
    public long Size { get; }

    /// <summary>The ceiling in bytes of base64 request body.</summary>
    public long Ceiling { get; }

    /// <summary>True when the encoder stopped at the ceiling, so <see cref="Size"/> is only the least the body would be.</summary>
    public bool SizeIsLowerBound { get; }

    /// <summary>
    /// How many bytes of request body must go for the message to fit (at least this many when
    /// <see cref="SizeIsLowerBound"/>). Every 4 bytes of base64 body carry 3 bytes of MIME; how
    /// much attachment content that is depends on the layers, see <see cref="AttachmentBytesToRemove"/>.
    /// </summary>
    public long ExcessBytes => Math.Max(0, Size - Ceiling);

    /// <summary>
    /// The least number of bytes of attachment content to remove for the message to fit, computed
    /// through every layer of the message's protection (exact for <see cref="AttachmentFileName"/>);
    /// null when it is not known (an attachment of unknown length, a refusal by the server) or when
    /// removing attachment content cannot make the message fit.
    /// </summary>
    public long? AttachmentBytesToRemove { get; }

    /// <summary>
    /// The attachment (the largest) that must shrink by <see cref="AttachmentBytesToRemove"/>
    /// bytes; null when that figure is for all attachments together, or unknown.
    /// </summary>
    public string? AttachmentFileName { get; }

    private static string FormatMessage(long size, long ceiling, bool lowerBound, long? attachmentBytes, string? attachmentName)
    {
        long excess = Math.Max(0, size - ceiling);
        string head = string.Format(
            CultureInfo.InvariantCulture,
            "The Graph request body is {0}{1:N0} bytes, over the ceiling of {2:N0} bytes; remove at least {3:N0} bytes of request body",
            lowerBound ? "at least " : string.Empty,
            size,
            ceiling,
            excess);
        string hint = (attachmentBytes, attachmentName) switch
        {
            (long bytes, string name) => string.Format(CultureInfo.InvariantCulture, " (attachment '{0}' {1:N0} bytes smaller)", name, bytes),
            (long bytes, null) => string.Format(CultureInfo.InvariantCulture, " (about {0:N0} bytes of attachment content)", bytes),
            _ => string.Empty,
        };
        return head + hint + " for it to fit. Nothing was sent.";
    }
}
