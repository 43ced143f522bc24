using System.Buffers;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;

namespace SmimeGraph.Cms;

/// <summary>
/// Writes a ContentInfo holding EnvelopedData (RFC 5652 §6, AES-CBC per RFC 3565) or
/// AuthEnvelopedData (RFC 5083, AES-GCM per RFC 5084) while the plaintext is being written. The
/// recipient certificates are checked against <see cref="CertificatePolicy"/> once, here; each
/// <see cref="Open"/> makes a fresh content-encryption key and IV or nonce.
/// </summary>
/// <remarks>
/// AES-CBC streams: the plaintext is encrypted in pooled chunks and never held whole. AES-GCM
/// buffers the plaintext in pooled memory (cleared afterwards) until the stream is disposed,
/// because the platform's <see cref="AesGcm"/> encrypts in one call; the buffer is bounded by
/// <see cref="MaxAuthenticatedContentLength"/>, far above what fits under Graph's body ceiling.
/// Outlook may not read AuthEnvelopedData (S/MIME 4.0, RFC 8551).
/// </remarks>
internal sealed class EnvelopedDataWriter
{
    /// <summary>The most plaintext AES-GCM buffers (64 MiB).</summary>
    public const long MaxAuthenticatedContentLength = 64L * 1024 * 1024;

    private const int BlockSize = 16;
    private const int CbcIvLength = 16;

    // RFC 5084 §3.2: the nonce SHOULD be 12 bytes; the ICV is 16 bytes here.
    private const int GcmNonceLength = 12;

    private readonly RecipientInfoWriter[] _recipients;
    private readonly ContentEncryptionAlgorithm _algorithm;
    private readonly int _version;
    private readonly EnvelopedDataLayout _sizingLayout;

    /// <summary>
    /// Checks every recipient (and the sender's certificate, when set) against the policy at the
    /// provider's current time; throws <see cref="CertificatePolicyException"/> naming the first
    /// refused certificate and why.
    /// </summary>
    public EnvelopedDataWriter(SmimeEncryptionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _algorithm = options.Algorithm;
        if (!Enum.IsDefined(_algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _algorithm, "Unknown content-encryption algorithm.");
        }

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

        var recipients = new List<RecipientInfoWriter>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (X509Certificate2 certificate in certificates)
        {
            // The same certificate twice (the sender also listed as a recipient) gets one RecipientInfo.
            if (!seen.Add(certificate.Thumbprint))
            {
                continue;
            }

            CertificatePolicy.EnsureAcceptable(certificate, CertificatePurpose.Encryption, now);
            recipients.Add(RecipientInfoWriter.Create(certificate, options.UseRsaOaep, ContentKeyLength));
        }

        _recipients = [.. recipients];

        // RFC 5083 §2.1: AuthEnvelopedData version is always 0. RFC 5652 §6.1: EnvelopedData is 2
        // when a RecipientInfo is not version 0 (kari is 3), otherwise 0.
        _version = IsAuthenticated || _recipients.All(r => r.Version == 0) ? 0 : 2;

        // Every field has a fixed length for these recipients: size once with placeholders.
        var sizing = new AsnWriter(AsnEncodingRules.DER);
        sizing.PushSetOf();
        foreach (RecipientInfoWriter recipient in _recipients)
        {
            recipient.WriteSizingPlaceholder(sizing, ContentKeyLength);
        }

        sizing.PopSetOf();
        _sizingLayout = new EnvelopedDataLayout(
            IsAuthenticated,
            _version,
            sizing.Encode(),
            EncodeContentEncryptionAlgorithm(new byte[IsAuthenticated ? GcmNonceLength : CbcIvLength]));
    }

    /// <summary>True for AES-GCM: the output is AuthEnvelopedData (<c>smime-type=authEnveloped-data</c>).</summary>
    public bool IsAuthenticated => _algorithm is ContentEncryptionAlgorithm.Aes128Gcm or ContentEncryptionAlgorithm.Aes256Gcm;

    private int ContentKeyLength => _algorithm is ContentEncryptionAlgorithm.Aes128Cbc or ContentEncryptionAlgorithm.Aes128Gcm ? 16 : 32;

    /// <summary>The exact length <see cref="Open"/> writes for <paramref name="contentLength"/> bytes of plaintext given up front.</summary>
    public long PredictLength(long contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        return _sizingLayout.DefiniteLength(EncryptedLength(contentLength));
    }

