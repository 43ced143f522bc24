using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// Who signs and how: the signer certificate (with its private key), the digest and signature
/// algorithms, how the signer is identified, which certificates travel with the signature, and
/// the certificate the sender wants to receive encrypted mail for (RFC 8551 §2.5.3).
/// </summary>
/// <remarks>
/// Keep one instance for every message the certificate signs: the first message checks the
/// certificates against <see cref="CertificatePolicy"/> and builds everything in the signature
/// that does not change from message to message (identifiers, attributes, the certificates sent
/// along); later messages reuse it while the clock stays inside every certificate's validity
/// period and the settings stay as they were (a change is noticed and the signer prepared again).
/// The private key is taken from the certificate for each signature and released after it. An
/// instance may sign several messages at once.
/// </remarks>
public sealed class SmimeSigner
{
    private Prepared? _prepared;

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

    /// <summary>
    /// The SignedData writer for one message signed at the provider's current time (or
    /// <see cref="SigningTime"/>): prepared once, applying the signing policy, and reused while the
    /// settings are unchanged and the time is inside the certificates' validity.
    /// </summary>
    /// <exception cref="CertificatePolicyException">The digest algorithm, a certificate or the key is refused.</exception>
    internal SignedDataWriter CreateWriter(TimeProvider timeProvider)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        Prepared? prepared = Volatile.Read(ref _prepared);
        if (prepared is not null && prepared.Fits(this, now))
        {
            return prepared.Writer.ForMessage(SigningTime ?? now);
        }

        var writer = SendingAgent.CreateSignedDataWriter(this, timeProvider);
        Volatile.Write(ref _prepared, new Prepared(this, writer));
        return writer;
    }

    /// <summary>What the policy accepted and the writer built from it, with the settings they were made for.</summary>
    private sealed class Prepared
    {
        private readonly HashAlgorithmName _digestAlgorithm;
        private readonly bool _useRsaPss;
        private readonly bool _useSubjectKeyIdentifier;
        private readonly bool _includeRoot;
        private readonly X509Certificate2? _encryptionCertificate;
        private readonly X509Certificate2[] _chain;
        private readonly DateTime _validFromUtc;
        private readonly DateTime _validUntilUtc;

        public Prepared(SmimeSigner signer, SignedDataWriter writer)
        {
            Writer = writer;
            _digestAlgorithm = signer.DigestAlgorithm;
            _useRsaPss = signer.UseRsaPss;
            _useSubjectKeyIdentifier = signer.UseSubjectKeyIdentifier;
            _includeRoot = signer.IncludeRoot;
            _encryptionCertificate = signer.EncryptionCertificate;
            _chain = [.. signer.Chain];

            // RFC 5280 §4.1.2.5: the policy's only time-dependent rule is the validity period.
            (_validFromUtc, _validUntilUtc) = ValidityWindow.Of(signer.Certificate, signer.EncryptionCertificate);
        }

        public SignedDataWriter Writer { get; }

        public bool Fits(SmimeSigner signer, DateTimeOffset now)
        {
            if (signer.DigestAlgorithm != _digestAlgorithm || signer.UseRsaPss != _useRsaPss || signer.UseSubjectKeyIdentifier != _useSubjectKeyIdentifier
                || signer.IncludeRoot != _includeRoot || !ReferenceEquals(signer.EncryptionCertificate, _encryptionCertificate)
                || signer.Chain.Count != _chain.Length || !ValidityWindow.Contains(_validFromUtc, _validUntilUtc, now))
            {
                return false;
            }

            for (int i = 0; i < _chain.Length; i++)
            {
                if (!ReferenceEquals(signer.Chain[i], _chain[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
