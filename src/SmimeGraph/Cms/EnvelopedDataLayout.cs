using System.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// The bytes around the encrypted content of a ContentInfo holding EnvelopedData (RFC 5652 §6.1)
/// or AuthEnvelopedData (RFC 5083 §2.1): the headers before it, in definite (DER lengths) or
/// indefinite (BER, RFC 5652 §6.1 allows constructed OCTET STRING) form, and what follows it.
/// Everything inside the encrypted-content headers is pre-encoded DER of fixed length.
/// </summary>
internal sealed class EnvelopedDataLayout
{
    // RFC 5084 §3.2: MessageAuthenticationCode ::= OCTET STRING, 16 bytes for ICVlen 16.
    public const int MacLength = 16;

    // id-data (RFC 5652 §4), id-envelopedData (RFC 5652 §6.1) and id-ct-authEnvelopedData
    // (RFC 5083 §1), encoded once.
    private static readonly byte[] s_dataOid = Der.EncodeObjectIdentifier(Oids.ContentTypeData);
    private static readonly byte[] s_envelopedDataOid = Der.EncodeObjectIdentifier(Oids.EnvelopedData);
    private static readonly byte[] s_authEnvelopedDataOid = Der.EncodeObjectIdentifier(Oids.AuthEnvelopedData);

    private readonly byte[] _recipientInfos;
    private readonly byte[] _contentEncryptionAlgorithm;
    private readonly int _version;

    /// <param name="isAuthenticated">AuthEnvelopedData (with a trailing mac) rather than EnvelopedData.</param>
    /// <param name="version">The CMSVersion of the (Auth)EnvelopedData.</param>
    /// <param name="recipientInfos">The DER of the RecipientInfos SET OF.</param>
    /// <param name="contentEncryptionAlgorithm">The DER of the ContentEncryptionAlgorithmIdentifier.</param>
    public EnvelopedDataLayout(bool isAuthenticated, int version, byte[] recipientInfos, byte[] contentEncryptionAlgorithm)
    {
        IsAuthenticated = isAuthenticated;
        _version = version;
        _recipientInfos = recipientInfos;
        _contentEncryptionAlgorithm = contentEncryptionAlgorithm;
    }

    public bool IsAuthenticated { get; }

    private byte[] ContentTypeOid => IsAuthenticated ? s_authEnvelopedDataOid : s_envelopedDataOid;

    // The trailing bytes inside the (Auth)EnvelopedData SEQUENCE after the EncryptedContentInfo.
    private int MacFieldLength => IsAuthenticated ? 2 + MacLength : 0;

    /// <summary>The length of the whole DER ContentInfo for <paramref name="encryptedLength"/> bytes of encrypted content.</summary>
    public long DefiniteLength(long encryptedLength)
    {
        (_, _, _, long contentInfo) = DefiniteContentLengths(encryptedLength);
        return Der.TlvLength(contentInfo);
    }

    /// <summary>
    /// Writes every header before the encrypted content, in DER:
    /// ContentInfo SEQUENCE, contentType, [0], (Auth)EnvelopedData SEQUENCE, version,
    /// recipientInfos, EncryptedContentInfo SEQUENCE, contentType id-data, the algorithm, and the
    /// [0] IMPLICIT OCTET STRING header of encryptedContent.
    /// </summary>
    public void WriteDefinitePrefix(IBufferWriter<byte> destination, long encryptedLength)
    {
        (long encryptedContentInfo, long envelopedData, long explicitContent, long contentInfo) = DefiniteContentLengths(encryptedLength);
        Der.WriteHeader(destination, 0x30, contentInfo);
        destination.Write(ContentTypeOid);
        Der.WriteHeader(destination, 0xA0, explicitContent);
        Der.WriteHeader(destination, 0x30, envelopedData);
        WriteCommonFields(destination);
        Der.WriteHeader(destination, 0x30, encryptedContentInfo);
        destination.Write(s_dataOid);
        destination.Write(_contentEncryptionAlgorithm);
        Der.WriteHeader(destination, 0x80, encryptedLength);
    }

    /// <summary>
    /// Writes the headers before the encrypted content with indefinite lengths (BER): the
    /// encryptedContent becomes [0] constructed, its chunks primitive OCTET STRINGs
    /// (<see cref="WriteChunkHeader"/>).
    /// </summary>
    public void WriteIndefinitePrefix(IBufferWriter<byte> destination)
    {
        destination.Write<byte>([0x30, 0x80]);
        destination.Write(ContentTypeOid);
        destination.Write<byte>([0xA0, 0x80, 0x30, 0x80]);
        WriteCommonFields(destination);
        destination.Write<byte>([0x30, 0x80]);
        destination.Write(s_dataOid);
        destination.Write(_contentEncryptionAlgorithm);
        destination.Write<byte>([0xA0, 0x80]);
    }

    /// <summary>
    /// The end-of-contents octets closing encryptedContent, EncryptedContentInfo, then (after the
    /// mac, which the indefinite form never carries: AuthEnvelopedData is always written definite)
    /// the (Auth)EnvelopedData, the [0] and the ContentInfo.
    /// </summary>
    public static ReadOnlyMemory<byte> IndefiniteTrailer { get; } = new byte[10];

    /// <summary>The header of one primitive OCTET STRING chunk of <paramref name="length"/> bytes; returns its size.</summary>
    public static int WriteChunkHeader(Span<byte> destination, int length) => Der.WriteHeader(destination, 0x04, length);

    /// <summary>Writes the mac field that follows the EncryptedContentInfo in AuthEnvelopedData.</summary>
    public static void WriteMac(IBufferWriter<byte> destination, ReadOnlySpan<byte> mac)
    {
        Der.WriteHeader(destination, 0x04, mac.Length);
        destination.Write(mac);
    }

    // (Auth)EnvelopedData ::= SEQUENCE { version CMSVersion, recipientInfos RecipientInfos, ... }
    // originatorInfo, authAttrs, unprotectedAttrs and unauthAttrs are never written.
    private void WriteCommonFields(IBufferWriter<byte> destination)
    {
        destination.Write<byte>([0x02, 0x01, (byte)_version]);
        destination.Write(_recipientInfos);
    }

    private (long EncryptedContentInfo, long EnvelopedData, long ExplicitContent, long ContentInfo) DefiniteContentLengths(long encryptedLength)
    {
        long encryptedContentInfo = s_dataOid.Length + _contentEncryptionAlgorithm.Length + Der.TlvLength(encryptedLength);
        long envelopedData = 3 + _recipientInfos.Length + Der.TlvLength(encryptedContentInfo) + MacFieldLength;
        long explicitContent = Der.TlvLength(envelopedData);
        long contentInfo = ContentTypeOid.Length + Der.TlvLength(explicitContent);
        return (encryptedContentInfo, envelopedData, explicitContent, contentInfo);
    }
}
