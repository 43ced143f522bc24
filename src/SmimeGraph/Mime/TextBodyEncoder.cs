using System.Text;
using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// Turns a text body into its canonical, 7-bit transfer form (RFC 2045 §6, RFC 2046 §4.1.1):
/// UTF-8, line breaks as CRLF, then 7bit when it is already short-line printable ASCII,
/// otherwise quoted-printable or base64, whichever is shorter.
/// </summary>
internal static class TextBodyEncoder
{
    /// <summary>RFC 2045 §6.8 / §6.7: no encoded line over 76 characters; 7bit text is held to the same.</summary>
    public const int MaxLineLength = 76;

    public static (byte[] Body, string ContentTransferEncoding) Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] canonical = Canonicalize(Encoding.UTF8.GetBytes(text));
        if (IsShortLineAscii(canonical))
        {
            return (canonical, "7bit");
        }

        long base64Length = Base64LineEncoder.EncodedLength(canonical.Length);
        long qpLength = QuotedPrintableEncoder.EncodedLength(canonical);
        return qpLength <= base64Length
            ? (QuotedPrintableEncoder.EncodeToArray(canonical), "quoted-printable")
            : (Base64LineEncoder.EncodeToArray(canonical), "base64");
    }

    /// <summary>RFC 2046 §4.1.1: a line break in text is CRLF; bare CR and bare LF become CRLF.</summary>
    public static byte[] Canonicalize(ReadOnlySpan<byte> text)
    {
        var result = new List<byte>(text.Length + (text.Length / 32) + 2);
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == (byte)'\r')
            {
                result.Add((byte)'\r');
                result.Add((byte)'\n');
                if (i + 1 < text.Length && text[i + 1] == (byte)'\n')
                {
                    i++;
                }
            }
            else if (b == (byte)'\n')
            {
                result.Add((byte)'\r');
                result.Add((byte)'\n');
            }
            else
            {
                result.Add(b);
            }
        }

        return [.. result];
    }

    // 7bit (RFC 2045 §2.7) that also survives signing unchanged: printable ASCII and tab,
    // lines of at most 76 characters, no whitespace at the end of a line.
    private static bool IsShortLineAscii(ReadOnlySpan<byte> canonical)
    {
        int lineLength = 0;
        for (int i = 0; i < canonical.Length; i++)
        {
            byte b = canonical[i];
            if (b == (byte)'\r')
            {
                if (i > 0 && canonical[i - 1] is (byte)' ' or (byte)'\t')
                {
                    return false;
                }

                i++; // the LF of a canonical CRLF
                lineLength = 0;
                continue;
            }

            if (!(b is >= 0x20 and < 0x7F || b == (byte)'\t') || ++lineLength > MaxLineLength)
            {
                return false;
            }
        }

        return canonical.Length == 0 || canonical[^1] is not ((byte)' ' or (byte)'\t');
    }
}
