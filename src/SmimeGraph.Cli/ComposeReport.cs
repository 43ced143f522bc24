using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>What compose and send report about a message they made: its id, protection and sizes.</summary>
/// <param name="MessageId">The Message-ID, without angle brackets.</param>
/// <param name="MimeLength">The MIME message's length in bytes.</param>
/// <param name="Options">The protection applied.</param>
/// <param name="Prediction">The size against Graph's ceiling, with the room left for one more attachment.</param>
internal sealed record ComposeReport(string MessageId, long MimeLength, SmimeOptions Options, PayloadSizePrediction Prediction)
{
    /// <summary>The length of Graph's base64 request body for this message (no line breaks).</summary>
    public long GraphBodyLength => (MimeLength + 2) / 3 * 4;

    /// <summary>One line of sizes for the text output.</summary>
    public string SizeLine() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{GraphBodyLength:N0} bytes of Graph request body ({MimeLength:N0} of MIME), {Prediction.Ceiling - GraphBodyLength:N0} under the {Prediction.Ceiling:N0}-byte ceiling{Room()}");

    private string Room() => Prediction.MaxAttachmentBytes is long room
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; room for one more attachment of up to {room:N0} bytes")
        : string.Empty;
}
