namespace SmimeGraph.Buffers;

/// <summary>
/// Decodes a quoted-printable Content-Transfer-Encoding body (RFC 2045 §6.7): "=XX" octets,
/// soft line breaks ("=" at the end of a line, CRLF or bare LF) removed, trailing whitespace on
/// a line dropped (rule 3: it may have been added in transport), hard line breaks kept as they
/// are. A malformed "=" sequence is kept literally, as §6.7 recommends for robustness.
/// </summary>
internal static class QuotedPrintableDecoder
{
    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        byte[] output = new byte[encoded.Length];
        int written = 0;
        int position = 0;
        while (position < encoded.Length)
        {
            int lf = encoded[position..].IndexOf((byte)'\n');
            int next = lf < 0 ? encoded.Length : position + lf + 1;
            int contentEnd = lf < 0 ? encoded.Length : position + lf;
            int lineBreakStart = contentEnd;
            if (lf >= 0 && contentEnd > position && encoded[contentEnd - 1] == (byte)'\r')
            {
                contentEnd--;
                lineBreakStart = contentEnd;
            }

            while (contentEnd > position && encoded[contentEnd - 1] is (byte)' ' or (byte)'\t')
            {
                contentEnd--;
            }

            bool soft = contentEnd > position && encoded[contentEnd - 1] == (byte)'=';
            if (soft)
            {
                contentEnd--;
            }

            ReadOnlySpan<byte> line = encoded[position..contentEnd];
            for (int i = 0; i < line.Length; i++)
            {
                byte b = line[i];
                if (b == (byte)'=' && i + 2 < line.Length && IsHex(line[i + 1]) && IsHex(line[i + 2]))
                {
                    output[written++] = (byte)((HexValue(line[i + 1]) << 4) | HexValue(line[i + 2]));
                    i += 2;
                }
                else
                {
                    output[written++] = b;
                }
            }

            if (!soft && lf >= 0)
            {
                ReadOnlySpan<byte> lineBreak = encoded[lineBreakStart..next];
                lineBreak.CopyTo(output.AsSpan(written));
                written += lineBreak.Length;
            }

            position = next;
        }

        return written == output.Length ? output : output.AsSpan(0, written).ToArray();
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
