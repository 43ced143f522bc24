using System.Buffers;
using System.Formats.Asn1;

namespace SmimeGraph.Cms;

/// <summary>
/// The DER identifier-and-length arithmetic the streaming writers need around content whose
/// bytes they never hold (X.690 §8.1.2, §8.1.3, §10.1): every writer that frames a stream uses
/// these, and <see cref="AsnWriter"/> everything it can hold whole.
/// </summary>
internal static class Der
{
    /// <summary>The most identifier and length octets <see cref="WriteHeader(Span{byte}, byte, long)"/> writes (a 64-bit length).</summary>
    public const int MaxHeaderLength = 10;

    /// <summary>The number of length octets for <paramref name="contentLength"/> (X.690 §10.1: the definite form, fewest octets).</summary>
    public static int LengthOfLength(long contentLength)
    {
        if (contentLength < 0x80)
        {
            return 1;
        }

        int bytes = 0;
        for (long n = contentLength; n != 0; n >>= 8)
        {
            bytes++;
        }

        return 1 + bytes;
    }

    /// <summary>The identifier and length octets of a single-byte-tag encoding of <paramref name="contentLength"/> content bytes.</summary>
    public static int HeaderLength(long contentLength) => 1 + LengthOfLength(contentLength);

    /// <summary>The whole encoded length: identifier, length octets and <paramref name="contentLength"/> content bytes.</summary>
    public static long TlvLength(long contentLength) => HeaderLength(contentLength) + contentLength;

    /// <summary>Writes <paramref name="tag"/> and the definite length (X.690 §8.1.3: short form under 128, else long form); returns the bytes written.</summary>
    public static int WriteHeader(Span<byte> destination, byte tag, long contentLength)
    {
        destination[0] = tag;
        int lengthOfLength = LengthOfLength(contentLength);
        if (lengthOfLength == 1)
        {
            destination[1] = (byte)contentLength;
            return 2;
        }

        int bytes = lengthOfLength - 1;
        destination[1] = (byte)(0x80 | bytes);
        for (int i = 0; i < bytes; i++)
        {
            destination[1 + bytes - i] = (byte)(contentLength >> (8 * i));
        }

        return 1 + lengthOfLength;
    }

    /// <summary>Writes <paramref name="tag"/> and the definite length to <paramref name="destination"/>.</summary>
    public static void WriteHeader(IBufferWriter<byte> destination, byte tag, long contentLength) =>
        destination.Advance(WriteHeader(destination.GetSpan(MaxHeaderLength), tag, contentLength));

    /// <summary>The whole DER encoding (tag, length, value) of an OBJECT IDENTIFIER, for splicing by hand.</summary>
    public static byte[] EncodeObjectIdentifier(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }
}
