using SmimeGraph.Buffers;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// How many attachment bytes fit, or must go, for a message to fit under a ceiling. The request
/// body grows with every layer (base64 of the attachment, each pkcs7-mime layer's base64, DER
/// lengths, cipher padding, Graph's base64), so the answer is found with the plan's exact length
/// arithmetic and a binary search, not with one ratio: it is exact in every protection mode.
/// </summary>
internal static class AttachmentRoom
{
    /// <summary>The name the largest-extra-attachment figure assumes unless told otherwise.</summary>
    public const string DefaultFileName = "attachment.bin";

    // 2^48 bytes (256 TiB): far above any ceiling Graph or a mail server has.
    private const long MaxSearchedLength = 1L << 48;

    /// <summary>The largest content length of one more attachment that still fits, or null when none does or the size is unknown.</summary>
    public static long? LargestExtraAttachment(MessageSpec spec, MessagePlan plan, TimeProvider timeProvider, long ceiling, string fileName, string contentType)
    {
        if (plan.MimeLength is null)
        {
            return null;
        }

        // The attachment is never opened: only its headers and declared length are laid out.
        var probe = MimeAttachment.FromStreamFactory(fileName, () => throw new InvalidOperationException("A sizing probe is never read."), 0, contentType);
        MessagePlan withProbe = plan.WithBody(MimeMessageWriter.Create(spec, timeProvider, plan.HeaderProtection, probe));
        long entity = withProbe.BodyEntityLength!.Value;
        // An attachment cannot be longer than the body that carries it; the bound keeps the
        // arithmetic far from overflow when the ceiling is long.MaxValue ("no ceiling").
        long largest = Largest(Math.Min(ceiling, MaxSearchedLength), length => withProbe.PredictBodyLength(entity + SegmentLength(probe, length)) <= ceiling);
        return largest < 0 ? null : largest;
    }

    /// <summary>
    /// For a message over the ceiling, how much content must go: the least the largest attachment
    /// (of known length) must shrink by, with its name; or, when even emptying it is not enough,
    /// about how many bytes of attachment content in all, with no name; null when only dropping
    /// more than the attachments would help.
    /// </summary>
    public static (long Bytes, MimeAttachment? Attachment)? BytesToRemove(MessageSpec spec, MessagePlan plan, long ceiling)
    {
        if (plan.BodyEntityLength is not long entity)
        {
            return null;
        }

        MimeAttachment? largest = spec.Attachments.Concat(spec.InlineResources)
            .Where(a => a?.Length is not null)
            .MaxBy(a => a!.Length!.Value);
        if (largest is not null)
        {
            long length = largest.Length!.Value;
            long others = entity - SegmentLength(largest, length);
            long kept = Largest(length, keep => plan.PredictBodyLength(others + SegmentLength(largest, keep)) <= ceiling);
            if (kept >= 0)
            {
                return (length - kept, largest);
            }
        }

        // Emptying the largest attachment is not enough: count attachment bytes in all, as base64
        // content lines (each 57 bytes of content is a 78-byte line).
        long upper = (entity / 4 * 3) + 3;
        long most = Largest(upper, removed => removed == 0 || (Base64LineStream.EncodedLength(removed) <= entity && plan.PredictBodyLength(entity - Base64LineStream.EncodedLength(removed)) > ceiling));
        long needed = most + 1;
        return needed > upper || Base64LineStream.EncodedLength(needed) > entity ? null : (needed, null);
    }

    // The bytes an attachment of this content length takes in the body: base64 with line breaks,
    // or the message itself for message/rfc822 (RFC 2046 §5.2.1: 7bit).
    private static long SegmentLength(MimeAttachment attachment, long length) =>
        attachment.IsMessage ? length : Base64LineStream.EncodedLength(length);

    // The largest x in [0, upper] for which fits(x) holds, fits being true up to some point and
    // false after it; -1 when fits(0) is false.
    private static long Largest(long upper, Func<long, bool> fits)
    {
        if (!fits(0))
        {
            return -1;
        }

        long low = 0;
        long high = upper;
        while (low < high)
        {
            long middle = low + ((high - low + 1) / 2);
            if (fits(middle))
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }
}
