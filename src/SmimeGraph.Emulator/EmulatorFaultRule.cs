namespace SmimeGraph.Emulator;

/// <summary>
/// One fault to inject: what (<see cref="Kind"/>), into which requests (<see cref="Operation"/>),
/// how many (<see cref="Count"/>, after letting <see cref="Skip"/> through), and whether the
/// request is acted on first (<see cref="AfterAction"/>: the message is created or sent, then the
/// gateway times out or the connection drops — the ambiguous case a client must not resend).
/// </summary>
public sealed class EmulatorFaultRule
{
    /// <summary>The operation names a rule can target; <c>*</c> matches every request.</summary>
    public static IReadOnlyList<string> Operations { get; } =
    [
        "*", "createMessage", "listMessages", "getMessage", "deleteMessage", "getMessageContent", "updateMessage",
        "send", "sendMail", "reply", "replyAll", "forward", "createReply", "createReplyAll", "createForward",
    ];

    private string _operation = "*";
    private int _count = 1;
    private int _skip;
    private int? _retryAfterSeconds;
    private TimeSpan _delay;

    /// <summary>What the fault does.</summary>
    public EmulatorFaultKind Kind { get; init; }

    /// <summary>The operation it applies to (one of <see cref="Operations"/>, case-insensitive). Default <c>*</c>.</summary>
    public string Operation
    {
        get => _operation;
        init => _operation = Operations.FirstOrDefault(o => o.Equals(value, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown operation '{value}'; one of: {string.Join(", ", Operations)}.", nameof(Operation));
    }

    /// <summary>How many matching requests get the fault; 0 means every one. Default 1.</summary>
    public int Count
    {
        get => _count;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Count));
            _count = value;
        }
    }

    /// <summary>Matching requests let through before the fault starts. Default 0.</summary>
    public int Skip
    {
        get => _skip;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Skip));
            _skip = value;
        }
    }

    /// <summary><c>Retry-After</c> in seconds (429 defaults to 1; 503 and 504 send none unless given).</summary>
    public int? RetryAfterSeconds
    {
        get => _retryAfterSeconds;
        init
        {
            if (value is int seconds)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(RetryAfterSeconds));
            }

            _retryAfterSeconds = value;
        }
    }

    /// <summary><c>Retry-After</c> as an HTTP-date instead of seconds.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>For <see cref="EmulatorFaultKind.Slow"/>: how long the request waits.</summary>
    public TimeSpan Delay
    {
        get => _delay;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(Delay));
            _delay = value;
        }
    }

    /// <summary>
    /// For <see cref="EmulatorFaultKind.GatewayTimeout"/> and <see cref="EmulatorFaultKind.DropConnection"/>:
    /// act on the request first (create, send, update), then fail. Default false: nothing is done.
    /// </summary>
    public bool AfterAction { get; init; }

    internal bool Matches(string operation) => _operation == "*" || _operation == operation;
}
