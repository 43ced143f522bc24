using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Fuzz;

/// <summary>
/// The streaming inspector (<see cref="SmimeInspector.InspectStreaming"/>) on a whole message,
/// with the inspector target's keys, anchor and time, checked against the whole-message
/// inspector on the same bytes: the only exception either may throw is
/// <see cref="MimeFormatException"/>, and a message the streaming inspector calls valid must be
/// valid for the whole-message inspector too, with the same content bytes (reading as a stream
/// must never be more permissive).
/// </summary>
internal static class StreamingInspectorTarget
{
    public static void Run(byte[] input)
    {
        SmimeInspectorOptions options = InspectorTarget.Options.Value;
        InspectionResult streamed;
        using var content = new MemoryStream();
        using (var stream = new MemoryStream(input, writable: false))
        {
            streamed = SmimeInspector.InspectStreaming(stream, content, options);
        }

        _ = (streamed.IsSigned, streamed.IsEncrypted, streamed.SenderAddresses.Count);
        if (!streamed.IsValid)
        {
            return;
        }

        InspectionResult whole = SmimeInspector.Inspect(input, options);
        if (!whole.IsValid)
        {
            throw new FuzzInvariantException("The streaming inspector found a message valid that the whole-message inspector does not: " + string.Join("; ", whole.Problems.Select(p => p.Code)));
        }

        if (!whole.Content.RawEntity.Span.SequenceEqual(content.ToArray()))
        {
            throw new FuzzInvariantException("The streaming inspector wrote other content than the whole-message inspector found.");
        }
    }
}
