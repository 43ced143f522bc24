using System.Buffers;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Writes a ContentInfo holding EnvelopedData (RFC 5652 §6, AES-CBC per RFC 3565) or
/// AuthEnvelopedData (RFC 5083, AES-GCM per RFC 5084) while the plaintext is being written. The
/// recipients and the algorithm come in as they are: judging the certificates is the caller's
/// job. Each <see cref="Open"/> makes a fresh content-encryption key and IV or nonce.
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
    private readonly string _algorithmOid;
    private readonly int _version;
    private readonly EnvelopedDataLayout _sizingLayout;

    /// <summary>Prepares one RecipientInfo per distinct certificate.</summary>
    /// <param name="recipients">The recipients' certificates (RSA for key transport, EC P-256/P-384/P-521 for key agreement); one RecipientInfo each, duplicates once.</param>
    /// <param name="contentEncryptionAlgorithm">The OID of AES-128-CBC, AES-256-CBC (RFC 3565) or AES-128-GCM, AES-256-GCM (RFC 5084).</param>
    /// <param name="useRsaOaep">RSAES-OAEP with SHA-256 (RFC 4055 §4.1) for RSA recipients instead of PKCS #1 v1.5.</param>
    /// <exception cref="CertificatePolicyException">A recipient's key cannot receive a content key.</exception>
    public EnvelopedDataWriter(IEnumerable<X509Certificate2> recipients, string contentEncryptionAlgorithm, bool useRsaOaep)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(contentEncryptionAlgorithm);
        (ContentKeyLength, IsAuthenticated) = contentEncryptionAlgorithm switch
        {
            Oids.Aes128Cbc => (16, false),
            Oids.Aes256Cbc => (32, false),
            Oids.Aes128Gcm => (16, true),
            Oids.Aes256Gcm => (32, true),
            _ => throw new ArgumentOutOfRangeException(nameof(contentEncryptionAlgorithm), contentEncryptionAlgorithm, "Unknown content-encryption algorithm."),
        };
        _algorithmOid = contentEncryptionAlgorithm;

        var writers = new List<RecipientInfoWriter>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (X509Certificate2 certificate in recipients)
        {
            ArgumentNullException.ThrowIfNull(certificate, nameof(recipients));

            // The same certificate twice (the sender also listed as a recipient) gets one RecipientInfo.
            if (seen.Add(certificate.Thumbprint))
            {
                writers.Add(RecipientInfoWriter.Create(certificate, useRsaOaep, ContentKeyLength));
            }
        }

        if (writers.Count == 0)
        {
            throw new ArgumentException("At least one recipient certificate is needed to encrypt.", nameof(recipients));
        }

        _recipients = [.. writers];

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
    public bool IsAuthenticated { get; }

    private int ContentKeyLength { get; }

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
        writer.WriteObjectIdentifier(_algorithmOid);
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
