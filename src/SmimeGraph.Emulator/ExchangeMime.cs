using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Emulator;

/// <summary>
/// The MIME Graph returns from <c>GET /messages/{id}/$value</c>. Outlook "does not save messages
/// in MIME format" (concepts/outlook-get-mime-message.md): Exchange keeps properties and writes
/// MIME again on request ("the MIME content is formed from the MAPI properties", "EWS, MIME, and
/// the missing Internet message headers", learn.microsoft.com, Exchange Server 2010 developer
/// documentation), so the top-level header section comes back re-ordered, re-folded and
/// with Exchange's own fields added — Thread-Topic, Thread-Index, Accept-Language,
/// Content-Language, X-MS-Has-Attach, X-MS-TNEF-Correlator and X-MS-Exchange-Organization-*, as in
/// that page's example response — and a sent message comes back without its Bcc field. The body
/// (for S/MIME: the application/pkcs7-mime entity's base64, or every part of multipart/signed) is
/// copied byte for byte; only the top-level header section changes.
/// </summary>
internal static class ExchangeMime
{
    // Written by this class, so an uploaded copy of them is replaced rather than repeated.
    private static readonly HashSet<string> Generated = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Thread-Topic", "Thread-Index", "Date", "Message-ID",
        "References", "In-Reply-To", "Accept-Language", "Content-Language", "X-MS-Has-Attach", "X-MS-TNEF-Correlator", "MIME-Version",
    };

    /// <summary>Writes the message as Graph would return it.</summary>
    /// <param name="summary">The stored message, parsed.</param>
    /// <param name="context">What Exchange knows of the item beyond its MIME.</param>
    public static byte[] Regenerate(MimeSummary summary, ItemContext context)
    {
        MimeEntity message = summary.Entity;
        var fields = new List<(string Name, string Value)>();
        void Copy(string name)
        {
            foreach (MimeHeaderField field in message.Headers)
            {
                if (field.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    fields.Add((name, Unfold(field.RawValue)));
                }
            }
        }

        // Order as in the example response of concepts/outlook-get-mime-message.md.
        Copy("From");
        Copy("Sender");
        Copy("To");
        Copy("Cc");
        if (!context.IsSent)
        {
            // A draft keeps its Bcc; the sent copy does not show it ([MS-OXCMAIL] §2.1.3.1.1: MIME
            // writers "MAY generate no MIME recipients for Bcc recipients" for a message sent by SMTP).
            Copy("Bcc");
        }

        Copy("Reply-To");
        Copy("Subject");
        fields.Add(("Thread-Topic", ConversationTopic(message.Headers.FirstOrDefault(f => f.Name.Equals("Subject", StringComparison.OrdinalIgnoreCase)) is { } subject ? Unfold(subject.RawValue) : string.Empty)));
        fields.Add(("Thread-Index", Convert.ToBase64String(context.ThreadIndex)));
        if (message.GetHeader("Date") is null)
        {
            fields.Add(("Date", context.Created.ToString("ddd, d MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)));
        }
        else
        {
            Copy("Date");
        }

        fields.Add(("Message-ID", context.InternetMessageId));
        Copy("References");
        Copy("In-Reply-To");
        fields.Add(("Accept-Language", "en-US"));
        fields.Add(("Content-Language", "en-US"));
        fields.Add(("X-MS-Exchange-Organization-AuthAs", "Internal"));
        fields.Add(("X-MS-Exchange-Organization-AuthMechanism", "04"));
        fields.Add(("X-MS-Exchange-Organization-AuthSource", "emulator.smimegraph"));
        fields.Add(("X-MS-Has-Attach", summary.HasAttachments ? "yes" : string.Empty));
        fields.Add(("X-MS-Exchange-Organization-Network-Message-Id", context.NetworkMessageId.ToString("D")));
        fields.Add(("X-MS-Exchange-Organization-SCL", "-1"));
        fields.Add(("X-MS-TNEF-Correlator", string.Empty));
        fields.Add(("X-MS-Exchange-Organization-RecordReviewCfmType", "0"));

        // Everything else the client wrote (custom X- fields, Importance, ...), then the MIME
        // fields that describe the body, in their order.
        foreach (MimeHeaderField field in message.Headers)
        {
            if (!Generated.Contains(field.Name) && !IsContentField(field.Name) && !field.Name.StartsWith("X-MS-Exchange-Organization-", StringComparison.OrdinalIgnoreCase))
            {
                fields.Add((field.Name, Unfold(field.RawValue)));
            }
        }

        foreach (MimeHeaderField field in message.Headers)
        {
            if (IsContentField(field.Name))
            {
                fields.Add((field.Name, Unfold(field.RawValue)));
            }
        }

        fields.Add(("MIME-Version", "1.0"));

        var text = new StringBuilder();
        foreach ((string name, string value) in fields)
        {
            AppendFolded(text, name, value.Trim());
        }

        text.Append("\r\n");
        byte[] header = Encoding.UTF8.GetBytes(text.ToString());
        ReadOnlySpan<byte> body = message.RawBody.Span;
        byte[] result = new byte[header.Length + body.Length];
        header.CopyTo(result, 0);
        body.CopyTo(result.AsSpan(header.Length));
        return result;
    }

    /// <summary>
    /// [MS-OXOMSG] §2.2.1.3 PidTagConversationIndex, the header block: 0x01, the 40 high bits of
    /// the FILETIME (big-endian), the conversation GUID (Data1, Data2, Data3 big-endian).
    /// </summary>
    public static byte[] ThreadIndex(DateTimeOffset time, Guid conversation)
    {
        byte[] index = new byte[22];
        index[0] = 0x01;
        long fileTime = time.ToFileTime();
        Span<byte> timeBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(timeBytes, fileTime);
        timeBytes[..5].CopyTo(index.AsSpan(1));
        conversation.TryWriteBytes(index.AsSpan(6), bigEndian: true, out _);
        return index;
    }

    /// <summary>The conversation GUID for a thread root (the first message id of the thread): the same root, the same conversation.</summary>
    public static Guid ConversationGuid(string threadRoot) => new(SHA256.HashData(Encoding.UTF8.GetBytes(threadRoot)).AsSpan(0, 16));

    /// <summary>PidTagConversationTopic: the subject without its reply and forward prefixes.</summary>
    public static string ConversationTopic(string subject)
    {
        string topic = subject.Trim();
        bool stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (string prefix in (ReadOnlySpan<string>)["RE:", "FW:", "FWD:"])
            {
                if (topic.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    topic = topic[prefix.Length..].TrimStart();
                    stripped = true;
                }
            }
        }

        return topic;
    }

    private static bool IsContentField(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Language", StringComparison.OrdinalIgnoreCase);

    private static string Unfold(string raw) => raw.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);

    /// <summary>
    /// RFC 5322 §2.2.3 folding: Content-Type and Content-Disposition one parameter per line, as
    /// Exchange writes them; other fields broken before whitespace once a line passes 78
    /// characters. A fold only ever inserts CRLF before existing whitespace (or, between
    /// parameters, where whitespace is allowed), so the unfolded value is unchanged.
    /// </summary>
    private static void AppendFolded(StringBuilder text, string name, string value)
    {
        text.Append(name).Append(':');
        if (value.Length == 0)
        {
            text.Append("\r\n");
            return;
        }

        if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
        {
            List<string> parts = SplitParameters(value);
            text.Append(' ').Append(parts[0]);
            for (int i = 1; i < parts.Count; i++)
            {
                text.Append(";\r\n\t").Append(parts[i]);
            }

            text.Append("\r\n");
            return;
        }

        int lineLength = name.Length + 1;
        string[] words = value.Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            if (i > 0 && lineLength + 1 + word.Length > 78)
            {
                text.Append("\r\n");
                lineLength = 0;
            }

            text.Append(' ').Append(word);
            lineLength += 1 + word.Length;
        }

        text.Append("\r\n");
    }

    // Splits "type/sub; a=1; b=\"x;y\"" at the semicolons outside quoted strings and comments.
    private static List<string> SplitParameters(string value)
    {
        var parts = new List<string>();
        int start = 0;
        bool quoted = false;
        int comment = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\\' && (quoted || comment > 0))
            {
                i++;
            }
            else if (c == '"' && comment == 0)
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                comment++;
            }
            else if (!quoted && c == ')' && comment > 0)
            {
                comment--;
            }
            else if (!quoted && comment == 0 && c == ';')
            {
                parts.Add(value[start..i].Trim());
                start = i + 1;
            }
        }

        parts.Add(value[start..].Trim());
        parts.RemoveAll(p => p.Length == 0 && parts.Count > 1);
        return parts;
    }
}

/// <summary>What Exchange knows of an item beyond its MIME.</summary>
/// <param name="IsSent">True for the copy in Sent Items (its Bcc is not shown).</param>
/// <param name="Created">When the item was created.</param>
/// <param name="InternetMessageId">The Message-ID (the uploaded one, or the one Exchange assigned).</param>
/// <param name="ThreadIndex">The conversation index bytes.</param>
/// <param name="NetworkMessageId">Exchange's id for the message in transport.</param>
internal sealed record ItemContext(bool IsSent, DateTimeOffset Created, string InternetMessageId, byte[] ThreadIndex, Guid NetworkMessageId);
