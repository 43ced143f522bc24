using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Fuzz;

/// <summary>
/// The inspector on a whole message, as <c>smimegraph inspect</c> calls it
/// (<see cref="SmimeInspector.InspectAsync"/> over a stream), with the fixed recipients' keys and
/// the test root as trust anchor and a fixed validation time, so that every run of an input
/// takes the same path. The only exception it may throw is <see cref="MimeFormatException"/>
/// (the outer message is unreadable); everything else is a finding in the result.
/// </summary>
internal static class InspectorTarget
{
    /// <summary>
    /// Inside the validity of the test PKI's good certificates (2024 to 2050) and after the
    /// signing time of every generated seed, so their signatures are valid and trusted.
    /// </summary>
    private static readonly DateTimeOffset ValidationTime = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly Lazy<SmimeInspectorOptions> Options = new(() =>
    {
        var options = new SmimeInspectorOptions { ValidationTime = ValidationTime };
        foreach (var key in FuzzKeys.DecryptionCertificates)
        {
            options.DecryptionCertificates.Add(key);
        }

        options.TrustAnchors.Add(FuzzKeys.TrustAnchor);
        return options;
    });

    public static void Run(byte[] input)
    {
        InspectionResult result;
        using (var stream = new MemoryStream(input, writable: false))
        {
            result = SmimeInspector.InspectAsync(stream, Options.Value).GetAwaiter().GetResult();
        }

        _ = (result.IsValid, result.IsSigned, result.IsEncrypted, result.SenderAddresses.Count);
        foreach (InspectionLayer layer in result.Layers)
        {
            _ = (layer.Path, layer.Succeeded, layer.Problems.Count, layer.Notes.Count);
        }

        try
        {
            _ = result.Content.DecodeText();
        }
        catch (MimeFormatException)
        {
            // A displayed body whose base64 is broken: the caller's error to show, not a crash.
        }
    }
}
