using System.Net;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

/// <summary>
/// The bearer token: a claims challenge (continuous access evaluation) is answered once with the
/// claims, and the token goes only to https Graph hosts or to loopback.
/// </summary>
public class GraphAuthenticationTests
{
    // The example of "Claims challenges, claims requests and client capabilities",
    // https://learn.microsoft.com/entra/identity-platform/claims-challenge
    private const string ClaimsBase64 = "eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiY3AxIn19fQ==";
    private const string ClaimsJson = "{\"access_token\":{\"acrs\":{\"essential\":true,\"value\":\"cp1\"}}}";
    private const string Challenge = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"" + ClaimsBase64 + "\"";

    private static FakeFault ClaimsChallenge => new(false, HttpStatusCode.Unauthorized, WwwAuthenticate: Challenge);

    [Theory]
    [InlineData("sendMail")]
    [InlineData("send")]
    [InlineData("createMessage")]
    [InlineData("getMessageContent")]
    public async Task A_claims_challenge_gets_a_token_for_the_claims_and_the_URI_and_one_retry(string operation)
    {
        var graph = new FakeGraph();
        var tokens = new RecordingTokenProvider();
        GraphMimeTransport transport = GraphTransportKit.Transport(graph, tokens: tokens);
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("CAE", "cae@example.com");
        graph.Faults.Enqueue(ClaimsChallenge);

        switch (operation)
        {
            case "sendMail":
                await transport.SendMailAsync(GraphMailbox.Me, payload);
                break;
            case "send":
                await transport.SendDraftAsync(GraphMailbox.Me, "draft==");
                break;
            case "createMessage":
                await transport.CreateDraftAsync(GraphMailbox.Me, payload);
                break;
            default:
                await using (await transport.GetMimeAsync(GraphMailbox.Me, "draft=="))
                {
                }

                break;
        }

        Assert.Equal(2, graph.Requests.Count);
        Assert.Equal("Bearer token-1", graph.Requests[0].Authorization);
        Assert.Equal("Bearer token-with-claims-2", graph.Requests[1].Authorization);
        Assert.Equal(graph.Requests[0].ClientRequestId, graph.Requests[1].ClientRequestId);
        Assert.Equal(2, tokens.Requests.Count);
        Assert.Null(tokens.Requests[0].Claims);
        Assert.Equal(ClaimsJson, tokens.Requests[1].Claims);
        Assert.Equal(graph.Requests[1].Uri, tokens.Requests[1].RequestUri);
        if (operation is "sendMail" or "createMessage")
        {
            Assert.Equal(graph.Requests[0].Body, graph.Requests[1].Body);
            Assert.Equal(payload.ToArray(), graph.Requests[1].Body);
        }
    }

    [Fact]
    public async Task A_second_claims_challenge_is_not_answered_again()
    {
        var graph = new FakeGraph();
        var tokens = new RecordingTokenProvider();
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("CAE twice", "cae2@example.com");
        graph.Faults.Enqueue(ClaimsChallenge);
        graph.Faults.Enqueue(ClaimsChallenge);
        graph.Faults.Enqueue(ClaimsChallenge);

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => GraphTransportKit.Transport(graph, tokens: tokens).SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(2, graph.Requests.Count);
        Assert.Equal(2, tokens.Requests.Count);
    }

    [Theory]
    [InlineData("Bearer realm=\"\", error=\"invalid_token\"")]
    [InlineData("Bearer error=\"insufficient_claims\"")]
    [InlineData("Bearer error=\"insufficient_claims\", claims=\"not base64!\"")]
    [InlineData("Basic realm=\"x\", error=\"insufficient_claims\", claims=\"" + ClaimsBase64 + "\"")]
    public async Task A_401_that_is_not_a_claims_challenge_is_not_retried(string wwwAuthenticate)
    {
        var graph = new FakeGraph();
        var tokens = new RecordingTokenProvider();
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("401", "401@example.com");
        graph.Faults.Enqueue(new FakeFault(false, HttpStatusCode.Unauthorized, WwwAuthenticate: wwwAuthenticate));

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => GraphTransportKit.Transport(graph, tokens: tokens).SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Single(graph.Requests);
        Assert.Single(tokens.Requests);
    }

