using System.Buffers;
using System.Text;

namespace SmimeGraph.Mime;

/// <summary>
/// Writes header fields as 7-bit lines folded at 78 characters (RFC 5322 §2.1.1, §2.2.3):
/// unstructured text and phrases as RFC 2047 encoded-words when they are not plain ASCII,
/// parameters as RFC 2231 (or, for <c>name</c>, RFC 2047 inside a quoted-string, which is how
/// Outlook reads it). CR, LF and NUL never reach a line: they are refused.
/// </summary>
internal static class HeaderWriter
{
    /// <summary>RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters, excluding CRLF.</summary>
    public const int MaxLineLength = 78;

    /// <summary>The longest field name accepted, so that a folded field always has room for a value.</summary>
    public const int MaxFieldNameLength = 40;

    // RFC 2047 §2: an encoded-word is no more than 75 characters.
    private const int MaxEncodedWordLength = 75;

    // Room for "=?utf-8?X?" + "?=" and one code point in Q (4 bytes × "=XX").
    private const int MinEncodedWordLength = 24;

    private const string EncodedWordCharset = "utf-8";

    // Printable US-ASCII and horizontal tab: what unstructured text may hold as it is.
    private static readonly SearchValues<char> PrintableOrTab = SearchValues.Create("\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Writes an unstructured field (Subject, custom fields): RFC 5322 §3.2.5, RFC 2047 §5(1).</summary>
    public static void WriteField(IBufferWriter<byte> destination, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var line = new FoldedLine(name);
        HeaderValueGuard.ThrowIfUnsafe(name, value);
        if (value.Length == 0)
        {
            // "Subject:" with nothing after it, rather than a line with trailing whitespace.
        }
        else if (IsPlainUnstructured(value, name))
        {
            // Keep the text as it is; fold only before a whitespace run that follows a word.
            int i = 0;
            while (i < value.Length)
            {
                int wordStart = i;
                while (wordStart < value.Length && value[wordStart] is ' ' or '\t')
                {
                    wordStart++;
                }

                int end = wordStart;
                while (end < value.Length && value[end] is not (' ' or '\t'))
                {
                    end++;
                }

                string whitespace = i == 0 ? " " : value[i..wordStart];
                line.Append(value[wordStart..end], whitespace);
                i = end;
            }
        }
        else
        {
            AppendEncodedWords(line, value, prefix: string.Empty, suffix: string.Empty);
        }

        line.WriteTo(destination);
    }

    /// <summary>Writes <c>Content-Type: type/subtype; parameters</c> (RFC 2045 §5.1).</summary>
    public static void WriteContentType(IBufferWriter<byte> destination, string mediaType, params (string Name, string Value)[] parameters) =>
        WriteParameterizedField(destination, "Content-Type", mediaType, parameters);

    /// <summary>
    /// Writes <c>Name: value; p1=v1; p2=v2</c> (RFC 2045 §5.1, RFC 2183 §2). A value that is not a
    /// token is quoted; one that is not printable ASCII, or too long for a line, is encoded with
    /// RFC 2231 (§3 continuations, §4 charset), except <c>name</c>, which gets RFC 2047
    /// encoded-words inside a quoted-string.
    /// </summary>
    public static void WriteParameterizedField(IBufferWriter<byte> destination, string name, string value, params (string Name, string Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(parameters);
        var line = new FoldedLine(name);
        HeaderValueGuard.ThrowIfUnsafe(name, value);
        if (!IsToken(value.Replace("/", string.Empty, StringComparison.Ordinal)) || value.Count(c => c == '/') > 1)
        {
            throw new MimeFormatException($"'{value}' is not a valid value for {name} (a token or type/subtype).");
        }

        line.Append(parameters.Length > 0 ? value + ";" : value);
        for (int i = 0; i < parameters.Length; i++)
        {
            AppendParameter(line, parameters[i].Name, parameters[i].Value, i == parameters.Length - 1 ? string.Empty : ";");
        }

        line.WriteTo(destination);
    }

    /// <summary>Writes an address-list field (RFC 5322 §3.4): From, To, Cc, Bcc, Reply-To, Sender.</summary>
    public static void WriteAddressList(IBufferWriter<byte> destination, string name, IReadOnlyList<MailboxAddress> mailboxes)
    {
        var line = new FoldedLine(name);
        for (int i = 0; i < mailboxes.Count; i++)
        {
            MailboxAddress mailbox = mailboxes[i];
            HeaderValueGuard.ThrowIfUnsafe(name, mailbox.Address);
            if (!System.Text.Ascii.IsValid(mailbox.Address))
            {
                // A received address may be UTF-8 (RFC 6532); the headers written here are 7-bit.
                throw new HeaderInjectionException(name, $"The address '{mailbox.Address}' in '{name}' is not ASCII; SmimeGraph writes 7-bit header fields.");
            }
            string comma = i == mailboxes.Count - 1 ? string.Empty : ",";
            if (mailbox.DisplayName is null)
            {
                line.Append(mailbox.Address + comma);
            }
            else
            {
                HeaderValueGuard.ThrowIfUnsafe(name, mailbox.DisplayName);
                AppendPhrase(line, mailbox.DisplayName);
                line.Append("<" + mailbox.Address + ">" + comma);
            }
        }

        line.WriteTo(destination);
    }

    /// <summary>
    /// Writes <c>HP-Outer: Name: value</c> (RFC 9788 §2.2.1) for a field this writer already
    /// rendered (<paramref name="renderedField"/>: ASCII, perhaps folded, ending in CRLF). The
    /// value is kept as written (its encoded-words, quoting and whitespace); it is only refolded,
    /// at the same whitespace, so unfolding gives back the outer field exactly.
    /// </summary>
    public static void WriteOuterRecord(IBufferWriter<byte> destination, string renderedField)
    {
        ArgumentNullException.ThrowIfNull(renderedField);
        string field = renderedField.Replace("\r\n", string.Empty, StringComparison.Ordinal);
        var line = new FoldedLine("HP-Outer");
        int i = 0;
        while (i < field.Length)
        {
            int wordStart = i;
            while (wordStart < field.Length && field[wordStart] is ' ' or '\t')
            {
                wordStart++;
            }

            int end = wordStart;
            while (end < field.Length && field[end] is not (' ' or '\t'))
            {
                end++;
            }

            if (end > wordStart)
            {
                line.Append(field[wordStart..end], i == 0 ? " " : field[i..wordStart]);
            }

            i = end;
        }

        line.WriteTo(destination);
    }

    /// <summary>Writes <c>Name: &lt;id1&gt; &lt;id2&gt;</c> (RFC 5322 §3.6.4). The ids must already be validated.</summary>
    public static void WriteMessageIds(IBufferWriter<byte> destination, string name, IEnumerable<string> ids)
    {
        var line = new FoldedLine(name);
        foreach (string id in ids)
        {
            HeaderValueGuard.ThrowIfUnsafe(name, id);
            line.Append("<" + id + ">");
        }

        line.WriteTo(destination);
    }

    /// <summary>True for an RFC 2045 §5.1 token: printable ASCII without SPACE and tspecials.</summary>
    /// <summary>Writes <paramref name="text"/>, which the caller knows to be ASCII (delimiters, fixed lines).</summary>
    public static void WriteAscii(IBufferWriter<byte> destination, string text)
    {
        int count = Encoding.ASCII.GetBytes(text, destination.GetSpan(text.Length));
        destination.Advance(count);
    }

    public static bool IsToken(string value) =>
        value.Length > 0 && !value.AsSpan().ContainsAnyExceptInRange('!', '~') && !value.AsSpan().ContainsAny("()<>@,;:\\\"/[]?=");

    // Printable ASCII words separated by whitespace, nothing that a reader would take for an
    // encoded-word (RFC 2047 §6.1), no leading or trailing whitespace, and each word with the
    // whitespace before it short enough to start a folded line.
    private static bool IsPlainUnstructured(string value, string name) =>
        !value.AsSpan().ContainsAnyExcept(PrintableOrTab)
        && !value.Contains("=?", StringComparison.Ordinal)
        && value[0] is not (' ' or '\t')
        && value[^1] is not (' ' or '\t')
        && RunsFit(value, MaxLineLength - name.Length - 2);

    // True when every run of whitespace and the word after it ("[ \t]*[^ \t]+") has at most
    // maxRun characters: each such run must fit on a folded line.
    private static bool RunsFit(string value, int maxRun)
    {
        int i = 0;
        while (i < value.Length)
        {
            int start = i;
            while (i < value.Length && value[i] is ' ' or '\t')
            {
                i++;
            }

            if (i == value.Length)
            {
                break;
            }

            while (i < value.Length && value[i] is not (' ' or '\t'))
            {
                i++;
            }

            if (i - start > maxRun)
            {
                return false;
            }
        }

        return true;
    }

    // RFC 5322 §3.2.5 phrase: atoms when it can be, a quoted-string when it is printable
    // ASCII, RFC 2047 §5(3) encoded-words otherwise.
    private static void AppendPhrase(FoldedLine line, string phrase)
    {
        bool printable = !phrase.AsSpan().ContainsAnyExceptInRange(' ', '~') && !phrase.Contains("=?", StringComparison.Ordinal);
        if (printable && phrase.Split(' ').All(word => word.Length > 0 && word.Length < 60 && word.All(IsAtext)))
        {
            foreach (string word in phrase.Split(' '))
            {
                line.Append(word);
            }

            return;
        }

        string quoted = "\"" + phrase.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        if (printable && quoted.Length <= 60)
        {
            line.Append(quoted);
            return;
        }

        AppendEncodedWords(line, phrase, prefix: string.Empty, suffix: string.Empty);
    }

    // RFC 5322 §3.2.3 atext.
    private static bool IsAtext(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    private static void AppendParameter(FoldedLine line, string name, string value, string suffix)
    {
        ArgumentNullException.ThrowIfNull(value);
        HeaderValueGuard.ThrowIfUnsafe(name, value);
        if (!IsToken(name))
        {
            throw new MimeFormatException($"'{name}' is not a valid parameter name.");
        }

        // One line holds " name=value;".
        int room = MaxLineLength - 1 - suffix.Length;
        if (IsToken(value) && name.Length + 1 + value.Length <= room)
        {
            line.Append(name + "=" + value + suffix);
            return;
        }

        bool quotable = !value.AsSpan().ContainsAnyExceptInRange(' ', '~') && !value.AsSpan().ContainsAny('"', '\\') && !value.Contains("=?", StringComparison.Ordinal);
        if (quotable && name.Length + 3 + value.Length <= room)
        {
            line.Append(name + "=\"" + value + "\"" + suffix);
            return;
        }

        if (string.Equals(name, "name", StringComparison.OrdinalIgnoreCase))
        {
            AppendEncodedWords(line, value, prefix: name + "=\"", suffix: "\"" + suffix);
            return;
        }

        AppendRfc2231(line, name, value, suffix);
    }

    // RFC 2231 §3-§4: name*=utf-8''%XX..., or name*0*=utf-8''...; name*1*=... when it does
    // not fit a line. Segments end between code points, so no UTF-8 sequence is split.
    private static void AppendRfc2231(FoldedLine line, string name, string value, string suffix)
    {
        var pieces = new List<string>();
        Span<byte> utf8 = stackalloc byte[4];
        foreach (Rune rune in value.EnumerateRunes())
        {
            int n = rune.EncodeToUtf8(utf8);
            var piece = new StringBuilder(12);
            foreach (byte b in utf8[..n])
            {
                // attribute-char: CHAR except SPACE, CTLs, "*", "'", "%", tspecials.
                char c = (char)b;
                if (b is > 0x20 and < 0x7F && c is not ('*' or '\'' or '%') && IsToken(c.ToString()))
                {
                    piece.Append(c);
                }
                else
                {
                    piece.Append('%').Append(Convert.ToHexString([b]));
                }
            }

            pieces.Add(piece.ToString());
        }

        string head = EncodedWordCharset + "''";
        string whole = head + string.Concat(pieces);
        if (name.Length + 2 + whole.Length + suffix.Length <= MaxLineLength - 1)
        {
            line.Append(name + "*=" + whole + suffix);
            return;
        }

        var segments = new List<string>();
        var current = new StringBuilder(head);
        foreach (string piece in pieces)
        {
            // " name*NN*=" + segment + ";" on one line.
            int budget = MaxLineLength - 1 - (name.Length + 4 + segments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length) - 1;
            if (current.Length + piece.Length > budget && current.Length > 0)
            {
                segments.Add(current.ToString());
                current.Clear();
            }

            current.Append(piece);
        }

        segments.Add(current.ToString());
        for (int i = 0; i < segments.Count; i++)
        {
            string end = i == segments.Count - 1 ? suffix : ";";
            line.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}*{i}*={segments[i]}{end}"));
        }
    }

    // RFC 2047 §2, §4, §5: "=?utf-8?B?...?=" or "=?utf-8?Q?...?=" words of at most 75
    // characters, each holding whole code points (§5: never a split multi-octet character),
    // separated by folding whitespace, which a reader drops between adjacent encoded-words (§6.2).
    private static void AppendEncodedWords(FoldedLine line, string text, string prefix, string suffix)
    {
        byte[] all = Encoding.UTF8.GetBytes(text);
        long qLength = 0;
        foreach (byte b in all)
        {
            qLength += IsQSafe(b) ? 1 : 3;
        }

        bool useQ = qLength <= (all.Length + 2) / 3 * 4;
        string intro = "=?" + EncodedWordCharset + (useQ ? "?Q?" : "?B?");
        int overhead = intro.Length + 2;

        var pending = new List<byte>(64);
        var pieces = new List<string>();
        Span<byte> utf8 = stackalloc byte[4];
        bool first = true;
        int Budget()
        {
            int room = first ? line.Room - prefix.Length : MaxLineLength - 1;
            int max = Math.Min(MaxEncodedWordLength, room - suffix.Length);
            return max;
        }

        if (Budget() < MinEncodedWordLength)
        {
            line.Fold();
        }

        int budget = Budget();
        foreach (Rune rune in text.EnumerateRunes())
        {
            int n = rune.EncodeToUtf8(utf8);
            int before = pending.Count;
            pending.AddRange(utf8[..n]);
            if (overhead + EncodedTextLength(pending, useQ) > budget && before > 0)
            {
                pending.RemoveRange(before, n);
                pieces.Add(intro + EncodeText(pending, useQ) + "?=");
                pending.Clear();
                pending.AddRange(utf8[..n]);
                first = false;
                budget = Budget();
            }
        }

        pieces.Add(intro + EncodeText(pending, useQ) + "?=");
        for (int i = 0; i < pieces.Count; i++)
        {
            string word = (i == 0 ? prefix : string.Empty) + pieces[i] + (i == pieces.Count - 1 ? suffix : string.Empty);
            line.Append(word);
        }
    }

    // RFC 2047 §5(3): the characters a Q-encoded word may carry as themselves in a phrase
    // (a subset that is also safe in unstructured text).
    private static bool IsQSafe(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'!' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'/' or (byte)' ';

    private static int EncodedTextLength(List<byte> bytes, bool useQ)
    {
        if (!useQ)
        {
            return (bytes.Count + 2) / 3 * 4;
        }

        int length = 0;
        foreach (byte b in bytes)
        {
            length += IsQSafe(b) ? 1 : 3;
        }

        return length;
    }

    private static string EncodeText(List<byte> bytes, bool useQ)
    {
        if (!useQ)
        {
            return Convert.ToBase64String(bytes.ToArray());
        }

        var sb = new StringBuilder(bytes.Count * 3);
        foreach (byte b in bytes)
        {
            if (b == (byte)' ')
            {
                sb.Append('_'); // RFC 2047 §4.2(2)
            }
            else if (IsQSafe(b))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('=').Append(Convert.ToHexString([b]));
            }
        }

        return sb.ToString();
    }

    /// <summary>One header field being built: tokens separated by whitespace, folded before a token that would pass column 78.</summary>
    private sealed class FoldedLine
    {
        private readonly StringBuilder _text = new(128);
        private readonly string _name;
        private int _lineStart;
        private bool _hasContent;

        public FoldedLine(string name)
        {
            HeaderValueGuard.ThrowIfBadFieldName(name);
            _name = name;
            if (name.Length > MaxFieldNameLength)
            {
                throw new HeaderInjectionException("headerName", $"The header field name '{name}' is longer than {MaxFieldNameLength} characters.");
            }

            _text.Append(name).Append(':');
        }

        // Characters left on the current line after one separating space.
        public int Room => MaxLineLength - (_text.Length - _lineStart) - 1;

        public void Append(string token, string whitespace = " ")
        {
            if (_hasContent && (_text.Length - _lineStart) + whitespace.Length + token.Length > MaxLineLength)
            {
                Fold();
            }

            _text.Append(whitespace).Append(token);
            _hasContent = true;
        }

        // RFC 5322 §2.2.3: folding is a CRLF before whitespace; the whitespace follows.
        public void Fold()
        {
            _text.Append("\r\n");
            _lineStart = _text.Length;
        }

        public void WriteTo(IBufferWriter<byte> destination)
        {
            _text.Append("\r\n");
            string field = _text.ToString();
            if (field.AsSpan().ContainsAnyExceptInRange('\0', '~'))
            {
                throw new InvalidOperationException("A header line was about to carry a non-ASCII character.");
            }

            int count = Encoding.ASCII.GetByteCount(field);

            // One limit for writing and reading: a field the parser would refuse is not written.
            if (count > MimeParserOptions.DefaultMaxHeaderFieldLength)
            {
                throw new MimeFormatException(string.Format(
                    System.Globalization.CultureInfo.InvariantCulture,
                    "The {0} header field would be {1:N0} bytes once encoded and folded, over the {2:N0} bytes a reader accepts (MimeParserOptions.MaxHeaderFieldLength).",
                    _name,
                    count,
                    MimeParserOptions.DefaultMaxHeaderFieldLength));
            }

            Encoding.ASCII.GetBytes(field, destination.GetSpan(count));
            destination.Advance(count);
        }
    }
}
