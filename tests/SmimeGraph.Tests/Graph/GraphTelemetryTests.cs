using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Graph;

/// <summary>Listeners for the "SmimeGraph" source and meter are process-wide: these tests run alone.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>ILogger events, the "SmimeGraph" ActivitySource and Meter, User-Agent and client-request-id.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class GraphTelemetryTests : IDisposable
{
    private readonly List<Activity> _activities = [];
    private readonly ActivityListener _listener;
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public GraphTelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SmimeGraphDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_activities)
                {
                    _activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _loggerFactory.Dispose();
    }

    [Fact]
    public async Task A_retried_call_is_one_activity_with_its_retries_counted_and_logged()
    {
        using var retries = new MetricCollector<long>(null, SmimeGraphDiagnostics.MeterName, "smimegraph.graph.retries");
        using var durations = new MetricCollector<double>(null, SmimeGraphDiagnostics.MeterName, "smimegraph.graph.request.duration");
        var graph = new FakeGraph();
        graph.Faults.Enqueue(new FakeFault(false, HttpStatusCode.ServiceUnavailable));
        graph.Faults.Enqueue(new FakeFault(false, HttpStatusCode.TooManyRequests, RetryAfter: TimeSpan.Zero));
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Telemetry", "telemetry@example.com");

        await GraphTransportKit.Transport(graph, loggerFactory: _loggerFactory).SendMailAsync(GraphMailbox.Me, payload);

        Assert.Equal(3, graph.Requests.Count);
        string clientRequestId = Assert.Single(graph.Requests.Select(r => r.ClientRequestId).Distinct())!;
        Activity activity = Assert.Single(_activities, a => (string?)a.GetTagItem("smimegraph.client_request_id") == clientRequestId);
        Assert.Equal("Graph sendMail", activity.DisplayName);
        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal("sendMail", activity.GetTagItem("smimegraph.operation"));
        Assert.Equal(202, activity.GetTagItem("http.response.status_code"));
        Assert.Equal("graph.microsoft.com", activity.GetTagItem("server.address"));

        Assert.Equal([503, 429], retries.GetMeasurementSnapshot().Select(m => (int)m.Tags["http.response.status_code"]!));
        Assert.Contains(durations.GetMeasurementSnapshot(), m => (string?)m.Tags["smimegraph.operation"] == "sendMail" && (int?)m.Tags["http.response.status_code"] == 202);

        FakeLogRecord[] records = [.. _logs.GetSnapshot().Where(r => r.Message.Contains(clientRequestId, StringComparison.Ordinal))];
        FakeLogRecord retry = Assert.Single(records, r => r.Id.Name == "GraphRetry");
        Assert.Equal(LogLevel.Information, retry.Level);
        Assert.Contains("503", retry.Message, StringComparison.Ordinal);
        FakeLogRecord retryAfter = Assert.Single(records, r => r.Id.Name == "GraphRetryAfter");
        Assert.Contains("429", retryAfter.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(GraphRetryHandler).FullName, retryAfter.Category);
        Assert.DoesNotContain(records, r => r.Message.Contains("token-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ambiguous_send_is_logged_counted_and_marked_as_an_error()
    {
        using var ambiguous = new MetricCollector<long>(null, SmimeGraphDiagnostics.MeterName, "smimegraph.graph.ambiguous");
        var graph = new FakeGraph();
        graph.Faults.Enqueue(FakeFault.GatewayTimeoutAfterActing);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Ambiguous", "ambiguous@example.com");

        var ex = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => GraphTransportKit.Transport(graph, loggerFactory: _loggerFactory).SendMailAsync(GraphMailbox.Me, payload));

        FakeLogRecord record = Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "GraphAmbiguousSend" && r.Message.Contains(ex.ClientRequestId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal(typeof(GraphMimeTransport).FullName, record.Category);
        Assert.Contains(ambiguous.GetMeasurementSnapshot(), m => (string?)m.Tags["smimegraph.operation"] == "sendMail");
        Activity activity = Assert.Single(_activities, a => (string?)a.GetTagItem("smimegraph.client_request_id") == ex.ClientRequestId);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal("504", activity.GetTagItem("error.type"));
        Assert.Single(graph.Requests);
    }

    [Fact]
    public async Task An_ambiguous_create_logs_the_lookup_and_the_draft_it_found()
    {
        var graph = new FakeGraph();
        graph.Faults.Enqueue(FakeFault.DropAfterActing);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Found", "found-log@example.com");

        await GraphTransportKit.Transport(graph, loggerFactory: _loggerFactory).CreateDraftAsync(GraphMailbox.Me, payload);

        string clientRequestId = graph.Requests[0].ClientRequestId!;
        string[] events = [.. _logs.GetSnapshot().Where(r => r.Message.Contains(clientRequestId, StringComparison.Ordinal)).Select(r => r.Id.Name!)];
        Assert.Equal(["GraphAmbiguousCreate", "GraphAmbiguousCreateFound"], events);
        // The create, then its lookup: two Graph calls, two activities.
        Assert.Contains(_activities, a => a.DisplayName == "Graph createMessage" && (string?)a.GetTagItem("smimegraph.client_request_id") == clientRequestId);
        Assert.Contains(_activities, a => a.DisplayName == "Graph listMessages" && (string?)a.GetTagItem("smimegraph.client_request_id") == graph.Requests[1].ClientRequestId);
    }

    [Fact]
    public async Task A_claims_challenge_is_logged()
    {
        var graph = new FakeGraph();
        graph.Faults.Enqueue(new FakeFault(false, HttpStatusCode.Unauthorized, WwwAuthenticate: "Bearer error=\"insufficient_claims\", claims=\"e30=\""));
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("CAE", "cae-log@example.com");

        await GraphTransportKit.Transport(graph, loggerFactory: _loggerFactory).SendMailAsync(GraphMailbox.Me, payload);

        Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "GraphClaimsChallenge" && r.Message.Contains(graph.Requests[0].ClientRequestId!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_request_names_the_library_and_its_version_in_User_Agent()
    {
        var graph = new FakeGraph();
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("UA", "ua@example.com");

        await GraphTransportKit.Transport(graph).SendMailAsync(GraphMailbox.Me, payload);

        string version = typeof(GraphMimeTransport).Assembly.GetName().Version!.ToString(3);
        Assert.Equal("SmimeGraph/" + version, Assert.Single(graph.Requests).UserAgent);
        Assert.Equal(version, SmimeGraphDiagnostics.Version);
    }

    [Fact]
    public async Task Compose_is_an_activity_with_its_duration_and_body_size_measured()
    {
        using var sizes = new MetricCollector<long>(null, SmimeGraphDiagnostics.MeterName, "smimegraph.compose.body.size");
        var spec = new MessageSpec { From = new MailboxAddress("alice@example.com"), Subject = "Composed", TextBody = "Hello.\r\n" };
        spec.To.Add(new MailboxAddress("bob@example.com"));

        using GraphPayload payload = await new SmimeComposer().ComposeAsync(spec, new SmimeOptions());

        Activity activity = Assert.Single(_activities, a => a.DisplayName == "Compose" && (long?)a.GetTagItem("smimegraph.body.size") == payload.Length);
        Assert.Equal(false, activity.GetTagItem("smimegraph.signed"));
        Assert.Contains(sizes.GetMeasurementSnapshot(), m => m.Value == payload.Length);
    }
}
