namespace SmimeGraph.Benchmarks;

/// <summary>What is done to the message: the three S/MIME shapes Graph receives.</summary>
public enum SmimeOperation
{
    /// <summary>multipart/signed with a detached SignedData (RFC 8551 §3.5.3).</summary>
    Sign,

    /// <summary>application/pkcs7-mime; smime-type=enveloped-data (RFC 8551 §3.3).</summary>
    Encrypt,

    /// <summary>multipart/signed inside enveloped-data (RFC 8551 §3.6).</summary>
    SignAndEncrypt,
}
