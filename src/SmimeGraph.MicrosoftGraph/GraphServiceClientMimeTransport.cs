using System.Globalization;
using System.Net;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using SmimeGraph.Graph;

namespace SmimeGraph.MicrosoftGraph;

/// <summary>
/// <see cref="IGraphMimeTransport"/> over a Microsoft Graph SDK <see cref="GraphServiceClient"/>,
/// for applications that already hold one: its authentication provider, base URL (national
/// cloud) and middleware apply. MIME bodies go as Graph's MIME endpoints ask: the base64 of the
/// message, <c>Content-Type: text/plain</c> (https://learn.microsoft.com/graph/outlook-send-mime-message).
/// </summary>
/// <remarks>
/// <para>The SDK's retry handler repeats 429, 503 and 504 answers. A 504 is the gateway giving up
/// on a mailbox server that may already have acted, so on every request that sends mail (send,
/// sendMail, reply, replyAll, forward) or creates an item (create, createReply, createReplyAll,
/// createForward) this transport tells the retry handler (a per-request
/// <see cref="RetryHandlerOption"/>) to repeat only 429 and 503, which Graph answers before acting
/// (https://learn.microsoft.com/graph/throttling, https://learn.microsoft.com/graph/errors).</para>
/// <para>A 504 or a connection lost after the request was written is then: for a send, a
/// <see cref="GraphAmbiguousSendException"/>, never a second send; for a create, a lookup of the
/// draft by the payload's Message-ID (<see cref="FindByInternetMessageIdAsync"/>) before the create
/// is made again, so there are never two drafts.</para>
/// <para>Each logical request carries one <c>client-request-id</c>, the same on the SDK's retries.
/// Graph's errors arrive as <see cref="GraphRequestException"/> (and a 413 as
/// <see cref="PayloadTooLargeException"/>), not as the SDK's <see cref="ODataError"/>.</para>
/// </remarks>
public sealed class GraphServiceClientMimeTransport : IGraphMimeTransport
{
    private const string DraftsFolder = "drafts";
    private const int LookupPageSize = 10;

    private static readonly Dictionary<string, ParsableFactory<IParsable>> ErrorMapping = new()
    {
        ["XXX"] = ODataError.CreateFromDiscriminatorValue,
    };

    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(2);

    private readonly GraphServiceClient _client;
    private readonly GraphServiceClientMimeTransportOptions _options;

