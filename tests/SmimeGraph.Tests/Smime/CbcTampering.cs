using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// The attacker's edit of AES-CBC enveloped-data (RFC 5652 §6): P[i] = D(C[i]) xor C[i-1], so
/// xoring a byte of C[i-1] (or of the IV, for the first block) xors the same byte of P[i]. No key
/// is needed; only the position of the text to change, which the test learns by decrypting once.
/// </summary>
internal static class CbcTampering
{
    /// <summary>The application/pkcs7-mime body of a composed message, base64-decoded.</summary>
    public static byte[] EnvelopedDer(byte[] message)
    {
        string text = Encoding.ASCII.GetString(message);
        int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        return Convert.FromBase64String(text[body..]);
    }

    /// <summary>Replaces the base64 body of <paramref name="message"/> with <paramref name="der"/>.</summary>
    public static byte[] WithEnvelopedDer(byte[] message, byte[] der)
    {
        string text = Encoding.ASCII.GetString(message);
        int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        return Encoding.ASCII.GetBytes(text[..body] + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\r\n");
    }

    public static byte[] Decrypt(byte[] der, X509Certificate2 recipient)
    {
        var cms = new EnvelopedCms();
        cms.Decode(der);
        cms.Decrypt(new X509Certificate2Collection(recipient));
        return cms.ContentInfo.Content;
    }

    /// <summary>Makes the plaintext at <paramref name="position"/> read <paramref name="replacement"/> instead of <paramref name="original"/>.</summary>
    public static byte[] Rewrite(byte[] der, int position, string original, string replacement)
    {
        byte[] tampered = (byte[])der.Clone();
        (int ivOffset, List<(int Offset, int Length)> segments) = Locate(tampered);
        for (int i = 0; i < original.Length; i++)
        {
            int plaintext = position + i;
            byte delta = (byte)(original[i] ^ replacement[i]);
            int block = plaintext / 16;
            int target = block == 0 ? ivOffset + plaintext : CiphertextOffset(segments, ((block - 1) * 16) + (plaintext % 16));
            tampered[target] ^= delta;
        }

        return tampered;
    }

    private static int CiphertextOffset(List<(int Offset, int Length)> segments, int index)
    {
        foreach ((int offset, int length) in segments)
        {
            if (index < length)
            {
                return offset + index;
            }

            index -= length;
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    // ContentInfo { contentType, [0] EnvelopedData { version, [0] originatorInfo OPTIONAL,
    //   recipientInfos, EncryptedContentInfo { contentType, contentEncryptionAlgorithm { oid, iv },
    //   [0] IMPLICIT encryptedContent } } }
    private static (int IvOffset, List<(int Offset, int Length)> Segments) Locate(byte[] der)
    {
        AsnReader contentInfo = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        AsnReader enveloped = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).ReadSequence();
        enveloped.ReadInteger();
        if (enveloped.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            enveloped.ReadEncodedValue();
        }

        enveloped.ReadEncodedValue();
        AsnReader encryptedContentInfo = enveloped.ReadSequence();
        encryptedContentInfo.ReadObjectIdentifier();
        AsnReader algorithm = encryptedContentInfo.ReadSequence();
        algorithm.ReadObjectIdentifier();
        (int ivOffset, _) = Content(algorithm.ReadEncodedValue());
        var segments = new List<(int, int)>();
        Collect(encryptedContentInfo.ReadEncodedValue(), segments);
        return (ivOffset, segments);
    }

    private static void Collect(ReadOnlyMemory<byte> encoded, List<(int, int)> segments)
    {
        Asn1Tag tag = Asn1Tag.Decode(encoded.Span, out _);
        if (!tag.IsConstructed)
        {
            segments.Add(Content(encoded));
            return;
        }

        AsnReader children = new AsnReader(encoded, AsnEncodingRules.BER).ReadSequence(tag);
        while (children.HasData)
        {
            Collect(children.ReadEncodedValue(), segments);
        }
    }

    private static (int Offset, int Length) Content(ReadOnlyMemory<byte> encoded)
    {
        Assert.True(MemoryMarshal.TryGetArray(encoded, out ArraySegment<byte> segment));
        AsnDecoder.ReadEncodedValue(encoded.Span, AsnEncodingRules.BER, out int contentOffset, out int contentLength, out _);
        return (segment.Offset + contentOffset, contentLength);
    }
}
