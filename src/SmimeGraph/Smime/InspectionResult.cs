using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// Everything <see cref="SmimeInspector"/> found in a message: the S/MIME layers in order
/// (outermost first), what each signature covers and whether it holds, what each encryption
/// layer used, and the innermost content.
/// </summary>
public sealed class InspectionResult
{
    internal InspectionResult(MimeEntity message, MimeEntity content, IReadOnlyList<InspectionLayer> layers, IReadOnlyList<string> senderAddresses, DateTimeOffset validationTime)
    {
        Message = message;
        Content = content;
        Layers = layers;
        SenderAddresses = senderAddresses;
        ValidationTime = validationTime;
    }

    /// <summary>The message as parsed.</summary>
    public MimeEntity Message { get; }

    /// <summary>The innermost content entity: what is left once every enclosing S/MIME layer on the main path is removed.</summary>
    public MimeEntity Content { get; }

    /// <summary>Every layer found, outermost first (depth first, in part order).</summary>
    public IReadOnlyList<InspectionLayer> Layers { get; }

    /// <summary>The From and Sender addresses the signer addresses were compared with.</summary>
    public IReadOnlyList<string> SenderAddresses { get; }

    /// <summary>The time certificates were validated at.</summary>
    public DateTimeOffset ValidationTime { get; }

    /// <summary>True when an encryption layer covers the whole message.</summary>
    public bool IsEncrypted => Layers.OfType<EncryptionLayer>().Any(l => !l.IsPartial);

    /// <summary>True when a signature layer covers the whole message (partial signatures do not count).</summary>
    public bool IsSigned => Layers.OfType<SignatureLayer>().Any(l => !l.IsPartial);

    /// <summary>True when a signature covers only part of the message.</summary>
    public bool HasPartialSignatures => Layers.OfType<SignatureLayer>().Any(l => l.IsPartial);

    /// <summary>
    /// Whether a valid, trusted signature covering the whole message was made by the From or
    /// Sender address (RFC 8550 §3). Null when no such signature or no sender address exists to
    /// compare. With nested signatures (one party signing over another's signed message) one
    /// match suffices: the inner signer need not be the sender.
    /// </summary>
    public bool? SenderIsVouchedFor
    {
        get
        {
            var candidates = Layers.OfType<SignatureLayer>().Where(l => !l.IsPartial).SelectMany(l => l.Signatures).Where(s => s.IsValidAndTrusted).ToList();
            if (candidates.Count == 0 || SenderAddresses.Count == 0)
            {
                return null;
            }

            return candidates.Any(s => s.SignerMatchesSender == true);
        }
    }

    /// <summary>
    /// True when the message is signed or encrypted, every layer succeeded (each decrypts; each
    /// signature is valid, strong and trusted), the sender is vouched for when the message is
    /// signed, and no signature is partial. A message with no S/MIME layer is not valid: a
    /// stripped signature must not pass for a good one.
    /// </summary>
    public bool IsValid => (IsSigned || IsEncrypted) && Layers.All(l => l.Succeeded) && !HasPartialSignatures && SenderIsVouchedFor != false;
}
