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

    /// <summary>The recipients and algorithms, or null not to encrypt.</summary>
    public SmimeEncryptionOptions? Encryption { get; init; }

    /// <summary>The most bytes of base64 request body the message may take (Graph's 4 MB, read conservatively).</summary>
    public long Ceiling { get; init; } = GraphPayload.DefaultCeiling;
}
