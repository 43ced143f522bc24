using System.Buffers;
using System.Text;

namespace SmimeGraph.Mime;

/// <summary>
/// Decodes RFC 2047 encoded-words (<c>=?charset?B|Q?text?=</c>) in an unfolded header value.
/// Whitespace between adjacent encoded-words is dropped (§6.2) and adjacent words in the same
/// charset are joined as bytes before decoding, so a multi-byte character split across two words
/// survives. Malformed words are kept as literal text. Runs in linear time: every search restarts
/// no earlier than the previous one ended.
/// </summary>
internal static class EncodedWordDecoder
{
    public static string Decode(string value)
    {
        int first = value.IndexOf("=?", StringComparison.Ordinal);
        if (first < 0)
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        var pending = new ArrayBufferWriter<byte>();
        string? pendingCharset = null;
        var scan = new Scanner(value);
        int literalStart = 0;
        bool previousWasWord = false;
        int search = first;

        while (search >= 0 && search < value.Length)
        {
            int start = value.IndexOf("=?", search, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            if (!scan.TryReadWord(start, out string charset, out char encoding, out int textStart, out int textEnd))
            {
                search = start + 1;
                continue;
            }

            int wordEnd = textEnd + 2;
            if (!TryDecodeText(value.AsSpan(textStart, textEnd - textStart), encoding, out byte[]? bytes))
            {
                search = start + 1;
                continue;
            }

            ReadOnlySpan<char> between = value.AsSpan(literalStart, start - literalStart);
            bool joinsPrevious = previousWasWord && between.IsWhiteSpace();
            if (!joinsPrevious || !string.Equals(pendingCharset, charset, StringComparison.OrdinalIgnoreCase))
            {
                Flush(result, pending, pendingCharset);
                pendingCharset = charset;
            }

            if (!joinsPrevious)
            {
                result.Append(between);
            }

            pending.Write(bytes);
            literalStart = wordEnd;
            search = wordEnd;
            previousWasWord = true;
        }

        Flush(result, pending, pendingCharset);
        result.Append(value.AsSpan(literalStart));
        return result.ToString();
    }

    /// <summary>Decodes the bytes of one or more joined encoded-words in their charset.</summary>
    private static void Flush(StringBuilder result, ArrayBufferWriter<byte> pending, string? charset)
    {
        if (pending.WrittenCount == 0)
        {
            return;
        }

        result.Append(MimeCharset.GetEncodingOrUtf8(charset).GetString(pending.WrittenSpan));
        pending.Clear();
    }

    private static bool TryDecodeText(ReadOnlySpan<char> text, char encoding, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        if (encoding is 'B' or 'b')
        {
            return TryDecodeB(text, out bytes);
        }

        bytes = DecodeQ(text);
        return true;
    }

    /// <summary>RFC 2047 §4.1: the "B" encoding is base64 (the transfer decoder's rules; missing padding is tolerated).</summary>
    private static bool TryDecodeB(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.ContainsAnyExceptInRange((char)0x21, (char)0x7E))
        {
            return false;
        }

        Span<byte> ascii = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        System.Text.Encoding.ASCII.GetBytes(text, ascii);
        try
        {
            bytes = Buffers.Base64TransferDecoder.Decode(ascii, offset: 0);
            return true;
        }
        catch (MimeFormatException)
        {
            return false;
        }
    }

    /// <summary>RFC 2047 §4.2: "Q" is quoted-printable with "_" for space; bad escapes stay literal.</summary>
    private static byte[] DecodeQ(ReadOnlySpan<char> text)
    {
        var output = new byte[text.Length];
        int written = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '_')
            {
                output[written++] = 0x20;
            }
            else if (c == '=' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                output[written++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 2;
            }
            else
            {
                output[written++] = c < 0x100 ? (byte)c : (byte)'?';
            }
        }

        return output.AsSpan(0, written).ToArray();
    }

    internal static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    internal static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>
    /// Finds the parts of an encoded-word. The "next '?='" and "next whitespace" positions are
    /// remembered between calls: queries only move forward, so the whole value is scanned once.
    /// </summary>
    private struct Scanner(string value)
    {
        private int _endFrom = -1;
        private int _endAt = -1;
        private int _spaceFrom = -1;
        private int _spaceAt = -1;

        public bool TryReadWord(int start, out string charset, out char encoding, out int textStart, out int textEnd)
        {
            charset = string.Empty;
            encoding = '\0';
            textStart = textEnd = 0;

            // RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="; no spaces.
            int limit = NextSpace(start + 2);
            int question = value.IndexOf('?', start + 2);
            if (question < 0 || question >= limit || question == start + 2 || question + 2 >= limit)
            {
                return false;
            }

            encoding = value[question + 1];
            if (encoding is not ('B' or 'b' or 'Q' or 'q') || value[question + 2] != '?')
            {
                return false;
            }

            textStart = question + 3;
            textEnd = NextEnd(textStart);
            if (textEnd < 0 || textEnd + 2 > limit)
            {
                return false;
            }

            charset = value.Substring(start + 2, question - start - 2);
            return true;
        }

        private int NextEnd(int from)
        {
            if (from < _endFrom || (_endAt >= 0 && from > _endAt) || _endFrom < 0)
            {
                _endAt = value.IndexOf("?=", from, StringComparison.Ordinal);
            }

            _endFrom = from;
            return _endAt;
        }

        private int NextSpace(int from)
        {
            if (from < _spaceFrom || from > _spaceAt || _spaceFrom < 0)
            {
                int found = value.AsSpan(from).IndexOfAny(' ', '\t');
                _spaceAt = found < 0 ? value.Length : from + found;
            }

            _spaceFrom = from;
            return _spaceAt;
        }
    }
}
