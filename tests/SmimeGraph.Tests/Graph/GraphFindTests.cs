using System.Net;
using SmimeGraph.Graph;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests.Graph;

/// <summary>
/// <see cref="GraphMimeTransport.FindByInternetMessageIdAsync"/>: Graph's
/// <c>GET /me/mailFolders/sentitems/messages?$filter=internetMessageId eq '…'</c>, with bounded polling.
/// </summary>
public class GraphFindTests
{
    [Theory]
    [InlineData("sent-1@example.com")]
    [InlineData("<sent-1@example.com>")]
    public async Task Finds_the_message_with_that_internetMessageId_in_the_folder(string asked)
    {
        var graph = new FakeGraph();
        graph.Messages.Add(new FakeGraph.StoredMessage("other==", "sentitems", "<other@example.com>"));
        graph.Messages.Add(new FakeGraph.StoredMessage("wanted==", "sentitems", "<sent-1@example.com>"));
        graph.Messages.Add(new FakeGraph.StoredMessage("draft==", "drafts", "<sent-1@example.com>"));

        GraphMessage? found = await GraphTransportKit.Transport(graph).FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", asked, TimeSpan.Zero);

        Assert.Equal("wanted==", found?.Id);
        FakeGraph.RecordedRequest request = Assert.Single(graph.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1.0/me/mailFolders/sentitems/messages", request.Uri.AbsolutePath);
        string query = Uri.UnescapeDataString(request.Uri.Query);
        Assert.Contains("$filter=internetMessageId eq '<sent-1@example.com>'", query, StringComparison.Ordinal);
        Assert.Contains("$select=id,", query, StringComparison.Ordinal);
        // The whole filter is percent-encoded: no raw space, quote or angle bracket in the URI.
        Assert.DoesNotMatch("[ '<>]", request.Uri.GetComponents(UriComponents.Query, UriFormat.UriEscaped));
    }

    [Fact]
    public async Task A_quote_in_the_Message_ID_is_doubled_as_OData_asks()
    {
        var graph = new FakeGraph { HonoursFilter = true };
        graph.Messages.Add(new FakeGraph.StoredMessage("quoted==", "sentitems", "<o'neil@example.com>"));

        GraphMessage? found = await GraphTransportKit.Transport(graph).FindByInternetMessageIdAsync(GraphMailbox.ForUser("alice@example.com"), "sentitems", "o'neil@example.com", TimeSpan.Zero);

        Assert.Equal("quoted==", found?.Id);
        Assert.Contains("internetMessageId eq '<o''neil@example.com>'", Uri.UnescapeDataString(graph.Requests[0].Uri.Query), StringComparison.Ordinal);
        Assert.StartsWith("/v1.0/users/alice%40example.com/mailFolders/sentitems/messages", graph.Requests[0].Uri.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_are_followed_through_odata_nextLink()
    {
        var graph = new FakeGraph { PageSize = 2 };
        for (int i = 0; i < 5; i++)
        {
            graph.Messages.Add(new FakeGraph.StoredMessage($"m{i}==", "sentitems", $"<m{i}@example.com>"));
        }

        GraphMessage? found = await GraphTransportKit.Transport(graph).FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "m4@example.com", TimeSpan.Zero);

        Assert.Equal("m4==", found?.Id);
        Assert.Equal(3, graph.Requests.Count);
        Assert.All(graph.Requests, r => Assert.Equal("Bearer", r.Authorization?.Split(' ')[0]));
    }

    [Fact]
    public async Task A_nextLink_to_another_host_is_refused_without_sending_the_token_there()
    {
        var graph = new FakeGraph
        {
            Override = request => request.RequestUri!.Host == "graph.microsoft.com"
                ? FakeGraph.Json(HttpStatusCode.OK, "{\"value\":[],\"@odata.nextLink\":\"https://collector.example/v1.0/me/messages?page=2\"}")
                : null,
        };

        await Assert.ThrowsAsync<GraphHostNotAllowedException>(() => GraphTransportKit.Transport(graph).FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "x@example.com", TimeSpan.Zero));

        Assert.All(graph.Requests, r => Assert.Equal("graph.microsoft.com", r.Uri.Host));
    }

    [Fact]
    public async Task Looks_once_when_the_wait_is_zero_and_answers_null_when_absent()
    {
        var graph = new FakeGraph();

        GraphMessage? found = await GraphTransportKit.Transport(graph).FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "absent@example.com", TimeSpan.Zero);

        Assert.Null(found);
        Assert.Single(graph.Requests);
    }

