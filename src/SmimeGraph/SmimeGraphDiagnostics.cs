using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace SmimeGraph;

/// <summary>
/// The names SmimeGraph's telemetry is published under: one <see cref="ActivitySource"/> and one
/// <see cref="Meter"/>, both named <c>SmimeGraph</c>, with an activity around each compose and each
/// Graph call. Subscribe with OpenTelemetry's <c>AddSource("SmimeGraph")</c> and
/// <c>AddMeter("SmimeGraph")</c>.
/// </summary>
/// <remarks>
/// Instruments: <c>smimegraph.compose.duration</c> (s), <c>smimegraph.compose.body.size</c>
/// (bytes of Graph request body), <c>smimegraph.graph.request.duration</c> (s, per Graph call,
/// retries included), <c>smimegraph.graph.retries</c>, <c>smimegraph.graph.ambiguous</c> (calls
/// that may or may not have been acted on). Tags: <c>smimegraph.operation</c>,
/// <c>http.response.status_code</c>, <c>error.type</c>. Never message content, addresses or tokens.
/// </remarks>
public static class SmimeGraphDiagnostics
{
    /// <summary>The <see cref="ActivitySource"/> name, <c>SmimeGraph</c>.</summary>
    public const string ActivitySourceName = "SmimeGraph";

    /// <summary>The <see cref="Meter"/> name, <c>SmimeGraph</c>.</summary>
    public const string MeterName = "SmimeGraph";

    /// <summary>The library's version (the informational version without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    internal static ActivitySource ActivitySource { get; } = new(ActivitySourceName, Version);

    internal static Meter Meter { get; } = new(MeterName, Version);

    internal static Histogram<double> ComposeDuration { get; } =
        Meter.CreateHistogram<double>("smimegraph.compose.duration", "s", "Time to compose, sign and encrypt one message into a Graph request body.");

    internal static Histogram<long> ComposeBodySize { get; } =
        Meter.CreateHistogram<long>("smimegraph.compose.body.size", "By", "Size of the composed Graph request body.");

    internal static Histogram<double> GraphRequestDuration { get; } =
        Meter.CreateHistogram<double>("smimegraph.graph.request.duration", "s", "Time of one Graph call, its retries included.");

    internal static Counter<long> GraphRetries { get; } =
        Meter.CreateCounter<long>("smimegraph.graph.retries", "{retry}", "Graph requests repeated after throttling or a transient failure.");

    internal static Counter<long> GraphAmbiguous { get; } =
        Meter.CreateCounter<long>("smimegraph.graph.ambiguous", "{request}", "Graph requests that may or may not have been acted on (504 or a connection lost after writing).");

    private static string ReadVersion()
    {
        string? version = typeof(SmimeGraphDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(version))
        {
            return typeof(SmimeGraphDiagnostics).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
