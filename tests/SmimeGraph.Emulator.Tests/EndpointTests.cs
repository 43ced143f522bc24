using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Every MIME endpoint, through <see cref="GraphMimeTransport"/>, against the emulator over loopback HTTP.</summary>
public class EndpointTests
{
    public static TheoryData<string> Mailboxes => ["me", "Alice@Example.com"];

    [Theory]
    [MemberData(nameof(Mailboxes))]
    public async Task Create_draft_returns_the_message_read_from_the_MIME_and_get_returns_the_exact_bytes(string mailboxName)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        var mailbox = GraphMailbox.Parse(mailboxName);
        byte[] mime = TestMime.Message(
            "=?utf-8?B?SMOpbGxv?= draft",
            to: "Bob Example <bob@example.com>, carol@example.com",
            messageId: "draft-1@example.com",
            cc: "\"Dave, D.\" <dave@example.com>",
            bcc: "erin@example.com",
            body: "First   line\r\nsecond line");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        GraphMessage draft = await session.Transport.CreateDraftAsync(mailbox, payload);

        Assert.False(string.IsNullOrEmpty(draft.Id));
        Assert.True(draft.IsDraft);
        Assert.Equal("Héllo draft", draft.Subject);
        Assert.Equal("<draft-1@example.com>", draft.InternetMessageId);
        Assert.Equal(new GraphEmailAddress("Alice Example", "alice@example.com"), draft.From);
        Assert.Equal(["bob@example.com", "carol@example.com"], draft.ToRecipients.Select(r => r.Address));
        Assert.Equal("Bob Example", draft.ToRecipients[0].Name);
        Assert.Equal(new GraphEmailAddress("Dave, D.", "dave@example.com"), Assert.Single(draft.CcRecipients));
        Assert.Equal("erin@example.com", Assert.Single(draft.BccRecipients).Address);
        Assert.False(draft.HasAttachments);
        Assert.Equal("First line second line", draft.BodyPreview);
        Assert.Equal(EmulatorHost.GetFolderId("drafts"), draft.ParentFolderId);

        // The store keeps the upload as it came; $value is Exchange's rewrite of it, same body.
        EmulatorMessage onDisk = Assert.Single(session.Host.GetMessages(mailboxName, "drafts"));
        Assert.Equal(draft.Id, onDisk.Id);
        Assert.Equal(mime, await File.ReadAllBytesAsync(onDisk.Path));
        await using Stream stored = await session.Transport.GetMimeAsync(mailbox, draft.Id);
        byte[] value = await TestMime.ReadAllAsync(stored);
        Assert.Equal(TestMime.Body(mime), TestMime.Body(value));
        Assert.Contains("\r\nBcc: erin@example.com\r\n", System.Text.Encoding.ASCII.GetString(value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_draft_in_a_mail_folder_stores_it_there()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Filed"));

        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.ForUser("alice@example.com"), payload, folderId: "Archive");

        Assert.Equal(EmulatorHost.GetFolderId("archive"), draft.ParentFolderId);
        Assert.Equal(draft.Id, Assert.Single(session.Host.GetMessages("alice@example.com", "archive")).Id);
        Assert.Empty(session.Host.GetMessages("alice@example.com", "drafts"));
    }

