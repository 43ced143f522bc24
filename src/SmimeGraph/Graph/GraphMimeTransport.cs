using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmimeGraph.Graph;

/// <summary>
/// <see cref="IGraphMimeTransport"/> over an <see cref="HttpClient"/> the caller owns. Requests go
/// through a pipeline of <see cref="DelegatingHandler"/>s — by default
/// <see cref="GraphTelemetryHandler"/>, <see cref="GraphRetryHandler"/> and
/// <see cref="GraphAuthenticationHandler"/>, see <see cref="CreateDefaultHandlers"/> — and each
/// logical request carries one <c>client-request-id</c> (the same on every retry), a
/// <c>User-Agent</c> naming the library's version, and the operation's
/// <see cref="GraphRequestKind"/>. At most <see cref="GraphMimeTransportOptions.MaxConcurrentRequestsPerMailbox"/>
/// requests are in flight per mailbox. Neither tokens nor message content appear in exception
/// messages or logs.
/// </summary>
/// <remarks>
/// <para>Retried (by <see cref="GraphRetryHandler"/>): 429 and 503 answers to any operation, 504
/// answers and network failures of GET and PUT <c>$value</c>.</para>
/// <para>Never repeated blindly: for send, sendMail, reply, replyAll and forward a 504, or a
/// network failure after the request may have been written, is a
/// <see cref="GraphAmbiguousSendException"/>. For create draft, createReply, createReplyAll and
/// createForward the transport first looks the draft up by the payload's Message-ID
/// (<see cref="FindByInternetMessageIdAsync"/>) and returns it when it exists; only when it does not
/// is the request made again, so there are never two drafts. A connection that was never made is
/// the <see cref="HttpRequestException"/> itself.</para>
/// </remarks>
public sealed class GraphMimeTransport : IGraphMimeTransport
{
    /// <summary>The list responses read at most (a folder page of messages is far smaller).</summary>
    internal const int MaxListResponseLength = 8 * 1024 * 1024;

    /// <summary>Pages of a message list followed at most (<c>@odata.nextLink</c>) in one lookup.</summary>
    internal const int MaxListPages = 20;

    private const string DraftsFolder = "drafts";

    // The properties GraphMessage reads (message resource, https://learn.microsoft.com/graph/api/resources/message).
    private const string MessageSelect = "id,subject,from,sender,toRecipients,ccRecipients,bccRecipients,replyTo,hasAttachments,isDraft,internetMessageId,bodyPreview,parentFolderId,conversationId,createdDateTime,sentDateTime";

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly ProductInfoHeaderValue UserAgent = new("SmimeGraph", SmimeGraphDiagnostics.Version);
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(2);

    private readonly HttpMessageInvoker _pipeline;
    private readonly string _baseAddress;
    private readonly GraphRetryPolicy _retry;
    private readonly MailboxConcurrencyLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _preferImmutableIds;

    /// <summary>Creates the transport with a token delegate (which cannot answer a claims challenge: it gets no claims).</summary>
    /// <param name="httpClient">The client to send with (its lifetime is the caller's).</param>
    /// <param name="accessToken">Returns a bearer token for Graph; called before every attempt, so it may refresh.</param>
    /// <param name="options">Base address, retry and concurrency settings; defaults when null.</param>
    /// <exception cref="GraphHostNotAllowedException">The base address is neither https to an allowed host nor a loopback address.</exception>
    public GraphMimeTransport(HttpClient httpClient, Func<CancellationToken, ValueTask<string>> accessToken, GraphMimeTransportOptions? options = null)
        : this(httpClient, new DelegateAccessTokenProvider(accessToken ?? throw new ArgumentNullException(nameof(accessToken))), options)
    {
    }

