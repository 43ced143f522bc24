using System.Text;

namespace SmimeGraph.Mime;

/// <summary>
/// The RFC 5322 address grammar, in one place (§3.4, with the lexical tokens of §3.2 and the
/// obsolete forms of §4.4): address-list, address, mailbox, name-addr, angle-addr, group,
/// display-name, addr-spec, quoted strings, nested comments and folding whitespace. Display names
/// may hold RFC 2047 encoded-words (§5(3)); UTF-8 is accepted where RFC 6532 allows it.
/// Everything that reads an address calls this parser: <see cref="MailboxAddress.Parse"/>, the
/// inspector's sender check, and the emulator's message summary.
/// </summary>
/// <remarks>
/// The parser reads the raw field value (before RFC 2047 decoding, so a decoded display name can
/// never turn into syntax), runs in one forward pass with iterative comment nesting (linear time,
/// no recursion), and never throws on bad input: a broken element is recorded as a defect and the
/// parse resumes at the next comma.
/// </remarks>
internal static class AddressParser
{
    /// <summary>Parses an address-list field value (From, To, Cc, Bcc, Reply-To, Sender) as written, folds included.</summary>
    public static ParsedAddressList ParseAddressList(string rawValue)
    {
        ArgumentNullException.ThrowIfNull(rawValue);
        var result = new ParsedAddressList();
        var scanner = new Scanner(MimeHeaderField.Unfold(rawValue), result);
        bool expectSeparator = false;
        while (true)
        {
            scanner.SkipCfws();
            if (scanner.AtEnd)
            {
                break;
            }

            if (scanner.Current == ',')
            {
                // RFC 5322 §4.4 obs-addr-list: empty elements between commas are allowed and ignored.
                if (!expectSeparator)
                {
                    result.UsedObsoleteSyntax = true;
                    result.Defects.Add("empty element in the address list");
                }

                scanner.Advance();
                expectSeparator = false;
                continue;
            }

            if (expectSeparator)
            {
                result.Defects.Add($"expected ',' between addresses at position {scanner.Position}");
                result.InvalidElements++;
                scanner.SkipToSeparator(inGroup: false);
                expectSeparator = false;
                continue;
            }

            if (!scanner.TryReadAddress(group: null))
            {
                result.InvalidElements++;
                scanner.SkipToSeparator(inGroup: false);
            }

            expectSeparator = true;
        }

        return result;
    }

    /// <summary>
    /// Parses <paramref name="text"/> as exactly one mailbox (name-addr or addr-spec) and nothing
    /// else. Returns null and the reason when it is not one.
    /// </summary>
    public static ParsedMailbox? ParseMailbox(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ParsedAddressList list = ParseAddressList(text);
        if (list.InvalidElements > 0 || list.Groups.Count > 0 || list.Mailboxes.Count != 1)
        {
            error = list.Defects.Count > 0 ? list.Defects[0]
                : list.Groups.Count > 0 ? "a group is not a mailbox"
                : list.Mailboxes.Count == 0 ? "no address"
                : "more than one address";
            return null;
        }

        error = null;
        return list.Mailboxes[0];
    }

    /// <summary>RFC 5322 §3.2.3 atext, with UTF-8 (RFC 6532 §3.2) for anything above ASCII.</summary>
    internal static bool IsAtext(char c) => c switch
    {
        >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' => true,
        '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '=' or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~' => true,
        _ => c >= 0x80,
    };

