using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>How signer certificates are validated: the trust anchors, optional CRLs and the validation time.</summary>
internal sealed class ChainValidationOptions
{
    /// <summary>The trust anchors. When empty, the system's root store is used.</summary>
    public IList<X509Certificate2> TrustAnchors { get; } = new List<X509Certificate2>();

    /// <summary>Extra intermediate certificates to build chains with (the message's own certificates are always used).</summary>
    public IList<X509Certificate2> ExtraCertificates { get; } = new List<X509Certificate2>();

    /// <summary>Encoded CRLs (DER CertificateList) checked offline against every chain element; none by default.</summary>
    public IList<byte[]> CertificateRevocationLists { get; } = new List<byte[]>();

    /// <summary>
    /// The time certificates are validated at; null means now. A signingTime attribute never
    /// changes it: the signer chooses that value, so a backdated or future time proves nothing.
    /// </summary>
    public DateTimeOffset? ValidationTime { get; set; }
}
