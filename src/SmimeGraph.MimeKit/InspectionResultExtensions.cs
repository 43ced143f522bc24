using System.Runtime.InteropServices;
using MimeKit;
using SmimeGraph.Smime;

namespace SmimeGraph.MimeKit;

/// <summary>
/// Inspection results as MimeKit objects, so an app renders what SmimeGraph verified and
/// decrypted the MimeKit way (<c>HtmlPreviewVisitor</c>, <c>BodyParts</c>, <c>TextBody</c>).
/// </summary>
public static class InspectionResultExtensions
{
    /// <summary>
    /// The innermost content (<see cref="InspectionResult.Content"/>: inside every signature and
    /// encryption layer) parsed by MimeKit from exactly the bytes SmimeGraph checked.
    /// </summary>
    /// <exception cref="FormatException">MimeKit cannot parse the content.</exception>
    /// <exception cref="InvalidOperationException">The result is streamed (<see cref="InspectionResult.IsStreamed"/>): load the content written to the stream with <c>MimeEntity.Load</c> instead.</exception>
    public static MimeEntity GetContentEntity(this InspectionResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ThrowIfStreamed(result);
        using Stream stream = AsStream(result.Content.RawEntity);
        return MimeEntity.Load(stream, cancellationToken);
    }

    /// <summary>The message as received (<see cref="InspectionResult.Message"/>), parsed by MimeKit.</summary>
    /// <exception cref="FormatException">MimeKit cannot parse the message.</exception>
    /// <exception cref="InvalidOperationException">The result is streamed (<see cref="InspectionResult.IsStreamed"/>): the message was not kept.</exception>
    public static MimeMessage GetMimeMessage(this InspectionResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ThrowIfStreamed(result);
        using Stream stream = AsStream(result.Message.RawEntity);
        return MimeMessage.Load(stream, cancellationToken);
    }

    private static void ThrowIfStreamed(InspectionResult result)
    {
        if (result.IsStreamed)
        {
            throw new InvalidOperationException("The result comes from SmimeInspector.InspectStreaming: its entities hold their header fields only. Load the content written to the stream with MimeEntity.Load.");
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