    /// <summary>
    /// Creates the transport with a token provider: the default handlers
    /// (<see cref="CreateDefaultHandlers"/>) run in front of <paramref name="httpClient"/>. This is
    /// the constructor a DI container uses for a typed client
    /// (<c>services.AddHttpClient&lt;IGraphMimeTransport, GraphMimeTransport&gt;()</c> with an
    /// <see cref="IGraphAccessTokenProvider"/> registered).
    /// </summary>
    /// <param name="httpClient">The client to send with (its lifetime is the caller's).</param>
    /// <param name="tokenProvider">Supplies bearer tokens, and answers claims challenges.</param>
    /// <param name="options">Base address, allowed hosts, retry and concurrency settings; defaults when null.</param>
    /// <param name="loggerFactory">Receives retry, Retry-After, claims-challenge and ambiguous-request events; none when null.</param>
    /// <exception cref="GraphHostNotAllowedException">The base address is neither https to an allowed host nor a loopback address.</exception>
    [ActivatorUtilitiesConstructor]
    public GraphMimeTransport(HttpClient httpClient, IGraphAccessTokenProvider tokenProvider, GraphMimeTransportOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(httpClient, CreateDefaultHandlers(tokenProvider, options, loggerFactory), options, loggerFactory)
    {
    }

    private GraphMimeTransport(HttpClient httpClient, IEnumerable<DelegatingHandler> handlers, GraphMimeTransportOptions? options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new GraphMimeTransportOptions();
        Uri baseAddress = options.BaseAddress ?? throw new ArgumentException("BaseAddress is required.", nameof(options));
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttps && baseAddress.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(baseAddress.Query))
        {
            throw new ArgumentException("BaseAddress must be an absolute http(s) URI without a query, e.g. https://graph.microsoft.com/v1.0.", nameof(options));
        }

        if (!GraphAuthenticationHandler.IsAllowed(baseAddress, new HashSet<string>(options.AllowedHosts, StringComparer.OrdinalIgnoreCase)))
        {
            throw new GraphHostNotAllowedException(baseAddress);
        }

        _pipeline = new HttpMessageInvoker(Chain(handlers, new HttpClientSender(httpClient)), disposeHandler: false);
        _baseAddress = baseAddress.AbsoluteUri.TrimEnd('/');
        _time = options.TimeProvider ?? TimeProvider.System;
        _retry = new GraphRetryPolicy(options.Retry ?? new GraphRetryOptions(), _time);
        _limiter = new MailboxConcurrencyLimiter(options.MaxConcurrentRequestsPerMailbox);
        _logger = loggerFactory?.CreateLogger<GraphMimeTransport>() ?? (ILogger)NullLogger.Instance;
        _preferImmutableIds = options.PreferImmutableIds;
    }

