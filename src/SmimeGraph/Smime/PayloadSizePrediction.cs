namespace SmimeGraph.Smime;

/// <summary>
/// The size a message will have, computed from its spec before any attachment byte is read.
/// </summary>
/// <param name="MimeLength">The MIME message's length in bytes, or null when an attachment's length is unknown.</param>
/// <param name="BodyLength">The base64 Graph request body's length in bytes, or null when unknown.</param>
/// <param name="Ceiling">The ceiling the body must fit under.</param>
public sealed record PayloadSizePrediction(long? MimeLength, long? BodyLength, long Ceiling)
{
    /// <summary>True when the length is known exactly.</summary>
    public bool IsExact => BodyLength is not null;

    /// <summary>False when the body is known to exceed the ceiling; true when it fits or is unknown.</summary>
    public bool Fits => BodyLength is null || BodyLength <= Ceiling;

    /// <summary>Bytes of request body left under the ceiling (negative when over), or null when unknown.</summary>
    public long? Headroom => BodyLength is null ? null : Ceiling - BodyLength;

    /// <summary>
    /// The largest attachment, in bytes of content, that could be added to the message and still
    /// fit under <see cref="Ceiling"/> with the same protection; null when the size is unknown
    /// (an attachment's length is unknown) or when not even an empty one would fit.
    /// </summary>
    /// <remarks>
    /// Exact for an attachment added last with the file name and media type the prediction was
    /// made for (<see cref="SmimeComposer.PredictSize(Mime.MessageSpec, SmimeOptions, string, string)"/>):
    /// one more byte of content (or, where base64 rounds, the next 3-byte group) does not fit.
    /// Every layer is counted: the attachment's base64 with line breaks (RFC 2045 §6.8), the
    /// multipart/signed or SignedData around it, each application/pkcs7-mime layer's base64, the
    /// content-encryption padding, and Graph's base64 of the whole message.
    /// </remarks>
    public long? MaxAttachmentBytes { get; init; }
}
