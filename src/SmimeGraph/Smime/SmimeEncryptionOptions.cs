using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// Who can read an encrypted message and how its content is encrypted. Each recipient
/// certificate must pass <see cref="CertificatePolicy"/> for
/// <see cref="CertificatePurpose.Encryption"/>: RSA keys of at least 2048 bits (key transport,
/// RFC 5652 §6.2.1) or EC keys on P-256, P-384 or P-521 (ephemeral-static ECDH, RFC 5753 §3.1).
/// </summary>
/// <remarks>
/// Keep one instance for every message sent to the same recipients: the first message checks the
/// certificates against the policy and imports their public keys; later messages reuse both while
/// the clock stays inside every certificate's validity period and the recipients and settings stay
/// as they were (a change is noticed and the recipients prepared again). Each message still gets
/// its own content-encryption key. An instance may encrypt several messages at once.
/// </remarks>
public sealed class SmimeEncryptionOptions
{
    private Prepared? _prepared;

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

    /// <summary>
    /// The EnvelopedData writer for these recipients at the provider's current time: prepared once,
    /// applying the policy to every certificate, and reused while the recipients and settings are
    /// unchanged and the time is inside the certificates' validity.
    /// </summary>
    /// <exception cref="CertificatePolicyException">A certificate is refused.</exception>
    internal EnvelopedDataWriter CreateWriter(TimeProvider timeProvider)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        Prepared? prepared = Volatile.Read(ref _prepared);
        if (prepared is not null && prepared.Fits(this, now))
        {
            return prepared.Writer;
        }

        var writer = SendingAgent.CreateEnvelopedDataWriter(this, timeProvider);
        Volatile.Write(ref _prepared, new Prepared(this, writer));
        return writer;
    }

    /// <summary>What the policy accepted and the writer built from it, with the settings they were made for.</summary>
    private sealed class Prepared
    {
        private readonly X509Certificate2?[] _recipients;
        private readonly X509Certificate2? _senderCertificate;
        private readonly ContentEncryptionAlgorithm _algorithm;
        private readonly bool _useRsaOaep;
        private readonly DateTime _validFromUtc;
        private readonly DateTime _validUntilUtc;

        public Prepared(SmimeEncryptionOptions options, EnvelopedDataWriter writer)
        {
            Writer = writer;
            _recipients = [.. options.Recipients];
            _senderCertificate = options.SenderCertificate;
            _algorithm = options.Algorithm;
            _useRsaOaep = options.UseRsaOaep;

            // RFC 5280 §4.1.2.5: the policy's only time-dependent rule is the validity period.
            (_validFromUtc, _validUntilUtc) = ValidityWindow.Of([.. _recipients, _senderCertificate]);
        }

        public EnvelopedDataWriter Writer { get; }

        public bool Fits(SmimeEncryptionOptions options, DateTimeOffset now)
        {
            if (options.Algorithm != _algorithm || options.UseRsaOaep != _useRsaOaep || !ReferenceEquals(options.SenderCertificate, _senderCertificate)
                || options.Recipients.Count != _recipients.Length || !ValidityWindow.Contains(_validFromUtc, _validUntilUtc, now))
            {
                return false;
            }

            for (int i = 0; i < _recipients.Length; i++)
            {
                if (!ReferenceEquals(options.Recipients[i], _recipients[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
