using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SmimeGraph.Emulator;

/// <summary>
/// The Graph mail endpoints the emulator answers, under <c>/v1.0/me</c> and
/// <c>/v1.0/users/{id}</c>: create message (also in a mail folder), get, list and delete
/// messages, get and update <c>$value</c>, send, sendMail, reply / replyAll / forward,
/// createReply / createReplyAll / createForward. Each request passes, in order: injected faults,
/// authentication, the path, the mailbox, Outlook's throttling, then the operation. Errors use
/// Graph's JSON shape and codes; docs/emulator.md lists each behaviour with the page it follows.
/// </summary>
internal sealed partial class GraphMailEndpoints
{
    private const string Drafts = "drafts";
    private const string SentItems = "sentitems";
    private const string DeletedItems = "deleteditems";
    private const int MaxDrainLength = 256 * 1024 * 1024;

    // Graph writes "<", ">" and non-ASCII as they are; the default encoder would escape them.
    private static readonly JsonWriterOptions JsonWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly EmulatorOptions _options;
    private readonly MaildirStore _store;
    private readonly EmulatorFaults _faults;
    private readonly EmulatorStatistics _statistics;
    private readonly EmulatorThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly HashSet<string>? _knownMailboxes;
    private readonly HashSet<string> _sendAs;
    private readonly string _defaultMe;
    private long _revokedAt;

    public GraphMailEndpoints(EmulatorOptions options, MaildirStore store, EmulatorFaults faults, EmulatorStatistics statistics)
    {
        _options = options;
        _store = store;
        _faults = faults;
        _statistics = statistics;
        _time = options.TimeProvider;
        _throttle = new EmulatorThrottle(options.Throttling, _time);
        _revokedAt = _time.GetUtcNow().ToUnixTimeSeconds();
        _sendAs = new HashSet<string>(options.SendAs.Select(a => a.Trim()), StringComparer.OrdinalIgnoreCase);
        MaildirStore.TryNormalizeName(options.MeMailbox, out string? me);
        _defaultMe = me!;
        if (IsAddress(_defaultMe))
        {
            // A configured mailbox makes a tenant: it, the shared mailboxes it may send as, and the listed users.
            _knownMailboxes = new HashSet<string>(StringComparer.Ordinal) { _defaultMe };
            foreach (string user in options.Users.Concat(options.SendAs))
            {
                if (MaildirStore.TryNormalizeName(user.Trim(), out string? name))
                {
                    _knownMailboxes.Add(name);
                }
            }
        }
    }

    /// <summary>Requests of the app (the token's appid) admitted to the mailbox and not finished.</summary>
    internal int AdmittedInFlight(string app, string mailbox) => _throttle.InFlight(app, mailbox);

    /// <summary>Tokens issued before now get a claims challenge (continuous access evaluation).</summary>
    public void RevokeTokens() => Interlocked.Exchange(ref _revokedAt, _time.GetUtcNow().ToUnixTimeSeconds());

    public async Task HandleAsync(HttpContext context)
    {
        _statistics.CountRequest();
        HttpResponse response = context.Response;
        response.Headers["request-id"] = Guid.NewGuid().ToString();
        if (context.Request.Headers.TryGetValue("client-request-id", out var clientRequestId))
        {
            response.Headers["client-request-id"] = clientRequestId.ToString();
        }

        GraphRoute route = GraphRoute.Parse(context.Request.Method, context.Request.Path.Value ?? string.Empty);
        string statisticsKey = route.IsMe ? _defaultMe : MaildirStore.TryNormalizeName(route.User, out string? user) ? user : string.Empty;
        using (_statistics.Enter(statisticsKey))
        {
            try
            {
                await DispatchAsync(context, route).ConfigureAwait(false);
            }
            finally
            {
                _options.Log?.WriteLine($"{context.Request.Method} {context.Request.Path} {(context.RequestAborted.IsCancellationRequested ? "aborted" : response.StatusCode.ToString(CultureInfo.InvariantCulture))}");
            }
        }
    }

