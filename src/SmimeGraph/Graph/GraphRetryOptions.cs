namespace SmimeGraph.Graph;

/// <summary>
/// How <see cref="GraphMimeTransport"/> retries throttled (429) and unavailable (503, 504)
/// responses, and network failures of idempotent requests (GET, PUT <c>$value</c>).
/// A request that may have sent mail is never repeated after a network failure.
/// </summary>
public sealed class GraphRetryOptions
{
    /// <summary>Attempts in all, the first included (1 turns retries off). Default 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>
    /// The most time an operation may take from its first attempt, waits included. A retry whose
    /// wait would end past it is not made; the last error is thrown instead. Default 2 minutes.
    /// </summary>
    public TimeSpan MaxTotalTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The first wait when the response has no <c>Retry-After</c>; it doubles on each retry,
    /// up to <see cref="MaxDelay"/>. Default 1 second.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait computed without a <c>Retry-After</c>. Default 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Up to this much random time is added to every wait (never subtracted, so a
    /// <c>Retry-After</c> is always honoured in full). Default 250 ms.
    /// </summary>
    public TimeSpan MaxJitter { get; set; } = TimeSpan.FromMilliseconds(250);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTotalTime, TimeSpan.Zero, nameof(MaxTotalTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJitter, TimeSpan.Zero, nameof(MaxJitter));
    }
}
