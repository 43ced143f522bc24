namespace SmimeGraph.Mime;

/// <summary>
/// One header field as the <see cref="MimeParser"/> found it (RFC 5322 §2.2): the field name and
/// the text after the colon exactly as written, folding line breaks included.
/// </summary>
/// <param name="Name">The field name as written (compare it case-insensitively).</param>
/// <param name="RawValue">
/// Everything after the colon up to the field's final line break, folds included. Bytes that are
/// valid UTF-8 are read as UTF-8 (RFC 6532), anything else as ISO-8859-1, byte for byte.
/// </param>
public sealed record MimeHeaderField(string Name, string RawValue)
{
    /// <summary>
    /// The value unfolded (RFC 5322 §2.2.3: the line breaks of folds removed), trimmed, and with
    /// RFC 2047 encoded-words decoded (adjacent encoded-words joined, §6.2).
    /// </summary>
    public string Value => EncodedWordDecoder.Decode(Unfold(RawValue).Trim());

    /// <summary>RFC 5322 §2.2.3: unfolding removes each CRLF (or bare LF) that precedes whitespace.</summary>
    internal static string Unfold(string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return value;
        }

        return string.Create(value.Length - CountLineBreakCharacters(value), value, static (destination, source) =>
        {
            int written = 0;
            foreach (char c in source)
            {
                if (c is not '\r' and not '\n')
                {
                    destination[written++] = c;
                }
            }
        });
    }

    private static int CountLineBreakCharacters(string value)
    {
        int count = 0;
        foreach (char c in value)
        {
            if (c is '\r' or '\n')
            {
                count++;
            }
        }

        return count;
    }
}
