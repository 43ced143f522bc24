namespace SmimeGraph.Emulator;

/// <summary>What an injected fault does to a request.</summary>
public enum EmulatorFaultKind
{
    /// <summary>429 ApplicationThrottled with <c>Retry-After</c> (concepts/throttling.md).</summary>
    Throttle,

    /// <summary>503 serviceNotAvailable, with <c>Retry-After</c> when given (concepts/errors.md).</summary>
    ServiceUnavailable,

    /// <summary>504 Gateway Timeout (concepts/errors.md).</summary>
    GatewayTimeout,

    /// <summary>The request is read in full and the connection reset without a response.</summary>
    DropConnection,

    /// <summary>The request waits <see cref="EmulatorFaultRule.Delay"/> before it is handled normally.</summary>
    Slow,
}
