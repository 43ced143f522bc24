using SmimeGraph.Graph;

namespace SmimeGraph.Smime;

/// <summary>
/// What protection to apply to a message and under which ceiling: sign (detached
/// multipart/signed or opaque signed-data), encrypt (enveloped-data or authEnveloped-data), or
/// both (sign, then encrypt).
/// </summary>
public sealed class SmimeOptions
{
    /// <summary>The signer, or null not to sign.</summary>
    public SmimeSigner? Signer { get; init; }

    /// <summary>
    /// True for opaque signing (application/pkcs7-mime; smime-type=signed-data), which readers
    /// without S/MIME cannot display; false (default) for multipart/signed (RFC 8551 §3.5.3).
    /// </summary>
    public bool OpaqueSignature { get; init; }

    /// <summary>
    /// True to protect the header fields (RFC 9788) with the hcp_baseline policy: From, Sender,
    /// To, Cc, Reply-To, Subject, Date, Message-ID, In-Reply-To, References, Importance and the
    /// custom fields are copied into the signed or encrypted entity, whose Content-Type then
    /// carries <c>hp="clear"</c> (signed only) or <c>hp="cipher"</c> (encrypted). An encrypted
    /// message's outer Subject becomes <c>[...]</c> (§3.2.1), and the encrypted entity records every
    /// outer field in an <c>HP-Outer</c> field (§2.2). Bcc stays outside, as without protection.
    /// Readers without header protection show the outer fields as before. Ignored when the
    /// message is neither signed nor encrypted (there is nothing to protect the fields with).
    /// </summary>
    public bool ProtectHeaders { get; init; }

    /// <summary>The recipients and algorithms, or null not to encrypt.</summary>
    public SmimeEncryptionOptions? Encryption { get; init; }

    /// <summary>The most bytes of base64 request body the message may take (Graph's 4 MB, read conservatively).</summary>
    public long Ceiling { get; init; } = GraphPayload.DefaultCeiling;
}
