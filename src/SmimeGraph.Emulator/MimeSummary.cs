using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;
using System.Text.RegularExpressions;
using SmimeGraph.Mime;

namespace SmimeGraph.Emulator;

/// <summary>
/// What the emulator reads from an uploaded MIME message to answer with Graph's message
/// properties: subject, Message-ID, addresses, attachments and a body preview, read with the
/// library's <see cref="MimeParser"/>. The one check of its own is Graph's refusal of content
/// that is not a message at all.
/// </summary>
internal sealed partial class MimeSummary
{
    private const int PreviewLength = 255;

    private readonly MimeEntity _message;

    private MimeSummary(MimeEntity message)
    {
        _message = message;
        HasAttachments = message.MediaType is "application/pkcs7-mime" or "application/x-pkcs7-mime" || HasAttachmentPart(message);
        BodyPreview = Preview(message);
    }

    public string? Subject => _message.GetHeader("Subject");

    public string? MessageId => _message.GetHeader("Message-ID");

    public IReadOnlyList<MailAddress> From => Addresses("From");

    public IReadOnlyList<MailAddress> Sender => Addresses("Sender");

    public IReadOnlyList<MailAddress> To => Addresses("To");

    public IReadOnlyList<MailAddress> Cc => Addresses("Cc");

    public IReadOnlyList<MailAddress> Bcc => Addresses("Bcc");

    public IReadOnlyList<MailAddress> ReplyTo => Addresses("Reply-To");

    public bool HasAttachments { get; }

    public string BodyPreview { get; }

