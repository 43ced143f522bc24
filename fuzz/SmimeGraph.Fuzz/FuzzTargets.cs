namespace SmimeGraph.Fuzz;

/// <summary>Every target, by the name <c>--target</c> and fuzz/run.sh take.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("mime", "MimeParser.Parse and ParseAsync, then every accessor of every entity and the address parser", MimeTarget.Run),
        new("signed-data", "SignedDataReader: decode, verify over eContent and over a fixed detached content", CmsTargets.SignedData),
        new("enveloped-data", "EnvelopedDataReader (EnvelopedData, AuthEnvelopedData): decode, decrypt with the fixed keys", CmsTargets.EnvelopedData),
        new("content-info", "ContentInfoReader's content-type peek, then the matching reader", CmsTargets.ContentInfo),
        new("inspector", "SmimeInspector.InspectAsync with the fixed keys and trust anchor", InspectorTarget.Run),
        new("streaming-inspector", "SmimeInspector.InspectStreaming, checked against the whole-message inspector", StreamingInspectorTarget.Run),
    ];
}