    [Theory]
    [InlineData("https://graph.microsoft.com/v1.0")]
    [InlineData("https://graph.microsoft.us/v1.0")]
    [InlineData("https://dod-graph.microsoft.us/v1.0")]
    [InlineData("https://microsoftgraph.chinacloudapi.cn/v1.0")]
    [InlineData("https://GRAPH.microsoft.com/beta")]
    [InlineData("http://127.0.0.1:5080/v1.0")]
    [InlineData("http://localhost:5080/v1.0")]
    [InlineData("http://[::1]:5080/v1.0")]
    [InlineData("https://127.0.0.1:5081/v1.0")]
    public async Task The_token_goes_to_the_national_cloud_hosts_over_https_and_to_loopback(string root)
    {
        var graph = new FakeGraph();
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Allowed", "allowed@example.com");

        await GraphTransportKit.Transport(graph, o => o.BaseAddress = new Uri(root)).SendMailAsync(GraphMailbox.Me, payload);

        Assert.Equal("Bearer token-1", Assert.Single(graph.Requests).Authorization);
    }

    [Theory]
    [InlineData("http://graph.microsoft.com/v1.0")]
    [InlineData("https://graph.microsoft.com.example.net/v1.0")]
    [InlineData("https://example.com/v1.0")]
    [InlineData("http://10.0.0.5:5080/v1.0")]
    [InlineData("http://emulator.internal:5080/v1.0")]
    public void Any_other_host_or_plain_http_off_loopback_is_refused_when_the_transport_is_made(string root)
    {
        var tokens = new RecordingTokenProvider();

        var ex = Assert.Throws<GraphHostNotAllowedException>(() => GraphTransportKit.Transport(new FakeGraph(), o => o.BaseAddress = new Uri(root), tokens));

        Assert.Equal(new Uri(root).Host, ex.Host);
        Assert.IsAssignableFrom<SmimeGraphException>(ex);
        Assert.Empty(tokens.Requests);
    }

    [Fact]
    public async Task The_handler_itself_refuses_a_request_to_another_host_before_asking_for_a_token()
    {
        var graph = new FakeGraph();
        var tokens = new RecordingTokenProvider();
        using var invoker = new HttpMessageInvoker(new GraphAuthenticationHandler(tokens) { InnerHandler = graph });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://example.com/v1.0/me/messages");

        var ex = await Assert.ThrowsAsync<GraphHostNotAllowedException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal("http", ex.Scheme);
        Assert.DoesNotContain("/me/messages", ex.Message, StringComparison.Ordinal);
        Assert.Empty(graph.Requests);
        Assert.Empty(tokens.Requests);
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task A_host_added_to_AllowedHosts_receives_the_token_over_https()
    {
        var graph = new FakeGraph();
        using GraphPayload payload = await GraphTransportKit.PayloadAsync("Proxy", "proxy@example.com");
        GraphMimeTransport transport = GraphTransportKit.Transport(graph, o =>
        {
            o.BaseAddress = new Uri("https://graph-proxy.contoso.test/v1.0");
            o.AllowedHosts.Add("graph-proxy.contoso.test");
        });

        await transport.SendMailAsync(GraphMailbox.Me, payload);

        Assert.Equal("graph-proxy.contoso.test", Assert.Single(graph.Requests).Uri.Host);
    }

    [Fact]
    public void The_default_allowed_hosts_are_the_four_Graph_service_roots()
    {
        Assert.Equal(
            ["graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"],
            new GraphMimeTransportOptions().AllowedHosts);
    }
}