    /// <summary>
    /// False when the bytes are not a message (Graph's ErrorMimeContentInvalid): empty, a header
    /// section with a line that is neither a field nor a continuation, or past the parser's limits.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> mime, [NotNullWhen(true)] out MimeSummary? summary)
    {
        summary = null;
        if (!HasWellFormedHeader(mime.Span))
        {
            return false;
        }

        try
        {
            summary = new MimeSummary(MimeParser.Parse(mime));
            return true;
        }
        catch (MimeFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// RFC 5322 §2.2: at least one field, and every line up to the empty line (or the end) a field
    /// (§3.6.8 field-name, ":") or a §2.2.3 continuation. The library's parser is lenient here
    /// (a stray line starts the body); Graph refuses such content.
    /// </summary>
    private static bool HasWellFormedHeader(ReadOnlySpan<byte> mime)
    {
        int fields = 0;
        while (!mime.IsEmpty)
        {
            int lineFeed = mime.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = lineFeed < 0 ? mime : mime[..lineFeed];
            mime = lineFeed < 0 ? [] : mime[(lineFeed + 1)..];
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (fields == 0)
                {
                    return false;
                }

                continue;
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAnyExceptInRange((byte)33, (byte)126) >= 0)
            {
                return false;
            }

            fields++;
        }

        return fields > 0;
    }

    private static bool HasAttachmentPart(MimeEntity entity)
    {
        if (string.Equals(entity.Disposition, "attachment", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (MimeEntity child in entity.Children)
        {
            if (HasAttachmentPart(child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The text of a text/plain body, or of a multipart's first part (RFC 2046 §5.1: for
    /// multipart/signed the signed content); encrypted and other bodies have none.
    /// </summary>
    private static string Preview(MimeEntity entity)
    {
        while (entity.IsMultipart && entity.Children.Count > 0)
        {
            entity = entity.Children[0];
        }

        if (entity.MediaType != "text/plain")
        {
            return string.Empty;
        }

        string text;
        try
        {
            text = entity.DecodeText();
        }
        catch (MimeFormatException)
        {
            return string.Empty;
        }

        string collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Length <= PreviewLength ? collapsed : collapsed[..PreviewLength];
    }

    private List<MailAddress> Addresses(string name)
    {
        var list = new List<MailAddress>();
        foreach (MimeHeaderField field in _message.Headers)
        {
            if (!field.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The library's RFC 5322 address grammar reads the raw value (encoded-words are decoded
            // inside display names only). What is not a mailbox contributes nothing, as Graph drops
            // what it cannot read.
            foreach (MailboxAddress mailbox in MailboxAddress.ParseList(field.RawValue))
            {
                try
                {
                    list.Add(new MailAddress(mailbox.Address, mailbox.DisplayName));
                }
                catch (FormatException)
                {
                    // An addr-spec System.Net.Mail cannot represent (a rare obsolete form).
                }
            }
        }

        return list;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>The parsed top-level entity.</summary>
    public MimeEntity Entity => _message;

    /// <summary>The Date field, unfolded; null when absent.</summary>
    public string? Date => _message.GetHeader("Date");

    /// <summary>RFC 5322 §3.6.4: the first message id of References, else In-Reply-To: the thread's root.</summary>
    public string? ThreadRoot =>
        FirstMessageId(_message.GetHeader("References")) ?? FirstMessageId(_message.GetHeader("In-Reply-To"));

    /// <summary>
    /// Graph's importance: the Importance field (RFC 2156 §5.3.4: low, normal, high), else
    /// X-Priority (1-2 high, 4-5 low); "normal" otherwise.
    /// </summary>
    public string Importance
    {
        get
        {
            string? importance = _message.GetHeader("Importance")?.Trim().ToLowerInvariant();
            if (importance is "low" or "normal" or "high")
            {
                return importance;
            }

            string? priority = _message.GetHeader("X-Priority")?.Trim();
            return priority is { Length: > 0 } && priority[0] is '1' or '2' ? "high" : priority is { Length: > 0 } && priority[0] is '4' or '5' ? "low" : "normal";
        }
    }

    /// <summary>RFC 8098 §2.1: a Disposition-Notification-To field asks for a read receipt.</summary>
    public bool IsReadReceiptRequested => _message.GetHeader("Disposition-Notification-To") is not null;

    /// <summary>
    /// Graph's body: the first HTML part that is not an attachment, else the first plain-text one
    /// (for multipart/signed, the signed content); encrypted and other bodies give empty text.
    /// </summary>
    public (string ContentType, string Content) Body => FindBody(_message, "text/html") is { } html
        ? ("html", Decode(html))
        : FindBody(_message, "text/plain") is { } text ? ("text", Decode(text)) : ("text", string.Empty);

    /// <summary>
    /// RFC 2046 §5.1.1: each multipart has a boundary, at least one body part and its
    /// close-delimiter. A message missing one was cut short (an incomplete upload).
    /// </summary>
    public static bool IsComplete(MimeEntity entity)
    {
        if (entity.IsMultipart)
        {
            string? boundary = entity.GetContentTypeParameter("boundary");
            if (string.IsNullOrEmpty(boundary) || entity.Children.Count == 0 || !HasCloseDelimiter(entity.RawBody.Span, System.Text.Encoding.ASCII.GetBytes("--" + boundary + "--")))
            {
                return false;
            }
        }

        foreach (MimeEntity child in entity.Children)
        {
            if (!IsComplete(child))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasCloseDelimiter(ReadOnlySpan<byte> body, ReadOnlySpan<byte> closeDelimiter)
    {
        int offset = 0;
        while (offset < body.Length)
        {
            int found = body[offset..].IndexOf(closeDelimiter);
            if (found < 0)
            {
                return false;
            }

            int at = offset + found;
            if (at == 0 || body[at - 1] == (byte)'\n')
            {
                return true;
            }

            offset = at + 1;
        }

        return false;
    }

    private static MimeEntity? FindBody(MimeEntity entity, string mediaType)
    {
        if (entity.MediaType == mediaType && !string.Equals(entity.Disposition, "attachment", StringComparison.OrdinalIgnoreCase))
        {
            return entity;
        }

        // multipart/signed: only the signed content (the first part) is the body.
        IEnumerable<MimeEntity> children = entity.MediaType == "multipart/signed" ? entity.Children.Take(1) : entity.IsMultipart ? entity.Children : [];
        foreach (MimeEntity child in children)
        {
            if (FindBody(child, mediaType) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Decode(MimeEntity entity)
    {
        try
        {
            return entity.DecodeText();
        }
        catch (MimeFormatException)
        {
            return string.Empty;
        }
    }

    private static string? FirstMessageId(string? value)
    {
        if (value is null)
        {
            return null;
        }

        int open = value.IndexOf('<', StringComparison.Ordinal);
        int close = open < 0 ? -1 : value.IndexOf('>', open);
        return close > open + 1 ? value[open..(close + 1)] : null;
    }
}
