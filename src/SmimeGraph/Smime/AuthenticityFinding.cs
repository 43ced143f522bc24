namespace SmimeGraph.Smime;

/// <summary>
/// Who vouches for the displayed content (RFC 8550 §3, RFC 8551 §3): the signatures that cover
/// the whole displayed content inside every encryption layer, and whether they were made by
/// every From address. Authenticity is separate from confidentiality: an encrypted message
/// proves nothing about its author.
/// </summary>
public sealed class AuthenticityFinding
{
    internal AuthenticityFinding(bool isAuthentic, IReadOnlyList<SignatureVerdict> signatures, IReadOnlyList<string> fromAddresses, IReadOnlyList<string> signerAddresses, string summary)
    {
        IsAuthentic = isAuthentic;
        Signatures = signatures;
        FromAddresses = fromAddresses;
        SignerAddresses = signerAddresses;
        Summary = summary;
    }

    /// <summary>
    /// True when a valid, trusted signature covers the whole displayed content inside every
    /// encryption layer and every From mailbox is an address of such a signer.
    /// </summary>
    public bool IsAuthentic { get; }

    /// <summary>The signatures that cover the displayed content (valid or not); empty when none does.</summary>
    public IReadOnlyList<SignatureVerdict> Signatures { get; }

    /// <summary>
    /// The From addresses the signers were compared with: the protected From inside the signature
    /// when the message has header protection (RFC 9788), otherwise the message's own.
    /// </summary>
    public IReadOnlyList<string> FromAddresses { get; }

    /// <summary>The addresses of the valid, trusted signers among <see cref="Signatures"/>.</summary>
    public IReadOnlyList<string> SignerAddresses { get; }

    /// <summary>One line for people: "signed by alice@example.com", "encrypted, not signed", "not signed".</summary>
    public string Summary { get; }
}
