namespace SmimeGraph.Graph;

/// <summary>Settings for <see cref="GraphMimeTransport"/>.</summary>
public sealed class GraphMimeTransportOptions
{
    /// <summary>Microsoft Graph global service, <c>https://graph.microsoft.com/v1.0</c> (the default).</summary>
    public static Uri GlobalBaseAddress { get; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>Microsoft Graph for US Government L4, <c>https://graph.microsoft.us/v1.0</c>.</summary>
    public static Uri UsGovernmentL4BaseAddress { get; } = new("https://graph.microsoft.us/v1.0");

    /// <summary>Microsoft Graph for US Government L5 (DOD), <c>https://dod-graph.microsoft.us/v1.0</c>.</summary>
    public static Uri UsGovernmentL5BaseAddress { get; } = new("https://dod-graph.microsoft.us/v1.0");

    /// <summary>Microsoft Graph China operated by 21Vianet, <c>https://microsoftgraph.chinacloudapi.cn/v1.0</c>.</summary>
    public static Uri ChinaBaseAddress { get; } = new("https://microsoftgraph.chinacloudapi.cn/v1.0");

    /// <summary>
    /// The service root including the version segment, e.g. <see cref="GlobalBaseAddress"/>, a
    /// national cloud, or the emulator's <c>http://127.0.0.1:PORT/v1.0</c>.
    /// </summary>
    public Uri BaseAddress { get; set; } = GlobalBaseAddress;

    /// <summary>Retry policy for throttling and transient faults.</summary>
    public GraphRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Requests in flight at once per mailbox (Graph's mailbox concurrency limit is 4). Default 4.
    /// The limit is per transport instance: share one transport for a mailbox.
    /// </summary>
    public int MaxConcurrentRequestsPerMailbox { get; set; } = 4;

    /// <summary>The clock for <c>Retry-After</c> dates and waits (tests may supply their own).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
