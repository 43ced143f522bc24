namespace SmimeGraph.Mime;

/// <summary>
/// Refuses characters that would end a header line or smuggle a new one: CR, LF and NUL
/// (RFC 5322 §2.2: header fields are lines of printable characters ended by CRLF).
/// </summary>
internal static class HeaderValueGuard
{
    public static void ThrowIfUnsafe(string field, string value)
    {
        int bad = value.AsSpan().IndexOfAny('\r', '\n', '\0');
        if (bad >= 0)
        {
            string what = value[bad] switch { '\r' => "CR", '\n' => "LF", _ => "NUL" };
            throw new HeaderInjectionException(field, $"The value of '{field}' contains {what} at position {bad}; line breaks and NUL are not allowed in header values.");
        }
    }

    /// <summary>RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126.</summary>
    public static void ThrowIfBadFieldName(string name)
    {
        if (name.Length == 0 || name.AsSpan().ContainsAnyExceptInRange('!', '~') || name.Contains(':', StringComparison.Ordinal))
        {
            throw new HeaderInjectionException("headerName", $"'{Sanitize(name)}' is not a valid header field name (printable ASCII without ':' or spaces).");
        }
    }

    private static string Sanitize(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
