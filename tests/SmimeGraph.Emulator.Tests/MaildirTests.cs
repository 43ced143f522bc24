using System.Text.Json;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>The store is plain Maildir: it survives a restart and other Maildir readers can read it.</summary>
public class MaildirTests
{
    [Fact]
    public async Task A_restart_on_the_same_store_keeps_every_message_byte_identical()
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
                    before[draft.Id] = mime;
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

                before[Assert.Single(first.Host.GetMessages("alice@example.com", "sentitems")).Id] = sentMime;
                listedBefore = [.. first.Host.GetMessages("me"), .. first.Host.GetMessages("alice@example.com")];
            }

            await using EmulatorSession second = await EmulatorSession.StartAsync(new EmulatorOptions { StoreDirectory = store });
            List<EmulatorMessage> listedAfter = [.. second.Host.GetMessages("me"), .. second.Host.GetMessages("alice@example.com")];
            Assert.Equal(listedBefore, listedAfter);
            Assert.Equal(3, listedAfter.Count);
            foreach (EmulatorMessage message in listedAfter)
            {
                GraphMailbox mailbox = GraphMailbox.Parse(message.Mailbox);
                await using Stream stored = await second.Transport.GetMimeAsync(mailbox, message.Id);
                Assert.Equal(before[message.Id], await TestMime.ReadAllAsync(stored));
            }
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
        string sentId = Assert.Single(session.Host.GetMessages("me", "sentitems")).Id;

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
        Assert.Equal(draft.Id, drafts.GetProperty("key").GetString());
        Assert.Contains('D', drafts.GetProperty("flags").GetString()!);
        Assert.Equal("A draft", drafts.GetProperty("subject").GetString());
        JsonElement sent = Assert.Single(read.RootElement.GetProperty("sentitems").EnumerateArray());
        Assert.Equal(sentId, sent.GetProperty("key").GetString());
        Assert.DoesNotContain('D', sent.GetProperty("flags").GetString()!);
        Assert.Equal("<sent@example.com>", sent.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task A_message_delivered_into_new_by_another_Maildir_writer_is_found_by_id()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        const string Script = """
            import mailbox, os, sys
            os.makedirs(os.path.join(sys.argv[1], "me"), exist_ok=True)
            box = mailbox.Maildir(os.path.join(sys.argv[1], "me", "inbox"), create=True)
            print(box.add(b"From: carol@example.com\r\nTo: alice@example.com\r\nSubject: Delivered\r\n\r\nHi.\r\n"))
            """;
        string key = (await Python.RunAsync(Script, session.Host.StoreDirectory)).Trim();

        await using Stream stored = await session.Transport.GetMimeAsync(GraphMailbox.Me, key);

        Assert.Equal("From: carol@example.com\r\nTo: alice@example.com\r\nSubject: Delivered\r\n\r\nHi.\r\n", System.Text.Encoding.ASCII.GetString(await TestMime.ReadAllAsync(stored)));
        EmulatorMessage listed = Assert.Single(session.Host.GetMessages("me", "inbox"));
        Assert.Equal(key, listed.Id);
        Assert.False(listed.IsDraft);
    }
}
