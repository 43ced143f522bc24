using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.Json;

namespace SmimeGraph.Emulator;

/// <summary>
/// Turns a Graph JSON <c>message</c> (subject, body, from, toRecipients, ccRecipients,
/// bccRecipients) into an RFC 5322 message, so JSON-created mail is stored as MIME like the rest.
/// </summary>
internal static class JsonMessageMime
{
    /// <summary>Builds the MIME, or returns an error message for a value that cannot be written.</summary>
    public static byte[] Create(JsonElement message, string? defaultFrom, DateTimeOffset now, out string? error)
    {
        error = null;
        var builder = new StringBuilder();
        if (message.ValueKind != JsonValueKind.Object)
        {
            error = "The message must be a JSON object.";
            return [];
        }

        if (!TryAddresses(message, "from", out string? from, ref error)
            || !TryAddresses(message, "toRecipients", out string? to, ref error)
            || !TryAddresses(message, "ccRecipients", out string? cc, ref error)
            || !TryAddresses(message, "bccRecipients", out string? bcc, ref error))
        {
            return [];
        }

        from ??= defaultFrom;
        string subject = String(message, "subject") ?? string.Empty;
        string content = string.Empty;
        string contentType = "text";
        if (message.TryGetProperty("body", out JsonElement body) && body.ValueKind == JsonValueKind.Object)
        {
            content = String(body, "content") ?? string.Empty;
            contentType = (String(body, "contentType") ?? "text").ToLowerInvariant();
        }

        if (subject.AsSpan().ContainsAny('\r', '\n', '\0'))
        {
            error = "The subject contains a line break.";
            return [];
        }

        AppendField(builder, "From", from);
        AppendField(builder, "To", to);
        AppendField(builder, "Cc", cc);
        AppendField(builder, "Bcc", bcc);
        AppendField(builder, "Subject", EncodeWord(subject));
        AppendField(builder, "Date", now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture));
        AppendField(builder, "Message-ID", $"<{Guid.NewGuid():N}@emulator.smimegraph>");
        AppendField(builder, "MIME-Version", "1.0");
        AppendField(builder, "Content-Type", (contentType == "html" ? "text/html" : "text/plain") + "; charset=utf-8");
        AppendField(builder, "Content-Transfer-Encoding", "base64");
        builder.Append("\r\n");
        string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        // RFC 2045 §6.8: lines of at most 76 characters.
        for (int i = 0; i < encoded.Length; i += 76)
        {
            builder.Append(encoded, i, Math.Min(76, encoded.Length - i)).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private static void AppendField(StringBuilder builder, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            builder.Append(name).Append(": ").Append(value).Append("\r\n");
        }
    }

    // A recipient list ({"emailAddress":{"name","address"}} or one such object) as an address-list.
    private static bool TryAddresses(JsonElement message, string property, out string? value, ref string? error)
    {
        value = null;
        if (!message.TryGetProperty(property, out JsonElement recipients) || recipients.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        JsonElement[] items = recipients.ValueKind == JsonValueKind.Array ? [.. recipients.EnumerateArray()] : [recipients];
        var parts = new List<string>();
        foreach (JsonElement recipient in items)
        {
            if (recipient.ValueKind != JsonValueKind.Object
                || !recipient.TryGetProperty("emailAddress", out JsonElement emailAddress)
                || String(emailAddress, "address") is not { } address)
            {
                error = $"Each of {property} needs an emailAddress with an address.";
                return false;
            }

            string? name = String(emailAddress, "name");
            try
            {
                var parsed = new MailAddress(address);
                if (parsed.Address != address.Trim() || (name is not null && name.AsSpan().ContainsAny('\r', '\n', '\0')))
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                error = $"An address in {property} is not valid.";
                return false;
            }

            parts.Add(string.IsNullOrEmpty(name) ? address.Trim() : $"{QuoteOrEncode(name)} <{address.Trim()}>");
        }

        value = parts.Count == 0 ? null : string.Join(", ", parts);
        return true;
    }

    private static string QuoteOrEncode(string name) =>
        Ascii(name) ? "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : EncodeWord(name);

    // RFC 2047 §4.1 B-encoding when the text is not plain printable ASCII.
    private static string EncodeWord(string text) =>
        Ascii(text) ? text : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";

    private static bool Ascii(string text)
    {
        foreach (char c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