    [Fact]
    public async Task An_attachment_part_shows_as_hasAttachments()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.WithAttachment("With file", 1000));

        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.True(draft.HasAttachments);
    }

    [Fact]
    public async Task The_preview_of_a_signed_message_is_its_signed_text_and_an_encrypted_one_has_none()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        byte[] signed = System.Text.Encoding.ASCII.GetBytes(
            "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: Signed\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n boundary=\"----=_sig\"\r\n\r\n"
            + "This is an S/MIME signed message\r\n\r\n------=_sig\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Gr=C3=BC=C3=9Fe from the=\r\n signed part.\r\n"
            + "------=_sig\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=smime.p7s\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\r\n------=_sig--\r\n");
        byte[] encrypted = System.Text.Encoding.ASCII.GetBytes(
            "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: Sealed\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n");
        using GraphPayload signedPayload = await TestMime.PayloadAsync(signed);
        using GraphPayload encryptedPayload = await TestMime.PayloadAsync(encrypted);

        GraphMessage signedDraft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, signedPayload);
        GraphMessage encryptedDraft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, encryptedPayload);

        Assert.Equal("Grüße from the signed part.", signedDraft.BodyPreview);
        Assert.Equal(string.Empty, encryptedDraft.BodyPreview);
        Assert.True(encryptedDraft.HasAttachments);
    }

    [Fact]
    public async Task Update_draft_replaces_the_MIME_content()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload first = await TestMime.PayloadAsync(TestMime.Message("Version 1"));
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, first);
        byte[] second = TestMime.Message("Version 2", body: "Rewritten.");
        using GraphPayload secondPayload = await TestMime.PayloadAsync(second);

        await session.Transport.UpdateDraftAsync(GraphMailbox.Me, draft.Id, secondPayload);

        EmulatorMessage updated = Assert.Single(session.Host.GetMessages("me", "drafts"));
        Assert.True(updated.IsDraft);
        Assert.Equal(draft.Id, updated.Id);
        Assert.Equal(second, await File.ReadAllBytesAsync(updated.Path));
        await using Stream stored = await session.Transport.GetMimeAsync(GraphMailbox.Me, draft.Id);
        Assert.Equal(TestMime.Body(second), TestMime.Body(await TestMime.ReadAllAsync(stored)));
    }

    [Fact]
    public async Task Send_draft_moves_it_to_sent_items_under_a_new_id_and_the_draft_id_is_then_not_found()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        byte[] mime = TestMime.Message("Send me");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        await session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
        session.Host.DeliverSentItemsNow();

        Assert.Empty(session.Host.GetMessages("me", "drafts"));
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.NotEqual(draft.Id, sent.Id);
        Assert.False(sent.IsDraft);
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
        var gone = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.GetMimeAsync(GraphMailbox.Me, draft.Id));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("ErrorItemNotFound", gone.ErrorCode);
        var again = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id));
        Assert.Equal("ErrorItemNotFound", again.ErrorCode);
        Assert.Single(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task SendMail_stores_the_message_in_sent_items_byte_for_byte()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        byte[] mime = TestMime.Message("One step");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        await session.Transport.SendMailAsync(GraphMailbox.ForUser("alice@example.com"), payload);
        session.Host.DeliverSentItemsNow();

        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("alice@example.com", "sentitems"));
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
        Assert.Equal(1, session.Host.RequestCount);
    }

    [Theory]
    [InlineData("reply")]
    [InlineData("replyAll")]
    [InlineData("forward")]
    public async Task Reply_replyAll_and_forward_send_the_MIME(string action)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload original = await TestMime.PayloadAsync(TestMime.Message("Original"));
        GraphMessage message = await session.Transport.CreateDraftAsync(GraphMailbox.Me, original);
        byte[] answer = TestMime.Message("Re: Original", body: "An answer.");
        using GraphPayload payload = await TestMime.PayloadAsync(answer);

        Task send = action switch
        {
            "reply" => session.Transport.ReplyAsync(GraphMailbox.Me, message.Id, payload),
            "replyAll" => session.Transport.ReplyAllAsync(GraphMailbox.Me, message.Id, payload),
            _ => session.Transport.ForwardAsync(GraphMailbox.Me, message.Id, payload),
        };
        await send;
        session.Host.DeliverSentItemsNow();

        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.Equal(answer, await File.ReadAllBytesAsync(sent.Path));
        var missing = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.ReplyAsync(GraphMailbox.Me, TestMime.UnknownId, payload));
        Assert.Equal("ErrorItemNotFound", missing.ErrorCode);
    }

    [Theory]
    [InlineData("createReply")]
    [InlineData("createReplyAll")]
    [InlineData("createForward")]
    public async Task CreateReply_createReplyAll_and_createForward_create_drafts_from_the_MIME(string action)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload original = await TestMime.PayloadAsync(TestMime.Message("Original"));
        GraphMessage message = await session.Transport.CreateDraftAsync(GraphMailbox.Me, original);
        byte[] answer = TestMime.Message("Fw: Original", messageId: "answer@example.com");
        using GraphPayload payload = await TestMime.PayloadAsync(answer);

        GraphMessage created = action switch
        {
            "createReply" => await session.Transport.CreateReplyAsync(GraphMailbox.Me, message.Id, payload),
            "createReplyAll" => await session.Transport.CreateReplyAllAsync(GraphMailbox.Me, message.Id, payload),
            _ => await session.Transport.CreateForwardAsync(GraphMailbox.Me, message.Id, payload),
        };

        Assert.NotEqual(message.Id, created.Id);
        Assert.True(created.IsDraft);
        Assert.Equal("Fw: Original", created.Subject);
        Assert.Equal("<answer@example.com>", created.InternetMessageId);
        EmulatorMessage stored = Assert.Single(session.Host.GetMessages("me", "drafts"), m => m.Id == created.Id);
        Assert.Equal(answer, await File.ReadAllBytesAsync(stored.Path));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1_000, 16)]
    [InlineData(1_000, 1)]
    [InlineData(2_000_000, 4096)]
    public async Task Get_MIME_streams_the_stored_bytes_in_any_chunking(int attachmentLength, int chunk)
    {
        // The MIME as uploaded (no Exchange rewrite), so the transport's streaming is what is compared.
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { RegenerateMime = false });
        byte[] mime = TestMime.WithAttachment("Sized", attachmentLength);
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        await using Stream stored = await session.Transport.GetMimeAsync(GraphMailbox.Me, draft.Id);

        Assert.Equal(mime, await TestMime.ReadAllAsync(stored, chunk));
    }

    [Fact]
    public async Task Requests_carry_the_bearer_token_and_a_client_request_id()
    {
        var recorder = new RecordingHandler();
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: recorder);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Headers"));

        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);

        RecordedRequest request = Assert.Single(recorder.Requests);
        Assert.Equal("Bearer " + EmulatorSession.Token, request.Authorization);
        Assert.True(Guid.TryParse(request.ClientRequestId, out _));
        Assert.Equal("text/plain", request.ContentType);
        Assert.Equal(payload.Length, request.ContentLength);
        Assert.Equal("POST", request.Method);
        Assert.EndsWith("/v1.0/me/sendMail", request.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_principal_name_is_escaped_into_the_path()
    {
        var recorder = new RecordingHandler();
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: recorder);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Escaped", from: "O.Brien+mail@example.com"));

        await session.Transport.SendMailAsync(GraphMailbox.ForUser("O.Brien+mail@example.com"), payload);
        session.Host.DeliverSentItemsNow();

        Assert.EndsWith("/v1.0/users/O.Brien%2Bmail%40example.com/sendMail", Assert.Single(recorder.Requests).Uri, StringComparison.Ordinal);
        Assert.Single(session.Host.GetMessages("o.brien+mail@example.com", "sentitems"));
    }

    /// <summary>Passes requests on and remembers what they carried.</summary>
    internal sealed class RecordingHandler : DelegatingHandler
    {
        public RecordingHandler() : base(new SocketsHttpHandler()) { }

        public List<RecordedRequest> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var recorded = new RecordedRequest(
                request.Method.Method,
                request.RequestUri?.AbsoluteUri ?? string.Empty,
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("client-request-id", out IEnumerable<string>? ids) ? ids.Single() : null,
                request.Content?.Headers.ContentType?.MediaType,
                request.Content?.Headers.ContentLength);
            lock (Requests)
            {
                Requests.Add(recorded);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    internal sealed record RecordedRequest(string Method, string Uri, string? Authorization, string? ClientRequestId, string? ContentType, long? ContentLength);
}
