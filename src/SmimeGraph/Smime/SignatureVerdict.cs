using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>
/// What one SignerInfo (RFC 5652 §5.3) of a SignedData says and whether it holds: the signer,
/// the algorithms and their strength, the signature check, and (when the inspector ran it) the
/// certificate chain and the signer's address against the message's From/Sender.
/// </summary>
public sealed class SignatureVerdict
{
    internal SignatureVerdict(string signerIdentifier, string digestAlgorithmOid, string signatureAlgorithmOid)
    {
        SignerIdentifier = signerIdentifier;
        DigestAlgorithmOid = digestAlgorithmOid;
        SignatureAlgorithmOid = signatureAlgorithmOid;
        DigestAlgorithm = digestAlgorithmOid;
        SignatureAlgorithm = signatureAlgorithmOid;
    }

    /// <summary>The signer identifier as written: issuer and serial number, or subject key identifier.</summary>
    public string SignerIdentifier { get; }

    /// <summary>The signer's certificate, found among the embedded and the caller's certificates; null when none matched.</summary>
    public X509Certificate2? SignerCertificate { get; internal set; }

    /// <summary>The signingTime signed attribute (RFC 5652 §11.3), when present. Informational: it never moves the validation time.</summary>
    public DateTimeOffset? SigningTime { get; internal set; }

    /// <summary>The digest algorithm OID.</summary>
    public string DigestAlgorithmOid { get; }

    /// <summary>The digest algorithm's name ("SHA-256").</summary>
    public string DigestAlgorithm { get; internal set; }

    /// <summary>The signature algorithm OID.</summary>
    public string SignatureAlgorithmOid { get; }

    /// <summary>The signature algorithm with its parameters ("RSASSA-PSS (SHA-256, MGF1 SHA-256, salt 32)").</summary>
    public string SignatureAlgorithm { get; internal set; }

    /// <summary>Whether the signed attributes are well formed, the message digest matches the content and the signature verifies with the signer's key.</summary>
    public bool IsSignatureValid { get; internal set; }

    /// <summary>Why the signature is not valid; null when it is.</summary>
    public string? Failure { get; internal set; }

    /// <summary>
    /// The countersignatures on this signature (RFC 5652 §11.4): each a signature by another
    /// party over this signature's value, checked and (by the inspector) chain-validated like this
    /// one. Informational: anyone can add one, so they neither make nor break this signature.
    /// </summary>
    public IReadOnlyList<SignatureVerdict> Countersignatures { get; internal set; } = [];

    /// <summary>Weak algorithms or keys in use (SHA-1, MD5, RSA under 2048 bits); empty when none.</summary>
    public IReadOnlyList<string> Weaknesses { get; internal set; } = [];

    /// <summary>The chain validation of <see cref="SignerCertificate"/>; null when it was not run.</summary>
    public ChainValidationResult? Chain { get; internal set; }

    /// <summary>The email addresses the signer's certificate is issued to.</summary>
    public IReadOnlyList<string> SignerAddresses { get; internal set; } = [];

    /// <summary>Whether a signer address equals the message's From (or Sender) address; null when not checked.</summary>
    public bool? SignerMatchesSender { get; internal set; }

    /// <summary>
    /// True when the signingTime attribute is later than the validation time (by more than five
    /// minutes of clock skew): a signer cannot have signed in the future, so the claim is false.
    /// </summary>
    public bool SigningTimeIsInFuture { get; internal set; }

    /// <summary>True when the signature is valid, uses no weak algorithm, claims no future signing time and its certificate chain is trusted.</summary>
    public bool IsValidAndTrusted => IsSignatureValid && Weaknesses.Count == 0 && !SigningTimeIsInFuture && Chain is { IsTrusted: true };
}
