using System.Net;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

/// <summary>
/// A create (draft, createReply, createReplyAll, createForward) whose answer is lost is looked up
/// by internetMessageId before it is made again: there are never two drafts.
/// </summary>
public class GraphAmbiguousCreateTests
{
    public static TheoryData<string, string> LostAnswers => new()
    {
        { "createMessage", "504" }, { "createMessage", "drop" },
        { "createReply", "504" }, { "createReply", "drop" },
        { "createReplyAll", "504" }, { "createReplyAll", "drop" },
        { "createForward", "504" }, { "createForward", "drop" },
        { "createMessageInFolder", "504" }, { "createMessageInFolder", "drop" },
    };

    [Theory]
    [MemberData(nameof(LostAnswers))]
    public async Task A_create_that_Graph_acted_on_but_whose_answer_was_lost_returns_the_existing_draft(string operation, string fault)
    {
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Lost answer", "lost-1@example.com");
        graph.Faults.Enqueue(fault == "504" ? FakeFault.GatewayTimeoutAfterActing : FakeFault.DropAfterActing);

        GraphMessage draft = await Create(transport, operation, payload);

        FakeGraph.StoredMessage stored = Assert.Single(graph.Messages);
        Assert.Equal(stored.Id, draft.Id);
        Assert.Equal("<lost-1@example.com>", draft.InternetMessageId);
        Assert.Single(graph.Requests, r => r.Method == "POST");
        FakeGraph.RecordedRequest lookup = Assert.Single(graph.Requests, r => r.Method == "GET");
        string folder = operation == "createMessageInFolder" ? "archive" : "drafts";
        Assert.Equal($"/v1.0/me/mailFolders/{folder}/messages", lookup.Uri.AbsolutePath);
        Assert.Contains("$filter=internetMessageId eq '<lost-1@example.com>'", Uri.UnescapeDataString(lookup.Uri.Query), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LostAnswers))]
    public async Task A_create_that_Graph_did_not_act_on_is_made_again_once_with_the_same_client_request_id(string operation, string fault)
    {
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Not acted on", "retry-1@example.com");
        graph.Faults.Enqueue(fault == "504" ? FakeFault.GatewayTimeout : FakeFault.Drop);

        GraphMessage draft = await Create(transport, operation, payload);

        Assert.Equal(Assert.Single(graph.Messages).Id, draft.Id);
        FakeGraph.RecordedRequest[] posts = [.. graph.Requests.Where(r => r.Method == "POST")];
        Assert.Equal(2, posts.Length);
        Assert.Equal(posts[0].ClientRequestId, posts[1].ClientRequestId);
        Assert.True(Guid.TryParse(posts[0].ClientRequestId, out _));
        // The lookup came between the two attempts.
        int firstGet = graph.Requests.FindIndex(r => r.Method == "GET");
        Assert.InRange(firstGet, 1, graph.Requests.Count - 2);
        Assert.Equal("POST", graph.Requests[^1].Method);
    }

    [Fact]
    public async Task A_payload_without_a_Message_ID_is_not_created_again_and_the_outcome_is_reported_as_ambiguous()
    {
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("No id", messageId: null);
        Assert.Null(payload.InternetMessageId);
        graph.Faults.Enqueue(FakeFault.GatewayTimeout);

        var ex = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => transport.CreateDraftAsync(GraphMailbox.Me, payload));

        Assert.Equal("createMessage", ex.Operation);
        Assert.Contains("the draft may have been created", ex.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.GatewayTimeout, Assert.IsType<GraphRequestException>(ex.InnerException).StatusCode);
        Assert.Single(graph.Requests);
    }

    [Fact]
    public async Task When_the_lookup_fails_the_create_is_not_made_again()
    {
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Lookup fails", "lookup-fails@example.com");
        graph.Faults.Enqueue(FakeFault.GatewayTimeout);
        graph.Faults.Enqueue(new FakeFault(false, HttpStatusCode.InternalServerError));

        var ex = await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => transport.CreateDraftAsync(GraphMailbox.Me, payload));

        Assert.Equal("createMessage", ex.Operation);
        Assert.Single(graph.Requests, r => r.Method == "POST");
        Assert.Empty(graph.Messages);
    }

    [Fact]
    public async Task A_create_that_never_gets_an_answer_stops_after_the_attempts_allowed()
    {
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Always 504", "always@example.com");
        graph.Override = request => request.Method == HttpMethod.Post ? FakeGraph.Error(HttpStatusCode.GatewayTimeout, "UnknownError") : null;

        await Assert.ThrowsAsync<GraphAmbiguousSendException>(() => transport.CreateDraftAsync(GraphMailbox.Me, payload));

        Assert.Equal(3, graph.Count("POST", "/messages")); // MaxAttempts
        Assert.Empty(graph.Messages);
    }

    [Fact]
    public async Task A_draft_made_from_existing_MIME_is_looked_up_by_the_Message_ID_in_its_header()
    {
        // Folded header, LF line ends, the Message-ID after other fields: read as RFC 5322 reads it.
        byte[] mime = System.Text.Encoding.ASCII.GetBytes("From: a@example.com\nSubject: folded\n subject\nMessage-ID:\n <from-header@example.com>\n\nbody\n");
        using GraphPayload payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
        Assert.Equal("from-header@example.com", payload.InternetMessageId);

        var graph = new FakeGraph();
        graph.Messages.Add(new FakeGraph.StoredMessage("existing==", "drafts", "<from-header@example.com>"));
        graph.Faults.Enqueue(FakeFault.Drop);

        GraphMessage draft = await GraphTransportKit.Transport(graph).CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.Equal("existing==", draft.Id);
        Assert.Single(graph.Requests, r => r.Method == "POST");
    }

    private static Task<GraphMessage> Create(GraphMimeTransport transport, string operation, GraphPayload payload) => operation switch
    {
        "createMessage" => transport.CreateDraftAsync(GraphMailbox.Me, payload),
        "createMessageInFolder" => transport.CreateDraftAsync(GraphMailbox.Me, payload, "archive"),
        "createReply" => transport.CreateReplyAsync(GraphMailbox.Me, "original==", payload),
        "createReplyAll" => transport.CreateReplyAllAsync(GraphMailbox.Me, "original==", payload),
        _ => transport.CreateForwardAsync(GraphMailbox.Me, "original==", payload),
    };
}
