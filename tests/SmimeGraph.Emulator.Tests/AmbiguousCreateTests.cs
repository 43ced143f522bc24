using System.Net;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// Creates that the emulator carried out but whose answer the client never saw (a 504 from a
/// gateway, or a connection lost on the way back): the transport finds the draft by its
/// internetMessageId instead of creating a second one.
/// </summary>
public class AmbiguousCreateTests
{
    [Theory]
    [InlineData("504")]
    [InlineData("drop")]
    public async Task Eight_creates_whose_answers_are_lost_leave_eight_drafts_and_no_duplicates(string fault)
    {
        var faults = new LostAnswerHandler(fault == "504");
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: faults);
        string[] ids = [.. Enumerable.Range(0, 8).Select(i => $"lost-answer-{i}@example.com")];
        var drafts = new List<GraphMessage>();
        foreach (string id in ids)
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Lost answer " + id, messageId: id));
            faults.LoseNextCreateAnswer();
            drafts.Add(await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload));
        }

        IReadOnlyList<EmulatorMessage> stored = session.Host.GetMessages("me", "drafts");
        Assert.Equal(8, stored.Count);
        Assert.Equal(8, faults.LostAnswers);
        Assert.Equal(8, faults.Creates); // never made twice
        Assert.Equal(stored.Select(m => m.Id).Order(StringComparer.Ordinal), drafts.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ids.Select(id => "<" + id + ">"), drafts.Select(d => d.InternetMessageId));
    }

    [Theory]
    [InlineData("createReply")]
    [InlineData("createReplyAll")]
    [InlineData("createForward")]
    public async Task A_reply_or_forward_draft_whose_answer_is_lost_is_found_in_Drafts(string operation)
    {
        var faults = new LostAnswerHandler(gatewayTimeout: true);
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: faults);
        using GraphPayload originalPayload = await TestMime.PayloadAsync(TestMime.Message("Original"));
        GraphMessage original = await session.Transport.CreateDraftAsync(GraphMailbox.Me, originalPayload);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Re: Original", messageId: operation + "@example.com"));
        faults.LoseNextCreateAnswer();

        GraphMessage draft = operation switch
        {
            "createReply" => await session.Transport.CreateReplyAsync(GraphMailbox.Me, original.Id, payload),
            "createReplyAll" => await session.Transport.CreateReplyAllAsync(GraphMailbox.Me, original.Id, payload),
            _ => await session.Transport.CreateForwardAsync(GraphMailbox.Me, original.Id, payload),
        };

        Assert.Equal("<" + operation + "@example.com>", draft.InternetMessageId);
        Assert.Equal(2, session.Host.GetMessages("me", "drafts").Count); // the original and one reply
        Assert.Equal(2, faults.Creates);
    }

    /// <summary>
    /// Lets a create reach the emulator, then replaces its 201 with a 504 or a reset connection,
    /// as a gateway that timed out after the mailbox server acted would.
    /// </summary>
    private sealed class LostAnswerHandler(bool gatewayTimeout) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _pending;
        private int _lost;
        private int _creates;

        public int LostAnswers => Volatile.Read(ref _lost);

        public int Creates => Volatile.Read(ref _creates);

        public void LoseNextCreateAnswer() => Interlocked.Increment(ref _pending);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Post || response.StatusCode != HttpStatusCode.Created)
            {
                return response;
            }

            Interlocked.Increment(ref _creates);
            if (Interlocked.Decrement(ref _pending) < 0)
            {
                Interlocked.Increment(ref _pending);
                return response;
            }

            Interlocked.Increment(ref _lost);
            response.Dispose();
            if (!gatewayTimeout)
            {
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("connection reset"));
            }

            return new HttpResponseMessage(HttpStatusCode.GatewayTimeout)
            {
                RequestMessage = request,
                Content = new StringContent("{\"error\":{\"code\":\"UnknownError\",\"message\":\"The gateway timed out.\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }
}
