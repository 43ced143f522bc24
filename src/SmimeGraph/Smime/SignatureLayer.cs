using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>A signed layer: its signatures, and exactly which MIME entity they cover.</summary>
public sealed class SignatureLayer : InspectionLayer
{
    internal SignatureLayer(int depth, string path, MimeEntity entity, SignatureForm form)
        : base(depth, path, entity)
    {
        Form = form;
    }

    /// <summary>Detached (multipart/signed) or opaque (signed-data).</summary>
    public SignatureForm Form { get; }

    /// <summary>
    /// The entity the signatures cover: the first part of the multipart/signed, or the entity
    /// parsed from the SignedData's encapsulated content. Null when the layer could not be read.
    /// </summary>
    public MimeEntity? CoveredEntity { get; internal set; }

    /// <summary>
    /// The covered entity's path: <see cref="InspectionLayer.Path"/> + ".1" for a detached
    /// signature; for an opaque one, "" of the next depth (the unwrapped content).
    /// </summary>
    public string? CoveredPath { get; internal set; }

    /// <summary>One verdict per SignerInfo; empty when the SignedData has none (never valid).</summary>
    public IReadOnlyList<SignatureVerdict> Signatures { get; internal set; } = [];

    /// <summary>The multipart/signed micalg parameter as written; null for opaque signatures.</summary>
    public string? MicAlg { get; internal set; }

    /// <summary>
    /// True when the detached content verified only after its line endings were made CRLF
    /// (the message arrived with LF-only endings, RFC 8551 §3.1.1 canonical form).
    /// </summary>
    public bool LineEndingsCanonicalized { get; internal set; }

    /// <inheritdoc />
    /// <remarks>The signer's address is judged for the message as a whole: see <see cref="InspectionResult.SenderIsVouchedFor"/>.</remarks>
    public override bool Succeeded => Problems.Count == 0 && Signatures.Count > 0 && Signatures.All(s => s.IsValidAndTrusted);
}
