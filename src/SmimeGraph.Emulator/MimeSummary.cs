using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;

namespace SmimeGraph.Emulator;

/// <summary>
/// What the emulator reads from an uploaded MIME message to answer with Graph's message
/// properties: the top-level header fields (RFC 5322 §2.2), addresses, and a body preview when
/// the body is a single readable text part. Deliberately minimal and kept in this one class.
/// </summary>
internal sealed partial class MimeSummary
{
    private const int MaxHeaderFields = 1000;
    private const int PreviewLength = 255;

    private readonly List<(string Name, string Value)> _fields;

    private MimeSummary(List<(string Name, string Value)> fields, bool hasAttachments, string bodyPreview)
    {
        _fields = fields;
        HasAttachments = hasAttachments;
        BodyPreview = bodyPreview;
    }

    public string? Subject => Get("Subject") is { } subject ? DecodeWords(subject) : null;

    public string? MessageId => Get("Message-ID")?.Trim();

    public IReadOnlyList<MailAddress> From => Addresses("From");

    public IReadOnlyList<MailAddress> Sender => Addresses("Sender");

    public IReadOnlyList<MailAddress> To => Addresses("To");

    public IReadOnlyList<MailAddress> Cc => Addresses("Cc");

    public IReadOnlyList<MailAddress> Bcc => Addresses("Bcc");

    public IReadOnlyList<MailAddress> ReplyTo => Addresses("Reply-To");

    public bool HasAttachments { get; }

    public string BodyPreview { get; }

    /// <summary>
    /// False when the bytes are not a message: empty, or the header section has a line that is
    /// neither a field (name ":" value) nor a continuation.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> mime, [NotNullWhen(true)] out MimeSummary? summary)
    {
        summary = null;
        if (!TryParseHeader(mime, out List<(string Name, string Value)>? fields, out int bodyStart) || fields.Count == 0)
        {
            return false;
        }

        var parsed = new MimeSummary(fields, false, string.Empty);
        bool hasAttachments = parsed.MediaType() == "application/pkcs7-mime"
            || ContentDispositionAttachment().IsMatch(Encoding.Latin1.GetString(mime));
        summary = new MimeSummary(fields, hasAttachments, parsed.PreviewOf(mime[bodyStart..], depth: 0));
        return true;
    }

    /// <summary>RFC 5322 §2.2: header fields up to the first empty line; false on a line that is neither a field nor a continuation.</summary>
    private static bool TryParseHeader(ReadOnlySpan<byte> entity, [NotNullWhen(true)] out List<(string Name, string Value)>? fields, out int bodyStart)
    {
        fields = [];
        int position = 0;
        bodyStart = entity.Length;
        while (position < entity.Length)
        {
            int lineFeed = entity[position..].IndexOf((byte)'\n');
            int end = lineFeed < 0 ? entity.Length : position + lineFeed;
            ReadOnlySpan<byte> line = entity[position..end];
            position = lineFeed < 0 ? entity.Length : end + 1;
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                bodyStart = position;
                return true;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                // RFC 5322 §2.2.3: a folded continuation of the previous field.
                if (fields.Count == 0)
                {
                    return false;
                }

                fields[^1] = (fields[^1].Name, fields[^1].Value + " " + Text(line).Trim());
                continue;
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || fields.Count == MaxHeaderFields || !IsFieldName(line[..colon]))
            {
                return false;
            }

            fields.Add((Encoding.ASCII.GetString(line[..colon]), Text(line[(colon + 1)..]).Trim()));
        }

