using System.Text;

namespace SmimeGraph.Mime;

/// <summary>
/// A Content-Type or Content-Disposition value: a leading token ("type/subtype", "attachment")
/// and its parameters (RFC 2045 §5.1, RFC 2183 §2). Parameter values may be tokens or quoted
/// strings (RFC 5322 §3.2.4); RFC 2231 continuations (<c>name*0</c>, <c>name*1</c>) are joined and
/// extended values (<c>name*=charset'lang'%XX</c>) percent-decoded in their charset. Comments
/// are skipped. Lenient where mailers are sloppy: unquoted values run to the next ';'.
/// </summary>
internal sealed class ParameterizedHeaderValue
{
    private const int MaxSection = 999;

    private readonly Dictionary<string, string> _parameters;

    private ParameterizedHeaderValue(string value, Dictionary<string, string> parameters)
    {
        Value = value;
        _parameters = parameters;
    }

    public static ParameterizedHeaderValue Empty { get; } = new(string.Empty, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    /// <summary>The leading token, lower case, spaces and comments removed.</summary>
    public string Value { get; }

    public string? GetParameter(string name) => _parameters.GetValueOrDefault(name);

    /// <summary>Parses an unfolded field value.</summary>
    public static ParameterizedHeaderValue Parse(string text)
    {
        int i = 0;
        var leading = new StringBuilder();
        while (i < text.Length && text[i] != ';')
        {
            char c = text[i];
            if (c == '(')
            {
                i = SkipComment(text, i);
                continue;
            }

            if (!char.IsWhiteSpace(c))
            {
                leading.Append(char.ToLowerInvariant(c));
            }

            i++;
        }

        var raw = new List<(string Name, string Value)>();
        while (i < text.Length)
        {
            i++; // ';'
            i = SkipWhiteSpaceAndComments(text, i);
            int nameStart = i;
            while (i < text.Length && text[i] is not ('=' or ';') && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            string name = text[nameStart..i];
            i = SkipWhiteSpaceAndComments(text, i);
            if (i >= text.Length || text[i] != '=' || name.Length == 0)
            {
                i = SkipTo(text, i, ';');
                continue;
            }

            i = SkipWhiteSpaceAndComments(text, i + 1);
            string value;
            if (i < text.Length && text[i] == '"')
            {
                value = ReadQuotedString(text, ref i);
                i = SkipTo(text, i, ';');
            }
            else
            {
                int valueStart = i;
                i = SkipTo(text, i, ';');
                value = text[valueStart..i].TrimEnd();
            }

            raw.Add((name, value));
        }

        return new ParameterizedHeaderValue(leading.ToString(), Assemble(raw));
    }

    /// <summary>RFC 2231 §3 and §4: join continuations in section order, decode extended sections.</summary>
    private static Dictionary<string, string> Assemble(List<(string Name, string Value)> raw)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sectioned = new Dictionary<string, SortedDictionary<int, (string Value, bool Extended)>>(StringComparer.OrdinalIgnoreCase);

        foreach ((string name, string value) in raw)
        {
            int star = name.IndexOf('*', StringComparison.Ordinal);
            if (star < 0)
            {
                // The first plain occurrence wins; an RFC 2231 form of the same name replaces it below.
                result.TryAdd(name, EncodedWordDecoder.Decode(value));
                continue;
            }

            // RFC 2231 §3 and §4: name*N (a section), name* (extended), name*N* (extended section).
            bool extended = name.EndsWith('*');
            string sectionName = extended ? name[..^1] : name;
            int sectionStar = sectionName.IndexOf('*', StringComparison.Ordinal);
            string baseName = sectionStar < 0 ? sectionName : sectionName[..sectionStar];
            string sectionText = sectionStar < 0 ? string.Empty : sectionName[(sectionStar + 1)..];
            int section = 0;
            if (sectionStar >= 0 && (!int.TryParse(sectionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out section) || section > MaxSection))
            {
                continue;
            }

            if (baseName.Length == 0)
            {
                continue;
            }

            if (!sectioned.TryGetValue(baseName, out var sections))
            {
                sections = [];
                sectioned.Add(baseName, sections);
            }

            sections.TryAdd(section, (value, extended));
        }

        foreach ((string baseName, var sections) in sectioned)
        {
            result[baseName] = Join(sections);
        }

        return result;
    }

    private static string Join(SortedDictionary<int, (string Value, bool Extended)> sections)
    {
        var bytes = new List<byte>();
        string? charset = null;
        bool first = true;
        foreach ((string value, bool extended) in sections.Values)
        {
            string text = value;
            if (first && extended)
            {
                // RFC 2231 §4: extended-initial-value = [charset] "'" [language] "'" extended-other-values
                int q1 = text.IndexOf('\'', StringComparison.Ordinal);
                int q2 = q1 < 0 ? -1 : text.IndexOf('\'', q1 + 1);
                if (q2 >= 0)
                {
                    charset = text[..q1];
                    text = text[(q2 + 1)..];
                }
            }

            first = false;
            if (extended)
            {
                PercentDecode(text, bytes);
            }
            else
            {
                foreach (char c in text)
                {
                    AppendChar(bytes, c);
                }
            }
        }

        return MimeCharset.GetEncodingOrUtf8(charset).GetString(bytes.ToArray());
    }

    private static void PercentDecode(string text, List<byte> bytes)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '%' && i + 2 < text.Length && EncodedWordDecoder.IsHex(text[i + 1]) && EncodedWordDecoder.IsHex(text[i + 2]))
            {
                bytes.Add((byte)((EncodedWordDecoder.HexValue(text[i + 1]) << 4) | EncodedWordDecoder.HexValue(text[i + 2])));
                i += 2;
            }
            else
            {
                AppendChar(bytes, c);
            }
        }
    }

    private static void AppendChar(List<byte> bytes, char c)
    {
        if (c < 0x80)
        {
            bytes.Add((byte)c);
            return;
        }

        // Raw 8-bit text in a parameter was read from UTF-8 (or Latin-1); keep it as UTF-8.
        Span<byte> buffer = stackalloc byte[4];
        int n = Encoding.UTF8.GetBytes([c], buffer);
        for (int k = 0; k < n; k++)
        {
            bytes.Add(buffer[k]);
        }
    }

    /// <summary>RFC 5322 §3.2.4: quoted-string with quoted-pairs; an unterminated one runs to the end.</summary>
    private static string ReadQuotedString(string text, ref int i)
    {
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            char c = text[i++];
            if (c == '"')
            {
                break;
            }

            if (c == '\\' && i < text.Length)
            {
                value.Append(text[i++]);
                continue;
            }

            value.Append(c);
        }

        return value.ToString();
    }

    private static int SkipTo(string text, int i, char stop)
    {
        int found = text.IndexOf(stop, i);
        return found < 0 ? text.Length : found;
    }

    private static int SkipWhiteSpaceAndComments(string text, int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (text[i] == '(')
            {
                i = SkipComment(text, i);
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>RFC 5322 §3.2.2: comments nest and may hold quoted-pairs; an unterminated one runs to the end.</summary>
    private static int SkipComment(string text, int i)
    {
        int depth = 0;
        while (i < text.Length)
        {
            char c = text[i++];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                break;
            }
        }

        return Math.Min(i, text.Length);
    }
}
