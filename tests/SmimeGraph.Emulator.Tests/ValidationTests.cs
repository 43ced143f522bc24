using System.Net;
using System.Text;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>What Graph refuses when a message is submitted or uploaded, with its status and code.</summary>
public class ValidationTests
{
    private const string SendAsDenied = "ErrorSendAsDenied";

    [Theory]
    [InlineData("sendMail")]
    [InlineData("send")]
    [InlineData("forward")]
    public async Task A_message_without_recipients_is_400_ErrorInvalidRecipients_and_nothing_is_sent(string operation)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        byte[] noRecipients = Encoding.ASCII.GetBytes("From: alice@example.com\r\nSubject: To nobody\r\nMessage-ID: <nobody@example.com>\r\n\r\nHello?\r\n");
        using GraphPayload payload = await TestMime.PayloadAsync(noRecipients);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => operation switch
        {
            "sendMail" => session.Transport.SendMailAsync(GraphMailbox.Me, payload),
            "send" => session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id),
            _ => session.Transport.ForwardAsync(GraphMailbox.Me, draft.Id, payload),
        });

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("ErrorInvalidRecipients", ex.ErrorCode);
        Assert.Empty(session.Host.GetMessages("me", "sentitems"));
        Assert.True(Assert.Single(session.Host.GetMessages("me", "drafts")).IsDraft);
    }

    [Fact]
    public async Task A_reply_without_recipients_goes_to_the_sender_of_the_original()
    {
        // message-reply.md: "This method uses the sender of the original message as recipient."
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        using GraphPayload original = await TestMime.PayloadAsync(TestMime.Message("Question", from: "carol@example.com"));
        GraphMessage message = await session.Transport.CreateDraftAsync(GraphMailbox.Me, original);
        using GraphPayload reply = await TestMime.PayloadAsync(Encoding.ASCII.GetBytes("From: alice@example.com\r\nSubject: Re: Question\r\n\r\nAnswer.\r\n"));

        await session.Transport.ReplyAsync(GraphMailbox.Me, message.Id, reply);

        Assert.Single(session.Host.GetMessages("me", "sentitems"));
    }

    [Theory]
    [InlineData("From: Bob <bob@example.com>", null)]
    [InlineData("From: alice@example.com", "Sender: bob@example.com")]
    [InlineData("From: alice@example.com, bob@example.com", "Sender: alice@example.com")]
    [InlineData("From: not an address at all", null)]
    public async Task A_From_or_Sender_the_mailbox_may_not_send_as_is_403_ErrorSendAsDenied(string from, string? sender)
    {
        var options = new EmulatorOptions { MeMailbox = "alice@example.com", SentCopyDelay = TimeSpan.Zero };
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        byte[] mime = Encoding.ASCII.GetBytes($"{from}\r\n{(sender is null ? string.Empty : sender + "\r\n")}To: carol@example.com\r\nSubject: Spoofed\r\n\r\nHi.\r\n");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        var sendMail = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendMailAsync(GraphMailbox.Me, payload));
        var send = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id));

        foreach (GraphRequestException ex in new[] { sendMail, send })
        {
            Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
            Assert.Equal(SendAsDenied, ex.ErrorCode);
        }

        Assert.Empty(session.Host.GetMessages("alice@example.com", "sentitems"));
    }

    [Fact]
    public async Task The_mailbox_itself_and_the_send_as_list_may_be_From()
    {
        var options = new EmulatorOptions { MeMailbox = "alice@example.com", SentCopyDelay = TimeSpan.Zero };
        options.SendAs.Add("team@example.com");
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);

        foreach (string from in new[] { "Alice <ALICE@example.com>", "Team <team@example.com>" })
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("As " + from, from: from));
            await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        }

        Assert.Equal(2, session.Host.GetMessages("alice@example.com", "sentitems").Count);
    }

    [Fact]
    public async Task With_no_mailbox_configured_me_may_send_as_any_From()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Local use", from: "anyone@example.org"));

        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);

        Assert.Single(session.Host.GetMessages("me", "sentitems"));
    }

    [Fact]
    public async Task The_tokens_upn_says_who_me_is()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        string token = EmulatorTokens.Create(userPrincipalName: "Dana@example.com");
        RawGraph raw = session.Raw;

        RawResponse own = await raw.PostMimeAsync("me/sendMail", TestMime.Message("From Dana", from: "dana@example.com"), accessToken: token);
        RawResponse other = await raw.PostMimeAsync("me/sendMail", TestMime.Message("From Eve", from: "eve@example.com"), accessToken: token);

        Assert.Equal(HttpStatusCode.Accepted, own.Status);
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(SendAsDenied, other.ErrorCode);
        Assert.Single(session.Host.GetMessages("dana@example.com", "sentitems"));
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task A_user_the_configured_tenant_does_not_have_is_404_ErrorInvalidUser()
    {
        var options = new EmulatorOptions { MeMailbox = "alice@example.com", SentCopyDelay = TimeSpan.Zero };
        options.Users.Add("bob@example.com");
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Who?", from: "bob@example.com"));

        var unknown = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.CreateDraftAsync(GraphMailbox.ForUser("mallory@example.com"), payload));
        await session.Transport.SendMailAsync(GraphMailbox.ForUser("bob@example.com"), payload);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("ErrorInvalidUser", unknown.ErrorCode);
        Assert.Equal("The requested user 'mallory@example.com' is invalid.", unknown.GraphMessage);
        Assert.Single(session.Host.GetMessages("bob@example.com", "sentitems"));
        Assert.Empty(session.Host.GetMessages("mallory@example.com"));
    }

    [Fact]
    public async Task A_user_id_that_cannot_name_a_mailbox_is_404_ErrorInvalidUser()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        RawResponse response = await session.Raw.GetAsync("users/not%20a%20user/messages");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("ErrorInvalidUser", response.ErrorCode);
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("text/html")]
    [InlineData("message/rfc822")]
    public async Task Another_Content_Type_is_415_RequestBodyRead(string contentType)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(Convert.ToBase64String(TestMime.Message("Typed"))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        RawResponse response = await session.Raw.SendAsync(HttpMethod.Post, "me/messages", content, prefer: null, accessToken: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("RequestBodyRead", response.ErrorCode);
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Theory]
    [InlineData("From: a@example.com\r\nTo: b@example.com\r\nSubject: cut\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThe upload stops here")]
    [InlineData("From: a@example.com\r\nTo: b@example.com\r\nSubject: no parts\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\nno delimiter at all\r\n")]
    [InlineData("From: a@example.com\r\nTo: b@example.com\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"\r\n\r\n--\r\n")]
    [InlineData("   \r\n\r\n")]
    public async Task Empty_or_incomplete_MIME_is_400_ErrorMimeContentInvalid(string mime)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        RawResponse response = await session.Raw.PostMimeAsync("me/messages", Encoding.ASCII.GetBytes(mime));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("ErrorMimeContentInvalid", response.ErrorCode);
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task The_same_message_with_its_close_delimiter_is_accepted()
    {
        // Control for the test above: only the missing end makes it incomplete.
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        const string Mime = "From: a@example.com\r\nTo: b@example.com\r\nSubject: whole\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThe upload is whole\r\n--b1--\r\n";

        RawResponse response = await session.Raw.PostMimeAsync("me/messages", Encoding.ASCII.GetBytes(Mime));

        Assert.Equal(HttpStatusCode.Created, response.Status);
    }

    [Fact]
    public async Task Value_under_a_mail_folder_is_405_as_Graph_answers()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        RawResponse created = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("In drafts"));
        string id = created.Json.GetProperty("id").GetString()!;

        RawResponse value = await session.Raw.GetAsync($"me/mailFolders/drafts/messages/{id}/$value");
        RawResponse message = await session.Raw.GetAsync($"me/mailFolders/drafts/messages/{id}");
        RawResponse elsewhere = await session.Raw.GetAsync($"me/mailFolders/sentitems/messages/{id}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, value.Status);
        Assert.Equal("ErrorInvalidRequest", value.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, message.Status);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.Status);
    }
}
