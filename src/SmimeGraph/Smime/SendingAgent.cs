using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// What an S/MIME sending agent may use (RFC 8551 §2), applied before anything is written: the
/// certificate policy for the signer, the announced encryption certificate and every recipient,
/// and the algorithm rules (SHA-2 digests only, AES content encryption only). What passes goes
/// to the CMS writers as plain certificates, keys and algorithm identifiers.
/// </summary>
internal static class SendingAgent
{
    /// <summary>Applies the signing policy at the clock's time and prepares the SignedData writer.</summary>
    /// <exception cref="CertificatePolicyException">The digest algorithm, the certificate or its key is refused.</exception>
    public static SignedDataWriter CreateSignedDataWriter(SmimeSigner signer, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        X509Certificate2 certificate = signer.Certificate;
        DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();

        // RFC 8551 §2.1 and the security defaults: SHA-256, SHA-384, SHA-512 only.
        HashAlgorithmName digest = signer.DigestAlgorithm;
        if (digest != HashAlgorithmName.SHA256 && digest != HashAlgorithmName.SHA384 && digest != HashAlgorithmName.SHA512)
        {
            throw new CertificatePolicyException(
                $"The digest algorithm {digest.Name ?? "(none)"} is refused for signing: only SHA-256, SHA-384 and SHA-512 are accepted.", certificate);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new CertificatePolicyException("The signer certificate is refused: it has no private key.", certificate);
        }

        // The policy applies at the clock's time: a back-dated SigningTime cannot revive an
        // expired certificate. It also refuses RSA keys under CertificatePolicy.MinimumRsaKeySize.
        CertificatePolicy.EnsureAcceptable(certificate, CertificatePurpose.Signing, now);

        var writer = new SignedDataWriter(
            certificate,
            digest,
            signer.UseRsaPss,
            signer.UseSubjectKeyIdentifier,
            signer.Chain,
            signer.IncludeRoot,
            signer.EncryptionCertificate,
            signer.SigningTime ?? now);

        if (signer.EncryptionCertificate is not null)
        {
            CertificatePolicy.EnsureAcceptable(signer.EncryptionCertificate, CertificatePurpose.Encryption, now);
        }

        return writer;
    }

    /// <summary>
    /// Checks every recipient (and the sender's certificate, when set) against the policy at the
    /// clock's time and prepares the EnvelopedData writer; throws
    /// <see cref="CertificatePolicyException"/> naming the first refused certificate and why.
    /// </summary>
    public static EnvelopedDataWriter CreateEnvelopedDataWriter(SmimeEncryptionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        string algorithm = options.Algorithm switch
        {
            ContentEncryptionAlgorithm.Aes128Cbc => Oids.Aes128Cbc,
            ContentEncryptionAlgorithm.Aes256Cbc => Oids.Aes256Cbc,
            ContentEncryptionAlgorithm.Aes128Gcm => Oids.Aes128Gcm,
            ContentEncryptionAlgorithm.Aes256Gcm => Oids.Aes256Gcm,
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Algorithm, "Unknown content-encryption algorithm."),
        };

        DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var certificates = new List<X509Certificate2>();
        foreach (X509Certificate2? recipient in options.Recipients)
        {
            if (recipient is null)
            {
                throw new ArgumentException("A recipient certificate is null.", nameof(options));
            }

            certificates.Add(recipient);
        }

        if (options.SenderCertificate is not null)
        {
            certificates.Add(options.SenderCertificate);
        }

        if (certificates.Count == 0)
        {
            throw new ArgumentException("At least one recipient certificate is needed to encrypt.", nameof(options));
        }

        foreach (X509Certificate2 certificate in certificates)
        {
            CertificatePolicy.EnsureAcceptable(certificate, CertificatePurpose.Encryption, now);
        }

        return new EnvelopedDataWriter(certificates, algorithm, options.UseRsaOaep);
    }
}
