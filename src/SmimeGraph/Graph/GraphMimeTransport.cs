using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Text.Json;

namespace SmimeGraph.Graph;

/// <summary>
/// <see cref="IGraphMimeTransport"/> over an <see cref="HttpClient"/> the caller owns. Each
/// request carries a bearer token from the caller's delegate and a <c>client-request-id</c>;
/// throttling (429) and 503/504 are retried after <c>Retry-After</c>; at most
/// <see cref="GraphMimeTransportOptions.MaxConcurrentRequestsPerMailbox"/> requests are in flight
/// per mailbox. Neither tokens nor message content appear in exception messages.
/// </summary>
/// <remarks>
/// Retried: 429 and 503 answers to any operation and 504 answers to any but a send (after
/// <c>Retry-After</c>, else with exponential back-off), and network failures of GET and PUT
/// <c>$value</c>. Not retried: a network failure of any POST; for send, sendMail, reply, replyAll
/// and forward a 504, or a network failure that happened after the request may have been written,
/// is a <see cref="GraphAmbiguousSendException"/>, and one where no connection was made is the
/// <see cref="HttpRequestException"/> itself.
/// </remarks>
public sealed class GraphMimeTransport : IGraphMimeTransport
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private readonly HttpClient _httpClient;
    private readonly Func<CancellationToken, ValueTask<string>> _accessToken;
    private readonly string _baseAddress;
    private readonly GraphRetryPolicy _retry;
    private readonly MailboxConcurrencyLimiter _limiter;
    private readonly TimeProvider _time;

    /// <summary>Creates the transport.</summary>
    /// <param name="httpClient">The client to send with (its lifetime is the caller's).</param>
    /// <param name="accessToken">Returns a bearer token for Graph; called before every attempt, so it may refresh.</param>
    /// <param name="options">Base address, retry and concurrency settings; defaults when null.</param>
    public GraphMimeTransport(HttpClient httpClient, Func<CancellationToken, ValueTask<string>> accessToken, GraphMimeTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(accessToken);
        options ??= new GraphMimeTransportOptions();
        Uri baseAddress = options.BaseAddress ?? throw new ArgumentException("BaseAddress is required.", nameof(options));
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttps && baseAddress.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(baseAddress.Query))
        {
            throw new ArgumentException("BaseAddress must be an absolute http(s) URI without a query, e.g. https://graph.microsoft.com/v1.0.", nameof(options));
        }

        _httpClient = httpClient;
        _accessToken = accessToken;
        _baseAddress = baseAddress.AbsoluteUri.TrimEnd('/');
        _time = options.TimeProvider ?? TimeProvider.System;
        _retry = new GraphRetryPolicy(options.Retry ?? new GraphRetryOptions(), _time);
        _limiter = new MailboxConcurrencyLimiter(options.MaxConcurrentRequestsPerMailbox);
    }

    /// <inheritdoc/>
    public Task<GraphMessage> CreateDraftAsync(GraphMailbox mailbox, GraphPayload payload, string? folderId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        string path = folderId is null ? "messages" : $"mailFolders/{Segment(folderId, nameof(folderId))}/messages";
        return CreateMessageAsync(new GraphCall(HttpMethod.Post, mailbox, path, payload, "createMessage", GraphCallKind.NotIdempotent), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task UpdateDraftAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        // PUT replaces the whole MIME content: repeating it leaves the same draft (RFC 9110 §9.2.2).
        var call = new GraphCall(HttpMethod.Put, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/$value", payload, "updateMessage", GraphCallKind.Idempotent);
        await NoContentAsync(call, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task SendDraftAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return NoContentAsync(new GraphCall(HttpMethod.Post, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/send", null, "send", GraphCallKind.SendsMail), cancellationToken);
    }

    /// <inheritdoc/>
    public Task SendMailAsync(GraphMailbox mailbox, GraphPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        return NoContentAsync(new GraphCall(HttpMethod.Post, mailbox, "sendMail", payload, "sendMail", GraphCallKind.SendsMail), cancellationToken);
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
        var call = new GraphCall(HttpMethod.Get, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/$value", null, "getMessageContent", GraphCallKind.Idempotent);
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

    private Task MessageActionAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        var call = new GraphCall(HttpMethod.Post, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/{action}", payload, action, GraphCallKind.SendsMail);
        return NoContentAsync(call, cancellationToken);
    }

    private Task<GraphMessage> CreateFromMessageAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(payload);
        var call = new GraphCall(HttpMethod.Post, mailbox, $"messages/{Segment(messageId, nameof(messageId))}/{action}", payload, action, GraphCallKind.NotIdempotent);
        return CreateMessageAsync(call, cancellationToken);
    }

    private async Task NoContentAsync(GraphCall call, CancellationToken cancellationToken)
    {
        (HttpResponseMessage response, IDisposable lease) = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        using (lease)
        using (response)
        {
            // 202 Accepted / 204 No Content: nothing to read.
        }
    }

    private async Task<GraphMessage> CreateMessageAsync(GraphCall call, CancellationToken cancellationToken)
    {
        (HttpResponseMessage response, IDisposable lease) = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        using (lease)
        using (response)
        {
            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    using JsonDocument document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return GraphMessage.FromJson(document.RootElement);
                }
            }
            catch (JsonException ex)
            {
                throw new GraphRequestException(response.StatusCode, "InvalidResponse", $"The {call.Operation} response is not a message object.", Header(response, "request-id"), call.ClientRequestId, ex);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="call"/>, retrying as the policy allows, and returns the successful
    /// response with the mailbox slot still held (the caller disposes both).
    /// </summary>
    private async Task<(HttpResponseMessage Response, IDisposable Lease)> SendAsync(GraphCall call, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        for (int attempt = 1; ; attempt++)
        {
            // Outside the network-failure handling: a token provider's own failure is not Graph's.
            string token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            MailboxConcurrencyLimiter.Lease lease = await _limiter.AcquireAsync(call.Mailbox, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(call, token, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsNetworkFailure(ex, cancellationToken, out bool requestWasSent))
            {
                lease.Dispose();
                if (call.Kind == GraphCallKind.Idempotent && attempt < _retry.MaxAttempts)
                {
                    TimeSpan wait = _retry.ComputeDelay(attempt, retryAfter: null, Random.Shared.NextDouble());
                    if (_retry.FitsBudget(start, wait))
                    {
                        await _retry.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                if (call.Kind == GraphCallKind.SendsMail && requestWasSent)
                {
                    throw new GraphAmbiguousSendException(call.Operation, call.Mailbox.ToString(), call.ClientRequestId, ex);
                }

                ExceptionDispatchInfo.Throw(ex);
                throw;
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

            if (call.Kind == GraphCallKind.SendsMail && error.StatusCode == HttpStatusCode.GatewayTimeout)
            {
                // A 504 is the gateway giving up on the mailbox server, which may have acted on
                // the request: sending again could deliver the message twice.
                throw new GraphAmbiguousSendException(call.Operation, call.Mailbox.ToString(), call.ClientRequestId, error);
            }

            if (GraphRetryPolicy.IsRetryableStatus(error.StatusCode) && attempt < _retry.MaxAttempts)
            {
                TimeSpan wait = _retry.ComputeDelay(attempt, error.RetryAfter, Random.Shared.NextDouble());
                if (_retry.FitsBudget(start, wait))
                {
                    await _retry.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            throw error;
        }
    }

    private async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        string token = await _accessToken(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(token) || token.AsSpan().ContainsAny('\r', '\n', '\0'))
        {
            // Never echo the token.
            throw new SmimeGraphException("The access token delegate returned an empty token or one containing line breaks.");
        }

        return token;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(GraphCall call, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, call.Uri(_baseAddress));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("client-request-id", call.ClientRequestId);
        request.Headers.Accept.Add(AcceptJson);
        if (call.Payload is not null)
        {
            request.Content = call.Payload.CreateHttpContent();
        }
        else if (call.Method != HttpMethod.Get)
        {
            // Graph requires Content-Length: 0 on bodiless POSTs (send).
            request.Content = new ByteArrayContent([]);
        }

        return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A failure of the connection rather than an answer from Graph. <paramref name="requestWasSent"/>
    /// is false only when the request certainly never left (no connection was made).
    /// </summary>
    private static bool IsNetworkFailure(Exception exception, CancellationToken cancellationToken, out bool requestWasSent)
    {
        requestWasSent = true;
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return false;
            case OperationCanceledException:
                // HttpClient.Timeout: the request may have been written and acted on.
                return true;
            case HttpRequestException http:
                requestWasSent = http.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError);
                return true;
            case IOException:
                return true;
            default:
                return false;
        }
    }

    private static string Segment(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        return Uri.EscapeDataString(value);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private enum GraphCallKind
    {
        /// <summary>GET, PUT $value: safe to repeat after a network failure.</summary>
        Idempotent,

        /// <summary>Creates an item; not repeated after a network failure.</summary>
        NotIdempotent,

        /// <summary>Sends mail; a network failure after writing it is ambiguous.</summary>
        SendsMail,
    }

    private sealed class GraphCall(HttpMethod method, GraphMailbox mailbox, string path, GraphPayload? payload, string operation, GraphCallKind kind)
    {
        public HttpMethod Method { get; } = method;
        public GraphMailbox Mailbox { get; } = mailbox;
        public GraphPayload? Payload { get; } = payload;
        public string Operation { get; } = operation;
        public GraphCallKind Kind { get; } = kind;

        /// <summary>One id for the operation, sent on every attempt so retries can be traced together.</summary>
        public string ClientRequestId { get; } = Guid.NewGuid().ToString();

        public Uri Uri(string baseAddress) => new($"{baseAddress}/{Mailbox.PathSegment}/{path}");
    }
}
