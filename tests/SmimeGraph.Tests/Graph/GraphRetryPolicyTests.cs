using System.Net;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

public class GraphRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("120", 120)]
    [InlineData("86400", 86400)]
    public void Retry_After_delay_seconds_is_read_as_given(string header, int seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", header);

        Assert.Equal(TimeSpan.FromSeconds(seconds), GraphRetryPolicy.ReadRetryAfter(response.Headers, Now));
    }

    [Theory]
    [InlineData("Sat, 21 Nov 2026 06:00:30 GMT", 30)]
    [InlineData("Sat, 21 Nov 2026 07:01:05 GMT", 3665)] // the whole interval, not its seconds part
    [InlineData("Sun, 22 Nov 2026 06:00:00 GMT", 86400)]
    [InlineData("Sat, 21 Nov 2026 05:59:00 GMT", 0)] // already past
    public void Retry_After_HTTP_date_is_the_whole_interval_from_now_in_UTC(string header, int seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", header);

        Assert.Equal(TimeSpan.FromSeconds(seconds), GraphRetryPolicy.ReadRetryAfter(response.Headers, Now));
        // The same instant seen from another offset gives the same wait.
        Assert.Equal(TimeSpan.FromSeconds(seconds), GraphRetryPolicy.ReadRetryAfter(response.Headers, Now.ToOffset(TimeSpan.FromHours(-8))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("soon")]
    [InlineData("-5")]
    public void Missing_or_invalid_Retry_After_is_null(string? header)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (header is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", header);
        }

        Assert.Null(GraphRetryPolicy.ReadRetryAfter(response.Headers, Now));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Jitter_only_adds_to_Retry_After(double jitterSample)
    {
        var policy = new GraphRetryPolicy(new GraphRetryOptions { MaxJitter = TimeSpan.FromMilliseconds(200) }, TimeProvider.System);

        TimeSpan wait = policy.ComputeDelay(1, TimeSpan.FromSeconds(7), jitterSample);

        Assert.InRange(wait, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7.2));
        Assert.Equal(TimeSpan.FromSeconds(7) + TimeSpan.FromMilliseconds(200 * jitterSample), wait);
    }

    [Fact]
    public void Without_Retry_After_the_wait_doubles_up_to_the_cap()
    {
        var policy = new GraphRetryPolicy(
            new GraphRetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5), MaxJitter = TimeSpan.Zero },
            TimeProvider.System);

        TimeSpan[] waits = [.. Enumerable.Range(1, 5).Select(retry => policy.ComputeDelay(retry, null, 0.5))];

        Assert.Equal([1, 2, 4, 5, 5], waits.Select(w => w.TotalSeconds));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.BadGateway, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    public void Only_429_503_and_504_are_retryable_statuses(HttpStatusCode status, bool retryable) =>
        Assert.Equal(retryable, GraphRetryPolicy.IsRetryableStatus(status));

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GraphRetryPolicy(new GraphRetryOptions { MaxAttempts = 0 }, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GraphRetryPolicy(new GraphRetryOptions { MaxJitter = TimeSpan.FromSeconds(-1) }, TimeProvider.System));
    }
}
