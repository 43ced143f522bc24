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
        : base(FormatMessage(size, ceiling, sizeIsLowerBound))
    {
        Size = size;
        Ceiling = ceiling;
        SizeIsLowerBound = sizeIsLowerBound;
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
    /// <see cref="SizeIsLowerBound"/>). Every 4 bytes of base64 body carry 3 bytes of MIME, and each
    /// attachment byte costs about 1.37 bytes of MIME once base64-encoded with line breaks.
    /// </summary>
    public long ExcessBytes => Math.Max(0, Size - Ceiling);

    private static string FormatMessage(long size, long ceiling, bool lowerBound) =>
        string.Format(
            CultureInfo.InvariantCulture,
            "The Graph request body is {0}{1:N0} bytes, over the ceiling of {2:N0} bytes; remove at least {3:N0} bytes of request body (about {4:N0} bytes of attachment) for it to fit. Nothing was sent.",
            lowerBound ? "at least " : string.Empty,
            size,
            ceiling,
            Math.Max(0, size - ceiling),
            // base64 body (4/3) of base64 MIME with CRLF every 76 chars (78/76 * 4/3).
            (long)Math.Ceiling(Math.Max(0, size - ceiling) / (4.0 / 3.0 * 78.0 / 76.0 * 4.0 / 3.0)));
}