    [Fact]
    public async Task Polls_until_the_sent_copy_appears()
    {
        // A clock that moves only while the transport waits: no pump racing the transport.
        var time = new EarlyTimeProvider(early: TimeSpan.Zero);
        var graph = new FakeGraph();
        graph.Override = request =>
        {
            // The sent copy shows up in Sent Items on the third look, as after Graph's delay.
            if (graph.Requests.Count == 3)
            {
                graph.Messages.Add(new FakeGraph.StoredMessage("sent==", "sentitems", "<late@example.com>"));
            }

            return null;
        };
        GraphMimeTransport transport = GraphTransportKit.Transport(graph, o => o.TimeProvider = time);

        GraphMessage? found = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "late@example.com", TimeSpan.FromSeconds(10));

        Assert.Equal("sent==", found?.Id);
        Assert.Equal(3, graph.Requests.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(750), time.GetElapsedTime(0)); // looks at 0, 0.25 and 0.75 s
    }

    [Fact]
    public async Task Polling_stops_at_the_wait_with_a_bounded_number_of_looks()
    {
        // A clock that moves only while the transport waits (a pump that moved a fake clock on
        // its own made the count and the end time depend on the machine's load).
        var time = new EarlyTimeProvider(early: TimeSpan.Zero);
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph, o => o.TimeProvider = time);

        GraphMessage? found = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "never@example.com", TimeSpan.FromSeconds(10));

        Assert.Null(found);
        Assert.Equal(TimeSpan.FromSeconds(10), time.GetElapsedTime(0));
        // 0, 0.25, 0.75, 1.75, 3.75, 5.75, 7.75, 9.75, 10 s: intervals double from 250 ms up to
        // 2 s, and one more look at the deadline.
        Assert.Equal(9, graph.Requests.Count);
    }

    [Fact]
    public async Task A_timer_that_fires_early_adds_no_look_after_the_one_at_the_deadline()
    {
        // Timers may fire a little before their due time; the look after the wait that runs to
        // the deadline is the last one all the same.
        var time = new EarlyTimeProvider(early: TimeSpan.FromMilliseconds(1));
        var graph = new FakeGraph();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph, o => o.TimeProvider = time);

        Task<GraphMessage?> find = transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "never@example.com", TimeSpan.FromMilliseconds(100));
        Task finished = await Task.WhenAny(find, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(find, finished);
        Assert.Null(await find);
        Assert.Equal(2, graph.Requests.Count);
    }

    [Fact]
    public async Task Prefer_ImmutableId_is_sent_on_every_request_only_when_asked_for()
    {
        var graph = new FakeGraph();
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Immutable", "immutable@example.com");
        GraphMimeTransport plain = GraphTransportKit.Transport(graph);
        GraphMimeTransport immutable = GraphTransportKit.Transport(graph, o => o.PreferImmutableIds = true);

        await plain.SendMailAsync(GraphMailbox.Me, payload);
        await immutable.SendMailAsync(GraphMailbox.Me, payload);
        await immutable.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "immutable@example.com", TimeSpan.Zero);

        Assert.Null(graph.Requests[0].Prefer);
        Assert.Equal("IdType=\"ImmutableId\"", graph.Requests[1].Prefer);
        Assert.Equal("IdType=\"ImmutableId\"", graph.Requests[2].Prefer);
    }
}
