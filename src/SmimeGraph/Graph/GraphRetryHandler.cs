using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmimeGraph.Graph;

/// <summary>
/// Retries Graph requests that were throttled (429) or met an unavailable service (503, and 504
/// for idempotent requests), waiting what <c>Retry-After</c> asks (RFC 9110 §10.2.3: seconds or an
/// HTTP-date, the whole interval in UTC) or backing off exponentially; and retries idempotent
/// requests after a network failure. It reads <see cref="GraphRequestOptions.Kind"/>: a request
/// that creates an item or sends mail is never repeated after a 504 or a network failure, because
/// Graph may have acted on it; the response or exception goes back to the caller, which decides
/// (the transport looks a draft up, or reports a <see cref="GraphAmbiguousSendException"/>).
/// </summary>
/// <remarks>
/// When retries run out, or the next wait would end past <see cref="GraphRetryOptions.MaxTotalTime"/>,
/// the last response itself is returned (the caller turns it into the last real error, never an
/// aggregate). Each retry sends a copy of the request with the same headers, so the
/// <c>client-request-id</c> stays the same across attempts.
/// </remarks>
public sealed class GraphRetryHandler : DelegatingHandler
{
    private readonly GraphRetryPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Attempts, waits and the total time allowed; defaults when null.</param>
    /// <param name="timeProvider">The clock for waits and <c>Retry-After</c> dates; the system clock when null.</param>
    /// <param name="logger">Receives retry and Retry-After events; null for none.</param>
    public GraphRetryHandler(GraphRetryOptions? options = null, TimeProvider? timeProvider = null, ILogger<GraphRetryHandler>? logger = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _policy = new GraphRetryPolicy(options ?? new GraphRetryOptions(), _time);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        GraphRequestKind kind = GraphRequestOptions.GetKind(request);
        string operation = GraphRequestOptions.GetOperation(request);
        string? clientRequestId = request.Headers.TryGetValues("client-request-id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
        int maxRetries = _policy.MaxAttempts - 1;
        long start = _time.GetTimestamp();
        HttpRequestMessage attemptRequest = request;
        for (int attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(attemptRequest, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (kind == GraphRequestKind.Idempotent && attempt < _policy.MaxAttempts && GraphFailure.IsNetworkFailure(ex, cancellationToken, out _))
            {
                TimeSpan wait = _policy.ComputeDelay(attempt, retryAfter: null, Random.Shared.NextDouble());
                if (!_policy.FitsBudget(start, wait))
                {
                    throw;
                }

                GraphLog.NetworkRetry(_logger, operation, ex.GetType().Name, attempt, maxRetries, wait.TotalMilliseconds, clientRequestId);
                SmimeGraphDiagnostics.GraphRetries.Add(1, new KeyValuePair<string, object?>("smimegraph.operation", operation), new KeyValuePair<string, object?>("error.type", ex.GetType().Name));
                await _policy.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                attemptRequest = GraphRequestCopy.Create(request);
                continue;
            }

            HttpStatusCode status = response.StatusCode;
            if (!GraphRetryPolicy.IsRetryableStatus(status))
            {
                return response;
            }

            if (status == HttpStatusCode.GatewayTimeout && kind != GraphRequestKind.Idempotent)
            {
                GraphLog.RetryNotMade(_logger, operation, (int)status, "the gateway timed out and Graph may have acted on the request", clientRequestId);
                return response;
            }

            if (attempt >= _policy.MaxAttempts)
            {
                GraphLog.RetryNotMade(_logger, operation, (int)status, "no attempts left", clientRequestId);
                return response;
            }

            TimeSpan? retryAfter = GraphRetryPolicy.ReadRetryAfter(response.Headers, _time.GetUtcNow());
            TimeSpan delay = _policy.ComputeDelay(attempt, retryAfter, Random.Shared.NextDouble());
            if (!_policy.FitsBudget(start, delay))
            {
                GraphLog.RetryNotMade(_logger, operation, (int)status, "the wait would end past MaxTotalTime", clientRequestId);
                return response;
            }

            if (retryAfter is TimeSpan asked)
            {
                GraphLog.RetryAfterWait(_logger, operation, (int)status, asked.TotalMilliseconds, delay.TotalMilliseconds, attempt, clientRequestId);
            }
            else
            {
                GraphLog.Retry(_logger, operation, (int)status, attempt, maxRetries, delay.TotalMilliseconds, clientRequestId);
            }

            SmimeGraphDiagnostics.GraphRetries.Add(1, new KeyValuePair<string, object?>("smimegraph.operation", operation), new KeyValuePair<string, object?>("http.response.status_code", (int)status));
            response.Dispose();
            await _policy.DelayAsync(delay, cancellationToken).ConfigureAwait(false);
            attemptRequest = GraphRequestCopy.Create(request);
        }
    }
}
