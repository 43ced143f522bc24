using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// What checking one SignerInfo (RFC 5652 §5.3, §5.6) found: the signer as identified, the
/// algorithms, the certificate that matched, the signingTime attribute, the algorithms known to be
/// weak, and why the signature does not hold (null when it does). No trust or policy decision.
/// </summary>
internal sealed record SignerInfoVerification(
    string SignerIdentifier,
    string DigestAlgorithmOid,
    string DigestAlgorithm,
    string SignatureAlgorithmOid,
    string SignatureAlgorithm,
    X509Certificate2? SignerCertificate,
    DateTimeOffset? SigningTime,
    IReadOnlyList<string> Weaknesses,
    string? Failure)
{
    /// <summary>Whether the signed attributes are well formed, the digest matches and the signature verifies.</summary>
    public bool IsSignatureValid => Failure is null;

    /// <summary>The countersignatures on this SignerInfo's signature value (RFC 5652 §11.4), each checked the same way.</summary>
    public IReadOnlyList<SignerInfoVerification> Countersignatures { get; init; } = [];
}
