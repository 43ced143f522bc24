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
}