    /// <summary>The local part as it is written in an addr-spec: bare when it is a dot-atom, otherwise a quoted-string (RFC 5322 §3.4.1).</summary>
    internal static string FormatLocalPart(string localPart)
    {
        if (IsDotAtomText(localPart))
        {
            return localPart;
        }

        var quoted = new StringBuilder(localPart.Length + 2).Append('"');
        foreach (char c in localPart)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>RFC 5322 §3.2.3 dot-atom-text: 1*atext *("." 1*atext).</summary>
    internal static bool IsDotAtomText(string text)
    {
        if (text.Length == 0 || text[0] == '.' || text[^1] == '.')
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '.' ? text[i - 1] == '.' : !IsAtext(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One word of a phrase (RFC 5322 §3.2.5), or the period obs-phrase allows.</summary>
    private readonly record struct Word(string Text, bool Quoted, bool Period, bool SpaceBefore);

    private sealed class Scanner(string text, ParsedAddressList result)
    {
        private int _position;

        public int Position => _position;

        public bool AtEnd => _position >= text.Length;

        public char Current => _position < text.Length ? text[_position] : '\0';

        public void Advance() => _position++;

        /// <summary>
        /// RFC 5322 §3.2.2 CFWS: folding whitespace and comments, comments nested to any depth
        /// (counted, not recursed). True when anything was skipped.
        /// </summary>
        public bool SkipCfws()
        {
            int start = _position;
            while (_position < text.Length)
            {
                char c = text[_position];
                if (c is ' ' or '\t' or '\r' or '\n')
                {
                    _position++;
                }
                else if (c == '(')
                {
                    SkipComment();
                }
                else
                {
                    break;
                }
            }

            return _position > start;
        }

        private void SkipComment()
        {
            int depth = 0;
            while (_position < text.Length)
            {
                char c = text[_position++];
                if (c == '\\')
                {
                    _position++; // quoted-pair: the next character is literal
                }
                else if (c == '(')
                {
                    depth++;
                }
                else if (c == ')' && --depth == 0)
                {
                    return;
                }
            }

            result.Defects.Add("comment not closed by ')'");
        }

        /// <summary>Skips to the next ',' (or ';' inside a group) outside quoted strings and comments.</summary>
        public void SkipToSeparator(bool inGroup)
        {
            while (_position < text.Length)
            {
                char c = text[_position];
                if (c == ',' || (inGroup && c == ';'))
                {
                    return;
                }

                if (c == '"')
                {
                    ReadQuotedString();
                }
                else if (c == '(')
                {
                    SkipComment();
                }
                else
                {
                    _position++;
                }
            }
        }

        /// <summary>
        /// RFC 5322 §3.4: address = mailbox / group. A phrase decides which: followed by '&lt;'
        /// it is a display name, by ':' a group name; otherwise the text is an addr-spec.
        /// </summary>
        public bool TryReadAddress(string? group)
        {
            int start = _position;
            List<Word> phrase = ReadPhrase();
            char next = Current;
            if (next == '<')
            {
                return TryReadAngleAddress(phrase.Count == 0 ? null : DisplayName(phrase), group);
            }

            if (next == ':' && phrase.Count > 0)
            {
                if (group is not null)
                {
                    result.Defects.Add("a group inside a group");
                    return false;
                }

                return TryReadGroup(DisplayName(phrase) ?? string.Empty);
            }

            _position = start;
            if (TryReadAddrSpec(out string? localPart, out string? domain))
            {
                result.Mailboxes.Add(new ParsedMailbox(null, localPart, domain, group));
                return true;
            }

            return false;
        }

        private bool TryReadGroup(string name)
        {
            // group = display-name ":" [group-list] ";" [CFWS]
            _position++;
            result.Groups.Add(name);
            bool expectSeparator = false;
            while (true)
            {
                SkipCfws();
                if (AtEnd)
                {
                    result.Defects.Add($"group '{name}' not closed by ';'");
                    return true;
                }

                char c = Current;
                if (c == ';')
                {
                    _position++;
                    return true;
                }

                if (c == ',')
                {
                    if (!expectSeparator)
                    {
                        result.UsedObsoleteSyntax = true;
                        result.Defects.Add("empty element in a group");
                    }

                    _position++;
                    expectSeparator = false;
                    continue;
                }

                if (expectSeparator || !TryReadAddress(name))
                {
                    if (expectSeparator)
                    {
                        result.Defects.Add($"expected ',' between addresses at position {_position}");
                    }

                    result.InvalidElements++;
                    SkipToSeparator(inGroup: true);
                    expectSeparator = false;
                    continue;
                }

                expectSeparator = true;
            }
        }

        // angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr (RFC 5322 §3.4, §4.4)
        private bool TryReadAngleAddress(string? displayName, string? group)
        {
            _position++;
            SkipCfws();
            if (Current == '>')
            {
                result.Defects.Add("empty angle-addr '<>'");
                _position++;
                return false;
            }

            if (Current == '@' && !TrySkipObsoleteRoute())
            {
                return false;
            }

            if (!TryReadAddrSpec(out string? localPart, out string? domain))
            {
                return false;
            }

            SkipCfws();
            if (Current != '>')
            {
                result.Defects.Add($"expected '>' at position {_position}");
                return false;
            }

            _position++;
            result.Mailboxes.Add(new ParsedMailbox(displayName, localPart, domain, group));
            return true;
        }

        // obs-route = obs-domain-list ":" ; obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
        private bool TrySkipObsoleteRoute()
        {
            result.UsedObsoleteSyntax = true;
            result.Defects.Add("obsolete route in angle-addr");
            while (true)
            {
                SkipCfws();
                if (Current == ',')
                {
                    _position++;
                    continue;
                }

                if (Current == ':')
                {
                    _position++;
                    return true;
                }

                if (Current != '@')
                {
                    result.Defects.Add($"malformed route at position {_position}");
                    return false;
                }

                _position++;
                if (ReadDomain() is null)
                {
                    return false;
                }
            }
        }

        // addr-spec = local-part "@" domain (RFC 5322 §3.4.1);
        // local-part = dot-atom / quoted-string / obs-local-part (word *("." word))
        private bool TryReadAddrSpec([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? localPart, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? domain)
        {
            localPart = domain = null;
            var local = new StringBuilder();
            bool obsolete = false;
            int words = 0;
            while (true)
            {
                obsolete |= SkipCfws() && words > 0;
                if (Current == '"')
                {
                    obsolete |= words > 0;
                    local.Append(ReadQuotedString());
                }
                else if (IsAtext(Current))
                {
                    local.Append(ReadAtom());
                }
                else if (Current == '.')
                {
                    result.Defects.Add("empty word in the local part");
                }
                else
                {
                    result.Defects.Add(words == 0 ? $"expected an address at position {_position}" : $"expected a word after '.' at position {_position}");
                    return false;
                }

                words++;
                obsolete |= SkipCfws() && Current == '.';
                if (Current != '.')
                {
                    break;
                }

                local.Append('.');
                _position++;
            }

            if (Current != '@')
            {
                result.Defects.Add(AtEnd || Current == ',' || Current == ';' || Current == '>'
                    ? $"'{local}' has no '@domain'"
                    : $"unexpected '{Current}' at position {_position}");
                return false;
            }

            _position++;
            domain = ReadDomain();
            if (domain is null)
            {
                return false;
            }

            if (obsolete)
            {
                result.UsedObsoleteSyntax = true;
                result.Defects.Add("obsolete local part (comments, spaces or quoted words between dots)");
            }

            localPart = local.ToString();
            return true;
        }

        // domain = dot-atom / domain-literal / obs-domain (atom *("." atom))
        private string? ReadDomain()
        {
            bool spaced = false;
            SkipCfws();
            if (Current == '[')
            {
                string? literal = ReadDomainLiteral();
                SkipCfws();
                return literal;
            }

            var domain = new StringBuilder();
            while (true)
            {
                if (!IsAtext(Current))
                {
                    result.Defects.Add($"expected a domain at position {_position}");
                    return null;
                }

                domain.Append(ReadAtom());
                spaced |= SkipCfws() && Current == '.';
                if (Current != '.')
                {
                    break;
                }

                domain.Append('.');
                _position++;
                spaced |= SkipCfws();
            }

            if (spaced)
            {
                result.UsedObsoleteSyntax = true;
            }

            return domain.ToString();
        }

        // domain-literal = [CFWS] "[" *([FWS] dtext) [FWS] "]" [CFWS]; dtext = %d33-90 / %d94-126 (and obs-dtext)
        private string? ReadDomainLiteral()
        {
            var literal = new StringBuilder("[");
            _position++;
            while (_position < text.Length)
            {
                char c = text[_position++];
                if (c == ']')
                {
                    return literal.Append(']').ToString();
                }

                if (c == '\\' && _position < text.Length)
                {
                    literal.Append(text[_position++]);
                }
                else if (c == '[')
                {
                    break;
                }
                else if (c is not (' ' or '\t'))
                {
                    literal.Append(c);
                }
            }

            result.Defects.Add("domain literal not closed by ']'");
            return null;
        }

        /// <summary>phrase = 1*word / obs-phrase (word *(word / "." / CFWS)), stopping at anything else.</summary>
        private List<Word> ReadPhrase()
        {
            var words = new List<Word>();
            while (true)
            {
                bool space = SkipCfws();
                char c = Current;
                if (c == '"')
                {
                    words.Add(new Word(ReadQuotedString(), Quoted: true, Period: false, space));
                }
                else if (IsAtext(c))
                {
                    words.Add(new Word(ReadAtom(), Quoted: false, Period: false, space));
                }
                else if (c == '.' && words.Count > 0)
                {
                    _position++;
                    words.Add(new Word(".", Quoted: false, Period: true, space));
                }
                else
                {
                    return words;
                }
            }
        }

        private string ReadAtom()
        {
            int start = _position;
            while (_position < text.Length && IsAtext(text[_position]))
            {
                _position++;
            }

            return text[start.._position];
        }

        // quoted-string = [CFWS] DQUOTE *([FWS] qcontent) [FWS] DQUOTE [CFWS]; the quotes and the
        // backslashes of quoted-pairs are not part of the value (RFC 5322 §3.2.4).
        private string ReadQuotedString()
        {
            var value = new StringBuilder();
            _position++;
            while (_position < text.Length)
            {
                char c = text[_position++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c == '\\' && _position < text.Length)
                {
                    value.Append(text[_position++]);
                }
                else
                {
                    value.Append(c);
                }
            }

            result.Defects.Add("quoted string not closed by '\"'");
            return value.ToString();
        }

        /// <summary>
        /// The display name: words joined by one space where the header had whitespace or a
        /// comment between them; RFC 2047 encoded-words decoded, with the whitespace between two
        /// adjacent encoded-words dropped (§6.2). Encoded-words inside quoted strings are decoded
        /// too, as mail readers do; a decoded name is text, never syntax.
        /// </summary>
        private string? DisplayName(List<Word> words)
        {
            var name = new StringBuilder();
            bool previousEncoded = false;
            foreach (Word word in words)
            {
                if (word.Period)
                {
                    result.UsedObsoleteSyntax = true;
                    name.Append('.');
                    previousEncoded = false;
                    continue;
                }

                string decoded = EncodedWordDecoder.Decode(word.Text);
                bool encoded = !word.Quoted && !string.Equals(decoded, word.Text, StringComparison.Ordinal) && word.Text.StartsWith("=?", StringComparison.Ordinal) && word.Text.EndsWith("?=", StringComparison.Ordinal);
                if (name.Length > 0 && word.SpaceBefore && !(encoded && previousEncoded))
                {
                    name.Append(' ');
                }

                name.Append(decoded);
                previousEncoded = encoded;
            }

            // Decoding may yield any character: the name stays one line of text.
            for (int i = 0; i < name.Length; i++)
            {
                if (name[i] is '\r' or '\n' or '\0')
                {
                    name[i] = ' ';
                }
            }

            string text = name.ToString().Trim();
            return text.Length == 0 ? null : text;
        }
    }
}
