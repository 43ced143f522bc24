using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SmimeGraph.Graph;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Emulator.Tests;

/// <summary>A send whose connection drops after the request was written is never repeated.</summary>
public class AmbiguousSendTests
{
    [Theory]
    [InlineData("sendMail")]
    [InlineData("send")]
    [InlineData("reply")]
    [InlineData("replyAll")]
    [InlineData("forward")]
    public async Task A_dropped_connection_on_a_send_is_ambiguous_and_not_resent(string operation)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload draftPayload = await TestMime.PayloadAsync(TestMime.Message("Draft"));
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, draftPayload);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Maybe sent"));
        session.Host.ResetCounters();
        session.Host.Faults.DropConnection();

        var ex = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => operation switch
        {
            "sendMail" => session.Transport.SendMailAsync(GraphMailbox.Me, payload),
            "send" => session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id),
            "reply" => session.Transport.ReplyAsync(GraphMailbox.Me, draft.Id, payload),
            "replyAll" => session.Transport.ReplyAllAsync(GraphMailbox.Me, draft.Id, payload),
            _ => session.Transport.ForwardAsync(GraphMailbox.Me, draft.Id, payload),
        });

        Assert.Equal(operation, ex.Operation);
        Assert.Equal("me", ex.Mailbox);
        Assert.True(Guid.TryParse(ex.ClientRequestId, out _));
        Assert.Contains("may have been sent", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, session.Host.RequestCount); // no automatic resend
        Assert.Empty(session.Host.GetMessages("me", "sentitems"));
    }

    [Theory]
    [InlineData("sendMail")]
    [InlineData("send")]
    [InlineData("reply")]
    public async Task A_gateway_timeout_on_a_send_is_ambiguous_and_not_resent(string operation)
    {
        // 504: the gateway gave up waiting for the mailbox server, which may have sent the mail.
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload draftPayload = await TestMime.PayloadAsync(TestMime.Message("Draft"));
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, draftPayload);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Maybe sent"));
        session.Host.ResetCounters();
        session.Host.Faults.GatewayTimeout(count: 2);

        var ex = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => operation switch
        {
            "sendMail" => session.Transport.SendMailAsync(GraphMailbox.Me, payload),
            "send" => session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id),
            _ => session.Transport.ReplyAsync(GraphMailbox.Me, draft.Id, payload),
        });

        Assert.Equal(operation, ex.Operation);
        Assert.Equal(System.Net.HttpStatusCode.GatewayTimeout, Assert.IsType<GraphRequestException>(ex.InnerException).StatusCode);
        Assert.Equal(1, session.Host.RequestCount); // no automatic resend
    }

    [Fact]
    public async Task A_send_that_times_out_is_ambiguous_and_not_resent()
    {
        // The emulator holds the request until its clock moves (it never does here), and the
        // client's 300 ms timeout takes effect only once the emulator has the request: on a loaded
        // machine the timeout could otherwise fire before the request arrived, and nothing
        // would be left to prove.
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, ResponseDelay = TimeSpan.FromHours(1) });
        using var http = new HttpClient(new CancelOnceReceivedHandler(session.Host)) { Timeout = TimeSpan.FromMilliseconds(300) };
        var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult(EmulatorSession.Token), new GraphMimeTransportOptions { BaseAddress = session.Host.BaseAddress, Retry = EmulatorSession.FastRetry() });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Slow"));

        var ex = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => transport.SendMailAsync(GraphMailbox.Me, payload));

        OperationCanceledException timedOut = Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
        Assert.IsType<TimeoutException>(timedOut.InnerException); // HttpClient.Timeout's, not a caller's cancellation
        Assert.Equal(1, session.Host.RequestCount);
    }

    [Fact]
    public async Task A_dropped_connection_on_create_draft_is_looked_up_before_the_draft_is_created_again()
    {
        // The transport's clock moves only while it waits: the looks do not depend on load.
        await using EmulatorSession session = await EmulatorSession.StartAsync(clock: new EarlyTimeProvider(early: TimeSpan.Zero));
        session.Host.Faults.DropConnection();
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Draft or not"));

        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        // The dropped create, the lookups while a retry would wait (at its start and its end; they
        // find nothing: the emulator drops before acting), the create again.
        Assert.Equal(4, session.Host.RequestCount);
        Assert.Equal(draft.Id, Assert.Single(session.Host.GetMessages("me", "drafts")).Id);
    }

    [Fact]
    public async Task A_refused_connection_is_not_ambiguous()
    {
        Uri baseAddress;
        await using (EmulatorHost stopped = await EmulatorHost.StartAsync())
        {
            baseAddress = stopped.BaseAddress;
        }

        using var http = new HttpClient();
        var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult("token"), new GraphMimeTransportOptions { BaseAddress = baseAddress });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Never left"));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.IsType<SocketException>(ex.InnerException);
    }

    /// <summary>
    /// Passes HttpClient's cancellation (its timeout) on to the request only once the emulator has
    /// counted the request, so a timeout always means "sent, answer not seen".
    /// </summary>
    private sealed class CancelOnceReceivedHandler(EmulatorHost host) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var cancel = new CancellationTokenSource();
            Task<HttpResponseMessage> sending = base.SendAsync(request, cancel.Token);
            using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30))) // a hang guard only
            {
                while (host.RequestCount == 0 && !sending.IsCompleted)
                {
                    await Task.Delay(5, guard.Token);
                }
            }

            using (cancellationToken.Register(cancel.Cancel))
            {
                return await sending;
            }
        }
    }
}
