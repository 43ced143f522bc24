using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// Graph's sent copy (concepts/outlook-things-to-know-about-send-mail.md, message-send.md,
/// concepts/outlook-immutable-id.md): saved in Drafts, moved to Sent Items after transport has
/// it, under a new id unless the client asked for immutable ids.
/// </summary>
public class SentCopyTests
{
    [Fact]
    public async Task A_sent_draft_reaches_sent_items_only_after_the_delay_and_under_a_new_id()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        byte[] mime = TestMime.Message("Delayed", messageId: "delayed@example.com");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        await session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
        clock.Advance(TimeSpan.FromMilliseconds(199));

        // Still in Drafts, waiting for transport: readable under its draft id, nothing in Sent Items.
        Assert.Empty(session.Host.GetMessages("me", "sentitems"));
        RawResponse waiting = await session.Raw.GetAsync($"me/messages/{draft.Id}");
        Assert.Equal(HttpStatusCode.OK, waiting.Status);
        Assert.Equal(1, session.Host.PendingDeliveries);

        clock.Advance(TimeSpan.FromMilliseconds(1));

        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me"));
        Assert.Equal("sentitems", sent.Folder);
        Assert.NotEqual(draft.Id, sent.Id);
        Assert.Equal(0, session.Host.PendingDeliveries);
        RawResponse gone = await session.Raw.GetAsync($"me/messages/{draft.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("ErrorItemNotFound", gone.ErrorCode);
        RawResponse copy = await session.Raw.GetAsync($"me/messages/{sent.Id}");
        Assert.Equal(HttpStatusCode.OK, copy.Status);
        Assert.False(copy.Json.GetProperty("isDraft").GetBoolean());
        Assert.Equal("<delayed@example.com>", copy.Json.GetProperty("internetMessageId").GetString());
        Assert.Equal(EmulatorHost.GetFolderId("sentitems"), copy.Json.GetProperty("parentFolderId").GetString());
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5000)]
    public async Task The_delay_is_configurable(int milliseconds)
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, SentCopyDelay = TimeSpan.FromMilliseconds(milliseconds) });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Configured delay"));

        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);

        // Zero: moved before the 202 was answered.
        Assert.Equal(milliseconds == 0 ? 1 : 0, session.Host.GetMessages("me", "sentitems").Count);
        clock.Advance(TimeSpan.FromMilliseconds(Math.Max(0, milliseconds - 1)));
        Assert.Equal(milliseconds == 0 ? 1 : 0, session.Host.GetMessages("me", "sentitems").Count);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(session.Host.GetMessages("me", "sentitems"));
    }

    [Fact]
    public async Task With_Prefer_ImmutableId_the_id_from_create_finds_the_copy_in_sent_items()
    {
        // concepts/outlook-immutable-id.md, "Immutable ID with sending mail", steps 1 to 3.
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        const string Prefer = "IdType=\"ImmutableId\"";

        RawResponse created = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Tracked"), Prefer);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("IdType=\"ImmutableId\"", created.Headers["Preference-Applied"]);
        string id = created.Json.GetProperty("id").GetString()!;
        RawResponse sendResponse = await session.Raw.PostAsync($"me/messages/{id}/send", Prefer);
        Assert.Equal(HttpStatusCode.Accepted, sendResponse.Status);
        clock.Advance(TimeSpan.FromSeconds(1));
        RawResponse copy = await session.Raw.GetAsync($"me/messages/{id}", Prefer);

        Assert.Equal(HttpStatusCode.OK, copy.Status);
        Assert.Equal(id, copy.Json.GetProperty("id").GetString());
        Assert.Equal(EmulatorHost.GetFolderId("sentitems"), copy.Json.GetProperty("parentFolderId").GetString());
        Assert.False(copy.Json.GetProperty("isDraft").GetBoolean());
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.Equal(id, sent.ImmutableId);
        Assert.NotEqual(id, sent.Id);

        // Without the header the same message answers with its default id.
        RawResponse plain = await session.Raw.GetAsync($"me/messages/{id}");
        Assert.Equal(sent.Id, plain.Json.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("sendMail")]
    [InlineData("reply")]
    [InlineData("replyAll")]
    [InlineData("forward")]
    public async Task SendMail_reply_replyAll_and_forward_place_a_new_message_in_sent_items_after_the_delay(string action)
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        using GraphPayload originalPayload = await TestMime.PayloadAsync(TestMime.Message("Original"));
        GraphMessage original = await session.Transport.CreateDraftAsync(GraphMailbox.Me, originalPayload);
        byte[] mime = TestMime.Message("Outgoing " + action, messageId: action + "@example.com");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        await (action switch
        {
            "sendMail" => session.Transport.SendMailAsync(GraphMailbox.Me, payload),
            "reply" => session.Transport.ReplyAsync(GraphMailbox.Me, original.Id, payload),
            "replyAll" => session.Transport.ReplyAllAsync(GraphMailbox.Me, original.Id, payload),
            _ => session.Transport.ForwardAsync(GraphMailbox.Me, original.Id, payload),
        });

        Assert.Empty(session.Host.GetMessages("me", "sentitems"));
        clock.Advance(TimeSpan.FromMilliseconds(200));
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
        Assert.DoesNotContain(original.Id, session.Host.GetMessages("me", "sentitems").Select(m => m.Id));
        Assert.Single(session.Host.GetMessages("me", "drafts"));
    }

    [Fact]
    public async Task SendMail_with_saveToSentItems_false_keeps_no_copy()
    {
        // user-sendmail.md: saveToSentItems "Indicates whether to save the message in Sent Items".
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        const string Json = """
            {"message":{"subject":"Not kept","toRecipients":[{"emailAddress":{"address":"bob@example.com"}}]},"saveToSentItems":"false"}
            """;

        RawResponse response = await session.Raw.PostJsonAsync("me/sendMail", Json);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Empty(session.Host.GetMessages("me"));
        Assert.Equal(0, session.Host.PendingDeliveries);
    }

    [Fact]
    public async Task A_submitted_draft_can_be_read_but_neither_sent_again_nor_changed()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        byte[] mime = TestMime.Message("Submitted");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);
        await session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);

        RawResponse again = await session.Raw.PostAsync($"me/messages/{draft.Id}/send");
        RawResponse put = await session.Raw.PutMimeAsync($"me/messages/{draft.Id}/$value", TestMime.Message("Changed after send"));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("ErrorInvalidRequest", again.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me"));
        Assert.Equal("sentitems", sent.Folder);
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
    }

    [Fact]
    public async Task A_submitted_message_deleted_before_the_delay_never_reaches_sent_items()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Withdrawn"));
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);
        await session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);

        RawResponse deleted = await session.Raw.SendAsync(HttpMethod.Delete, $"me/messages/{draft.Id}", content: null, prefer: null, accessToken: null);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Empty(session.Host.GetMessages("me", "sentitems"));
        Assert.Single(session.Host.GetMessages("me", "deleteditems"));
    }

    [Fact]
    public async Task DeliverSentItemsNow_returns_only_once_a_move_its_timer_began_is_done()
    {
        // The delay's timer fires and its move waits for the mailbox; DeliverSentItemsNow, called
        // meanwhile, must not return before that message is in Sent Items (it once did: the timer
        // had taken the message off the waiting list, so a test that asked for the move at once
        // could see one sent copy fewer than it sent).
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Moved by the timer"));
        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        int sentWhenReturned = -1;
        var timer = new Thread(() => clock.Advance(TimeSpan.FromSeconds(1)));
        var deliverNow = new Thread(() =>
        {
            session.Host.DeliverSentItemsNow();
            sentWhenReturned = session.Host.GetMessages("me", "sentitems").Count;
        });

        using (session.Host.GetMailboxLock("me").EnterScope())
        {
            timer.Start();
            WaitUntil(() => timer.ThreadState.HasFlag(ThreadState.WaitSleepJoin)); // the timer's move waits for the lock
            deliverNow.Start();
            WaitUntil(() => !deliverNow.IsAlive || deliverNow.ThreadState.HasFlag(ThreadState.WaitSleepJoin));
        }

        Assert.True(timer.Join(TimeSpan.FromSeconds(30)) && deliverNow.Join(TimeSpan.FromSeconds(30)), "hang guard");
        Assert.Equal(1, sentWhenReturned);
        Assert.Equal(0, session.Host.PendingDeliveries);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        // A hang guard only: each condition comes true as soon as the thread reaches the lock.
        DateTime guard = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < guard, "hang guard");
            Thread.Sleep(1);
        }
    }

    [Fact]
    public async Task The_sent_copy_is_listed_with_the_fields_a_client_reads()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Listed after send", messageId: "listed@example.com"));

        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        RawResponse list = await session.Raw.GetAsync("me/mailFolders/sentitems/messages");

        JsonElement message = Assert.Single(list.Json.GetProperty("value").EnumerateArray());
        Assert.Equal("<listed@example.com>", message.GetProperty("internetMessageId").GetString());
        Assert.Equal("Listed after send", message.GetProperty("subject").GetString());
        Assert.Equal(Assert.Single(session.Host.GetMessages("me", "sentitems")).Id, message.GetProperty("id").GetString());
    }
}
