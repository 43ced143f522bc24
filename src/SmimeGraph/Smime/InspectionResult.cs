using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// Everything <see cref="SmimeInspector"/> found in a message: the S/MIME layers in order
/// (outermost first), what each signature covers and whether it holds, what each encryption
/// layer used, the innermost content, the authenticity and confidentiality findings, and every
/// reason the message is not valid.
/// </summary>
public sealed class InspectionResult
{
    internal InspectionResult(
        MimeEntity message,
        MimeEntity content,
        IReadOnlyList<InspectionLayer> layers,
        IReadOnlyList<string> senderAddresses,
        DateTimeOffset validationTime,
        AuthenticityFinding authenticity,
        ConfidentialityFinding confidentiality,
        IReadOnlyList<InspectionProblem> problems)
    {
        Message = message;
        Content = content;
        Layers = layers;
        SenderAddresses = senderAddresses;
        ValidationTime = validationTime;
        Authenticity = authenticity;
        Confidentiality = confidentiality;
        Problems = problems;
    }

    /// <summary>The message as parsed.</summary>
    public MimeEntity Message { get; }

    /// <summary>The innermost content entity: what is left once every enclosing S/MIME layer on the main path is removed.</summary>
    public MimeEntity Content { get; }

    /// <summary>Every layer found, outermost first (depth first, in part order).</summary>
    public IReadOnlyList<InspectionLayer> Layers { get; }

    /// <summary>The From and Sender addresses (protected ones when the message has header protection).</summary>
    public IReadOnlyList<string> SenderAddresses { get; }

    /// <summary>The time certificates were validated at.</summary>
    public DateTimeOffset ValidationTime { get; }

    /// <summary>Who vouches for the displayed content: the covering signatures and the From binding.</summary>
    public AuthenticityFinding Authenticity { get; }

    /// <summary>Whether the message was encrypted, opened, and integrity protected.</summary>
    public ConfidentialityFinding Confidentiality { get; }

    /// <summary>
    /// Every reason the message is not valid, each once, with a stable code: the problems of every
    /// layer, of every signature and certificate chain (a missing trust anchor included), of the
    /// sender binding and of the message as a whole. Empty exactly when <see cref="IsValid"/>.
    /// </summary>
    public IReadOnlyList<InspectionProblem> Problems { get; }

    /// <summary>
    /// The RFC 9788 header protection of the signed content, when it has any: the protected From,
    /// To and Subject (which the verdict uses) and every outer field that differs. Null when the
    /// content covered by the signature carries no <c>hp</c> parameter.
    /// </summary>
    public HeaderProtectionFinding? HeaderProtection { get; internal init; }

    /// <summary>
    /// True when <see cref="SmimeInspector.InspectStreaming"/> made this result: its entities
    /// (<see cref="Message"/>, <see cref="Content"/>, each layer's) hold their header fields only,
    /// and the content's bytes went to the stream given to it.
    /// </summary>
    public bool IsStreamed { get; internal set; }

    /// <summary>True when an encryption layer covers the whole message.</summary>
    public bool IsEncrypted => Layers.OfType<EncryptionLayer>().Any(l => !l.IsPartial);

    /// <summary>True when a signature layer covers the whole message (partial signatures do not count).</summary>
    public bool IsSigned => Layers.OfType<SignatureLayer>().Any(l => !l.IsPartial);

    /// <summary>True when a signature covers only part of the message.</summary>
    public bool HasPartialSignatures => Layers.OfType<SignatureLayer>().Any(l => l.IsPartial);

    /// <summary>
    /// Whether every From address is the address of a valid, trusted signature covering the
    /// displayed content (RFC 8550 §3). Null when no such signature or no From address exists to
    /// compare. With nested signatures (one party signing over another's signed message) the
    /// signers together must cover the From addresses: the inner signer need not be the author.
    /// </summary>
    public bool? SenderIsVouchedFor =>
        Authenticity.SignerAddresses.Count == 0 || Authenticity.FromAddresses.Count == 0
            ? null
            : Authenticity.FromAddresses.All(f => Authenticity.SignerAddresses.Contains(f, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// VALID: a valid, trusted signature made by the From address covers the whole displayed
    /// content, inside every encryption layer, and nothing else went wrong. Encryption alone is
    /// never valid. True exactly when <see cref="Problems"/> is empty.
    /// </summary>
    public bool IsValid => Problems.Count == 0;
}
