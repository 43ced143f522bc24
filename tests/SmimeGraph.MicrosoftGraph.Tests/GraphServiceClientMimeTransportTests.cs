using System.Net;
using System.Text;
using Microsoft.Graph.Models.ODataErrors;
using SmimeGraph.Emulator;
using SmimeGraph.Graph;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.MicrosoftGraph.Tests;

/// <summary>
/// <see cref="GraphServiceClientMimeTransport"/> over the official SDK (Microsoft.Graph 6.10.0,
/// default middleware) against the emulator: the MIME round trip, and the rule that a send is
/// never made twice, proven with the emulator's fault injection against the SDK's retry handler.
/// </summary>
public sealed class GraphServiceClientMimeTransportTests
{
    [Fact]
    public async Task Create_send_find_the_sent_copy_and_fetch_its_MIME_through_the_SDK_client()
    {
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.FromMilliseconds(50) });
        IGraphMimeTransport transport = sdk.Transport();
        using GraphPayload payload = await SdkClient.PayloadAsync("Adapter round trip", "adapter-roundtrip@example.com");

        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, payload);
        await transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
        GraphMessage? sent = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "adapter-roundtrip@example.com", TimeSpan.FromSeconds(10));

        Assert.True(draft.IsDraft);
        Assert.Equal("Adapter round trip", draft.Subject);
        Assert.Equal("bob@example.com", Assert.Single(draft.ToRecipients).Address);
        Assert.NotNull(sent);
        Assert.NotEqual(draft.Id, sent.Id);
        Assert.False(sent.IsDraft);
        Assert.Equal(EmulatorHost.GetFolderId("sentitems"), sent.ParentFolderId);
        await using Stream mime = await transport.GetMimeAsync(GraphMailbox.Me, sent.Id);
        string text = await new StreamReader(mime, Encoding.ASCII).ReadToEndAsync();
        Assert.Contains("Message-ID: <adapter-roundtrip@example.com>", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nHello through the SDK.\r\n", text, StringComparison.Ordinal);
        // The draft id is gone once the message moved (outlook-immutable-id.md).
        var gone = await Assert.ThrowsAsync<GraphRequestException>(() => transport.GetMimeAsync(GraphMailbox.Me, draft.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("ErrorItemNotFound", gone.ErrorCode);
    }

    [Fact]
    public async Task With_immutable_ids_the_create_id_finds_the_sent_copy()
    {
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        IGraphMimeTransport transport = sdk.Transport(new GraphServiceClientMimeTransportOptions { PreferImmutableIds = true });
        using GraphPayload payload = await SdkClient.PayloadAsync("Immutable", "adapter-immutable@example.com");

        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, payload);
        await transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
        GraphMessage? sent = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "adapter-immutable@example.com", TimeSpan.Zero);

        Assert.Equal(draft.Id, sent?.Id);
    }

    [Fact]
    public async Task A_timer_that_fires_early_adds_no_look_after_the_one_at_the_deadline()
    {
        // Timers may fire a little before their due time; the look after the wait that runs to
        // the deadline is the last one all the same (the 10 s bound is a hang guard only).
        await using SdkClient sdk = await SdkClient.StartAsync();
        IGraphMimeTransport transport = sdk.Transport(new GraphServiceClientMimeTransportOptions { TimeProvider = new EarlyTimeProvider(early: TimeSpan.FromMilliseconds(1)) });

        Task<GraphMessage?> find = transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "never@example.com", TimeSpan.FromMilliseconds(100));
        Task finished = await Task.WhenAny(find, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(find, finished);
        Assert.Null(await find);
        Assert.Equal(2, sdk.Host.RequestCount);
    }

    [Fact]
    public async Task Polling_looks_at_doubling_intervals_and_once_more_at_the_deadline()
    {
        // A clock that moves only while the transport waits: looks at 0, 0.25, 0.75, 1.75, 3.75,
        // 5.75, 7.75, 9.75 and 10 s, whatever the machine's load.
        await using SdkClient sdk = await SdkClient.StartAsync();
        var clock = new EarlyTimeProvider(early: TimeSpan.Zero);
        IGraphMimeTransport transport = sdk.Transport(new GraphServiceClientMimeTransportOptions { TimeProvider = clock });

        GraphMessage? found = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "never@example.com", TimeSpan.FromSeconds(10));

        Assert.Null(found);
        Assert.Equal(9, sdk.Host.RequestCount);
        Assert.Equal(TimeSpan.FromSeconds(10), clock.GetElapsedTime(0));
    }

    [Fact]
    public async Task The_SDKs_own_retry_handler_repeats_a_send_after_a_504_which_is_why_the_adapter_stops_it()
    {
        // The hazard, shown with the SDK alone: the gateway times out after the mailbox acted, the
        // SDK's retry handler sends again.
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.FromMinutes(5) });
        using GraphPayload payload = await SdkClient.PayloadAsync("Hazard", "hazard@example.com");
        GraphMessage draft = await sdk.Transport().CreateDraftAsync(GraphMailbox.Me, payload);
        sdk.Host.Faults.GatewayTimeout(count: 1, retryAfterSeconds: 0, operation: "send", afterAction: true);
        sdk.Host.ResetCounters();

        // The repeat finds the message already submitted, and Graph refuses it.
        await Assert.ThrowsAsync<ODataError>(() => sdk.Client.Me.Messages[draft.Id].Send.PostAsync());

        Assert.Equal(2, sdk.Host.RequestCount);
    }

    [Theory]
    [InlineData("send")]
    [InlineData("sendMail")]
    [InlineData("reply")]
    [InlineData("forward")]
    public async Task A_504_after_Graph_acted_is_an_ambiguous_send_made_once_never_repeated_by_the_SDK(string operation)
    {
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        IGraphMimeTransport transport = sdk.Transport();
        using GraphPayload original = await SdkClient.PayloadAsync("Original", "original@example.com");
        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, original);
        using GraphPayload payload = await SdkClient.PayloadAsync("Once", "once@example.com");
        sdk.Host.Faults.GatewayTimeout(count: 1, retryAfterSeconds: 0, operation: operation, afterAction: true);
        sdk.Host.ResetCounters();

        var ambiguous = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => operation switch
        {
            "send" => transport.SendDraftAsync(GraphMailbox.Me, draft.Id),
            "sendMail" => transport.SendMailAsync(GraphMailbox.Me, payload),
            "reply" => transport.ReplyAsync(GraphMailbox.Me, draft.Id, payload),
            _ => transport.ForwardAsync(GraphMailbox.Me, draft.Id, payload),
        });

        Assert.Equal(operation, ambiguous.Operation);
        Assert.False(string.IsNullOrEmpty(ambiguous.ClientRequestId));
        Assert.Equal(1, sdk.Host.RequestCount);
        Assert.Single(sdk.Host.GetMessages("me", "sentitems"));
    }

    [Fact]
    public async Task A_connection_dropped_after_Graph_acted_on_sendMail_is_an_ambiguous_send_made_once()
    {
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        using GraphPayload payload = await SdkClient.PayloadAsync("Dropped", "dropped@example.com");
        sdk.Host.Faults.DropConnection(count: 1, operation: "sendMail", afterAction: true);

        await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => sdk.Transport().SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(1, sdk.Host.RequestCount);
        Assert.Single(sdk.Host.GetMessages("me", "sentitems"));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task A_429_or_503_which_Graph_answers_before_acting_is_retried_by_the_SDK_and_sends_once(int status)
    {
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        using GraphPayload payload = await SdkClient.PayloadAsync("Throttled", "throttled@example.com");
        if (status == 429)
        {
            sdk.Host.Faults.Throttle(count: 1, retryAfterSeconds: 0, operation: "sendMail");
        }
        else
        {
            sdk.Host.Faults.ServiceUnavailable(count: 1, retryAfterSeconds: 0, operation: "sendMail");
        }

        await sdk.Transport().SendMailAsync(GraphMailbox.Me, payload);

        Assert.Equal(2, sdk.Host.RequestCount);
        Assert.Single(sdk.Host.GetMessages("me", "sentitems"));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_returns_the_draft_Graph_made_and_makes_no_second_one()
    {
        await using SdkClient sdk = await SdkClient.StartAsync();
        using GraphPayload payload = await SdkClient.PayloadAsync("Lost answer", "lost-answer@example.com");
        sdk.Host.Faults.GatewayTimeout(count: 1, retryAfterSeconds: 0, operation: "createMessage", afterAction: true);

        GraphMessage draft = await sdk.Transport().CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.Equal("<lost-answer@example.com>", draft.InternetMessageId);
        EmulatorMessage stored = Assert.Single(sdk.Host.GetMessages("me", "drafts"));
        Assert.Equal(stored.Id, draft.Id);
    }

    [Fact]
    public async Task A_create_Graph_did_not_act_on_is_looked_up_then_made_again_once()
    {
        await using SdkClient sdk = await SdkClient.StartAsync();
        using GraphPayload payload = await SdkClient.PayloadAsync("Not acted on", "not-acted@example.com");
        sdk.Host.Faults.GatewayTimeout(count: 1, retryAfterSeconds: 0, operation: "createReply", afterAction: false);
        using GraphPayload original = await SdkClient.PayloadAsync("Original", "original-reply@example.com");
        IGraphMimeTransport transport = sdk.Transport(new GraphServiceClientMimeTransportOptions { AmbiguousCreateLookupWait = TimeSpan.Zero });
        GraphMessage received = await transport.CreateDraftAsync(GraphMailbox.Me, original);

        GraphMessage reply = await transport.CreateReplyAsync(GraphMailbox.Me, received.Id, payload);

        Assert.Equal("<not-acted@example.com>", reply.InternetMessageId);
        Assert.Equal(2, sdk.Host.GetMessages("me", "drafts").Count);
    }

    [Fact]
    public async Task Graphs_errors_arrive_as_the_librarys_exceptions_with_Graphs_code()
    {
        await using SdkClient sdk = await SdkClient.StartAsync(new EmulatorOptions { MaxRequestBodyLength = 10_000 });
        IGraphMimeTransport transport = sdk.Transport();

        var unknown = await Assert.ThrowsAsync<GraphRequestException>(() => transport.SendDraftAsync(GraphMailbox.Me, "AAMkADNlNYjSAAA="));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("ErrorItemNotFound", unknown.ErrorCode);
        Assert.False(string.IsNullOrEmpty(unknown.ClientRequestId));

        using GraphPayload large = await SdkClient.PayloadAsync("Large", "large@example.com", new string('x', 20_000));
        var tooLarge = await Assert.ThrowsAsync<PayloadTooLargeException>(() => transport.CreateDraftAsync(GraphMailbox.Me, large));
        Assert.Equal(large.Length, tooLarge.Size);
        Assert.Empty(sdk.Host.GetMessages("me", "drafts"));
    }
}
