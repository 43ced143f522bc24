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

    // id-data, pre-encoded (RFC 5652 §4).
    private static readonly byte[] s_dataOid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];

    // id-envelopedData (RFC 5652 §6.1) and id-ct-authEnvelopedData (RFC 5083 §1), pre-encoded.
    private static readonly byte[] s_envelopedDataOid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03];
    private static readonly byte[] s_authEnvelopedDataOid = [0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x17];

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
        return TlvLength(contentInfo);
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
        WriteHeader(destination, 0x30, contentInfo);
        destination.Write(ContentTypeOid);
        WriteHeader(destination, 0xA0, explicitContent);
        WriteHeader(destination, 0x30, envelopedData);
        WriteCommonFields(destination);
        WriteHeader(destination, 0x30, encryptedContentInfo);
        destination.Write(s_dataOid);
        destination.Write(_contentEncryptionAlgorithm);
        WriteHeader(destination, 0x80, encryptedLength);
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
    public static int WriteChunkHeader(Span<byte> destination, int length) => WriteHeader(destination, 0x04, length);

    /// <summary>Writes the mac field that follows the EncryptedContentInfo in AuthEnvelopedData.</summary>
    public static void WriteMac(IBufferWriter<byte> destination, ReadOnlySpan<byte> mac)
    {
        WriteHeader(destination, 0x04, mac.Length);
        destination.Write(mac);
    }

    /// <summary>The encoded length of a TLV with <paramref name="contentLength"/> content bytes.</summary>
    public static long TlvLength(long contentLength) => 1 + LengthOfLength(contentLength) + contentLength;

    // (Auth)EnvelopedData ::= SEQUENCE { version CMSVersion, recipientInfos RecipientInfos, ... }
    // originatorInfo, authAttrs, unprotectedAttrs and unauthAttrs are never written.
    private void WriteCommonFields(IBufferWriter<byte> destination)
    {
        destination.Write<byte>([0x02, 0x01, (byte)_version]);
        destination.Write(_recipientInfos);
    }

    private (long EncryptedContentInfo, long EnvelopedData, long ExplicitContent, long ContentInfo) DefiniteContentLengths(long encryptedLength)
    {
        long encryptedContentInfo = s_dataOid.Length + _contentEncryptionAlgorithm.Length + TlvLength(encryptedLength);
        long envelopedData = 3 + _recipientInfos.Length + TlvLength(encryptedContentInfo) + MacFieldLength;
        long explicitContent = TlvLength(envelopedData);
        long contentInfo = ContentTypeOid.Length + TlvLength(explicitContent);
        return (encryptedContentInfo, envelopedData, explicitContent, contentInfo);
    }

    private static int LengthOfLength(long length)
    {
        if (length < 0x80)
        {
            return 1;
        }

        int bytes = 0;
        for (long rest = length; rest != 0; rest >>= 8)
        {
            bytes++;
        }

        return 1 + bytes;
    }

    private static void WriteHeader(IBufferWriter<byte> destination, byte tag, long length)
    {
        Span<byte> header = destination.GetSpan(10);
        destination.Advance(WriteHeader(header, tag, length));
    }

    // X.690 §8.1.3: short form under 128, otherwise long form with the fewest length octets.
    private static int WriteHeader(Span<byte> destination, byte tag, long length)
    {
        destination[0] = tag;
        int lengthOfLength = LengthOfLength(length);
        if (lengthOfLength == 1)
        {
            destination[1] = (byte)length;
            return 2;
        }

        destination[1] = (byte)(0x80 | (lengthOfLength - 1));
        for (int i = lengthOfLength - 1; i >= 1; i--)
        {
            destination[1 + i] = (byte)length;
            length >>= 8;
        }

        return 1 + lengthOfLength;
    }
}
