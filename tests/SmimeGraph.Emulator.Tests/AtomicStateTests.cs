using System.Net;
using System.Text;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// Every change of a message is atomic: a request that checked a message's state acts on that
/// state or fails; two requests never both win. The case that broke: a <c>PUT $value</c> whose
/// body was still arriving while a <c>/send</c> moved the draft answered 204 and wrote the draft
/// back, so one message was both a draft and sent.
/// </summary>
public class AtomicStateTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(60_000)]
    public async Task A_PUT_value_that_overlaps_a_send_fails_and_never_brings_the_draft_back(int sentCopyDelayMilliseconds)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.FromMilliseconds(sentCopyDelayMilliseconds) });
        byte[] original = TestMime.Message("Original content");
        using GraphPayload payload = await TestMime.PayloadAsync(original);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        // The PUT's headers and half its body reach the emulator; the rest waits for the send.
        var body = new HeldBackContent(Convert.ToBase64String(TestMime.Message("Replacement content")));
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{session.Host.BaseAddress}/me/messages/{draft.Id}/$value")) { Content = body };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", EmulatorSession.Token);
        Task<HttpResponseMessage> put = session.Http.SendAsync(request);
        await body.FirstHalfSent.WaitAsync(TimeSpan.FromSeconds(10));

        await session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
        body.Release();
        using HttpResponseMessage putResponse = await put.WaitAsync(TimeSpan.FromSeconds(10));
        session.Host.DeliverSentItemsNow();

        Assert.False(putResponse.IsSuccessStatusCode, $"the PUT answered {(int)putResponse.StatusCode} after the draft was sent");
        Assert.Equal(sentCopyDelayMilliseconds == 0 ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, putResponse.StatusCode);
        EmulatorMessage only = Assert.Single(session.Host.GetMessages("me"));
        Assert.Equal("sentitems", only.Folder);
        Assert.Equal(original, await File.ReadAllBytesAsync(only.Path));
    }

    [Fact]
    public async Task Racing_PUTs_and_sends_leave_each_message_in_exactly_one_place()
    {
        // Throttling off: the point is 48 requests on 12 messages at once.
        var options = new EmulatorOptions { SentCopyDelay = TimeSpan.Zero };
        options.Throttling.Enabled = false;
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        var drafts = new List<GraphMessage>();
        for (int i = 0; i < 12; i++)
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Race " + i));
            drafts.Add(await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload));
        }

        RawGraph raw = session.Raw;
        var outcomes = await Task.WhenAll(drafts.SelectMany(draft => new[]
        {
            raw.PutMimeAsync($"me/messages/{draft.Id}/$value", TestMime.Message("Rewritten " + draft.Id)),
            raw.PostAsync($"me/messages/{draft.Id}/send"),
            raw.PutMimeAsync($"me/messages/{draft.Id}/$value", TestMime.Message("Rewritten again " + draft.Id)),
            raw.PostAsync($"me/messages/{draft.Id}/send"),
        }));

        // Each draft was sent exactly once; nothing is left in Drafts; every answer is Graph's.
        Assert.Equal(drafts.Count, outcomes.Count(o => o.Status == HttpStatusCode.Accepted));
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { HttpStatusCode.Accepted, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.BadRequest }));
        Assert.Empty(session.Host.GetMessages("me", "drafts"));
        Assert.Equal(drafts.Count, session.Host.GetMessages("me", "sentitems").Count);
        Assert.Equal(drafts.Count, session.Host.GetMessages("me").Select(m => m.ImmutableId).Distinct().Count());
    }

    /// <summary>Sends the first half of its text, signals, and sends the rest once released.</summary>
    private sealed class HeldBackContent : HttpContent
    {
        private readonly string _text;
        private readonly TaskCompletionSource _firstHalfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBackContent(string text)
        {
            _text = text;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        }

        public Task FirstHalfSent => _firstHalfSent.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(_text);
            int half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            _firstHalfSent.TrySetResult();
            await _release.Task;
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = Encoding.ASCII.GetByteCount(_text);
            return true;
        }
    }
}
