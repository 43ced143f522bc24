using System.Collections.Concurrent;
using System.Text;

namespace SmimeGraph.Mime;

/// <summary>
/// Maps MIME charset names (RFC 2046 §4.1.2, IANA registry) to encodings: the BCL's own
/// (UTF-8, UTF-16, US-ASCII, ISO-8859-1) and the code pages of the shared framework's
/// <see cref="CodePagesEncodingProvider"/> (ISO-8859-x, Windows-125x, KOI8-R, ...). The provider is
/// asked directly rather than registered, so the process-wide encoding table is left alone.
/// </summary>
internal static class MimeCharset
{
    private const int MaxCachedNames = 128;

    private static readonly ConcurrentDictionary<string, Encoding?> Cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The encoding for <paramref name="charset"/>, or null when no provider knows it.</summary>
    public static Encoding? GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        string name = charset.Trim();

        // RFC 2231 §5: an encoded-word charset may carry a language, "utf-8*en".
        int star = name.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            name = name[..star];
        }

        if (name.Length == 0 || name.Length > 64)
        {
            return null;
        }

        if (Cache.TryGetValue(name, out Encoding? cached))
        {
            return cached;
        }

        // Names come from the input: cache a bounded number so hostile mail cannot grow the table.
        Encoding? found = Lookup(name);
        if (Cache.Count < MaxCachedNames)
        {
            Cache.TryAdd(name, found);
        }

        return found;
    }

    /// <summary>The encoding for <paramref name="charset"/>, UTF-8 when it is absent or unknown.</summary>
    public static Encoding GetEncodingOrUtf8(string? charset)
    {
        Encoding? encoding = GetEncoding(charset);

        // US-ASCII is a subset of UTF-8; reading undeclared 8-bit text as UTF-8 keeps it legible.
        return encoding is null || encoding.CodePage == Encoding.ASCII.CodePage ? Encoding.UTF8 : encoding;
    }

    private static Encoding? Lookup(string name)
    {
        string normalized = name.ToLowerInvariant() switch
        {
            "utf8" => "utf-8",
            "latin1" or "latin-1" => "iso-8859-1",
            "ascii" => "us-ascii",
            _ => name,
        };

        Encoding? encoding = CodePagesEncodingProvider.Instance.GetEncoding(normalized);
        if (encoding is not null)
        {
            return encoding;
        }

        try
        {
            return Encoding.GetEncoding(normalized);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException)
        {
            // Unknown names, and UTF-7, which the runtime disables (a known script-injection vector).
            return null;
        }
    }
}