    private async Task DispatchAsync(HttpContext context, GraphRoute route)
    {
        EmulatorFaultRule? fault = _faults.Take(route.Operation ?? "(unknown)");
        if (fault is { Kind: EmulatorFaultKind.Slow })
        {
            await Task.Delay(fault.Delay, _time, context.RequestAborted).ConfigureAwait(false);
        }
        else if (fault is { AfterAction: false })
        {
            await InjectAsync(context, fault).ConfigureAwait(false);
            return;
        }

        if (await AuthenticateAsync(context).ConfigureAwait(false) is not { } claims)
        {
            return;
        }

        if (route.Operation is null)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 400, "BadRequest", $"Resource not found for the segment '{route.BadSegment}'.").ConfigureAwait(false);
            return;
        }

        if (route.MethodNotAllowed)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 405, "Request_BadRequest", "The HTTP method is not allowed for this resource.").ConfigureAwait(false);
            return;
        }

        if (ResolveMailbox(route, claims) is not { } mailbox)
        {
            // Publicly observed: 404 ErrorInvalidUser "The requested user '…' is invalid."
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 404, "ErrorInvalidUser", $"The requested user '{(route.IsMe ? "me" : route.User)}' is invalid.").ConfigureAwait(false);
            return;
        }

        string app = claims.AppId ?? "(app)";
        if (_throttle.TryEnter(app, mailbox, out IDisposable? slot) is { } refusal)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ThrottledAsync(context, refusal).ConfigureAwait(false);
            return;
        }

        using (slot)
        {
            if (_options.ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.ResponseDelay, _time, context.RequestAborted).ConfigureAwait(false);
            }

            var request = new MailRequest(context, route, mailbox, app, RequestPreferences(context, mailbox));
            if (fault is not { AfterAction: true })
            {
                await ExecuteAsync(request).ConfigureAwait(false);
                return;
            }

            // The request is acted on, its answer is lost: what a client sees when the gateway
            // gives up or the connection drops after the mailbox server did the work.
            Stream body = context.Response.Body;
            context.Response.Body = Stream.Null;
            try
            {
                await ExecuteAsync(request).ConfigureAwait(false);
            }
            finally
            {
                context.Response.Body = body;
            }

            string requestId = context.Response.Headers["request-id"].ToString();
            context.Response.Clear();
            context.Response.Headers["request-id"] = requestId;
            await InjectAsync(context, fault).ConfigureAwait(false);
        }
    }

    private Task ExecuteAsync(MailRequest request) => request.Route.Operation switch
    {
        "sendMail" => SendMailAsync(request),
        "createMessage" => CreateAsync(request, original: null),
        "listMessages" => ListAsync(request),
        "getMessage" => GetMessageAsync(request),
        "deleteMessage" => DeleteAsync(request),
        "getMessageContent" => GetValueAsync(request),
        "updateMessage" => PutValueAsync(request),
        "send" => SendDraftAsync(request),
        "reply" or "replyAll" or "forward" => SendActionAsync(request),
        _ => CreateFromOriginalAsync(request),
    };

    private static async Task InjectAsync(HttpContext context, EmulatorFaultRule fault)
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

        (int status, string code, string message) = fault.Kind switch
        {
            // concepts/throttling.md: 429 with Retry-After; code and message as publicly observed from Outlook.
            EmulatorFaultKind.Throttle => (429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit."),
            // concepts/errors.md: 503 serviceNotAvailable, "Try the request again after a delay".
            EmulatorFaultKind.ServiceUnavailable => (503, "serviceNotAvailable", "The service is temporarily unavailable."),
            _ => (504, "UnknownError", "The gateway timed out waiting for the mailbox server."),
        };
        await ErrorAsync(context, status, code, message).ConfigureAwait(false);
    }

    /// <summary>
    /// Bearer authentication: a token is required (401 InvalidAuthenticationToken); with
    /// <see cref="EmulatorOptions.Token"/> only that one; with continuous access evaluation a
    /// token issued before the last revocation gets a claims challenge
    /// (learn.microsoft.com/entra/identity-platform/claims-challenge). Null after answering.
    /// </summary>
    private async Task<TokenClaims?> AuthenticateAsync(HttpContext context)
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        string token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : string.Empty;
        if (token.Length == 0)
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "Access token is empty.").ConfigureAwait(false);
            return null;
        }

        if (_options.Token is not null && !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(token), System.Text.Encoding.UTF8.GetBytes(_options.Token)))
        {
            await DrainAsync(context).ConfigureAwait(false);
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "Access token validation failure.").ConfigureAwait(false);
            return null;
        }

        TokenClaims claims = EmulatorTokens.Read(token);
        long revokedAt = Interlocked.Read(ref _revokedAt);
        if (_options.ContinuousAccessEvaluation && !(claims.NotBefore >= revokedAt))
        {
            // The header's form (learn.microsoft.com/entra/identity-platform/claims-challenge) and a
            // claims request for a token issued at or after the revocation (app-resilience-
            // continuous-access-evaluation); client_id and error_description are filled in here.
            await DrainAsync(context).ConfigureAwait(false);
            string claimsRequest = EmulatorTokens.ClaimsRequest(DateTimeOffset.FromUnixTimeSeconds(revokedAt));
            context.Response.Headers.WWWAuthenticate =
                $"Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\", error_description=\"Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp\", error=\"insufficient_claims\", claims=\"{claimsRequest}\"";
            await ErrorAsync(context, 401, "InvalidAuthenticationToken", "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp").ConfigureAwait(false);
            return null;
        }

        return claims;
    }

    /// <summary>
    /// <c>/me</c> → the configured mailbox, else the token's user, else the store folder <c>me</c>;
    /// <c>/users/{id}</c> → the id in lower case. Null when the user does not exist (a configured
    /// tenant without it) or the id cannot name a mailbox.
    /// </summary>
    private string? ResolveMailbox(GraphRoute route, TokenClaims claims)
    {
        if (route.IsMe)
        {
            if (_knownMailboxes is null && claims.UserPrincipalName is not null)
            {
                return MaildirStore.TryNormalizeName(claims.UserPrincipalName, out string? upn) ? upn : null;
            }

            return _defaultMe;
        }

        if (!MaildirStore.TryNormalizeName(route.User, out string? user))
        {
            return null;
        }

        return _knownMailboxes is null || _knownMailboxes.Contains(user) ? user : null;
    }

    private MessageJsonOptions RequestPreferences(HttpContext context, string mailbox)
    {
        bool immutable = false;
        string? bodyType = null;
        foreach (string? header in context.Request.Headers["Prefer"])
        {
            foreach (string preference in (header ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string[] pair = preference.Split('=', 2, StringSplitOptions.TrimEntries);
                string value = pair.Length == 2 ? pair[1].Trim('"') : string.Empty;
                if (pair[0].Equals("IdType", StringComparison.OrdinalIgnoreCase) && value.Equals("ImmutableId", StringComparison.OrdinalIgnoreCase))
                {
                    immutable = true;
                    context.Response.Headers.Append("Preference-Applied", "IdType=\"ImmutableId\"");
                }
                else if (pair[0].Equals("outlook.body-content-type", StringComparison.OrdinalIgnoreCase) && value.ToLowerInvariant() is "text" or "html")
                {
                    bodyType = value.ToLowerInvariant();
                }
            }
        }

        return new MessageJsonOptions(immutable, bodyType, IsAddress(mailbox) ? mailbox : null);
    }

    /// <summary>The request body, or null after answering 413 (over the ceiling) or 429 (over the upload limit).</summary>
    private async Task<byte[]?> ReadBodyAsync(MailRequest request)
    {
        HttpContext context = request.Context;
        long ceiling = _options.MaxRequestBodyLength;
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

        // concepts/throttling-limits.md: 150 MB of upload (PATCH, POST, PUT) per 5 minutes.
        if (_throttle.TryUpload(request.App, request.Mailbox, body.Length) is { } refusal)
        {
            await ThrottledAsync(context, refusal).ConfigureAwait(false);
            return null;
        }

        return body.ToArray();
    }

    // user-post-messages.md: "S/MIME message payloads are currently limited to 4 MB. Submission
    // attempts that exceed this limit will result in an HTTP 413 Request Entity Too Large error".
    private Task TooLargeAsync(HttpContext context) =>
        ErrorAsync(context, 413, "ErrorMessageSizeExceeded", $"The request body exceeds the maximum of {_options.MaxRequestBodyLength.ToString("N0", CultureInfo.InvariantCulture)} bytes.");

    private static Task ThrottledAsync(HttpContext context, ThrottleRefusal refusal)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(refusal.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ErrorAsync(context, 429, "ApplicationThrottled", refusal.Message);
    }

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

    /// <summary>Graph's error body (concepts/errors.md): <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.</summary>
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

    private static async Task JsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriterOptions))
        {
            write(writer);
        }

        context.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool IsAddress(string mailbox) => mailbox.Contains('@', StringComparison.Ordinal);

    /// <summary>One request on its way through: the route, the mailbox it addresses, the app it counts against, how to write messages.</summary>
    private sealed record MailRequest(HttpContext Context, GraphRoute Route, string Mailbox, string App, MessageJsonOptions Json)
    {
        /// <summary>Graph's service root as the client reached it, <c>http://host:port/v1.0</c>.</summary>
        public string ServiceRoot => $"{Context.Request.Scheme}://{Context.Request.Host}/v1.0";

        /// <summary>How the mailbox is named in <c>@odata.context</c>.</summary>
        public string ContextUser => Route.IsMe ? Mailbox : Route.User!;
    }
}
