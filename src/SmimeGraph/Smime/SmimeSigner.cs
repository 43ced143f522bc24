using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>
/// Who signs and how: the signer certificate (with its private key), the digest and signature
/// algorithms, how the signer is identified, which certificates travel with the signature, and
/// the certificate the sender wants to receive encrypted mail for (RFC 8551 §2.5.3).
/// </summary>
public sealed class SmimeSigner
{
    /// <summary>Creates signing options for a certificate that carries its private key (RSA or ECDSA).</summary>
    /// <param name="certificate">The signer certificate; it must have a private key.</param>
    public SmimeSigner(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
    }

    /// <summary>The signer certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// The digest algorithm: SHA-256 (the default), SHA-384 or SHA-512. Anything else (SHA-1, MD5)
    /// is refused when signing starts.
    /// </summary>
    public HashAlgorithmName DigestAlgorithm { get; set; } = HashAlgorithmName.SHA256;

    /// <summary>
    /// Signs with RSASSA-PSS (RFC 4056: MGF1 with the digest algorithm, salt as long as the digest)
    /// instead of RSA PKCS #1 v1.5. Only for RSA keys.
    /// </summary>
    public bool UseRsaPss { get; set; }

    /// <summary>
    /// Identifies the signer by its subjectKeyIdentifier (SignerInfo version 3) instead of
    /// issuerAndSerialNumber (version 1). The certificate must carry the extension.
    /// </summary>
    public bool UseSubjectKeyIdentifier { get; set; }

    /// <summary>The intermediate certificates sent with the signature so a receiver can build the chain.</summary>
    public X509Certificate2Collection Chain { get; } = [];

    /// <summary>Sends self-issued (root) certificates found in <see cref="Chain"/> too; off by default.</summary>
    public bool IncludeRoot { get; set; }

    /// <summary>
    /// The certificate the sender wants to receive encrypted mail for, announced with the
    /// SMIMEEncryptionKeyPreference attribute (RFC 8551 §2.5.3) and Microsoft's equivalent
    /// (1.3.6.1.4.1.311.16.4); null announces nothing.
    /// </summary>
    public X509Certificate2? EncryptionCertificate { get; set; }

    /// <summary>The signingTime attribute (RFC 5652 §11.3); null takes the time when signing starts.</summary>
    public DateTimeOffset? SigningTime { get; set; }
}