    /// <summary>Creates the transport.</summary>
    /// <param name="client">The SDK client (its lifetime is the caller's).</param>
    /// <param name="options">Immutable ids and the ambiguous-create lookup; defaults when null.</param>
    public GraphServiceClientMimeTransport(GraphServiceClient client, GraphServiceClientMimeTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new GraphServiceClientMimeTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxCreateAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.AmbiguousCreateLookupWait, TimeSpan.Zero, nameof(options));
    }

    /// <inheritdoc/>
    public Task<GraphMessage> CreateDraftAsync(GraphMailbox mailbox, GraphPayload payload, string? folderId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string path = folderId is null ? "messages" : $"mailFolders/{Segment(folderId, nameof(folderId))}/messages";
        return CreateAsync(mailbox, path, payload, "createMessage", folderId ?? DraftsFolder, cancellationToken);
    }

    /// <inheritdoc/>
    public Task UpdateDraftAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        // PUT replaces the whole MIME content: repeating it leaves the same draft (RFC 9110 §9.2.2),
        // so the SDK's retry handler keeps its defaults.
        RequestInformation request = Request(Method.PUT, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/$value", payload, idempotent: true);
        return NoContentAsync(request, "updateMessage", mayHaveSentMail: false, mailbox, cancellationToken);
    }

    /// <inheritdoc/>
    public Task SendDraftAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default)
    {
        RequestInformation request = Request(Method.POST, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/send", null, idempotent: false);
        return NoContentAsync(request, "send", mayHaveSentMail: true, mailbox, cancellationToken);
    }

    /// <inheritdoc/>
    public Task SendMailAsync(GraphMailbox mailbox, GraphPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return NoContentAsync(Request(Method.POST, mailbox, "sendMail", payload, idempotent: false), "sendMail", mayHaveSentMail: true, mailbox, cancellationToken);
    }

    /// <inheritdoc/>
    public Task ReplyAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        ActionAsync(mailbox, messageId, payload, "reply", cancellationToken);

    /// <inheritdoc/>
    public Task ReplyAllAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        ActionAsync(mailbox, messageId, payload, "replyAll", cancellationToken);

    /// <inheritdoc/>
    public Task ForwardAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        ActionAsync(mailbox, messageId, payload, "forward", cancellationToken);

    /// <inheritdoc/>
    public Task<GraphMessage> CreateReplyAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        CreateAsync(mailbox, $"messages/{Segment(messageId, nameof(messageId))}/createReply", payload, "createReply", DraftsFolder, cancellationToken);

    /// <inheritdoc/>
    public Task<GraphMessage> CreateReplyAllAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        CreateAsync(mailbox, $"messages/{Segment(messageId, nameof(messageId))}/createReplyAll", payload, "createReplyAll", DraftsFolder, cancellationToken);

    /// <inheritdoc/>
    public Task<GraphMessage> CreateForwardAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        CreateAsync(mailbox, $"messages/{Segment(messageId, nameof(messageId))}/createForward", payload, "createForward", DraftsFolder, cancellationToken);

    /// <inheritdoc/>
    public async Task<Stream> GetMimeAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default)
    {
        RequestInformation request = Request(Method.GET, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/$value", null, idempotent: true);
        string clientRequestId = ClientRequestId(request);
        try
        {
            // https://learn.microsoft.com/graph/outlook-get-mime-message
            return await _client.RequestAdapter.SendPrimitiveAsync<Stream>(request, ErrorMapping, cancellationToken).ConfigureAwait(false)
                ?? throw new GraphRequestException(HttpStatusCode.OK, "InvalidResponse", "The getMessageContent response has no body.", null, clientRequestId);
        }
        catch (ApiException ex)
        {
            throw Translate(ex, clientRequestId, null);
        }
    }

    /// <inheritdoc/>
    public async Task<GraphMessage?> FindByInternetMessageIdAsync(GraphMailbox mailbox, string folder, string internetMessageId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentException.ThrowIfNullOrWhiteSpace(internetMessageId);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        TimeProvider time = _options.TimeProvider;
        long start = time.GetTimestamp();
        TimeSpan interval = FirstPollInterval;
        bool atDeadline = false;
        while (true)
        {
            GraphMessage? found = await LookOnceAsync(mailbox, folder, internetMessageId, cancellationToken).ConfigureAwait(false);
            TimeSpan left = wait - time.GetElapsedTime(start);
            if (found is not null || atDeadline || left <= TimeSpan.Zero)
            {
                return found;
            }

            // Graph moves a sent message to Sent Items some time after the 202
            // (https://learn.microsoft.com/graph/outlook-things-to-know-about-send-mail): poll, with a
            // growing interval, until the wait is over. The look after a wait that runs to the
            // deadline is the last one, even when the timer fired a little early: a timer's
            // resolution must not add looks.
            atDeadline = left <= interval;
            await Task.Delay(atDeadline ? left : interval, time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPollInterval.Ticks));
        }
    }

    private async Task<GraphMessage?> LookOnceAsync(GraphMailbox mailbox, string folder, string internetMessageId, CancellationToken cancellationToken)
    {
        // user-list-messages.md: $filter on internetMessageId; a quote is doubled in an OData string literal.
        string messageId = AngleBracketed(internetMessageId);
        string query = string.Create(CultureInfo.InvariantCulture, $"?$filter={Uri.EscapeDataString($"internetMessageId eq '{messageId.Replace("'", "''", StringComparison.Ordinal)}'")}&$top={LookupPageSize}");
        RequestInformation request = Request(Method.GET, mailbox, $"mailFolders/{Segment(folder, nameof(folder))}/messages" + query, null, idempotent: true);
        string clientRequestId = ClientRequestId(request);
        MessageCollectionResponse? page;
        try
        {
            page = await _client.RequestAdapter.SendAsync(request, MessageCollectionResponse.CreateFromDiscriminatorValue, ErrorMapping, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            throw Translate(ex, clientRequestId, null);
        }

        Message? match = page?.Value?.FirstOrDefault(m => string.Equals(m.InternetMessageId, messageId, StringComparison.Ordinal) && !string.IsNullOrEmpty(m.Id));
        return match is null ? null : Convert(match);
    }

    private Task ActionAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        RequestInformation request = Request(Method.POST, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/{action}", payload, idempotent: false);
        return NoContentAsync(request, action, mayHaveSentMail: true, mailbox, cancellationToken);
    }

    private async Task NoContentAsync(RequestInformation request, string operation, bool mayHaveSentMail, GraphMailbox mailbox, CancellationToken cancellationToken)
    {
        string clientRequestId = ClientRequestId(request);
        long? bodyLength = BodyLength(request);
        try
        {
            await _client.RequestAdapter.SendNoContentAsync(request, ErrorMapping, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (mayHaveSentMail && ex.ResponseStatusCode == (int)HttpStatusCode.GatewayTimeout)
        {
            throw new GraphAmbiguousSendException(operation, mailbox.ToString(), clientRequestId, Translate(ex, clientRequestId, null));
        }
        catch (ApiException ex)
        {
            throw Translate(ex, clientRequestId, bodyLength);
        }
        catch (Exception ex) when (mayHaveSentMail && MayHaveBeenSent(ex, cancellationToken))
        {
            throw new GraphAmbiguousSendException(operation, mailbox.ToString(), clientRequestId, ex);
        }
    }

    private async Task<GraphMessage> CreateAsync(GraphMailbox mailbox, string path, GraphPayload payload, string operation, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        string clientRequestId = Guid.NewGuid().ToString();
        for (int attempt = 1; ; attempt++)
        {
            RequestInformation request = Request(Method.POST, mailbox, path, payload, idempotent: false, clientRequestId);
            long? bodyLength = BodyLength(request);
            Exception ambiguous;
            try
            {
                Message? created = await _client.RequestAdapter.SendAsync(request, Message.CreateFromDiscriminatorValue, ErrorMapping, cancellationToken).ConfigureAwait(false);
                return created is { Id.Length: > 0 }
                    ? Convert(created)
                    : throw new GraphRequestException(HttpStatusCode.Created, "InvalidResponse", $"The {operation} response is not a message with an id.", null, clientRequestId);
            }
            catch (ApiException ex) when (ex.ResponseStatusCode == (int)HttpStatusCode.GatewayTimeout)
            {
                ambiguous = Translate(ex, clientRequestId, null);
            }
            catch (ApiException ex)
            {
                throw Translate(ex, clientRequestId, bodyLength);
            }
            catch (Exception ex) when (MayHaveBeenSent(ex, cancellationToken))
            {
                ambiguous = ex;
            }

            // The create may have been acted on: look the draft up before making it again.
            if (payload.InternetMessageId is not { } messageId)
            {
                throw new GraphAmbiguousSendException(operation, mailbox.ToString(), clientRequestId, ambiguous);
            }

            GraphMessage? existing;
            try
            {
                existing = await FindByInternetMessageIdAsync(mailbox, folder, messageId, _options.AmbiguousCreateLookupWait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SmimeGraphException || MayHaveBeenSent(ex, cancellationToken) || ex is HttpRequestException)
            {
                // Without an answer to "does it exist?", creating it again could make a second draft.
                throw new GraphAmbiguousSendException(operation, mailbox.ToString(), clientRequestId, ambiguous);
            }

            if (existing is not null)
            {
                return existing;
            }

            if (attempt >= _options.MaxCreateAttempts)
            {
                throw new GraphAmbiguousSendException(operation, mailbox.ToString(), clientRequestId, ambiguous);
            }
        }
    }

    private RequestInformation Request(Method method, GraphMailbox mailbox, string path, GraphPayload? payload, bool idempotent, string? clientRequestId = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var request = new RequestInformation
        {
            HttpMethod = method,
            URI = new Uri($"{_client.RequestAdapter.BaseUrl?.TrimEnd('/')}/{MailboxPath(mailbox)}/{path}"),
        };
        request.Headers.Add("Accept", "application/json");
        request.Headers.Add("client-request-id", clientRequestId ?? Guid.NewGuid().ToString());
        if (_options.PreferImmutableIds)
        {
            // https://learn.microsoft.com/graph/outlook-immutable-id
            request.Headers.Add("Prefer", "IdType=\"ImmutableId\"");
        }

        if (payload is not null)
        {
            // The base64 MIME as text/plain (outlook-send-mime-message.md), read in place from the
            // payload's pooled memory. The stream is seekable, so the SDK can rewind it to send the
            // same body again; the payload outlives the request (the caller disposes it afterwards).
            request.SetStreamContent(payload.OpenRead(), "text/plain");
        }
        else if (method == Method.POST)
        {
            // Graph requires Content-Length: 0 on a bodiless POST (send).
            request.SetStreamContent(new MemoryStream([], writable: false), "text/plain");
        }

        if (!idempotent)
        {
            // Only answers Graph gives before acting may be repeated: 429 and 503, never 504.
            request.AddRequestOptions([new RetryHandlerOption { ShouldRetry = static (_, _, response) => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable }]);
        }

        return request;
    }

    private static GraphMessage Convert(Message message) => new()
    {
        Id = message.Id ?? string.Empty,
        Subject = message.Subject,
        From = Address(message.From),
        Sender = Address(message.Sender),
        ToRecipients = Addresses(message.ToRecipients),
        CcRecipients = Addresses(message.CcRecipients),
        BccRecipients = Addresses(message.BccRecipients),
        ReplyTo = Addresses(message.ReplyTo),
        HasAttachments = message.HasAttachments ?? false,
        IsDraft = message.IsDraft ?? false,
        InternetMessageId = message.InternetMessageId,
        BodyPreview = message.BodyPreview,
        ParentFolderId = message.ParentFolderId,
        ConversationId = message.ConversationId,
        CreatedDateTime = message.CreatedDateTime,
        SentDateTime = message.SentDateTime,
    };

    private static GraphEmailAddress? Address(Recipient? recipient) =>
        recipient?.EmailAddress?.Address is { Length: > 0 } address ? new GraphEmailAddress(recipient.EmailAddress.Name, address) : null;

    private static GraphEmailAddress[] Addresses(List<Recipient>? recipients) =>
        recipients is null ? [] : [.. recipients.Select(Address).OfType<GraphEmailAddress>()];

    private static Exception Translate(ApiException exception, string clientRequestId, long? bodyLength)
    {
        var status = (HttpStatusCode)exception.ResponseStatusCode;
        MainError? error = (exception as ODataError)?.Error;
        var translated = new GraphRequestException(
            status,
            error?.Code,
            error?.Message ?? exception.Message,
            error?.InnerError?.RequestId ?? Header(exception, "request-id"),
            clientRequestId,
            exception);
        if (status == HttpStatusCode.RequestEntityTooLarge && bodyLength is long length)
        {
            return new PayloadTooLargeException(
                length,
                length - 1,
                string.Create(CultureInfo.InvariantCulture, $"Graph refused the request body of {length:N0} bytes as too large (413); its limit is below that size. Nothing was stored or sent."),
                translated);
        }

        return translated;
    }

    private static string? Header(ApiException exception, string name) =>
        exception.ResponseHeaders.TryGetValue(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private static long? BodyLength(RequestInformation request) => request.Content is { CanSeek: true, Length: > 0 } body ? body.Length : null;

    private static string ClientRequestId(RequestInformation request) =>
        request.Headers.TryGetValue("client-request-id", out IEnumerable<string>? values) ? values.First() : string.Empty;

    /// <summary>A failure of the connection after which Graph may have acted (the request may have been written).</summary>
    private static bool MayHaveBeenSent(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException http => http.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError),
        IOException => true,
        _ => false,
    };

    private static string MailboxPath(GraphMailbox mailbox) => mailbox.User is { } user ? "users/" + Uri.EscapeDataString(user) : "me";

    private static string AngleBracketed(string messageId)
    {
        string trimmed = messageId.Trim();
        return trimmed.StartsWith('<') && trimmed.EndsWith('>') ? trimmed : "<" + trimmed + ">";
    }

    private static string Segment(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        return Uri.EscapeDataString(value);
    }
}
