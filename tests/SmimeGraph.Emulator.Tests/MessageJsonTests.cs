using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// The <c>message</c> resource as Graph writes it (api-reference/v1.0/resources/message.md;
/// the example responses of user-post-messages.md).
/// </summary>
public class MessageJsonTests
{
    [Fact]
    public async Task A_created_draft_has_every_property_of_Graphs_example_response()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        byte[] mime = Encoding.ASCII.GetBytes(
            "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nCc: carol@example.com\r\nBcc: dave@example.com\r\n"
            + "Reply-To: replies@example.com\r\nSubject: Shape\r\nDate: Fri, 20 Nov 2026 08:30:00 +0100\r\nMessage-ID: <shape@example.com>\r\n"
            + "Importance: high\r\nDisposition-Notification-To: alice@example.com\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\nPlain words.\r\n"
            + "--alt\r\nContent-Type: text/html\r\n\r\n<p>Rich words.</p>\r\n--alt--\r\n");

        RawResponse created = await session.Raw.PostMimeAsync("me/messages", mime);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        JsonElement message = created.Json;
        string[] expected =
        [
            "@odata.context", "@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime",
            "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance", "parentFolderId", "conversationId",
            "conversationIndex", "isDeliveryReceiptRequested", "isReadReceiptRequested", "isRead", "isDraft", "webLink",
            "inferenceClassification", "body", "sender", "from", "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        string id = message.GetProperty("id").GetString()!;
        Assert.EndsWith("=", id, StringComparison.Ordinal);
        Assert.EndsWith("/$metadata#users('me')/messages/$entity", message.GetProperty("@odata.context").GetString(), StringComparison.Ordinal);
        Assert.Equal("W/\"" + message.GetProperty("changeKey").GetString() + "\"", message.GetProperty("@odata.etag").GetString());
        Assert.Equal("2026-11-21T06:00:00Z", message.GetProperty("createdDateTime").GetString());
        Assert.Equal("2026-11-20T07:30:00Z", message.GetProperty("sentDateTime").GetString());
        Assert.Equal("<shape@example.com>", message.GetProperty("internetMessageId").GetString());
        Assert.Equal("high", message.GetProperty("importance").GetString());
        Assert.True(message.GetProperty("isReadReceiptRequested").GetBoolean());
        Assert.True(message.GetProperty("isDraft").GetBoolean());
        Assert.Equal("html", message.GetProperty("body").GetProperty("contentType").GetString());
        Assert.Equal("<p>Rich words.</p>", message.GetProperty("body").GetProperty("content").GetString()!.Trim());
        Assert.Equal("Plain words.", message.GetProperty("bodyPreview").GetString());
        Assert.Equal("replies@example.com", message.GetProperty("replyTo")[0].GetProperty("emailAddress").GetProperty("address").GetString());
        Assert.Equal("dave@example.com", message.GetProperty("bccRecipients")[0].GetProperty("emailAddress").GetProperty("address").GetString());
        Assert.Equal(EmulatorHost.GetFolderId("drafts"), message.GetProperty("parentFolderId").GetString());
        Assert.Contains(Uri.EscapeDataString(id), message.GetProperty("webLink").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(22, Convert.FromBase64String(message.GetProperty("conversationIndex").GetString()!).Length);
        Assert.Equal("notFlagged", message.GetProperty("flag").GetProperty("flagStatus").GetString());
        Assert.True(DateTimeOffset.TryParse(message.GetProperty("lastModifiedDateTime").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
    }

    [Fact]
    public async Task Prefer_outlook_body_content_type_text_gives_text()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        RawResponse created = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Plain", body: "Just <text>."));
        string id = created.Json.GetProperty("id").GetString()!;

        RawResponse html = await session.Raw.GetAsync($"me/messages/{id}", prefer: "outlook.body-content-type=\"html\"");
        RawResponse text = await session.Raw.GetAsync($"me/messages/{id}", prefer: "outlook.body-content-type=\"text\"");

        Assert.Equal("html", html.Json.GetProperty("body").GetProperty("contentType").GetString());
        Assert.Contains("Just &lt;text&gt;.", html.Json.GetProperty("body").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("text", text.Json.GetProperty("body").GetProperty("contentType").GetString());
        Assert.Equal("Just <text>.", text.Json.GetProperty("body").GetProperty("content").GetString()!.Trim());
    }

    [Fact]
    public async Task A_reply_shares_the_conversation_of_its_original()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        RawResponse original = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Thread", messageId: "root@example.com"));
        byte[] reply = Encoding.ASCII.GetBytes("From: bob@example.com\r\nTo: alice@example.com\r\nSubject: Re: Thread\r\nIn-Reply-To: <root@example.com>\r\nReferences: <root@example.com>\r\n\r\nYes.\r\n");
        RawResponse other = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Another thread"));

        RawResponse answer = await session.Raw.PostMimeAsync("me/messages", reply);

        Assert.Equal(original.Json.GetProperty("conversationId").GetString(), answer.Json.GetProperty("conversationId").GetString());
        Assert.NotEqual(original.Json.GetProperty("conversationId").GetString(), other.Json.GetProperty("conversationId").GetString());
    }

    [Fact]
    public async Task Get_with_select_returns_the_named_properties()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        RawResponse created = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Picked"));
        string id = created.Json.GetProperty("id").GetString()!;

        RawResponse picked = await session.Raw.GetAsync($"me/messages/{id}?$select=subject,internetMessageHeaders");

        Assert.Equal(["@odata.context", "@odata.etag", "id", "internetMessageHeaders", "subject"], picked.Json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains(picked.Json.GetProperty("internetMessageHeaders").EnumerateArray(), h => h.GetProperty("name").GetString() == "Subject" && h.GetProperty("value").GetString() == "Picked");
    }
}
