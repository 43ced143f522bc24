namespace SmimeGraph.Emulator;

/// <summary>
/// Outlook's limits (concepts/throttling-limits.md, "Outlook service limits"): 4 concurrent
/// requests, 10,000 requests in 10 minutes and 150 MB of upload (PATCH, POST, PUT) in 5 minutes,
/// each per app and mailbox. Past a limit the emulator answers 429 ApplicationThrottled with
/// <c>Retry-After</c>.
/// </summary>
public sealed class EmulatorThrottlingOptions
{
    private int _maxConcurrentRequests = 4;
    private int _maxRequests = 10_000;
    private long _maxUploadBytes = 150L * 1024 * 1024;
    private TimeSpan _requestWindow = TimeSpan.FromMinutes(10);
    private TimeSpan _uploadWindow = TimeSpan.FromMinutes(5);
    private TimeSpan _concurrencyRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>False turns every limit off. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests in flight at once per app and mailbox. Default 4.</summary>
    public int MaxConcurrentRequests
    {
        get => _maxConcurrentRequests;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrentRequests = value;
        }
    }

    /// <summary>Requests per <see cref="RequestWindow"/> per app and mailbox. Default 10,000.</summary>
    public int MaxRequests
    {
        get => _maxRequests;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxRequests = value;
        }
    }

    /// <summary>The sliding window of <see cref="MaxRequests"/>. Default 10 minutes.</summary>
    public TimeSpan RequestWindow
    {
        get => _requestWindow;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _requestWindow = value;
        }
    }

    /// <summary>Request-body bytes of PATCH, POST and PUT per <see cref="UploadWindow"/> per app and mailbox. Default 150 MB (157,286,400 bytes).</summary>
    public long MaxUploadBytes
    {
        get => _maxUploadBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxUploadBytes = value;
        }
    }

    /// <summary>The sliding window of <see cref="MaxUploadBytes"/>. Default 5 minutes.</summary>
    public TimeSpan UploadWindow
    {
        get => _uploadWindow;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _uploadWindow = value;
        }
    }

    /// <summary>The <c>Retry-After</c> sent with a concurrency refusal (a slot frees when a request ends). Default 1 second.</summary>
    public TimeSpan ConcurrencyRetryAfter
    {
        get => _concurrencyRetryAfter;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _concurrencyRetryAfter = value;
        }
    }
}
