using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>
/// Who can read an encrypted message and how its content is encrypted. Each recipient
/// certificate must pass <see cref="CertificatePolicy"/> for
/// <see cref="CertificatePurpose.Encryption"/>: RSA keys of at least 2048 bits (key transport,
/// RFC 5652 §6.2.1) or EC keys on P-256, P-384 or P-521 (ephemeral-static ECDH, RFC 5753 §3.1).
/// </summary>
public sealed class SmimeEncryptionOptions
{
    /// <summary>The recipients' encryption certificates (public keys only are needed).</summary>
    public IList<X509Certificate2> Recipients { get; } = new List<X509Certificate2>();

    /// <summary>
    /// The sender's own encryption certificate; when set it is added as one more recipient so that
    /// the copy kept in Sent Items stays readable.
    /// </summary>
    public X509Certificate2? SenderCertificate { get; set; }

    /// <summary>
    /// The content-encryption algorithm; <see cref="ContentEncryptionAlgorithm.Aes256Cbc"/> by default.
    /// The GCM algorithms produce AuthEnvelopedData (RFC 5083), which Outlook may not read.
    /// </summary>
    public ContentEncryptionAlgorithm Algorithm { get; set; } = ContentEncryptionAlgorithm.Aes256Cbc;

    /// <summary>
    /// Encrypt the content key for RSA recipients with RSAES-OAEP (SHA-256, MGF1 with SHA-256,
    /// RFC 4055 §4.1) instead of PKCS #1 v1.5. Off by default: Outlook reads PKCS #1 v1.5.
    /// </summary>
    public bool UseRsaOaep { get; set; }
}
