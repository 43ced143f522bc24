using System.Buffers.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SmimeGraph.Emulator;

/// <summary>Create, read, list, update and delete messages.</summary>
internal sealed partial class GraphMailEndpoints
{
    /// <summary>
    /// createMessage (api-reference/v1.0/api/user-post-messages.md) and createReply,
    /// createReplyAll, createForward (message-createreply.md, ...): a draft from MIME (or, for a
    /// new message, JSON), answered 201 with the message.
    /// </summary>
    private async Task CreateAsync(MailRequest request, StoredMessage? original)
    {
        string folder = Drafts;
        if (original is null && request.Route.Folder is { } folderSegment)
        {
            if (ResolveFolder(folderSegment) is not { } named)
            {
                await DrainAsync(request.Context).ConfigureAwait(false);
                await ErrorAsync(request.Context, 400, "ErrorInvalidIdMalformed", "Id is malformed.").ConfigureAwait(false);
                return;
            }

            folder = named;
        }

        // createReply, createReplyAll and createForward take MIME only.
        if (await ReadMimeAsync(request, allowJson: original is null, sendMailEnvelope: false).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        StoredMessage created;
        lock (_store.LockFor(request.Mailbox))
        {
            created = _store.Add(request.Mailbox, folder, upload.Mime, MaildirStore.DraftFlag + MaildirStore.SeenFlag);
        }

        request.Context.Response.Headers.Location = $"{request.ServiceRoot}/users/{request.ContextUser}/messages/{(request.Json.ImmutableIds ? created.ImmutableId : created.RestId)}";
        await WriteMessageAsync(request, created, 201, select: null).ConfigureAwait(false);
    }

    /// <summary>Get message (api-reference/v1.0/api/message-get.md), with <c>$select</c>.</summary>
    private async Task GetMessageAsync(MailRequest request)
    {
        if (ODataQuery.Parse(request.Context.Request.Query, forCollection: false, out string? code, out string? error) is not { } query)
        {
            await ErrorAsync(request.Context, 400, code!, error!).ConfigureAwait(false);
            return;
        }

        if (await FindMessageAsync(request).ConfigureAwait(false) is { } message)
        {
            await WriteMessageAsync(request, message, 200, query.Select).ConfigureAwait(false);
        }
    }

    private async Task WriteMessageAsync(MailRequest request, StoredMessage message, int status, IReadOnlyList<string>? select)
    {
        if (await MessageItem.LoadAsync(message, request.Context.RequestAborted).ConfigureAwait(false) is not { } loaded)
        {
            await NotFoundAsync(request.Context).ConfigureAwait(false);
            return;
        }

        string context = $"{request.ServiceRoot}/$metadata#users('{request.ContextUser}')/messages" + (select is null ? "/$entity" : $"({string.Join(',', select)})/$entity");
        await JsonAsync(request.Context, status, writer => loaded.Item.Write(writer, request.Json, select, context)).ConfigureAwait(false);
    }

    /// <summary>
    /// List messages (api-reference/v1.0/api/user-list-messages.md): newest first, 10 per page
    /// unless <c>$top</c> (1 to 1000) says otherwise, the next page in <c>@odata.nextLink</c>.
    /// </summary>
    private async Task ListAsync(MailRequest request)
    {
        HttpContext context = request.Context;
        string? folder = null;
        if (request.Route.Folder is { } folderSegment && (folder = ResolveFolder(folderSegment)) is null)
        {
            await ErrorAsync(context, 400, "ErrorInvalidIdMalformed", "Id is malformed.").ConfigureAwait(false);
            return;
        }

        if (ODataQuery.Parse(context.Request.Query, forCollection: true, out string? code, out string? error) is not { } query)
        {
            await ErrorAsync(context, 400, code!, error!).ConfigureAwait(false);
            return;
        }

        var items = new List<MessageItem>();
        foreach (StoredMessage stored in _store.List(request.Mailbox, folder))
        {
            if (await MessageItem.LoadAsync(stored, context.RequestAborted).ConfigureAwait(false) is { } loaded
                && query.Filter.All(clause => string.Equals(loaded.Item.FilterValue(clause.Property, request.Json), clause.Value, StringComparison.OrdinalIgnoreCase)))
            {
                items.Add(loaded.Item);
            }
        }

        items.Sort((a, b) => b.Received != a.Received ? b.Received.CompareTo(a.Received) : string.CompareOrdinal(b.Stored.Key, a.Stored.Key));
        List<MessageItem> page = [.. items.Skip(query.Skip).Take(query.Top)];
        string collection = folder is null ? "messages" : $"mailFolders('{request.Route.Folder}')/messages";
        string odataContext = $"{request.ServiceRoot}/$metadata#users('{request.ContextUser}')/{collection}" + (query.Select is null ? string.Empty : $"({string.Join(',', query.Select)})");
        string? nextLink = query.Skip + page.Count < items.Count ? NextLink(context, query.Skip + page.Count) : null;
        await JsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("@odata.context", odataContext);
            writer.WriteStartArray("value");
            foreach (MessageItem item in page)
            {
                item.Write(writer, request.Json, query.Select, odataContext: null);
            }

            writer.WriteEndArray();
            if (nextLink is not null)
            {
                writer.WriteString("@odata.nextLink", nextLink);
            }

            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    // The same request with $skip moved on ("This URL includes any query parameters you may have specified").
    private static string NextLink(HttpContext context, int skip)
    {
        var parameters = new List<string>();
        foreach (var (name, values) in context.Request.Query)
        {
            if (name != "$skip")
            {
                parameters.Add(Uri.EscapeDataString(name).Replace("%24", "$", StringComparison.Ordinal) + "=" + Uri.EscapeDataString(values.ToString()));
            }
        }

        parameters.Add("$skip=" + skip.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?{string.Join('&', parameters)}";
    }

    /// <summary>
    /// Delete message (api-reference/v1.0/api/message-delete.md, 204): the message moves to Deleted
    /// Items (resources/mailfolder.md, well-known names: "deleteditems: The folder items are moved to
    /// when they're deleted."); deleted from there, it is gone.
    /// </summary>
    private async Task DeleteAsync(MailRequest request)
    {
        await DrainAsync(request.Context).ConfigureAwait(false);
        if (await FindMessageAsync(request).ConfigureAwait(false) is not { } found)
        {
            return;
        }

        bool deleted = false;
        lock (_store.LockFor(request.Mailbox))
        {
            if (_store.TryFind(request.Mailbox, found.Folder, found.Key, out StoredMessage? current))
            {
                if (current.Folder == DeletedItems)
                {
                    _store.Delete(current);
                }
                else
                {
                    _store.Move(current, DeletedItems, current.Flags.Replace(MaildirStore.SubmittedFlag, string.Empty, StringComparison.Ordinal), touch: true);
                }

                deleted = true;
            }
        }

        if (!deleted)
        {
            await NotFoundAsync(request.Context).ConfigureAwait(false);
            return;
        }

        request.Context.Response.StatusCode = 204;
    }

    /// <summary>
    /// Get MIME content (concepts/outlook-get-mime-message.md): regenerated the way Exchange does
    /// (<see cref="ExchangeMime"/>), or the stored bytes when <see cref="EmulatorOptions.RegenerateMime"/> is off.
    /// </summary>
    private async Task GetValueAsync(MailRequest request)
    {
        HttpContext context = request.Context;
        if (request.Route.Folder is not null)
        {
            // Publicly observed (microsoftgraph/microsoft-graph-docs-contrib#5546): $value is not served under mailFolders.
            await ErrorAsync(context, 405, "ErrorInvalidRequest", "The OData request is not supported.").ConfigureAwait(false);
            return;
        }

        if (await FindMessageAsync(request).ConfigureAwait(false) is not { } message)
        {
            return;
        }

        if (_options.RegenerateMime)
        {
            if (await MessageItem.LoadAsync(message, context.RequestAborted).ConfigureAwait(false) is not { } loaded)
            {
                await NotFoundAsync(context).ConfigureAwait(false);
                return;
            }

            byte[] mime = loaded.Item.Summary is { } summary ? ExchangeMime.Regenerate(summary, loaded.Item.MimeContext) : loaded.Mime;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = mime.Length;
            await context.Response.Body.WriteAsync(mime, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        FileStream file;
        try
        {
            file = new FileStream(message.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            await NotFoundAsync(context).ConfigureAwait(false);
            return;
        }

        await using (file.ConfigureAwait(false))
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = file.Length;
            await file.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Update a draft's MIME (<c>PUT $value</c>, concepts/outlook-send-mime-message.md). The body is
    /// read first; then, under the mailbox lock, the draft is looked up again and replaced only if
    /// it is still an unsent draft where the id says: a PUT that loses the race against a send
    /// fails and changes nothing.
    /// </summary>
    private async Task PutValueAsync(MailRequest request)
    {
        HttpContext context = request.Context;
        if (request.Route.Folder is not null)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 405, "ErrorInvalidRequest", "The OData request is not supported.").ConfigureAwait(false);
            return;
        }

        if (await ParseMessageIdAsync(request).ConfigureAwait(false) is not { } id
            || await ReadMimeAsync(request, allowJson: false, sendMailEnvelope: false).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        ChangeOutcome outcome;
        lock (_store.LockFor(request.Mailbox))
        {
            if (!TryLocate(request.Mailbox, id, request.Route.Folder, out StoredMessage? current))
            {
                outcome = ChangeOutcome.NotFound;
            }
            else if (!current.IsDraft || current.IsSubmitted)
            {
                outcome = ChangeOutcome.NotADraft;
            }
            else
            {
                _store.Replace(current, upload.Mime);
                outcome = ChangeOutcome.Done;
            }
        }

        switch (outcome)
        {
            case ChangeOutcome.NotFound:
                await NotFoundAsync(context).ConfigureAwait(false);
                break;
            case ChangeOutcome.NotADraft:
                await ErrorAsync(context, 400, "ErrorInvalidRequest", "Only an unsent draft's MIME content can be updated.").ConfigureAwait(false);
                break;
            default:
                context.Response.StatusCode = 204;
                break;
        }
    }

    /// <summary>
    /// Reads a MIME request body: <c>text/plain</c> base64 (concepts/outlook-send-mime-message.md)
    /// or, where Graph takes it, <c>application/json</c>. Writes the error and returns null on failure.
    /// </summary>
    private async Task<Upload?> ReadMimeAsync(MailRequest request, bool allowJson, bool sendMailEnvelope)
    {
        HttpContext context = request.Context;
        if (await ReadBodyAsync(request).ConfigureAwait(false) is not { } body)
        {
            return null;
        }

        string mediaType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == "text/plain")
        {
            // user-post-messages.md, user-sendmail.md: 400 ErrorMimeContentInvalidBase64String,
            // "Invalid base64 string for MIME content." Graph takes the base64 with or without line breaks.
            if (!Base64.IsValid(body, out _))
            {
                await ErrorAsync(context, 400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.").ConfigureAwait(false);
                return null;
            }

            // Decoded where it lies: the request body is not copied into a string and back.
            Base64.DecodeFromUtf8InPlace(body, out int written);
            byte[] mime = written == body.Length ? body : body.AsSpan(0, written).ToArray();

            // concepts/outlook-send-mime-message.md, "Error conditions": 400, "MIME content does
            // not contain all required information, malformed formatting, or empty." The code is
            // Exchange's (ErrorMimeContentInvalid, "Invalid MIME content.").
            if (mime.AsSpan().Trim(" \t\r\n"u8).IsEmpty || !MimeSummary.TryParse(mime, out MimeSummary? summary) || !MimeSummary.IsComplete(summary.Entity))
            {
                await ErrorAsync(context, 400, "ErrorMimeContentInvalid", "MIME content does not contain all required information, malformed formatting, or empty.").ConfigureAwait(false);
                return null;
            }

            return new Upload(mime, summary, SaveToSentItems: true);
        }

        if (mediaType == "application/json" && allowJson)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                await ErrorAsync(context, 400, "RequestBodyRead", "Invalid JSON in the request body.").ConfigureAwait(false);
                return null;
            }

            using (document)
            {
                JsonElement message = document.RootElement;
                bool save = true;
                if (sendMailEnvelope)
                {
                    if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("message", out JsonElement inner))
                    {
                        await ErrorAsync(context, 400, "ErrorInvalidRequest", "The sendMail body needs a message.").ConfigureAwait(false);
                        return null;
                    }

                    // user-sendmail.md: saveToSentItems, default true (a string "false" is read too, as in the page's example).
                    if (message.TryGetProperty("saveToSentItems", out JsonElement saveValue))
                    {
                        save = !(saveValue.ValueKind == JsonValueKind.False || (saveValue.ValueKind == JsonValueKind.String && "false".Equals(saveValue.GetString(), StringComparison.OrdinalIgnoreCase)));
                    }

                    message = inner;
                }

                string? from = IsAddress(request.Mailbox) ? request.Mailbox : null;
                byte[] mime = JsonMessageMime.Create(message, from, _time.GetUtcNow(), out string? error);
                if (error is not null || !MimeSummary.TryParse(mime, out MimeSummary? summary))
                {
                    await ErrorAsync(context, 400, "ErrorInvalidRecipients", error ?? "The message could not be read.").ConfigureAwait(false);
                    return null;
                }

                return new Upload(mime, summary, save);
            }
        }

        // Publicly observed answer to another Content-Type: 415 RequestBodyRead.
        await ErrorAsync(
            context,
            415,
            "RequestBodyRead",
            $"A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) '{(allowJson ? "text/plain, application/json" : "text/plain")}' matches the content type '{mediaType}'.").ConfigureAwait(false);
        return null;
    }

    /// <summary>The message the route's id names, or null after answering 400 or 404.</summary>
    private async Task<StoredMessage?> FindMessageAsync(MailRequest request)
    {
        if (await ParseMessageIdAsync(request).ConfigureAwait(false) is not { } id)
        {
            return null;
        }

        if (!TryLocate(request.Mailbox, id, request.Route.Folder, out StoredMessage? message))
        {
            await DrainAsync(request.Context).ConfigureAwait(false);
            await NotFoundAsync(request.Context).ConfigureAwait(false);
            return null;
        }

        return message;
    }

    /// <summary>
    /// Reads the route's message id. Not base64: 400 ErrorInvalidIdMalformed. Well-formed but not
    /// an id of this store: 404 ErrorItemNotFound (Graph's own ids contain '=', e.g.
    /// <c>AAMkADNlNYjSAAA=</c> in user-post-messages.md).
    /// </summary>
    private async Task<ParsedId?> ParseMessageIdAsync(MailRequest request)
    {
        GraphIdParse kind = GraphIds.ParseMessageId(request.Route.MessageId!, out string? folder, out string key);
        if (kind == GraphIdParse.Malformed)
        {
            await DrainAsync(request.Context).ConfigureAwait(false);
            await ErrorAsync(request.Context, 400, "ErrorInvalidIdMalformed", "Id is malformed.").ConfigureAwait(false);
            return null;
        }

        if (kind == GraphIdParse.Unknown)
        {
            await DrainAsync(request.Context).ConfigureAwait(false);
            await NotFoundAsync(request.Context).ConfigureAwait(false);
            return null;
        }

        return new ParsedId(folder, key);
    }

    /// <summary>
    /// The message now: a default id finds it only in the folder it names (it moved otherwise:
    /// "their IDs change ... if the item is moved", concepts/outlook-immutable-id.md), an immutable
    /// id anywhere in the mailbox; a <c>mailFolders/{id}</c> path must name its folder.
    /// </summary>
    private bool TryLocate(string mailbox, ParsedId id, string? folderSegment, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StoredMessage? message)
    {
        message = null;
        string? pathFolder = null;
        if (folderSegment is not null && (pathFolder = ResolveFolder(folderSegment)) is null)
        {
            return false;
        }

        bool found = id.Folder is null ? _store.TryFind(mailbox, id.Key, out message) : _store.TryFind(mailbox, id.Folder, id.Key, out message);
        return found && (pathFolder is null || message!.Folder == pathFolder);
    }

    /// <summary>A folder id this store issued, or a folder name (the well-known names <c>drafts</c>, <c>sentitems</c>, ... included).</summary>
    private static string? ResolveFolder(string segment) =>
        GraphIds.TryParseFolderId(segment, out string folder) ? folder : MaildirStore.TryNormalizeName(segment, out string? name) ? name : null;

    // Exchange's ErrorItemNotFound (OfficeDev/ews-managed-api, Enumerations/ServiceError.cs).
    private static Task NotFoundAsync(HttpContext context) =>
        ErrorAsync(context, 404, "ErrorItemNotFound", "The specified object was not found in the store.");

    private enum ChangeOutcome
    {
        Done,
        NotFound,
        NotADraft,
    }

    private sealed record ParsedId(string? Folder, string Key);

    private sealed record Upload(byte[] Mime, MimeSummary Summary, bool SaveToSentItems);
}
