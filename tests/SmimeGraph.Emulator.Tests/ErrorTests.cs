using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Graph's error answers reach the caller as typed exceptions with Graph's code and ids.</summary>
public class ErrorTests
{
    [Fact]
    public async Task Bad_base64_gives_the_caller_ErrorMimeContentInvalidBase64String()
    {
        // The body is corrupted on its way out, after the transport built it correctly.
        var corrupt = new BodyReplacingHandler("This is not base64!");
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: corrupt);
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Corrupted"));

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.CreateDraftAsync(GraphMailbox.Me, payload));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("ErrorMimeContentInvalidBase64String", ex.ErrorCode);
        Assert.Equal("Invalid base64 string for MIME content.", ex.GraphMessage);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.True(Guid.TryParse(ex.ClientRequestId, out _));
        Assert.Empty(session.Host.GetMessages("me"));
        Assert.Equal(1, session.Host.RequestCount);
    }

    [Fact]
    public async Task Base64_with_line_breaks_is_accepted_and_stored_exactly()
    {
        // Graph takes the base64 with or without line breaks; the body here is replaced on its
        // way out by the same MIME encoded with CRLF every 76 characters.
        byte[] mime = TestMime.WithAttachment("Wrapped", 5000);
        var wrapped = new BodyReplacingHandler(Convert.ToBase64String(mime, Base64FormattingOptions.InsertLineBreaks));
        await using EmulatorSession session = await EmulatorSession.StartAsync(handler: wrapped);
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.Equal(mime, await File.ReadAllBytesAsync(Assert.Single(session.Host.GetMessages("me", "drafts"), m => m.Id == draft.Id).Path));
    }

    [Fact]
    public async Task Empty_MIME_is_ErrorMimeContentInvalid()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using GraphPayload payload = await TestMime.PayloadAsync([]);

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("ErrorMimeContentInvalid", ex.ErrorCode);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(4096)]
    public async Task Bytes_that_are_not_a_message_are_ErrorMimeContentInvalid(int length)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        byte[] noise = RandomNumberGenerator.GetBytes(length);
        noise[0] = (byte)'\x01';
        using GraphPayload payload = await TestMime.PayloadAsync(noise);

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.CreateDraftAsync(GraphMailbox.Me, payload));

        Assert.Equal("ErrorMimeContentInvalid", ex.ErrorCode);
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task Over_the_ceiling_is_refused_on_the_client_and_no_request_reaches_Graph()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        // 3,000,001 bytes of MIME need 4,000,004 bytes of base64: one quartet over.
        byte[] mime = TestMime.WithAttachment("Too big", 2_250_000);
        Assert.True(mime.Length > 3_000_000);

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(async () =>
        {
            using GraphPayload payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
            await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        });

        Assert.Equal(GraphPayload.DefaultCeiling, ex.Ceiling);
        Assert.Equal(0, session.Host.RequestCount);

        // The counter does count: one message under the ceiling is one request.
        using GraphPayload small = await TestMime.PayloadAsync(TestMime.Message("Fits"));
        await session.Transport.SendMailAsync(GraphMailbox.Me, small);
        Assert.Equal(1, session.Host.RequestCount);
    }

    [Fact]
    public async Task A_413_from_the_server_is_PayloadTooLargeException_with_Graphs_error_inside()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { MaxRequestBodyLength = 1_000 });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.WithAttachment("Over the server's limit", 2_000));
        Assert.True(payload.Length > 1_000);

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => session.Transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(payload.Length, ex.Size);
        var graph = Assert.IsType<GraphRequestException>(ex.InnerException);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, graph.StatusCode);
        Assert.Equal("ErrorMessageSizeExceeded", graph.ErrorCode);
        Assert.Empty(session.Host.GetMessages("me"));
        Assert.Equal(1, session.Host.RequestCount);
    }

    [Fact]
    public async Task Without_a_bearer_token_the_emulator_answers_401()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using var content = new StringContent(Convert.ToBase64String(TestMime.Message("No token")), Encoding.ASCII, "text/plain");

        using HttpResponseMessage response = await session.Http.PostAsync(new Uri(session.Host.BaseAddress + "/me/sendMail"), content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("InvalidAuthenticationToken", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Theory]
    [InlineData(TestMime.UnknownId)]
    [InlineData("AAMkAGI2NGJkYmJkLWEyMWYtNGNlMC04ZDUwLTM1YWZlMDNmY2JmYwBGAAAAAADCciemQtu8T48Jk3mRa4wcBwAYjNVwEgHbSaqAydphZy5SAAAAAAEMAAAYjNVwEgHbSaqAydphZy5SAAGBN_k5AAA=")]
    public async Task A_well_formed_unknown_id_with_padding_is_404_ErrorItemNotFound(string id)
    {
        // Graph's ids are base64 and end in '=' (user-post-messages.md: "AAMkADNlNYjSAAA=").
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        var missing = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.GetMimeAsync(GraphMailbox.Me, id));
        var send = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendDraftAsync(GraphMailbox.Me, id));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("ErrorItemNotFound", missing.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, send.StatusCode);
        Assert.Equal("ErrorItemNotFound", send.ErrorCode);
    }

    [Theory]
    [InlineData("AAMkADNl==")]
    [InlineData("1700000000.M1P2Q3.host")]
    [InlineData("not base64!")]
    public async Task An_id_that_is_not_base64_is_400_ErrorInvalidIdMalformed(string id)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        var malformed = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.SendDraftAsync(GraphMailbox.Me, id));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("ErrorInvalidIdMalformed", malformed.ErrorCode);
    }

    [Fact]
    public async Task Exceptions_carry_neither_the_token_nor_the_message_content()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { MaxRequestBodyLength = 500 });
        const string Secret = "Quarterly figures 7d1e";
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message(Secret, body: Secret + new string('x', 600)));

        Exception tooLarge = await Assert.ThrowsAsync<PayloadTooLargeException>(() => session.Transport.SendMailAsync(GraphMailbox.Me, payload));
        Exception notFound = await Assert.ThrowsAsync<GraphRequestException>(() => session.Transport.ReplyAsync(GraphMailbox.Me, TestMime.UnknownId, payload));

        foreach (Exception ex in new[] { tooLarge, notFound })
        {
            string text = ex.ToString();
            Assert.DoesNotContain(EmulatorSession.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_empty_token_from_the_delegate_is_refused_before_any_request()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using var http = new HttpClient();
        var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult(string.Empty), new GraphMimeTransportOptions { BaseAddress = session.Host.BaseAddress });
        using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("No token"));

        await Assert.ThrowsAsync<SmimeGraphException>(() => transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(0, session.Host.RequestCount);
    }

    /// <summary>Replaces the request body with fixed text/plain content.</summary>
    private sealed class BodyReplacingHandler(string body) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                request.Content = new StringContent(body, Encoding.ASCII);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
