namespace SmimeGraph.Emulator;

/// <summary>
/// Faults the emulator injects into the next requests, in the order queued, one per request:
/// throttling (429 with <c>Retry-After</c>), 503, 504, or a connection dropped after the
/// request has been read.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly Queue<EmulatorFault> _queue = new();
    private readonly Lock _lock = new();

    /// <summary>Faults still queued.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests get <c>429 TooManyRequests</c> with <c>Retry-After: seconds</c>.</summary>
    public void Throttle(int count = 1, int retryAfterSeconds = 1) =>
        Enqueue(count, new EmulatorFault(EmulatorFaultKind.Status, 429, "TooManyRequests", "Application is over its MailboxConcurrency limit.", RetryAfterSeconds(retryAfterSeconds), null));

    /// <summary>The next <paramref name="count"/> requests get <c>429</c> with <c>Retry-After</c> as an HTTP-date.</summary>
    public void ThrottleUntil(DateTimeOffset retryAt, int count = 1) =>
        Enqueue(count, new EmulatorFault(EmulatorFaultKind.Status, 429, "TooManyRequests", "Application is over its MailboxConcurrency limit.", null, retryAt));

    /// <summary>The next <paramref name="count"/> requests get <c>503 ServiceNotAvailable</c>, with <c>Retry-After</c> when given.</summary>
    public void ServiceUnavailable(int count = 1, int? retryAfterSeconds = null) =>
        Enqueue(count, new EmulatorFault(EmulatorFaultKind.Status, 503, "ServiceNotAvailable", "The service is temporarily unavailable.", retryAfterSeconds is int s ? RetryAfterSeconds(s) : null, null));

    /// <summary>The next <paramref name="count"/> requests get <c>504 GatewayTimeout</c>, with <c>Retry-After</c> when given.</summary>
    public void GatewayTimeout(int count = 1, int? retryAfterSeconds = null) =>
        Enqueue(count, new EmulatorFault(EmulatorFaultKind.Status, 504, "UnknownError", "The gateway timed out.", retryAfterSeconds is int s ? RetryAfterSeconds(s) : null, null));

    /// <summary>
    /// The next <paramref name="count"/> requests are read in full, not acted on, and their
    /// connection is reset without a response.
    /// </summary>
    public void DropConnection(int count = 1) =>
        Enqueue(count, new EmulatorFault(EmulatorFaultKind.DropConnection, 0, string.Empty, string.Empty, null, null));

    /// <summary>Removes every queued fault.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _queue.Clear();
        }
    }

    internal bool TryTake(out EmulatorFault fault)
    {
        lock (_lock)
        {
            return _queue.TryDequeue(out fault!);
        }
    }

    private void Enqueue(int count, EmulatorFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_lock)
        {
            for (int i = 0; i < count; i++)
            {
                _queue.Enqueue(fault);
            }
        }
    }

    private static int RetryAfterSeconds(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        return seconds;
    }
}

internal enum EmulatorFaultKind
{
    Status,
    DropConnection,
}

internal sealed record EmulatorFault(EmulatorFaultKind Kind, int StatusCode, string Code, string Message, int? RetryAfterSeconds, DateTimeOffset? RetryAt);
