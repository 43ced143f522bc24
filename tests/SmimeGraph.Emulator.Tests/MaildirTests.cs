using System.Text.Json;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>The store is plain Maildir: it survives a restart and other Maildir readers can read it.</summary>
public class MaildirTests
{
    [Fact]
    public async Task A_restart_on_the_same_store_keeps_every_message_byte_identical_with_its_ids()
    {
        string store = Directory.CreateTempSubdirectory("smimegraph-restart-").FullName;
        try
        {
            var before = new Dictionary<string, byte[]>();
            List<EmulatorMessage> listedBefore;
            await using (EmulatorSession first = await EmulatorSession.StartAsync(new EmulatorOptions { StoreDirectory = store }))
            {
                foreach (string subject in new[] { "Kept draft", "To be sent" })
                {
                    byte[] mime = TestMime.Message(subject);
                    using GraphPayload payload = await TestMime.PayloadAsync(mime);
                    GraphMessage draft = await first.Transport.CreateDraftAsync(GraphMailbox.Me, payload);
                    before[Assert.Single(first.Host.GetMessages("me"), m => m.Id == draft.Id).ImmutableId] = mime;
                    if (subject == "To be sent")
                    {
                        await first.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
                    }
                }

                byte[] sentMime = TestMime.WithAttachment("Sent in one step", 5000);
                using (GraphPayload sent = await TestMime.PayloadAsync(sentMime))
                {
                    await first.Transport.SendMailAsync(GraphMailbox.ForUser("alice@example.com"), sent);
                }

                first.Host.DeliverSentItemsNow();
                before[Assert.Single(first.Host.GetMessages("alice@example.com", "sentitems")).ImmutableId] = sentMime;
                listedBefore = [.. first.Host.GetMessages("me"), .. first.Host.GetMessages("alice@example.com")];
            }

            await using EmulatorSession second = await EmulatorSession.StartAsync(new EmulatorOptions { StoreDirectory = store, RegenerateMime = false });
            List<EmulatorMessage> listedAfter = [.. second.Host.GetMessages("me"), .. second.Host.GetMessages("alice@example.com")];
            Assert.Equal(listedBefore, listedAfter);
            Assert.Equal(3, listedAfter.Count);
            foreach (EmulatorMessage message in listedAfter)
            {
                GraphMailbox mailbox = GraphMailbox.Parse(message.Mailbox);
                await using Stream stored = await second.Transport.GetMimeAsync(mailbox, message.Id);
                Assert.Equal(before[message.ImmutableId], await TestMime.ReadAllAsync(stored));
            }
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task Mail_sent_but_not_yet_moved_when_the_emulator_stopped_reaches_sent_items_at_the_next_start()
    {
        string store = Directory.CreateTempSubdirectory("smimegraph-restart-").FullName;
        try
        {
            byte[] mime = TestMime.Message("In transit");
            await using (EmulatorSession first = await EmulatorSession.StartAsync(new EmulatorOptions { StoreDirectory = store, SentCopyDelay = TimeSpan.FromHours(1) }))
            {
                using GraphPayload payload = await TestMime.PayloadAsync(mime);
                await first.Transport.SendMailAsync(GraphMailbox.Me, payload);
                Assert.Equal(1, first.Host.PendingDeliveries);
                Assert.Empty(first.Host.GetMessages("me", "sentitems"));
            }

            await using EmulatorSession second = await EmulatorSession.StartAsync(new EmulatorOptions { StoreDirectory = store });

            EmulatorMessage sent = Assert.Single(second.Host.GetMessages("me"));
            Assert.Equal("sentitems", sent.Folder);
            Assert.False(sent.IsDraft);
            Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task Pythons_mailbox_module_reads_the_store_with_the_draft_flag()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload draftPayload = await TestMime.PayloadAsync(TestMime.Message("A draft", messageId: "draft@example.com"));
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, draftPayload);
        using GraphPayload sentPayload = await TestMime.PayloadAsync(TestMime.Message("A sent one", messageId: "sent@example.com"));
        await session.Transport.SendMailAsync(GraphMailbox.Me, sentPayload);
        session.Host.DeliverSentItemsNow();
        string sentKey = MaildirKey(Assert.Single(session.Host.GetMessages("me", "sentitems")));

        const string Script = """
            import json, mailbox, os, sys
            out = {}
            for folder in ("drafts", "sentitems"):
                box = mailbox.Maildir(os.path.join(sys.argv[1], "me", folder), factory=None, create=False)
                out[folder] = [{"key": key, "flags": box.get_message(key).get_flags(),
                                "subject": box.get_message(key)["Subject"],
                                "messageId": box.get_message(key)["Message-ID"]} for key in box.keys()]
            print(json.dumps(out))
            """;
        using JsonDocument read = JsonDocument.Parse(await Python.RunAsync(Script, session.Host.StoreDirectory));

        JsonElement drafts = Assert.Single(read.RootElement.GetProperty("drafts").EnumerateArray());
        Assert.Equal(MaildirKey(Assert.Single(session.Host.GetMessages("me", "drafts"), m => m.Id == draft.Id)), drafts.GetProperty("key").GetString());
        Assert.Contains('D', drafts.GetProperty("flags").GetString()!);
        Assert.Equal("A draft", drafts.GetProperty("subject").GetString());
        JsonElement sent = Assert.Single(read.RootElement.GetProperty("sentitems").EnumerateArray());
        Assert.Equal(sentKey, sent.GetProperty("key").GetString());
        Assert.DoesNotContain('D', sent.GetProperty("flags").GetString()!);
        Assert.Equal("<sent@example.com>", sent.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task A_message_delivered_into_new_by_another_Maildir_writer_is_found_by_id()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { RegenerateMime = false });
        const string Script = """
            import mailbox, os, sys
            os.makedirs(os.path.join(sys.argv[1], "me"), exist_ok=True)
            box = mailbox.Maildir(os.path.join(sys.argv[1], "me", "inbox"), create=True)
            print(box.add(b"From: carol@example.com\r\nTo: alice@example.com\r\nSubject: Delivered\r\n\r\nHi.\r\n"))
            """;
        string key = (await Python.RunAsync(Script, session.Host.StoreDirectory)).Trim();
        EmulatorMessage listed = Assert.Single(session.Host.GetMessages("me", "inbox"));

        await using Stream stored = await session.Transport.GetMimeAsync(GraphMailbox.Me, listed.Id);

        Assert.Equal("From: carol@example.com\r\nTo: alice@example.com\r\nSubject: Delivered\r\n\r\nHi.\r\n", System.Text.Encoding.ASCII.GetString(await TestMime.ReadAllAsync(stored)));
        Assert.Equal(key, MaildirKey(listed));
        Assert.False(listed.IsDraft);
    }

    /// <summary>The Maildir unique name: the file name up to the info separator.</summary>
    private static string MaildirKey(EmulatorMessage message) => Path.GetFileName(message.Path).Split(':')[0];
}
