using System.Net;
using System.Net.Http.Headers;

namespace SmimeGraph.Graph;

/// <summary>
/// When and how long to wait before retrying a Graph request. Waits honour <c>Retry-After</c>
/// (RFC 9110 §10.2.3: delay-seconds or an HTTP-date, the whole interval from now in UTC), else
/// back off exponentially; jitter is only ever added.
/// </summary>
internal sealed class GraphRetryPolicy
{
    private readonly GraphRetryOptions _options;
    private readonly TimeProvider _time;

    public GraphRetryPolicy(GraphRetryOptions options, TimeProvider time)
    {
        options.Validate();
        _options = options;
        _time = time;
    }

    public int MaxAttempts => _options.MaxAttempts;

    /// <summary>429 Too Many Requests, 503 Service Unavailable, 504 Gateway Timeout.</summary>
    public static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>The wait a response asks for, or null without a valid <c>Retry-After</c>.</summary>
    public static TimeSpan? ReadRetryAfter(HttpResponseHeaders headers, DateTimeOffset utcNow)
    {
        RetryConditionHeaderValue? retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is DateTimeOffset date)
        {
            // The whole interval (not its seconds component), both sides in UTC.
            TimeSpan wait = date.UtcDateTime - utcNow.UtcDateTime;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first retry):
    /// <paramref name="retryAfter"/> when given, else <c>BaseDelay · 2^(retry-1)</c> capped at
    /// <c>MaxDelay</c>; plus <paramref name="jitterSample"/> (0..1) of <c>MaxJitter</c>.
    /// </summary>
    public TimeSpan ComputeDelay(int retry, TimeSpan? retryAfter, double jitterSample)
    {
        TimeSpan wait = retryAfter ?? Backoff(retry);
        return wait + TimeSpan.FromTicks((long)(_options.MaxJitter.Ticks * Math.Clamp(jitterSample, 0, 1)));
    }

    /// <summary>Whether a retry that waits <paramref name="delay"/> still ends within the total time allowed.</summary>
    public bool FitsBudget(long startTimestamp, TimeSpan delay) =>
        _time.GetElapsedTime(startTimestamp) + delay <= _options.MaxTotalTime;

    /// <summary>Waits at least <paramref name="delay"/> by this policy's clock (timers may fire a little early).</summary>
    public async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        TimeSpan remaining = delay;
        while (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
            remaining = delay - _time.GetElapsedTime(start);
        }
    }

    private TimeSpan Backoff(int retry)
    {
        double ticks = _options.BaseDelay.Ticks * Math.Pow(2, Math.Clamp(retry - 1, 0, 30));
        return ticks >= _options.MaxDelay.Ticks ? _options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
