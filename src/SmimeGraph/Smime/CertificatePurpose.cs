namespace SmimeGraph.Smime;

/// <summary>What a certificate is used for in S/MIME.</summary>
public enum CertificatePurpose
{
    /// <summary>Signing mail: digitalSignature or nonRepudiation key usage.</summary>
    Signing,

    /// <summary>Receiving encrypted mail: keyEncipherment (RSA) or keyAgreement (EC) key usage.</summary>
    Encryption,
}