    /// <summary>
    /// Creates the transport over a client whose own handler pipeline already authenticates and
    /// retries: one made by <see cref="CreateHttpClient"/>, or an <c>IHttpClientFactory</c> client
    /// with the handlers added (as <c>AddSmimeGraphTransport</c> does). The transport adds no
    /// handler of its own.
    /// </summary>
    /// <exception cref="GraphHostNotAllowedException">The base address is neither https to an allowed host nor a loopback address.</exception>
    public static GraphMimeTransport FromPipeline(HttpClient pipelineClient, GraphMimeTransportOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        new(pipelineClient, [], options, loggerFactory);

    /// <summary>
    /// The default handlers, outermost first: <see cref="GraphTelemetryHandler"/> (one activity
    /// per Graph call), <see cref="GraphRetryHandler"/> (throttling and transient faults, by
    /// <see cref="GraphRequestKind"/>) and <see cref="GraphAuthenticationHandler"/> (a fresh token on
    /// each attempt, the allowed hosts, claims challenges). Change the list, then pass it to
    /// <see cref="CreateHttpClient"/> and <see cref="FromPipeline"/>.
    /// </summary>
    public static IList<DelegatingHandler> CreateDefaultHandlers(IGraphAccessTokenProvider tokenProvider, GraphMimeTransportOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        options ??= new GraphMimeTransportOptions();
        return
        [
            new GraphTelemetryHandler(),
            new GraphRetryHandler(options.Retry, options.TimeProvider, loggerFactory?.CreateLogger<GraphRetryHandler>()),
            new GraphAuthenticationHandler(tokenProvider, options.AllowedHosts, loggerFactory?.CreateLogger<GraphAuthenticationHandler>()),
        ];
    }

    /// <summary>
    /// An <see cref="HttpClient"/> whose requests pass through <paramref name="handlers"/> (the first
    /// is the outermost) and then <paramref name="primaryHandler"/> (a new
    /// <see cref="SocketsHttpHandler"/> when null). The client owns the handlers.
    /// </summary>
    public static HttpClient CreateHttpClient(IEnumerable<DelegatingHandler> handlers, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        return new HttpClient(Chain(handlers, primaryHandler ?? new SocketsHttpHandler()));
    }

    /// <inheritdoc/>
    public Task<GraphMessage> CreateDraftAsync(GraphMailbox mailbox, GraphPayload payload, string? folderId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        string path = folderId is null ? "messages" : $"mailFolders/{Segment(folderId, nameof(folderId))}/messages";
        return CreateMessageAsync(new GraphCall(HttpMethod.Post, mailbox, path, payload, "createMessage", GraphRequestKind.NotIdempotent), folderId ?? DraftsFolder, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task UpdateDraftAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        // PUT replaces the whole MIME content: repeating it leaves the same draft (RFC 9110 §9.2.2).
        var call = new GraphCall(HttpMethod.Put, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/$value", payload, "updateMessage", GraphRequestKind.Idempotent);
        await NoContentAsync(call, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task SendDraftAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return NoContentAsync(new GraphCall(HttpMethod.Post, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/send", null, "send", GraphRequestKind.SendsMail), cancellationToken);
    }

    /// <inheritdoc/>
    public Task SendMailAsync(GraphMailbox mailbox, GraphPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        return NoContentAsync(new GraphCall(HttpMethod.Post, mailbox, "sendMail", payload, "sendMail", GraphRequestKind.SendsMail), cancellationToken);
    }

    /// <inheritdoc/>
    public Task ReplyAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        MessageActionAsync(mailbox, messageId, payload, "reply", cancellationToken);

    /// <inheritdoc/>
    public Task ReplyAllAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        MessageActionAsync(mailbox, messageId, payload, "replyAll", cancellationToken);

    /// <inheritdoc/>
    public Task ForwardAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        MessageActionAsync(mailbox, messageId, payload, "forward", cancellationToken);

    /// <inheritdoc/>
    public Task<GraphMessage> CreateReplyAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        CreateFromMessageAsync(mailbox, messageId, payload, "createReply", cancellationToken);

    /// <inheritdoc/>
    public Task<GraphMessage> CreateReplyAllAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        CreateFromMessageAsync(mailbox, messageId, payload, "createReplyAll", cancellationToken);

    /// <inheritdoc/>
    public Task<GraphMessage> CreateForwardAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default) =>
        CreateFromMessageAsync(mailbox, messageId, payload, "createForward", cancellationToken);

    /// <inheritdoc/>
    public async Task<Stream> GetMimeAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var call = new GraphCall(HttpMethod.Get, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/$value", null, "getMessageContent", GraphRequestKind.Idempotent);
        (HttpResponseMessage response, IDisposable lease) = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new GraphResponseStream(body, response, lease);
        }
        catch
        {
            response.Dispose();
            lease.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Polls at 250 ms, doubling up to 2 s, and always looks once more at the deadline. Only a
    /// message whose <c>internetMessageId</c> equals the one asked for is returned, whatever the
    /// server's filter did; at most <see cref="MaxListPages"/> pages are followed per look.
    /// </remarks>
    public async Task<GraphMessage?> FindByInternetMessageIdAsync(GraphMailbox mailbox, string folder, string internetMessageId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(internetMessageId);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        string wanted = AngleBracketed(internetMessageId);
        long start = _time.GetTimestamp();
        TimeSpan interval = FirstPollInterval;
        bool atDeadline = false;
        while (true)
        {
            GraphMessage? found = await FindOnceAsync(mailbox, folder, wanted, cancellationToken).ConfigureAwait(false);
            TimeSpan remaining = wait - _time.GetElapsedTime(start);
            if (found is not null || atDeadline || remaining <= TimeSpan.Zero)
            {
                return found;
            }

            // The look after a wait that runs to the deadline is the last one, even when the
            // timer fired a little early: a timer's resolution must not add looks.
            atDeadline = remaining <= interval;
            await Task.Delay(atDeadline ? remaining : interval, _time, cancellationToken).ConfigureAwait(false);
            interval = interval * 2 < MaxPollInterval ? interval * 2 : MaxPollInterval;
        }
    }

    private async Task<GraphMessage?> FindOnceAsync(GraphMailbox mailbox, string folder, string wanted, CancellationToken cancellationToken)
    {
        // OData ABNF: a string literal doubles its single quotes.
        string filter = "internetMessageId eq '" + wanted.Replace("'", "''", StringComparison.Ordinal) + "'";
        string query = $"mailFolders/{Segment(folder, nameof(folder))}/messages?$filter={Uri.EscapeDataString(filter)}&$select={MessageSelect}";
        Uri? next = new($"{_baseAddress}/{mailbox.PathSegment}/{query}");
        for (int page = 0; next is not null && page < MaxListPages; page++)
        {
            var call = new GraphCall(HttpMethod.Get, mailbox, next, "listMessages", GraphRequestKind.Idempotent);
            (HttpResponseMessage response, IDisposable lease) = await SendAsync(call, cancellationToken).ConfigureAwait(false);
            using (lease)
            using (response)
            {
                using JsonDocument document = await ReadJsonAsync(response, call, cancellationToken).ConfigureAwait(false);
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
                {
                    throw new GraphRequestException(response.StatusCode, "InvalidResponse", "The message list has no value array.", Header(response, "request-id"), call.ClientRequestId);
                }

                foreach (JsonElement message in messages.EnumerateArray())
                {
                    if (message.ValueKind == JsonValueKind.Object
                        && message.TryGetProperty("internetMessageId", out JsonElement id)
                        && id.ValueKind == JsonValueKind.String
                        && string.Equals(AngleBracketed(id.GetString()!), wanted, StringComparison.Ordinal))
                    {
                        try
                        {
                            return GraphMessage.FromJson(message);
                        }
                        catch (JsonException ex)
                        {
                            throw new GraphRequestException(response.StatusCode, "InvalidResponse", "A listed message has no id.", Header(response, "request-id"), call.ClientRequestId, ex);
                        }
                    }
                }

                next = root.TryGetProperty("@odata.nextLink", out JsonElement link) && link.ValueKind == JsonValueKind.String
                    && Uri.TryCreate(link.GetString(), UriKind.Absolute, out Uri? nextUri)
                        ? nextUri
                        : null;
            }
        }

        return null;
    }

    private Task MessageActionAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        var call = new GraphCall(HttpMethod.Post, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/{action}", payload, action, GraphRequestKind.SendsMail);
        return NoContentAsync(call, cancellationToken);
    }

    private Task<GraphMessage> CreateFromMessageAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        // The reply or forward draft is created in Drafts.
        var call = new GraphCall(HttpMethod.Post, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/{action}", payload, action, GraphRequestKind.NotIdempotent);
        return CreateMessageAsync(call, DraftsFolder, cancellationToken);
    }

    private async Task NoContentAsync(GraphCall call, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        IDisposable lease;
        try
        {
            (response, lease) = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (AmbiguousOutcomeException ambiguous)
        {
            SmimeGraphDiagnostics.GraphAmbiguous.Add(1, new KeyValuePair<string, object?>("smimegraph.operation", call.Operation));
            GraphLog.AmbiguousSend(_logger, call.Operation, ambiguous.Reason, call.ClientRequestId);
            throw new GraphAmbiguousSendException(call.Operation, call.Mailbox.ToString(), call.ClientRequestId, ambiguous.InnerException);
        }

        using (lease)
        using (response)
        {
            // 202 Accepted / 204 No Content: nothing to read.
        }
    }

    /// <summary>
    /// Creates an item. When Graph's answer is lost (504, or the connection after writing), the
    /// draft is looked up by the payload's Message-ID in <paramref name="folder"/> before the
    /// request is made again, waiting what a retry would wait; an existing draft is returned.
    /// </summary>
    private async Task<GraphMessage> CreateMessageAsync(GraphCall call, string folder, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        for (int attempt = 1; ; attempt++)
        {
            AmbiguousOutcomeException ambiguous;
            try
            {
                return await CreateOnceAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (AmbiguousOutcomeException ex)
            {
                ambiguous = ex;
            }

            SmimeGraphDiagnostics.GraphAmbiguous.Add(1, new KeyValuePair<string, object?>("smimegraph.operation", call.Operation));
            if (call.Payload?.InternetMessageId is not { } messageId)
            {
                GraphLog.AmbiguousSend(_logger, call.Operation, ambiguous.Reason + "; the payload has no Message-ID to look the draft up by", call.ClientRequestId);
                throw new GraphAmbiguousSendException(call.Operation, call.Mailbox.ToString(), call.ClientRequestId, ambiguous.InnerException);
            }

            GraphLog.AmbiguousCreate(_logger, call.Operation, ambiguous.Reason, folder, call.ClientRequestId);
            TimeSpan wait = _retry.ComputeDelay(attempt, ambiguous.RetryAfter, Random.Shared.NextDouble());
            GraphMessage? existing;
            try
            {
                existing = await FindByInternetMessageIdAsync(call.Mailbox, folder, messageId, wait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SmimeGraphException || GraphFailure.IsNetworkFailure(ex, cancellationToken, out _))
            {
                // Without an answer to "does it exist?", creating it again could make a second draft.
                GraphLog.AmbiguousSend(_logger, call.Operation, ambiguous.Reason + "; the lookup failed too", call.ClientRequestId);
                throw new GraphAmbiguousSendException(call.Operation, call.Mailbox.ToString(), call.ClientRequestId, ambiguous.InnerException);
            }

            if (existing is not null)
            {
                GraphLog.AmbiguousCreateFound(_logger, call.Operation, call.ClientRequestId);
                return existing;
            }

            if (attempt >= _retry.MaxAttempts || !_retry.FitsBudget(start, TimeSpan.Zero))
            {
                GraphLog.AmbiguousSend(_logger, call.Operation, ambiguous.Reason + "; not found, and no attempt left", call.ClientRequestId);
                throw new GraphAmbiguousSendException(call.Operation, call.Mailbox.ToString(), call.ClientRequestId, ambiguous.InnerException);
            }

            GraphLog.AmbiguousCreateNotFound(_logger, call.Operation, call.ClientRequestId);
        }
    }

    private async Task<GraphMessage> CreateOnceAsync(GraphCall call, CancellationToken cancellationToken)
    {
        (HttpResponseMessage response, IDisposable lease) = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        using (lease)
        using (response)
        {
            using JsonDocument document = await ReadJsonAsync(response, call, cancellationToken).ConfigureAwait(false);
            try
            {
                return GraphMessage.FromJson(document.RootElement);
            }
            catch (JsonException ex)
            {
                throw new GraphRequestException(response.StatusCode, "InvalidResponse", $"The {call.Operation} response is not a message object.", Header(response, "request-id"), call.ClientRequestId, ex);
            }
        }
    }

    /// <summary>Parses a JSON response body of at most <see cref="MaxListResponseLength"/> bytes.</summary>
    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, GraphCall call, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int length = 0;
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        if (length >= MaxListResponseLength)
                        {
                            throw new GraphRequestException(response.StatusCode, "InvalidResponse", string.Create(CultureInfo.InvariantCulture, $"The {call.Operation} response is longer than {MaxListResponseLength:N0} bytes."), Header(response, "request-id"), call.ClientRequestId);
                        }

                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxListResponseLength));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            try
            {
                return JsonDocument.Parse(buffer.AsMemory(0, length).ToArray());
            }
            catch (JsonException ex)
            {
                throw new GraphRequestException(response.StatusCode, "InvalidResponse", $"The {call.Operation} response is not JSON.", Header(response, "request-id"), call.ClientRequestId, ex);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends <paramref name="call"/> through the pipeline (which retries as the request's kind
    /// allows) and returns the successful response with the mailbox slot still held (the caller
    /// disposes both). For a request that is not idempotent, a 504 or a network failure after the
    /// request may have been written is an <see cref="AmbiguousOutcomeException"/>.
    /// </summary>
    private async Task<(HttpResponseMessage Response, IDisposable Lease)> SendAsync(GraphCall call, CancellationToken cancellationToken)
    {
        MailboxConcurrencyLimiter.Lease lease = await _limiter.AcquireAsync(call.Mailbox, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            using HttpRequestMessage request = CreateRequest(call);
            response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (call.Kind != GraphRequestKind.Idempotent && GraphFailure.IsNetworkFailure(ex, cancellationToken, out bool requestWasSent) && requestWasSent)
        {
            lease.Dispose();
            throw new AmbiguousOutcomeException(ex is OperationCanceledException ? "no response before the timeout" : "the connection failed after the request was written", null, ex);
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        if (response.IsSuccessStatusCode)
        {
            return (response, lease);
        }

        GraphRequestException error;
        try
        {
            error = await GraphErrorResponse.ReadAsync(response, call.ClientRequestId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
            lease.Dispose();
        }

        if (error.StatusCode == HttpStatusCode.RequestEntityTooLarge && call.Payload is { } payload)
        {
            throw new PayloadTooLargeException(
                payload.Length,
                payload.Length - 1,
                string.Create(CultureInfo.InvariantCulture, $"Graph refused the request body of {payload.Length:N0} bytes as too large (413); its limit is below that size. Nothing was stored or sent."),
                error);
        }

        if (call.Kind != GraphRequestKind.Idempotent && error.StatusCode == HttpStatusCode.GatewayTimeout)
        {
            // A 504 is the gateway giving up on the mailbox server, which may have acted on the
            // request: repeating it could deliver the message twice or make a second draft.
            throw new AmbiguousOutcomeException("the gateway timed out (504)", error.RetryAfter, error);
        }

        throw error;
    }

    private HttpRequestMessage CreateRequest(GraphCall call)
    {
        var request = new HttpRequestMessage(call.Method, call.Uri ?? new Uri($"{_baseAddress}/{call.Mailbox.PathSegment}/{call.Path}"));
        request.Headers.TryAddWithoutValidation("client-request-id", call.ClientRequestId);
        request.Headers.Accept.Add(AcceptJson);
        request.Headers.UserAgent.Add(UserAgent);
        if (_preferImmutableIds)
        {
            // https://learn.microsoft.com/graph/outlook-immutable-id
            request.Headers.TryAddWithoutValidation("Prefer", "IdType=\"ImmutableId\"");
        }

        request.Options.Set(GraphRequestOptions.Kind, call.Kind);
        request.Options.Set(GraphRequestOptions.Operation, call.Operation);
        request.Options.Set(GraphRequestOptions.Mailbox, call.Mailbox.ToString());
        if (call.Payload is not null)
        {
            request.Content = call.Payload.CreateHttpContent();
        }
        else if (call.Method != HttpMethod.Get)
        {
            // Graph requires Content-Length: 0 on bodiless POSTs (send).
            request.Content = new ByteArrayContent([]);
        }

        return request;
    }

    private static HttpMessageHandler Chain(IEnumerable<DelegatingHandler> handlers, HttpMessageHandler innermost)
    {
        HttpMessageHandler inner = innermost;
        foreach (DelegatingHandler handler in handlers.Reverse())
        {
            ArgumentNullException.ThrowIfNull(handler, nameof(handlers));
            handler.InnerHandler = inner;
            inner = handler;
        }

        return inner;
    }

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

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    /// <summary>Graph may or may not have acted on a request that is not idempotent; never escapes the transport.</summary>
    private sealed class AmbiguousOutcomeException(string reason, TimeSpan? retryAfter, Exception innerException) : Exception(reason, innerException)
    {
        public string Reason { get; } = reason;

        public TimeSpan? RetryAfter { get; } = retryAfter;
    }

    private sealed class GraphCall
    {
        public GraphCall(HttpMethod method, GraphMailbox mailbox, string path, GraphPayload? payload, string operation, GraphRequestKind kind)
        {
            Method = method;
            Mailbox = mailbox;
            Path = path;
            Payload = payload;
            Operation = operation;
            Kind = kind;
        }

        public GraphCall(HttpMethod method, GraphMailbox mailbox, Uri uri, string operation, GraphRequestKind kind)
            : this(method, mailbox, string.Empty, null, operation, kind) => Uri = uri;

        public HttpMethod Method { get; }
        public GraphMailbox Mailbox { get; }
        public string Path { get; }
        public Uri? Uri { get; }
        public GraphPayload? Payload { get; }
        public string Operation { get; }
        public GraphRequestKind Kind { get; }

        /// <summary>One id for the logical request, sent on every attempt so retries can be traced together.</summary>
        public string ClientRequestId { get; } = Guid.NewGuid().ToString();
    }
}
