using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// The recipients the emulator reports come from the library's RFC 5322 address grammar, the
/// same one the inspector judges senders with. Graph fills toRecipients/ccRecipients/from from the
/// uploaded MIME's address fields (graph-docs/create-message.md, "Create a message in MIME format").
/// </summary>
public class AddressFieldTests
{
    [Fact]
    public async Task Group_members_and_encoded_display_names_become_recipients()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        byte[] mime = TestMime.Message(
            "Groups",
            to: "Team: bob@example.com, \"Carol (QA)\" <carol@example.com>;",
            cc: "=?utf-8?Q?M=C3=BCller=2C_Hans?= <hans@example.com>, (comment) dave@example.com (Dave)",
            from: "Alice Example (the author) <alice@example.com>");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.Equal(["bob@example.com", "carol@example.com"], draft.ToRecipients.Select(r => r.Address));
        Assert.Equal("Carol (QA)", draft.ToRecipients[1].Name);
        Assert.Equal(["hans@example.com", "dave@example.com"], draft.CcRecipients.Select(r => r.Address));
        Assert.Equal("Müller, Hans", draft.CcRecipients[0].Name);
        Assert.Equal(new GraphEmailAddress("Alice Example", "alice@example.com"), draft.From);
    }
}