    /// <summary>
    /// Writes the headers and the RecipientInfos to <paramref name="destination"/> and returns a
    /// stream that encrypts what is written to it; disposing it completes the structure. With a
    /// <paramref name="contentLength"/> the output is DER with exactly
    /// <see cref="PredictLength"/> bytes and exactly that much plaintext must be written; with
    /// null, EnvelopedData uses BER indefinite lengths (AuthEnvelopedData, buffered, stays DER).
    /// </summary>
    public Stream Open(Stream destination, long? contentLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (contentLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contentLength), contentLength, "The content length cannot be negative.");
        }

        if (IsAuthenticated && contentLength > MaxAuthenticatedContentLength)
        {
            throw new SmimeGraphException($"AES-GCM content is limited to {MaxAuthenticatedContentLength:N0} bytes; {contentLength:N0} were announced.");
        }

        // The content-encryption key (RFC 5652 §6.3) lives in a pinned array cleared before return:
        // the cipher objects below keep their own copies, cleared when they are disposed.
        byte[] cek = GC.AllocateArray<byte>(ContentKeyLength, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(cek);
            byte[] iv = RandomNumberGenerator.GetBytes(IsAuthenticated ? GcmNonceLength : CbcIvLength);
            var layout = new EnvelopedDataLayout(IsAuthenticated, _version, EncodeRecipientInfos(cek), EncodeContentEncryptionAlgorithm(iv));
            if (IsAuthenticated)
            {
                return new AuthEnvelopedContentStream(destination, layout, new AesGcm(cek, EnvelopedDataLayout.MacLength), iv, contentLength);
            }

            var writer = new ArrayBufferWriter<byte>();
            if (contentLength is long length)
            {
                layout.WriteDefinitePrefix(writer, EncryptedLength(length));
            }
            else
            {
                layout.WriteIndefinitePrefix(writer);
            }

            ICryptoTransform encryptor;
            using (Aes aes = Aes.Create())
            {
                encryptor = aes.CreateEncryptor(cek, iv);
            }

            try
            {
                destination.Write(writer.WrittenSpan);
                return new EnvelopedContentStream(destination, encryptor, contentLength);
            }
            catch
            {
                encryptor.Dispose();
                throw;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cek);
        }
    }

    // RFC 5652 §6.3: PKCS #7 padding always adds 1 to 16 bytes for CBC; GCM adds nothing.
    private long EncryptedLength(long contentLength) =>
        IsAuthenticated ? contentLength : ((contentLength / BlockSize) + 1) * BlockSize;

    // RFC 5652 §6.1: RecipientInfos ::= SET SIZE (1..MAX) OF RecipientInfo (DER sorts the set).
    private byte[] EncodeRecipientInfos(ReadOnlySpan<byte> cek)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSetOf();
        foreach (RecipientInfoWriter recipient in _recipients)
        {
            recipient.WriteTo(writer, cek);
        }

        writer.PopSetOf();
        return writer.Encode();
    }

    // RFC 3565 §4.1: AES-CBC parameters are the IV as AES-IV ::= OCTET STRING (SIZE(16)).
    // RFC 5084 §3.2:
    // GCMParameters ::= SEQUENCE {
    //   aes-nonce        OCTET STRING, -- recommended size is 12 octets
    //   aes-ICVlen       AES-GCM-ICVlen DEFAULT 12 }
    private byte[] EncodeContentEncryptionAlgorithm(ReadOnlySpan<byte> iv)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(_algorithm switch
        {
            ContentEncryptionAlgorithm.Aes128Cbc => Oids.Aes128Cbc,
            ContentEncryptionAlgorithm.Aes256Cbc => Oids.Aes256Cbc,
            ContentEncryptionAlgorithm.Aes128Gcm => Oids.Aes128Gcm,
            _ => Oids.Aes256Gcm,
        });
        if (IsAuthenticated)
        {
            writer.PushSequence();
            writer.WriteOctetString(iv);
            writer.WriteInteger(EnvelopedDataLayout.MacLength);
            writer.PopSequence();
        }
        else
        {
            writer.WriteOctetString(iv);
        }

        writer.PopSequence();
        return writer.Encode();
    }
}
