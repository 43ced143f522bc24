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
    /// The hosts of Microsoft Graph's global service and national clouds, the default
    /// <see cref="AllowedHosts"/>: <c>graph.microsoft.com</c>, <c>graph.microsoft.us</c> (US
    /// Government L4), <c>dod-graph.microsoft.us</c> (US Government L5, DOD) and
    /// <c>microsoftgraph.chinacloudapi.cn</c> (China, 21Vianet), as listed under "Microsoft Graph
    /// and Graph Explorer service root endpoints" in "Microsoft Graph national cloud deployments",
    /// https://learn.microsoft.com/graph/deployments.
    /// </summary>
    public static IReadOnlyList<string> NationalCloudHosts { get; } =
        ["graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"];

    /// <summary>
    /// The hosts the bearer token may be sent to over https (default
    /// <see cref="NationalCloudHosts"/>). A loopback address (the local emulator) is always
    /// allowed, over http or https; any other host or plain http is refused with
    /// <see cref="GraphHostNotAllowedException"/> before anything is sent.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [.. NationalCloudHosts];

    /// <summary>
    /// Sends <c>Prefer: IdType="ImmutableId"</c> on every request, so that a message keeps its id
    /// when it moves between folders (for example from Drafts to Sent Items on send). See
    /// "Obtain immutable identifiers for Outlook resources",
    /// https://learn.microsoft.com/graph/outlook-immutable-id. Default false.
    /// </summary>
    public bool PreferImmutableIds { get; set; }

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
