using System.Buffers;
using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// A piece of a body entity: fixed canonical bytes, or a content read from a stream while it is
/// written (base64 in lines of 76, RFC 2045 §6.8, or a message/rfc822 copied as it is, RFC 2046
/// §5.2.1). Content is read once, in pooled chunks.
/// </summary>
internal readonly record struct BodySegment(byte[]? Literal, MimeAttachment? Attachment)
{
    private const int CopyBufferSize = 81920;

    /// <summary>The bytes this segment writes; null when a content length is unknown.</summary>
    public long? Length => Literal is not null
        ? Literal.Length
        : Attachment!.Length is long length
            ? (Attachment.IsMessage ? length : Base64LineStream.EncodedLength(length))
            : null;

    /// <summary>The bytes all segments write; null when any length is unknown.</summary>
    public static long? TotalLength(IEnumerable<BodySegment> segments)
    {
        long? total = 0;
        foreach (BodySegment segment in segments)
        {
            total += segment.Length;
        }

        return total;
    }

    /// <summary>Writes every segment in order.</summary>
    /// <exception cref="MimeFormatException">A content differs from its declared length, or an attached message is not 7-bit CRLF text.</exception>
    public static async Task WriteAllAsync(IEnumerable<BodySegment> segments, Stream destination, CancellationToken cancellationToken)
    {
        foreach (BodySegment segment in segments)
        {
            if (segment.Literal is not null)
            {
                await destination.WriteAsync(segment.Literal, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteContentAsync(segment.Attachment!, destination, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteContentAsync(MimeAttachment attachment, Stream destination, CancellationToken cancellationToken)
    {
        byte[] buffer = CryptoPool.Rent(CopyBufferSize);
        long total = 0;
        try
        {
            Stream content = attachment.Open();
            await using (content.ConfigureAwait(false))
            {
                if (attachment.IsMessage)
                {
                    // RFC 2046 §5.2.1: the message is copied as it is, checked as it goes.
                    var validator = new MessageContentValidator(attachment.FileName);
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        validator.Check(buffer.AsSpan(0, read));
                        total += read;
                        CheckNotLonger(attachment, total);
                        await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }

                    validator.Complete();
                }
                else
                {
                    // RFC 2045 §6.8: base64 in lines of 76 characters.
                    var encoder = new Base64LineStream(destination, leaveOpen: true);
                    try
                    {
                        int read;
                        while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            total += read;
                            CheckNotLonger(attachment, total);
                            await encoder.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        }

                        await encoder.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        // After a failure the final block is not written: the first error is the one reported.
                        encoder.Abort();
                    }
                }
            }
        }
        finally
        {
            CryptoPool.Return(buffer, (int)Math.Min(total, CopyBufferSize));
        }

        if (attachment.Length is long declared && total != declared)
        {
            throw new MimeFormatException($"Attachment '{attachment.FileName}' has {total} bytes but was declared with {declared}; the predicted message length would be wrong.");
        }
    }

    private static void CheckNotLonger(MimeAttachment attachment, long total)
    {
        if (attachment.Length is long declared && total > declared)
        {
            throw new MimeFormatException($"Attachment '{attachment.FileName}' has more than the {declared} bytes it was declared with; the predicted message length would be wrong.");
        }
    }
}
