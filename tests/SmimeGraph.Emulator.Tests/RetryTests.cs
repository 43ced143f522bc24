using System.Diagnostics;
using System.Net;
using SmimeGraph.Graph;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Throttling and transient faults injected by the emulator, retried by the transport.</summary>
public class RetryTests
{
    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.Host.Faults.Throttle(count: 1, retryAfterSeconds: 1);
        byte[] mime = TestMime.Message("Throttled once");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        var clock = Stopwatch.StartNew();
        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        clock.Stop();

        // Behavioural lower bound: the retry waited out the whole Retry-After.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"retried after {clock.Elapsed}");
        Assert.Equal(2, session.Host.RequestCount);
        session.Host.DeliverSentItemsNow();
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
    }

    [Fact]
    public async Task Every_attempt_carries_a_fresh_token_and_the_operations_client_request_id()
    {
        var recorder = new EndpointTests.RecordingHandler();
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: recorder);
        int tokens = 0;
        var transport = new GraphMimeTransport(
            session.Http,
            _ => ValueTask.FromResult("token-" + Interlocked.Increment(ref tokens)),
            new GraphMimeTransportOptions { BaseAddress = session.Host.BaseAddress, Retry = EmulatorSession.FastRetry() });
        session.Host.Faults.ServiceUnavailable(count: 1);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Twice"));

        await transport.SendMailAsync(GraphMailbox.Me, payload);

        Assert.Equal(2, recorder.Requests.Count);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], recorder.Requests.Select(r => r.Authorization));
        Assert.Single(recorder.Requests.Select(r => r.ClientRequestId).Distinct());
    }

    [Fact]
    public async Task A_Retry_After_HTTP_date_is_waited_out_in_full()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        // HTTP-dates have whole seconds; pick one so none is lost to truncation.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset retryAt = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(2);
        session.Host.Faults.ThrottleUntil(retryAt);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Until a date"));

        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);

        Assert.True(DateTimeOffset.UtcNow >= retryAt, "retried before the Retry-After date");
        Assert.Equal(2, session.Host.RequestCount);
    }

    [Fact]
    public async Task Retries_exhausted_throw_the_last_Graph_error()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.Host.Faults.Throttle(count: 5, retryAfterSeconds: 1);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Always throttled"));

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal("ApplicationThrottled", ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Equal(3, session.Host.RequestCount); // MaxAttempts
        Assert.Equal(2, session.Host.Faults.Pending);
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_time_allowed_is_not_waited_for()
    {
        GraphRetryOptions retry = EmulatorSession.FastRetry();
        retry.MaxTotalTime = TimeSpan.FromSeconds(5);
        await using EmulatorSession session = await EmulatorSession.StartAsync(retry: retry);
        session.Host.Faults.Throttle(count: 1, retryAfterSeconds: 3600);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Come back in an hour"));

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(TimeSpan.FromHours(1), ex.RetryAfter);
        Assert.Equal(1, session.Host.RequestCount);
    }

    [Fact]
    public async Task Service_unavailable_is_retried()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.Host.Faults.ServiceUnavailable(count: 2);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Eventually"));

        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.Equal(3, session.Host.RequestCount);
        Assert.Equal(draft.Id, Assert.Single(session.Host.GetMessages("me", "drafts")).Id);
    }

    [Fact]
    public async Task A_gateway_timeout_on_a_GET_is_retried()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { RegenerateMime = false });
        byte[] mime = TestMime.Message("Read after 504");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);
        session.Host.ResetCounters();
        session.Host.Faults.GatewayTimeout(count: 2);

        await using Stream stored = await session.Transport.GetMimeAsync(GraphMailbox.Me, draft.Id);

        Assert.Equal(mime, await TestMime.ReadAllAsync(stored));
        Assert.Equal(3, session.Host.RequestCount);
    }

    [Fact]
    public async Task A_gateway_timeout_on_create_draft_is_looked_up_before_the_draft_is_created_again()
    {
        // The emulator's 504 comes before it acts: the lookup finds nothing, and the create is
        // made once more. (A 504 after acting is covered by AmbiguousCreateTests.) The transport's
        // clock moves only while it waits, so the looks do not depend on how long a request takes.
        var recorder = new EndpointTests.RecordingHandler();
        await using EmulatorSession recorded = await EmulatorSession.StartAsync(handler: recorder, clock: new EarlyTimeProvider(early: TimeSpan.Zero));
        recorded.Host.Faults.GatewayTimeout(count: 1);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Eventually", messageId: "after-504@example.com"));

        GraphMessage draft = await recorded.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        // The create, the lookups while a retry would wait (at its start and at its end), the create again.
        Assert.Equal("POST", recorder.Requests[0].Method);
        Assert.Equal("POST", recorder.Requests[^1].Method);
        Assert.Equal(2, recorder.Requests.Count(r => r.Method == "POST"));
        Assert.All(recorder.Requests.Skip(1).SkipLast(1), r => Assert.Contains("/v1.0/me/mailFolders/drafts/messages?$filter=", r.Uri, StringComparison.Ordinal));
        Assert.Equal(4, recorder.Requests.Count);
        Assert.Equal(recorder.Requests[0].ClientRequestId, recorder.Requests[^1].ClientRequestId);
        Assert.Equal(draft.Id, Assert.Single(recorded.Host.GetMessages("me", "drafts")).Id);
    }

    [Fact]
    public async Task A_dropped_connection_on_GET_is_retried()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { RegenerateMime = false });
        byte[] mime = TestMime.Message("Read twice");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);
        session.Host.ResetCounters();
        session.Host.Faults.DropConnection();

        await using Stream stored = await session.Transport.GetMimeAsync(GraphMailbox.Me, draft.Id);

        Assert.Equal(mime, await TestMime.ReadAllAsync(stored));
        Assert.Equal(2, session.Host.RequestCount);
    }

    [Fact]
    public async Task A_dropped_connection_on_PUT_value_is_retried()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload first = await TestMime.PayloadAsync(TestMime.Message("Before"));
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, first);
        byte[] updated = TestMime.Message("After");
        using GraphPayload second = await TestMime.PayloadAsync(updated);
        session.Host.ResetCounters();
        session.Host.Faults.DropConnection();

        await session.Transport.UpdateDraftAsync(GraphMailbox.Me, draft.Id, second);

        Assert.Equal(2, session.Host.RequestCount);
        Assert.Equal(updated, await File.ReadAllBytesAsync(Assert.Single(session.Host.GetMessages("me", "drafts")).Path));
    }

    [Fact]
    public async Task Cancellation_during_a_Retry_After_wait_stops_at_once()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.Host.Faults.Throttle(count: 1, retryAfterSeconds: 10);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Cancelled"));
        using var cancel = new CancellationTokenSource();

        Task send = session.Transport.SendMailAsync(GraphMailbox.Me, payload, cancel.Token);
        while (session.Host.RequestCount == 0)
        {
            await Task.Delay(10);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(1, session.Host.RequestCount);
    }
}
