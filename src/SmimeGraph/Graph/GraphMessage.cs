using System.Globalization;
using System.Text.Json;

namespace SmimeGraph.Graph;

/// <summary>
/// The properties of a Graph <c>message</c> resource that matter after a MIME upload, as Graph
/// returned them (<c>201 Created</c> from create draft, createReply, createReplyAll, createForward).
/// </summary>
public sealed record GraphMessage
{
    /// <summary>Graph's message id (used in <c>/messages/{id}</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The <c>from</c> property.</summary>
    public GraphEmailAddress? From { get; init; }

    /// <summary>The <c>sender</c> property.</summary>
    public GraphEmailAddress? Sender { get; init; }

    /// <summary>The <c>toRecipients</c>.</summary>
    public IReadOnlyList<GraphEmailAddress> ToRecipients { get; init; } = [];

    /// <summary>The <c>ccRecipients</c>.</summary>
    public IReadOnlyList<GraphEmailAddress> CcRecipients { get; init; } = [];

    /// <summary>The <c>bccRecipients</c>.</summary>
    public IReadOnlyList<GraphEmailAddress> BccRecipients { get; init; } = [];

    /// <summary>The <c>replyTo</c> addresses.</summary>
    public IReadOnlyList<GraphEmailAddress> ReplyTo { get; init; } = [];

    /// <summary>Whether Graph sees attachments (an encrypted message shows its <c>smime.p7m</c>).</summary>
    public bool HasAttachments { get; init; }

    /// <summary>Whether the message is still a draft.</summary>
    public bool IsDraft { get; init; }

    /// <summary>The Message-ID header, with angle brackets as Graph returns it.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>The first characters of the body, when Graph could read it.</summary>
    public string? BodyPreview { get; init; }

    /// <summary>The folder holding the message.</summary>
    public string? ParentFolderId { get; init; }

    /// <summary>The conversation id.</summary>
    public string? ConversationId { get; init; }

    /// <summary>When the item was created.</summary>
    public DateTimeOffset? CreatedDateTime { get; init; }

    /// <summary>When the message was sent (for a draft, usually the creation time).</summary>
    public DateTimeOffset? SentDateTime { get; init; }

    /// <summary>Reads a <c>message</c> JSON object.</summary>
    /// <exception cref="JsonException">The JSON has no <c>id</c>.</exception>
    internal static GraphMessage FromJson(JsonElement message)
    {
        string id = String(message, "id") is { Length: > 0 } value
            ? value
            : throw new JsonException("The message in Graph's response has no id.");
        return new GraphMessage
        {
            Id = id,
            Subject = String(message, "subject"),
            From = Recipient(message, "from"),
            Sender = Recipient(message, "sender"),
            ToRecipients = Recipients(message, "toRecipients"),
            CcRecipients = Recipients(message, "ccRecipients"),
            BccRecipients = Recipients(message, "bccRecipients"),
            ReplyTo = Recipients(message, "replyTo"),
            HasAttachments = Boolean(message, "hasAttachments"),
            IsDraft = Boolean(message, "isDraft"),
            InternetMessageId = String(message, "internetMessageId"),
            BodyPreview = String(message, "bodyPreview"),
            ParentFolderId = String(message, "parentFolderId"),
            ConversationId = String(message, "conversationId"),
            CreatedDateTime = Date(message, "createdDateTime"),
            SentDateTime = Date(message, "sentDateTime"),
        };
    }

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool Boolean(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    private static DateTimeOffset? Date(JsonElement parent, string name) =>
        String(parent, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            ? date
            : null;

    private static GraphEmailAddress? Recipient(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement recipient) ? EmailAddress(recipient) : null;

    // recipient: { "emailAddress": { "name": ..., "address": ... } }
    private static GraphEmailAddress? EmailAddress(JsonElement recipient) =>
        recipient.ValueKind == JsonValueKind.Object
        && recipient.TryGetProperty("emailAddress", out JsonElement emailAddress)
        && String(emailAddress, "address") is { } address
            ? new GraphEmailAddress(String(emailAddress, "name"), address)
            : null;

    private static GraphEmailAddress[] Recipients(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<GraphEmailAddress>(array.GetArrayLength());
        foreach (JsonElement recipient in array.EnumerateArray())
        {
            if (EmailAddress(recipient) is { } address)
            {
                list.Add(address);
            }
        }

        return [.. list];
    }
}
