using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SmimeGraph.Emulator;

/// <summary>
/// A stored message as Graph's <c>message</c> resource (api-reference/v1.0/resources/message.md):
/// its properties read from the stored MIME and the Maildir file, and written as JSON the way the
/// examples of api-reference/v1.0/api/user-post-messages.md and user-list-messages.md show.
/// </summary>
internal sealed class MessageItem
{
    /// <summary>The properties of <c>microsoft.graph.message</c> this emulator returns, for <c>$select</c>.</summary>
    public static readonly IReadOnlyList<string> Properties =
    [
        "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime", "sentDateTime",
        "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance", "parentFolderId", "conversationId",
        "conversationIndex", "isDeliveryReceiptRequested", "isReadReceiptRequested", "isRead", "isDraft", "webLink",
        "inferenceClassification", "body", "uniqueBody", "sender", "from", "toRecipients", "ccRecipients", "bccRecipients",
        "replyTo", "flag", "internetMessageHeaders",
    ];

    // Returned without $select (internetMessageHeaders and uniqueBody only on request, as Graph does).
    private static readonly HashSet<string> Default = new(Properties.Except(["internetMessageHeaders", "uniqueBody"]), StringComparer.Ordinal);

    private MessageItem(StoredMessage stored, MimeSummary? summary, DateTimeOffset created, DateTimeOffset modified)
    {
        Stored = stored;
        Summary = summary;
        Created = created;
        Modified = modified;
        InternetMessageId = summary?.MessageId?.Trim() is { Length: > 0 } messageId ? messageId : AssignedMessageId(stored.Key);
        Guid conversation = ExchangeMime.ConversationGuid(summary?.ThreadRoot ?? InternetMessageId);
        ConversationId = GraphIds.ConversationId(conversation);
        ThreadIndex = summary?.Entity.GetHeader("Thread-Index") is { } threadIndex && TryBase64(threadIndex, out byte[]? uploaded) && uploaded.Length >= 22
            ? uploaded
            : ExchangeMime.ThreadIndex(created, conversation);
        bool sent = !stored.IsDraft;
        Sent = sent ? modified : ParseDate(summary?.Date) ?? created;
        Received = sent ? modified : created;
        NetworkMessageId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("network:" + stored.Key)).AsSpan(0, 16));
        ChangeKey = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{stored.Key}|{stored.Folder}|{stored.Flags}|{modified.UtcTicks}")).AsSpan(0, 18)));
    }

    public StoredMessage Stored { get; }

    public MimeSummary? Summary { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset Modified { get; }

    public DateTimeOffset Sent { get; }

    public DateTimeOffset Received { get; }

    /// <summary>The Message-ID, angle brackets included; one Exchange would assign when the upload has none.</summary>
    public string InternetMessageId { get; }

    public string ConversationId { get; }

    public byte[] ThreadIndex { get; }

    public Guid NetworkMessageId { get; }

    public string ChangeKey { get; }

    public string? Subject => Summary?.Subject;

    /// <summary>Reads the message's file; null when it has gone (moved or deleted meanwhile).</summary>
    public static async Task<(MessageItem Item, byte[] Mime)?> LoadAsync(StoredMessage stored, CancellationToken cancellationToken)
    {
        byte[] mime;
        DateTimeOffset modified;
        try
        {
            mime = await File.ReadAllBytesAsync(stored.Path, cancellationToken).ConfigureAwait(false);
            modified = new DateTimeOffset(File.GetLastWriteTimeUtc(stored.Path), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        MimeSummary.TryParse(mime, out MimeSummary? summary);
        return (new MessageItem(stored, summary, MaildirStore.CreatedAt(stored), modified), mime);
    }

    /// <summary>The context Exchange's MIME writer needs.</summary>
    public ItemContext MimeContext => new(!Stored.IsDraft, Created, InternetMessageId, ThreadIndex, NetworkMessageId);

    /// <summary>Validates a <c>$select</c> list; null when every name is a property.</summary>
    public static string? UnknownProperty(IEnumerable<string> names) =>
        names.FirstOrDefault(name => !Properties.Contains(name, StringComparer.Ordinal));

    /// <summary>Writes the resource; <paramref name="select"/> limits the properties (id and @odata.etag are always written).</summary>
    public void Write(Utf8JsonWriter writer, MessageJsonOptions options, IReadOnlyCollection<string>? select, string? odataContext)
    {
        bool Wants(string property) => select is null ? Default.Contains(property) : select.Contains(property, StringComparer.Ordinal);

        writer.WriteStartObject();
        if (odataContext is not null)
        {
            writer.WriteString("@odata.context", odataContext);
        }

        writer.WriteString("@odata.etag", "W/\"" + ChangeKey + "\"");
        string id = options.ImmutableIds ? Stored.ImmutableId : Stored.RestId;
        writer.WriteString("id", id);
        if (Wants("createdDateTime"))
        {
            writer.WriteString("createdDateTime", Timestamp(Created));
        }

        if (Wants("lastModifiedDateTime"))
        {
            writer.WriteString("lastModifiedDateTime", Timestamp(Modified));
        }

        if (Wants("changeKey"))
        {
            writer.WriteString("changeKey", ChangeKey);
        }

        if (Wants("categories"))
        {
            writer.WriteStartArray("categories");
            writer.WriteEndArray();
        }

        if (Wants("receivedDateTime"))
        {
            writer.WriteString("receivedDateTime", Timestamp(Received));
        }

        if (Wants("sentDateTime"))
        {
            writer.WriteString("sentDateTime", Timestamp(Sent));
        }

        if (Wants("hasAttachments"))
        {
            writer.WriteBoolean("hasAttachments", Summary?.HasAttachments ?? false);
        }

        if (Wants("internetMessageId"))
        {
            writer.WriteString("internetMessageId", InternetMessageId);
        }

        if (Wants("subject"))
        {
            writer.WriteString("subject", Summary?.Subject ?? string.Empty);
        }

        if (Wants("bodyPreview"))
        {
            writer.WriteString("bodyPreview", Summary?.BodyPreview ?? string.Empty);
        }

        if (Wants("importance"))
        {
            writer.WriteString("importance", Summary?.Importance ?? "normal");
        }

        if (Wants("parentFolderId"))
        {
            writer.WriteString("parentFolderId", GraphIds.FolderId(Stored.Folder));
        }

        if (Wants("conversationId"))
        {
            writer.WriteString("conversationId", ConversationId);
        }

        if (Wants("conversationIndex"))
        {
            writer.WriteString("conversationIndex", Convert.ToBase64String(ThreadIndex));
        }

        if (Wants("isDeliveryReceiptRequested"))
        {
            writer.WriteBoolean("isDeliveryReceiptRequested", false);
        }

        if (Wants("isReadReceiptRequested"))
        {
            writer.WriteBoolean("isReadReceiptRequested", Summary?.IsReadReceiptRequested ?? false);
        }

        if (Wants("isRead"))
        {
            writer.WriteBoolean("isRead", true);
        }

        if (Wants("isDraft"))
        {
            writer.WriteBoolean("isDraft", Stored.IsDraft);
        }

        if (Wants("webLink"))
        {
            writer.WriteString("webLink", "https://outlook.office365.com/owa/?ItemID=" + WebUtility.UrlEncode(id) + "&exvsurl=1&viewmodel=ReadMessageItem");
        }

        if (Wants("inferenceClassification"))
        {
            writer.WriteString("inferenceClassification", "focused");
        }

        if (Wants("body"))
        {
            WriteBody(writer, "body", options.BodyContentType);
        }

        if (Wants("uniqueBody"))
        {
            WriteBody(writer, "uniqueBody", options.BodyContentType);
        }

        MailAddress? from = Summary?.From.FirstOrDefault() ?? OwnAddress(options.MailboxAddress);
        MailAddress? sender = Summary?.Sender.FirstOrDefault() ?? from;
        if (Wants("sender") && sender is not null)
        {
            WriteRecipient(writer, "sender", sender);
        }

        if (Wants("from") && from is not null)
        {
            WriteRecipient(writer, "from", from);
        }

        if (Wants("toRecipients"))
        {
            WriteRecipients(writer, "toRecipients", Summary?.To);
        }

        if (Wants("ccRecipients"))
        {
            WriteRecipients(writer, "ccRecipients", Summary?.Cc);
        }

        if (Wants("bccRecipients"))
        {
            WriteRecipients(writer, "bccRecipients", Summary?.Bcc);
        }

        if (Wants("replyTo"))
        {
            WriteRecipients(writer, "replyTo", Summary?.ReplyTo);
        }

        if (Wants("flag"))
        {
            writer.WriteStartObject("flag");
            writer.WriteString("flagStatus", "notFlagged");
            writer.WriteEndObject();
        }

        if (Wants("internetMessageHeaders"))
        {
            writer.WriteStartArray("internetMessageHeaders");
            foreach (SmimeGraph.Mime.MimeHeaderField field in Summary?.Entity.Headers ?? [])
            {
                writer.WriteStartObject();
                writer.WriteString("name", field.Name);
                writer.WriteString("value", field.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>The value a <c>$filter</c> compares: the property as JSON would show it.</summary>
    public string? FilterValue(string property, MessageJsonOptions options) => property switch
    {
        "internetMessageId" => InternetMessageId,
        "subject" => Summary?.Subject ?? string.Empty,
        "conversationId" => ConversationId,
        "parentFolderId" => GraphIds.FolderId(Stored.Folder),
        "isDraft" => Stored.IsDraft ? "true" : "false",
        "isRead" => "true",
        "hasAttachments" => Summary?.HasAttachments == true ? "true" : "false",
        "id" => options.ImmutableIds ? Stored.ImmutableId : Stored.RestId,
        _ => null,
    };

    /// <summary>RFC 5322 §3.6.4 msg-id an Exchange server would write for an upload without one, fixed per item.</summary>
    private static string AssignedMessageId(string key) =>
        "<" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16)) + "@emulator.smimegraph>";

    private void WriteBody(Utf8JsonWriter writer, string name, string? preferred)
    {
        (string contentType, string content) = Summary?.Body ?? ("text", string.Empty);
        if (preferred == "html" && contentType == "text")
        {
            content = "<html><body><pre>" + WebUtility.HtmlEncode(content) + "</pre></body></html>";
            contentType = "html";
        }
        else if (preferred == "text" && contentType == "html")
        {
            content = Summary?.BodyPreview ?? string.Empty;
            contentType = "text";
        }

        writer.WriteStartObject(name);
        writer.WriteString("contentType", contentType);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    private static MailAddress? OwnAddress(string? mailbox) =>
        mailbox is not null && mailbox.Contains('@', StringComparison.Ordinal) && MailAddress.TryCreate(mailbox, out MailAddress? own) ? own : null;

    private static void WriteRecipients(Utf8JsonWriter writer, string name, IReadOnlyList<MailAddress>? addresses)
    {
        writer.WriteStartArray(name);
        foreach (MailAddress address in addresses ?? [])
        {
            WriteRecipient(writer, null, address);
        }

        writer.WriteEndArray();
    }

    private static void WriteRecipient(Utf8JsonWriter writer, string? name, MailAddress address)
    {
        if (name is null)
        {
            writer.WriteStartObject();
        }
        else
        {
            writer.WriteStartObject(name);
        }

        writer.WriteStartObject("emailAddress");
        writer.WriteString("name", string.IsNullOrEmpty(address.DisplayName) ? address.Address : address.DisplayName);
        writer.WriteString("address", address.Address);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // Graph writes UTC times to the second with a Z (user-post-messages.md examples).
    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static bool TryBase64(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text.Trim(), bytes, out int written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = null;
        return false;
    }

    /// <summary>RFC 5322 §3.3 date-time, the obsolete zone names aside.</summary>
    private static DateTimeOffset? ParseDate(string? date)
    {
        if (string.IsNullOrWhiteSpace(date))
        {
            return null;
        }

        string text = date.Trim();
        int comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
        {
            text = text[(comma + 1)..].Trim();
        }

        int comment = text.IndexOf('(', StringComparison.Ordinal);
        if (comment >= 0)
        {
            text = text[..comment].Trim();
        }

        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 5 && parts[4].Length == 5 && parts[4][0] is '+' or '-')
        {
            parts[4] = parts[4][..3] + ":" + parts[4][3..];
            text = string.Join(' ', parts);
        }

        return DateTimeOffset.TryParseExact(text, ["d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz"], CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset parsed)
            ? parsed
            : null;
    }
}

/// <summary>How to write message resources for one request.</summary>
/// <param name="ImmutableIds">True under <c>Prefer: IdType="ImmutableId"</c>.</param>
/// <param name="BodyContentType">The <c>Prefer: outlook.body-content-type</c> value ("text" or "html"), or null.</param>
/// <param name="MailboxAddress">The mailbox's address, when known: the From of a message that has none.</param>
internal sealed record MessageJsonOptions(bool ImmutableIds, string? BodyContentType, string? MailboxAddress);
