using System.Text.Json;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

public class GraphMessageTests
{
    [Fact]
    public void The_documented_create_message_response_is_read()
    {
        // graph-docs/create-message.md, Example 3 (MIME) response, abridged.
        const string Json = """
            {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('0aaa0aa0-0000-0a00-a00a-0000009000a0')/messages/$entity",
                "id": "AAMkADA1MTAAAAqldOAAA=",
                "createdDateTime": "2021-04-23T18:13:44Z",
                "sentDateTime": "2021-02-28T07:15:00Z",
                "hasAttachments": false,
                "internetMessageId": "<AAAAAAAAAA@AAAAAAA0001AA0000.codcod00.prod.outlook.com>",
                "subject": "Internal Resume Submission: Sales Associate",
                "bodyPreview": "Hi, Megan.I have an interest in the Sales Associate position.",
                "parentFolderId": "LKJDSKJHkjhfakKJHFKWKKJHKJdhkjHDK==",
                "conversationId": "SDSFSmFSDGI5LWZhYjc4fsdfsd=",
                "isDeliveryReceiptRequested": null,
                "isDraft": true,
                "sender": { "emailAddress": { "name": "Alex Wilber", "address": "AlexW@contoso.com" } },
                "from": { "emailAddress": { "name": "Alex Wilber", "address": "AlexW@contoso.com" } },
                "toRecipients": [ { "emailAddress": { "name": "Megan Bowen", "address": "MeganB@contoso.com" } } ],
                "ccRecipients": [],
                "bccRecipients": [],
                "replyTo": [],
                "flag": { "flagStatus": "notFlagged" }
            }
            """;
        using JsonDocument document = JsonDocument.Parse(Json);

        GraphMessage message = GraphMessage.FromJson(document.RootElement);

        Assert.Equal("AAMkADA1MTAAAAqldOAAA=", message.Id);
        Assert.Equal("Internal Resume Submission: Sales Associate", message.Subject);
        Assert.Equal(new GraphEmailAddress("Alex Wilber", "AlexW@contoso.com"), message.From);
        Assert.Equal(new GraphEmailAddress("Alex Wilber", "AlexW@contoso.com"), message.Sender);
        Assert.Equal(new GraphEmailAddress("Megan Bowen", "MeganB@contoso.com"), Assert.Single(message.ToRecipients));
        Assert.Empty(message.CcRecipients);
        Assert.Empty(message.BccRecipients);
        Assert.True(message.IsDraft);
        Assert.False(message.HasAttachments);
        Assert.Equal("<AAAAAAAAAA@AAAAAAA0001AA0000.codcod00.prod.outlook.com>", message.InternetMessageId);
        Assert.Equal(new DateTimeOffset(2021, 4, 23, 18, 13, 44, TimeSpan.Zero), message.CreatedDateTime);
        Assert.Equal("SDSFSmFSDGI5LWZhYjc4fsdfsd=", message.ConversationId);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"id\":\"\"}")]
    [InlineData("{\"id\":42}")]
    public void A_message_without_an_id_is_refused(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);

        Assert.Throws<JsonException>(() => GraphMessage.FromJson(document.RootElement));
    }
}
