using System.Net;

namespace SmimeGraph.Graph;

/// <summary>
/// Microsoft Graph (or the emulator) answered with an error. Carries what Graph's error JSON
/// and response headers say.
/// </summary>
public sealed class GraphRequestException : SmimeGraphException
{
    /// <summary>Creates the exception from a Graph error response.</summary>
    public GraphRequestException(HttpStatusCode statusCode, string? errorCode, string message, string? requestId = null, string? clientRequestId = null, Exception? innerException = null)
        : base($"Graph returned {(int)statusCode} {statusCode}{(errorCode is null ? string.Empty : $" ({errorCode})")}: {message}", innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        GraphMessage = message;
        RequestId = requestId;
        ClientRequestId = clientRequestId;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Graph's error code, e.g. <c>ErrorMimeContentInvalidBase64String</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>Graph's error message.</summary>
    public string GraphMessage { get; }

    /// <summary>The <c>request-id</c> response header, for Microsoft support.</summary>
    public string? RequestId { get; }

    /// <summary>The <c>client-request-id</c> header.</summary>
    public string? ClientRequestId { get; }

    /// <summary>
    /// The wait Graph asked for (<c>Retry-After</c>) on a 429, 503 or 504 that was not retried
    /// further; null when Graph gave none.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}
