using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SmimeGraph.Emulator;

/// <summary>
/// The Graph mail endpoints the emulator answers, under <c>/v1.0/me</c> and
/// <c>/v1.0/users/{id}</c>: create message (also in a mail folder), get and update
/// <c>$value</c>, send, sendMail, reply / replyAll / forward, createReply / createReplyAll /
/// createForward, get and list messages, delete. Errors use Graph's JSON shape and codes.
/// </summary>
internal sealed class GraphMailEndpoints(EmulatorOptions options, MaildirStore store, EmulatorFaults faults, EmulatorStatistics statistics)
{
    private const string Drafts = "drafts";
    private const string SentItems = "sentitems";
    private const int MaxDrainLength = 256 * 1024 * 1024;

    // Graph writes "<", ">" and non-ASCII as they are; the default encoder would escape them.
    private static readonly JsonWriterOptions JsonWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] SendActions = ["reply", "replyAll", "forward"];
    private static readonly string[] CreateActions = ["createReply", "createReplyAll", "createForward"];

    public async Task HandleAsync(HttpContext context)
    {
        statistics.CountRequest();
        HttpResponse response = context.Response;
        response.Headers["request-id"] = Guid.NewGuid().ToString();
        if (context.Request.Headers.TryGetValue("client-request-id", out var clientRequestId))
        {
            response.Headers["client-request-id"] = clientRequestId.ToString();
        }

        string[] segments = (context.Request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? mailbox = ResolveMailbox(segments, out int consumed);
        using (statistics.Enter(mailbox ?? string.Empty))
        {
            try
            {
                await DispatchAsync(context, segments, mailbox, consumed).ConfigureAwait(false);
            }
            finally
            {
                options.Log?.WriteLine($"{context.Request.Method} {context.Request.Path} {(context.RequestAborted.IsCancellationRequested ? "aborted" : response.StatusCode.ToString(CultureInfo.InvariantCulture))}");
            }
        }
    }

    private async Task DispatchAsync(HttpContext context, string[] segments, string? mailbox, int consumed)
    {
        if (faults.TryTake(out EmulatorFault? fault))
        {
            await DrainAsync(context).ConfigureAwait(false);
            if (fault.Kind == EmulatorFaultKind.DropConnection)
            {
                // The request was read in full; the client cannot tell whether it was acted on.
                context.Abort();
                return;
            }

            if (fault.RetryAfterSeconds is int seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }
            else if (fault.RetryAt is DateTimeOffset at)
            {
                context.Response.Headers.RetryAfter = at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
            }

            await ErrorAsync(context, fault.StatusCode, fault.Code, fault.Message).ConfigureAwait(false);
            return;
        }

        // Graph's answer to a request without a token.
        string authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length || string.IsNullOrWhiteSpace(authorization["Bearer ".Length..]))
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "Access token is empty.").ConfigureAwait(false);
            return;
        }

        if (segments.Length == 0 || segments[0] != "v1.0" || consumed == 0)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 400, "BadRequest", "Resource not found for the segment '" + (segments.Length > 0 ? segments[^1] : string.Empty) + "'.").ConfigureAwait(false);
            return;
        }

        if (mailbox is null)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 404, "ErrorInvalidUser", "The requested user is invalid.").ConfigureAwait(false);
            return;
        }

        if (options.ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.ResponseDelay, context.RequestAborted).ConfigureAwait(false);
        }

        string method = context.Request.Method;
        string[] rest = Array.ConvertAll(segments[consumed..], Canonical);
        switch (rest)
        {
            case ["sendMail"] when HttpMethods.IsPost(method):
                await SendMailAsync(context, mailbox).ConfigureAwait(false);
                return;
            case ["messages"] when HttpMethods.IsPost(method):
                await CreateAsync(context, mailbox, Drafts, original: null).ConfigureAwait(false);
                return;
            case ["messages"] when HttpMethods.IsGet(method):
                await ListAsync(context, mailbox, null).ConfigureAwait(false);
                return;
            case ["mailFolders", string folder, "messages"]:
                if (!MaildirStore.TryNormalizeName(folder, out string? folderName))
                {
                    await ErrorAsync(context, 404, "ErrorInvalidIdMalformed", "Id is malformed.").ConfigureAwait(false);
                }
                else if (HttpMethods.IsPost(method))
                {
                    await CreateAsync(context, mailbox, folderName, original: null).ConfigureAwait(false);
                }
                else if (HttpMethods.IsGet(method))
                {
                    await ListAsync(context, mailbox, folderName).ConfigureAwait(false);
                }
                else
                {
                    await MethodNotAllowedAsync(context).ConfigureAwait(false);
                }

                return;
            case ["messages", string id, ..]:
                await MessageAsync(context, mailbox, id, rest[2..]).ConfigureAwait(false);
                return;
            default:
                await DrainAsync(context).ConfigureAwait(false);
                await ErrorAsync(context, 400, "BadRequest", "Resource not found for the segment '" + (rest.Length > 0 ? rest[0] : string.Empty) + "'.").ConfigureAwait(false);
                return;
        }
    }

    private async Task MessageAsync(HttpContext context, string mailbox, string id, string[] rest)
    {
        string method = context.Request.Method;
        if (!MaildirStore.IsWellFormedId(id))
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 400, "ErrorInvalidIdMalformed", "Id is malformed.").ConfigureAwait(false);
            return;
        }

        if (!store.TryFind(mailbox, id, out EmulatorMessage? message))
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 404, "ErrorItemNotFound", "The specified object was not found in the store.").ConfigureAwait(false);
            return;
        }

        switch (rest)
        {
            case [] when HttpMethods.IsGet(method):
                await MessageJsonAsync(context, message, 200).ConfigureAwait(false);
                return;
            case [] when HttpMethods.IsDelete(method):
                File.Delete(message.Path);
                context.Response.StatusCode = 204;
                return;
            case ["$value"] when HttpMethods.IsGet(method):
                await GetValueAsync(context, message).ConfigureAwait(false);
                return;
            case ["$value"] when HttpMethods.IsPut(method):
                await PutValueAsync(context, message).ConfigureAwait(false);
                return;
            case ["send"] when HttpMethods.IsPost(method):
                await SendDraftAsync(context, message).ConfigureAwait(false);
                return;
            case [string action] when HttpMethods.IsPost(method) && Matches(SendActions, action):
                {
                    byte[]? mime = await ReadMimeAsync(context, allowJson: false).ConfigureAwait(false);
                    if (mime is not null)
                    {
                        store.Add(mailbox, SentItems, mime, draft: false);
                        context.Response.StatusCode = 202;
                    }

                    return;
                }

            case [string action] when HttpMethods.IsPost(method) && Matches(CreateActions, action):
                await CreateAsync(context, mailbox, Drafts, message).ConfigureAwait(false);
                return;
            case [] or ["$value"] or ["send"]:
                await MethodNotAllowedAsync(context).ConfigureAwait(false);
                return;
            default:
                await DrainAsync(context).ConfigureAwait(false);
                await ErrorAsync(context, 400, "BadRequest", "Resource not found for the segment '" + rest[0] + "'.").ConfigureAwait(false);
                return;
        }
    }

    private async Task CreateAsync(HttpContext context, string mailbox, string folder, EmulatorMessage? original)
    {
        // createReply/createReplyAll/createForward take MIME only; the original only has to exist.
        byte[]? mime = await ReadMimeAsync(context, allowJson: original is null, mailbox).ConfigureAwait(false);
        if (mime is null)
        {
            return;
        }

        EmulatorMessage created = store.Add(mailbox, folder, mime, draft: true);
        context.Response.Headers.Location = $"/v1.0/{(mailbox == options.MeMailbox ? "me" : "users/" + mailbox)}/messages/{created.Id}";
        await MessageJsonAsync(context, created, 201).ConfigureAwait(false);
    }

    private async Task SendMailAsync(HttpContext context, string mailbox)
    {
        byte[]? mime = await ReadMimeAsync(context, allowJson: true, mailbox, sendMailEnvelope: true).ConfigureAwait(false);
        if (mime is null)
        {
            return;
        }

        // Kept in Sent Items whatever saveToSentItems says: the store is the record of what was sent.
        store.Add(mailbox, SentItems, mime, draft: false);
        context.Response.StatusCode = 202;
    }

    private async Task SendDraftAsync(HttpContext context, EmulatorMessage message)
    {
        await DrainAsync(context).ConfigureAwait(false);
        if (!message.IsDraft)
        {
            await ErrorAsync(context, 400, "ErrorInvalidRequest", "Only a draft can be sent.").ConfigureAwait(false);
            return;
        }

        try
        {
            store.Move(message, SentItems, draft: false);
        }
        catch (FileNotFoundException)
        {
            // Sent by a concurrent request a moment ago.
            await ErrorAsync(context, 404, "ErrorItemNotFound", "The specified object was not found in the store.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 202;
    }

    private static async Task GetValueAsync(HttpContext context, EmulatorMessage message)
    {
        FileStream file;
        try
        {
            file = new FileStream(message.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            await ErrorAsync(context, 404, "ErrorItemNotFound", "The specified object was not found in the store.").ConfigureAwait(false);
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

    private async Task PutValueAsync(HttpContext context, EmulatorMessage message)
    {
        byte[]? mime = await ReadMimeAsync(context, allowJson: false).ConfigureAwait(false);
        if (mime is null)
        {
            return;
        }

        if (!message.IsDraft)
        {
            await ErrorAsync(context, 400, "ErrorInvalidRequest", "Only a draft's MIME content can be updated.").ConfigureAwait(false);
            return;
        }

        try
        {
            store.Replace(message, mime);
        }
        catch (FileNotFoundException)
        {
            await ErrorAsync(context, 404, "ErrorItemNotFound", "The specified object was not found in the store.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 204;
    }

    private async Task ListAsync(HttpContext context, string mailbox, string? folder)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            foreach (EmulatorMessage message in store.List(mailbox, folder))
            {
                byte[] mime;
                try
                {
                    mime = await File.ReadAllBytesAsync(message.Path, context.RequestAborted).ConfigureAwait(false);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }

                WriteMessage(writer, message, mime);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a MIME request body: <c>text/plain</c> base64 (Graph's MIME form) or, where Graph
    /// takes it, <c>application/json</c>. Writes the error response and returns null on failure.
    /// </summary>
    private async Task<byte[]?> ReadMimeAsync(HttpContext context, bool allowJson, string? mailbox = null, bool sendMailEnvelope = false)
    {
        byte[]? body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        string mediaType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == "text/plain")
        {
            // Graph accepts the base64 with or without line breaks.
            if (!Base64.IsValid(body, out int decodedLength))
            {
                await ErrorAsync(context, 400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.").ConfigureAwait(false);
                return null;
            }

            // Decoded where it lies: the request body is not copied into a string and back.
            Base64.DecodeFromUtf8InPlace(body, out int written);
            byte[] mime = written == body.Length ? body : body.AsSpan(0, written).ToArray();
            if (!MimeSummary.TryParse(mime, out _))
            {
                await ErrorAsync(context, 400, "ErrorMimeContentInvalid", "MIME content does not contain all required information, malformed formatting, or empty.").ConfigureAwait(false);
                return null;
            }

            return mime;
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
                if (sendMailEnvelope && (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("message", out message)))
                {
                    await ErrorAsync(context, 400, "ErrorInvalidRequest", "The sendMail body needs a message.").ConfigureAwait(false);
                    return null;
                }

                string? from = mailbox is not null && mailbox.Contains('@', StringComparison.Ordinal) ? mailbox : null;
                byte[] mime = JsonMessageMime.Create(message, from, DateTimeOffset.UtcNow, out string? error);
                if (error is not null)
                {
                    await ErrorAsync(context, 400, "ErrorInvalidRecipients", error).ConfigureAwait(false);
                    return null;
                }

                return mime;
            }
        }

        await ErrorAsync(context, 415, "UnsupportedMediaType", allowJson ? "Use Content-Type text/plain (MIME) or application/json." : "Use Content-Type text/plain (MIME).").ConfigureAwait(false);
        return null;
    }

    /// <summary>The request body, or null after answering 413 when it is over the ceiling.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        long ceiling = options.MaxRequestBodyLength;
        long? declared = context.Request.ContentLength;
        if (declared > ceiling)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await TooLargeAsync(context).ConfigureAwait(false);
            return null;
        }

        using var body = new MemoryStream(declared is long length ? (int)length : 0);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > ceiling)
                {
                    await DrainAsync(context).ConfigureAwait(false);
                    await TooLargeAsync(context).ConfigureAwait(false);
                    return null;
                }

                body.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return body.ToArray();
    }

    private Task TooLargeAsync(HttpContext context) =>
        ErrorAsync(context, 413, "ErrorMessageSizeExceeded", $"The request body exceeds the maximum of {options.MaxRequestBodyLength.ToString("N0", CultureInfo.InvariantCulture)} bytes.");

    /// <summary>Reads and discards what is left of the request body, so the client sees the response rather than a reset.</summary>
    private static async Task DrainAsync(HttpContext context)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxDrainLength)
                {
                    context.Abort();
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task MessageJsonAsync(HttpContext context, EmulatorMessage message, int status)
    {
        byte[] mime = await File.ReadAllBytesAsync(message.Path, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterOptions))
        {
            WriteMessage(writer, message, mime);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A Graph <c>message</c> resource, its properties read from the stored MIME.</summary>
    private void WriteMessage(Utf8JsonWriter writer, EmulatorMessage message, byte[] mime)
    {
        MimeSummary.TryParse(mime, out MimeSummary? summary);
        DateTime modified = File.GetLastWriteTimeUtc(message.Path);
        string timestamp = modified.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        writer.WriteString("createdDateTime", timestamp);
        writer.WriteString("lastModifiedDateTime", timestamp);
        writer.WriteString("receivedDateTime", timestamp);
        writer.WriteString("sentDateTime", timestamp);
        writer.WriteBoolean("hasAttachments", summary?.HasAttachments ?? false);
        writer.WriteString("internetMessageId", summary?.MessageId ?? $"<{message.Id}@emulator.smimegraph>");
        writer.WriteString("subject", summary?.Subject ?? string.Empty);
        writer.WriteString("bodyPreview", summary?.BodyPreview ?? string.Empty);
        writer.WriteString("importance", "normal");
        writer.WriteString("parentFolderId", message.Folder);
        writer.WriteString("conversationId", message.Id);
        writer.WriteBoolean("isRead", true);
        writer.WriteBoolean("isDraft", message.IsDraft);
        MailAddress? from = summary?.From.FirstOrDefault()
            ?? (message.Mailbox.Contains('@', StringComparison.Ordinal) && MailAddress.TryCreate(message.Mailbox, out MailAddress? own) ? own : null);
        MailAddress? sender = summary?.Sender.FirstOrDefault() ?? from;
        if (sender is not null)
        {
            WriteRecipient(writer, "sender", sender);
        }

        if (from is not null)
        {
            WriteRecipient(writer, "from", from);
        }

        WriteRecipients(writer, "toRecipients", summary?.To);
        WriteRecipients(writer, "ccRecipients", summary?.Cc);
        WriteRecipients(writer, "bccRecipients", summary?.Bcc);
        WriteRecipients(writer, "replyTo", summary?.ReplyTo);
        writer.WriteEndObject();
    }

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

    private static async Task MethodNotAllowedAsync(HttpContext context)
    {
        await DrainAsync(context).ConfigureAwait(false);
        await ErrorAsync(context, 405, "Request_BadRequest", "The HTTP method is not allowed for this resource.").ConfigureAwait(false);
    }

    /// <summary>Graph's error body: <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.</summary>
    internal static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteStartObject("innerError");
            writer.WriteString("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            writer.WriteString("request-id", response.Headers["request-id"].ToString());
            if (response.Headers.TryGetValue("client-request-id", out var clientRequestId))
            {
                writer.WriteString("client-request-id", clientRequestId.ToString());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>v1.0/me/…</c> → the configured mailbox; <c>v1.0/users/{id}/…</c> → the id, normalised; null when not a usable name.</summary>
    private string? ResolveMailbox(string[] segments, out int consumed)
    {
        consumed = 0;
        if (segments.Length >= 2 && segments[1].Equals("me", StringComparison.OrdinalIgnoreCase))
        {
            consumed = 2;
            return MaildirStore.TryNormalizeName(options.MeMailbox, out string? me) ? me : null;
        }

        if (segments.Length >= 3 && segments[1].Equals("users", StringComparison.OrdinalIgnoreCase))
        {
            consumed = 3;
            return MaildirStore.TryNormalizeName(segments[2], out string? user) ? user : null;
        }

        return null;
    }

    private static readonly string[] Keywords =
        ["messages", "mailFolders", "sendMail", "$value", "send", "reply", "replyAll", "forward", "createReply", "createReplyAll", "createForward"];

    // Graph's path segments are case-insensitive; ids never collide with these words.
    private static string Canonical(string segment)
    {
        foreach (string keyword in Keywords)
        {
            if (keyword.Equals(segment, StringComparison.OrdinalIgnoreCase))
            {
                return keyword;
            }
        }

        return segment;
    }

    private static bool Matches(string[] actions, string action)
    {
        foreach (string candidate in actions)
        {
            if (candidate.Equals(action, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
