namespace SmimeGraph.Smime;

/// <summary>How a signature is attached to the content it covers (RFC 8551 §3.5).</summary>
public enum SignatureForm
{
    /// <summary>multipart/signed with a detached application/pkcs7-signature part (RFC 1847, RFC 8551 §3.5.3).</summary>
    Detached,

    /// <summary>application/pkcs7-mime; smime-type=signed-data: the content is inside the SignedData (RFC 8551 §3.5.2).</summary>
    Opaque,
}