        return true;
    }

    /// <summary>
    /// The preview of a text/plain body, or of the first part of a multipart (RFC 2046 §5.1.1),
    /// e.g. the signed content of multipart/signed. Encrypted and other bodies have none.
    /// </summary>
    private string PreviewOf(ReadOnlySpan<byte> body, int depth)
    {
        string mediaType = MediaType();
        if (mediaType == "text/plain")
        {
            return Preview(body);
        }

        Match boundary = BoundaryParameter().Match(Get("Content-Type") ?? string.Empty);
        if (!mediaType.StartsWith("multipart/", StringComparison.Ordinal) || !boundary.Success || depth >= 4)
        {
            return string.Empty;
        }

        byte[] delimiter = Encoding.ASCII.GetBytes("--" + (boundary.Groups[1].Success ? boundary.Groups[1].Value : boundary.Groups[2].Value));
        int first = body.IndexOf(delimiter);
        if (first < 0 || (first > 0 && body[first - 1] != '\n'))
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> rest = body[(first + delimiter.Length)..];
        int lineEnd = rest.IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            return string.Empty;
        }

        rest = rest[(lineEnd + 1)..];
        int next = rest.IndexOf(delimiter);
        ReadOnlySpan<byte> part = next < 0 ? rest : rest[..next];
        if (!TryParseHeader(part, out List<(string Name, string Value)>? fields, out int partBody))
        {
            return string.Empty;
        }

        return new MimeSummary(fields, false, string.Empty).PreviewOf(part[partBody..], depth + 1);
    }

    public string? Get(string name)
    {
        foreach ((string Name, string Value) field in _fields)
        {
            if (field.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }

        return null;
    }

    // RFC 2045 §5.2: no Content-Type means text/plain; us-ascii.
    private string MediaType() =>
        (Get("Content-Type") ?? "text/plain").Split(';')[0].Trim().ToLowerInvariant();

    private string Preview(ReadOnlySpan<byte> body)
    {
        byte[] decoded;
        string encoding = (Get("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant();
        try
        {
            decoded = encoding switch
            {
                "base64" => Convert.FromBase64String(Encoding.ASCII.GetString(body)),
                "quoted-printable" => DecodeQuotedPrintable(body),
                _ => body.ToArray(),
            };
        }
        catch (FormatException)
        {
            return string.Empty;
        }

        Match charset = CharsetParameter().Match(Get("Content-Type") ?? string.Empty);
        string text = GetEncoding(charset.Success ? charset.Groups[1].Value : "us-ascii").GetString(decoded);
        string collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Length <= PreviewLength ? collapsed : collapsed[..PreviewLength];
    }

    private List<MailAddress> Addresses(string name)
    {
        var list = new List<MailAddress>();
        foreach ((string Name, string Value) field in _fields)
        {
            if (!field.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(field.Value))
            {
                continue;
            }

            try
            {
                var collection = new MailAddressCollection { field.Value };
                foreach (MailAddress address in collection)
                {
                    list.Add(new MailAddress(address.Address, DecodeWords(address.DisplayName)));
                }
            }
            catch (FormatException)
            {
                // An unparseable address list contributes nothing, as Graph drops what it cannot read.
            }
        }

        return list;
    }

    /// <summary>RFC 2047 §6: decodes encoded-words; whitespace between adjacent ones is dropped.</summary>
    internal static string DecodeWords(string value)
    {
        string joined = BetweenEncodedWords().Replace(value, string.Empty);
        return EncodedWord().Replace(joined, match =>
        {
            try
            {
                Encoding encoding = GetEncoding(match.Groups["charset"].Value);
                string text = match.Groups["text"].Value;
                byte[] bytes = match.Groups["encoding"].Value is "B" or "b"
                    ? Convert.FromBase64String(text)
                    : DecodeQuotedPrintable(Encoding.ASCII.GetBytes(text.Replace('_', ' ')));
                return encoding.GetString(bytes);
            }
            catch (FormatException)
            {
                return match.Value;
            }
        });
    }

    // RFC 2045 §6.7 (soft line breaks "=" CRLF, "=XX" octets).
    private static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> encoded)
    {
        var output = new List<byte>(encoded.Length);
        for (int i = 0; i < encoded.Length; i++)
        {
            byte b = encoded[i];
            if (b != '=')
            {
                output.Add(b);
            }
            else if (i + 2 < encoded.Length && encoded[i + 1] == '\r' && encoded[i + 2] == '\n')
            {
                i += 2;
            }
            else if (i + 1 < encoded.Length && encoded[i + 1] == '\n')
            {
                i += 1;
            }
            else if (i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
            {
                output.Add(Convert.FromHexString([(char)encoded[i + 1], (char)encoded[i + 2]])[0]);
                i += 2;
            }
            else
            {
                output.Add(b);
            }
        }

        return [.. output];
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    // RFC 5322 §3.6.8: field-name = 1*ftext, printable US-ASCII except ":".
    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            if (b is < 33 or > 126)
            {
                return false;
            }
        }

        return true;
    }

    // Header bytes: UTF-8 when valid (RFC 6532), else Latin-1 so no byte is lost.
    private static string Text(ReadOnlySpan<byte> bytes) =>
        System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    private static Encoding GetEncoding(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"'));
        }
        catch (ArgumentException)
        {
            return Encoding.Latin1;
        }
    }

    [GeneratedRegex(@"=\?(?<charset>[^?*]+)(\*[^?]*)?\?(?<encoding>[BbQq])\?(?<text>[^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"(?<=\?=)[ \t]+(?==\?)")]
    private static partial Regex BetweenEncodedWords();

    [GeneratedRegex(@"charset\s*=\s*""?([^"";\s]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CharsetParameter();

    [GeneratedRegex(@"boundary\s*=\s*(?:""([^""]+)""|([^;\s]+))", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryParameter();

    [GeneratedRegex(@"^Content-Disposition:[ \t]*attachment", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ContentDispositionAttachment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
