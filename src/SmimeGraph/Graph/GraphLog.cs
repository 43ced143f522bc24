using Microsoft.Extensions.Logging;

namespace SmimeGraph.Graph;

/// <summary>
/// The transport's log events (category = the logging type). Never tokens, addresses or content:
/// the operation, statuses, waits and the <c>client-request-id</c> that Microsoft support asks for.
/// </summary>
internal static partial class GraphLog
{
    [LoggerMessage(EventId = 1, EventName = "GraphRetry", Level = LogLevel.Information,
        Message = "Graph {Operation} answered {StatusCode}; retry {Retry} of {MaxRetries} in {DelayMilliseconds} ms (client-request-id {ClientRequestId}).")]
    public static partial void Retry(ILogger logger, string operation, int statusCode, int retry, int maxRetries, double delayMilliseconds, string? clientRequestId);

    [LoggerMessage(EventId = 2, EventName = "GraphRetryAfter", Level = LogLevel.Information,
        Message = "Graph {Operation} asked to wait {RetryAfterMilliseconds} ms (Retry-After after {StatusCode}); waiting {DelayMilliseconds} ms before retry {Retry} (client-request-id {ClientRequestId}).")]
    public static partial void RetryAfterWait(ILogger logger, string operation, int statusCode, double retryAfterMilliseconds, double delayMilliseconds, int retry, string? clientRequestId);

    [LoggerMessage(EventId = 3, EventName = "GraphNetworkRetry", Level = LogLevel.Warning,
        Message = "Graph {Operation} got no response ({Error}); it is idempotent, retry {Retry} of {MaxRetries} in {DelayMilliseconds} ms (client-request-id {ClientRequestId}).")]
    public static partial void NetworkRetry(ILogger logger, string operation, string error, int retry, int maxRetries, double delayMilliseconds, string? clientRequestId);

    [LoggerMessage(EventId = 4, EventName = "GraphRetryNotMade", Level = LogLevel.Warning,
        Message = "Graph {Operation} answered {StatusCode}; not retried: {Reason} (client-request-id {ClientRequestId}).")]
    public static partial void RetryNotMade(ILogger logger, string operation, int statusCode, string reason, string? clientRequestId);

    [LoggerMessage(EventId = 5, EventName = "GraphAmbiguousSend", Level = LogLevel.Warning,
        Message = "Graph {Operation} may or may not have been acted on ({Reason}); it was not sent again (client-request-id {ClientRequestId}).")]
    public static partial void AmbiguousSend(ILogger logger, string operation, string reason, string clientRequestId);

    [LoggerMessage(EventId = 6, EventName = "GraphAmbiguousCreate", Level = LogLevel.Warning,
        Message = "Graph {Operation} may or may not have created the draft ({Reason}); looking it up by internetMessageId in '{Folder}' before creating it again (client-request-id {ClientRequestId}).")]
    public static partial void AmbiguousCreate(ILogger logger, string operation, string reason, string folder, string clientRequestId);

    [LoggerMessage(EventId = 7, EventName = "GraphAmbiguousCreateFound", Level = LogLevel.Information,
        Message = "Graph {Operation}: the draft from the unanswered attempt exists; it is used and not created again (client-request-id {ClientRequestId}).")]
    public static partial void AmbiguousCreateFound(ILogger logger, string operation, string clientRequestId);

    [LoggerMessage(EventId = 8, EventName = "GraphAmbiguousCreateNotFound", Level = LogLevel.Information,
        Message = "Graph {Operation}: no draft from the unanswered attempt was found; creating it again (client-request-id {ClientRequestId}).")]
    public static partial void AmbiguousCreateNotFound(ILogger logger, string operation, string clientRequestId);

    [LoggerMessage(EventId = 9, EventName = "GraphClaimsChallenge", Level = LogLevel.Information,
        Message = "Graph {Operation} answered 401 with a claims challenge; asking for a token with the claims and retrying once (client-request-id {ClientRequestId}).")]
    public static partial void ClaimsChallenge(ILogger logger, string operation, string? clientRequestId);
}
