using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace SmimeGraph.Emulator.SdkTests;

/// <summary>
/// The official Microsoft Graph SDK, unmodified, as the emulator's client: the MIME round trip
/// a mail app makes, and each documented error arriving as an <see cref="ODataError"/> with
/// Graph's code.
/// </summary>
public class GraphSdkTests
{
    private static byte[] Mime(string subject, string messageId, string from = "Alice <alice@example.com>", string? to = "Bob <bob@example.com>", string? bcc = null) =>
        Encoding.ASCII.GetBytes(
            $"From: {from}\r\n" + (to is null ? string.Empty : $"To: {to}\r\n") + (bcc is null ? string.Empty : $"Bcc: {bcc}\r\n")
            + $"Subject: {subject}\r\nDate: Sat, 21 Nov 2026 06:00:00 +0000\r\nMessage-ID: <{messageId}>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello from the Graph SDK.\r\n");

    private static byte[] Body(byte[] message) => message[(message.AsSpan().IndexOf("\r\n\r\n"u8) + 4)..];

    [Fact]
    public async Task Create_from_MIME_read_send_find_the_sent_copy_by_internetMessageId_and_fetch_its_MIME()
    {
        FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));
        await using SdkSession sdk = await SdkSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        GraphServiceClient graph = sdk.Client;
        byte[] mime = Mime("Through the SDK", "sdk-roundtrip@example.com", bcc: "audit@example.com");

        // 1. Create the draft from MIME.
        Message? created = await sdk.CreateFromMimeAsync(mime);
        Assert.NotNull(created?.Id);

        // 2. Read it back: every property the SDK's model reads is one it knows.
        Message? draft = await graph.Me.Messages[created.Id].GetAsync();
        Assert.NotNull(draft);
        Assert.Equal(created.Id, draft.Id);
        Assert.Equal("Through the SDK", draft.Subject);
        Assert.Equal("<sdk-roundtrip@example.com>", draft.InternetMessageId);
        Assert.True(draft.IsDraft);
        Assert.Equal("alice@example.com", draft.From?.EmailAddress?.Address);
        Assert.Equal("Alice", draft.From?.EmailAddress?.Name);
        Assert.Equal("bob@example.com", Assert.Single(draft.ToRecipients!).EmailAddress?.Address);
        Assert.Equal("audit@example.com", Assert.Single(draft.BccRecipients!).EmailAddress?.Address);
        Assert.Equal(BodyType.Text, draft.Body?.ContentType);
        Assert.Equal("Hello from the Graph SDK.", draft.Body?.Content?.Trim());
        Assert.Equal("Hello from the Graph SDK.", draft.BodyPreview);
        Assert.Equal(Importance.Normal, draft.Importance);
        Assert.Equal(InferenceClassificationType.Focused, draft.InferenceClassification);
        Assert.Equal(FollowupFlagStatus.NotFlagged, draft.Flag?.FlagStatus);
        Assert.Equal(clock.GetUtcNow(), draft.CreatedDateTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero), draft.SentDateTime);
        Assert.False(string.IsNullOrEmpty(draft.ChangeKey));
        Assert.False(string.IsNullOrEmpty(draft.ConversationId));
        Assert.Equal(22, draft.ConversationIndex?.Length);
        Assert.Equal(EmulatorHost.GetFolderId("drafts"), draft.ParentFolderId);
        Assert.NotNull(draft.WebLink);
        Assert.Empty(draft.Categories!);
        // Nothing the emulator wrote was left over as unknown to the model, but the OData annotations.
        Assert.Equal(["@odata.context", "@odata.etag"], draft.AdditionalData.Keys.Order(StringComparer.Ordinal));

        // 3. Send it.
        await graph.Me.Messages[created.Id].Send.PostAsync();

        // 4. Find the sent copy in Sent Items by internetMessageId: not there until the delay has passed.
        async Task<List<Message>> FindAsync() =>
            (await graph.Me.MailFolders["sentitems"].Messages.GetAsync(request =>
            {
                request.QueryParameters.Filter = "internetMessageId eq '<sdk-roundtrip@example.com>'";
                request.QueryParameters.Select = ["id", "subject", "internetMessageId", "isDraft", "bccRecipients"];
                request.QueryParameters.Top = 5;
            }))?.Value ?? [];

        Assert.Empty(await FindAsync());
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Message sent = Assert.Single(await FindAsync());
        Assert.NotEqual(created.Id, sent.Id);
        Assert.False(sent.IsDraft);
        Assert.Equal("Through the SDK", sent.Subject);

        // 5. Fetch its MIME: Exchange's rewrite of the upload, with the body as sent and no Bcc.
        await using Stream? content = await graph.Me.Messages[sent.Id].Content.GetAsync();
        Assert.NotNull(content);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        byte[] value = copy.ToArray();
        string header = Encoding.ASCII.GetString(value, 0, value.AsSpan().IndexOf("\r\n\r\n"u8));
        Assert.Equal(Body(mime), Body(value));
        Assert.Contains("Thread-Index: ", header, StringComparison.Ordinal);
        Assert.Contains("Message-ID: <sdk-roundtrip@example.com>", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Bcc:", header, StringComparison.OrdinalIgnoreCase);

        // The draft's id is gone.
        var gone = await Assert.ThrowsAsync<ODataError>(() => graph.Me.Messages[created.Id].GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
        Assert.Equal("ErrorItemNotFound", gone.Error?.Code);
    }

    [Fact]
    public async Task With_Prefer_ImmutableId_the_SDK_finds_the_sent_copy_with_the_id_from_create()
    {
        await using SdkSession sdk = await SdkSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        const string Prefer = "IdType=\"ImmutableId\"";

        Message? created = await sdk.CreateFromMimeAsync(Mime("Immutable", "sdk-immutable@example.com"), prefer: Prefer);
        await sdk.Client.Me.Messages[created!.Id].Send.PostAsync(request => request.Headers.Add("Prefer", Prefer));
        Message? sent = await sdk.Client.Me.Messages[created.Id].GetAsync(request => request.Headers.Add("Prefer", Prefer));

        Assert.Equal(created.Id, sent?.Id);
        Assert.Equal(EmulatorHost.GetFolderId("sentitems"), sent?.ParentFolderId);
        Assert.False(sent?.IsDraft);
    }

    [Fact]
    public async Task The_SDKs_page_iterator_follows_nextLink_through_every_message()
    {
        await using SdkSession sdk = await SdkSession.StartAsync();
        for (int i = 0; i < 12; i++)
        {
            await sdk.CreateFromMimeAsync(Mime("Paged " + i, $"paged{i}@example.com"));
        }

        MessageCollectionResponse? first = await sdk.Client.Me.MailFolders["drafts"].Messages.GetAsync(request => request.QueryParameters.Top = 5);
        var seen = new List<string>();
        PageIterator<Message, MessageCollectionResponse> pages = PageIterator<Message, MessageCollectionResponse>.CreatePageIterator(sdk.Client, first!, message =>
        {
            seen.Add(message.InternetMessageId!);
            return true;
        });
        await pages.IterateAsync();

        Assert.Equal(5, first!.Value!.Count);
        Assert.NotNull(first.OdataNextLink);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"<paged{i}@example.com>").Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_SDK_answers_a_claims_challenge_with_a_token_for_the_claims_and_retries_once()
    {
        // Kiota's request adapter reads the claims from WWW-Authenticate and asks the token
        // provider again with them; a token minted for those claims is accepted.
        await using SdkSession sdk = await SdkSession.StartAsync(
            new EmulatorOptions { ContinuousAccessEvaluation = true },
            context => context?.TryGetValue("claims", out object? claims) == true ? EmulatorTokens.ForClaims((string)claims) : "token-from-before-the-revocation");

        MessageCollectionResponse? messages = await sdk.Client.Me.Messages.GetAsync();

        Assert.NotNull(messages?.Value);
        Assert.Equal(2, sdk.Tokens.ClaimsRequested.Count);
        Assert.Null(sdk.Tokens.ClaimsRequested[0]);
        Assert.NotNull(sdk.Tokens.ClaimsRequested[1]);
        Assert.Equal(2, sdk.Host.RequestCount);
    }

    [Fact]
    public async Task The_SDKs_retry_handler_waits_out_a_429_and_succeeds()
    {
        await using SdkSession sdk = await SdkSession.StartAsync();
        sdk.Host.Faults.Throttle(count: 1, retryAfterSeconds: 0, operation: "listMessages");

        MessageCollectionResponse? messages = await sdk.Client.Me.Messages.GetAsync();

        Assert.NotNull(messages?.Value);
        Assert.Equal(2, sdk.Host.RequestCount);
    }

    public static TheoryData<string> ErrorCases => [.. ErrorCase.All.Keys];

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task Each_documented_error_arrives_as_an_ODataError_with_Graphs_code(string name)
    {
        ErrorCase error = ErrorCase.All[name];
        var options = new EmulatorOptions { SentCopyDelay = TimeSpan.Zero, MaxRequestBodyLength = 100_000 };
        error.Configure?.Invoke(options);
        await using SdkSession sdk = await SdkSession.StartAsync(options, error.Token is null ? null : _ => error.Token);
        error.Arrange?.Invoke(sdk.Host);

        var ex = await Assert.ThrowsAsync<ODataError>(() => error.Act(sdk));

        Assert.Equal(error.Status, ex.ResponseStatusCode);
        Assert.Equal(error.Code, ex.Error?.Code);
        Assert.False(string.IsNullOrEmpty(ex.Error?.Message));
        Assert.Empty(sdk.Host.GetMessages("me", "sentitems"));
    }

    /// <summary>A request that Graph refuses, and the status and code it refuses it with.</summary>
    private sealed record ErrorCase(int Status, string Code, Func<SdkSession, Task> Act)
    {
        public Action<EmulatorOptions>? Configure { get; init; }

        public Action<EmulatorHost>? Arrange { get; init; }

        public string? Token { get; init; }

        public static IReadOnlyDictionary<string, ErrorCase> All { get; } = new Dictionary<string, ErrorCase>
        {
            // user-post-messages.md
            ["invalid base64"] = new(400, "ErrorMimeContentInvalidBase64String", sdk => sdk.SendMimeAsync("me/messages", "not base64!"u8.ToArray(), "text/plain")),
            // outlook-send-mime-message.md, "Error conditions"
            ["empty MIME"] = new(400, "ErrorMimeContentInvalid", sdk => sdk.CreateFromMimeAsync([])),
            ["incomplete MIME"] = new(400, "ErrorMimeContentInvalid", sdk => sdk.CreateFromMimeAsync("From: a@example.com\r\nTo: b@example.com\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n\r\ncut"u8.ToArray())),
            ["another Content-Type"] = new(415, "RequestBodyRead", sdk => sdk.SendMimeAsync("me/messages", Encoding.ASCII.GetBytes(Convert.ToBase64String(Mime("Typed", "typed@example.com"))), "application/octet-stream")),
            // user-post-messages.md: over the S/MIME limit, 413
            ["over the size limit"] = new(413, "ErrorMessageSizeExceeded", sdk => sdk.CreateFromMimeAsync(new byte[80_000])),
            ["no recipients"] = new(400, "ErrorInvalidRecipients", sdk => sdk.SendMailMimeAsync(Mime("Nobody", "nobody@example.com", to: null))),
            ["send as another"] = new(403, "ErrorSendAsDenied", sdk => sdk.SendMailMimeAsync(Mime("Spoofed", "spoofed@example.com", from: "mallory@example.com")))
            {
                Configure = options => options.MeMailbox = "alice@example.com",
            },
            ["unknown user"] = new(404, "ErrorInvalidUser", sdk => sdk.Client.Users["mallory@example.com"].Messages.GetAsync())
            {
                Configure = options => options.MeMailbox = "alice@example.com",
            },
            ["unknown id"] = new(404, "ErrorItemNotFound", sdk => sdk.Client.Me.Messages["AAMkADNlNYjSAAA="].GetAsync()),
            ["malformed id"] = new(400, "ErrorInvalidIdMalformed", sdk => sdk.Client.Me.Messages["not-an-id!"].Send.PostAsync()),
            ["unknown id on $value"] = new(404, "ErrorItemNotFound", sdk => sdk.Client.Me.Messages["AAMkADNlNYjSAAA="].Content.GetAsync()),
            ["bad filter"] = new(400, "ErrorInvalidUrlQueryFilter", sdk => sdk.Client.Me.Messages.GetAsync(r => r.QueryParameters.Filter = "endswith(subject,'x')")),
            ["wrong token"] = new(401, "InvalidAuthenticationToken", sdk => sdk.Client.Me.Messages.GetAsync())
            {
                Configure = options => options.Token = "the-only-token",
                Token = "another-token",
            },
            // concepts/throttling.md; the SDK's retry handler is told not to retry here.
            ["throttled"] = new(429, "ApplicationThrottled", sdk => sdk.Client.Me.Messages.GetAsync(r => r.Options.Add(new RetryHandlerOption { MaxRetry = 0 })))
            {
                Arrange = host => host.Faults.Throttle(count: 1, retryAfterSeconds: 30),
            },
        };
    }
}
