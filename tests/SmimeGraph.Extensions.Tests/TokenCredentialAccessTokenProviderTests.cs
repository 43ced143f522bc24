using Azure.Core;
using SmimeGraph.Emulator;
using SmimeGraph.Graph;

namespace SmimeGraph.Extensions.Tests;

/// <summary>
/// An Azure.Core <see cref="TokenCredential"/> behind the transport: the scopes asked for, the
/// claims of a claims challenge passed as <see cref="TokenRequestContext.Claims"/>, and the token
/// on the wire.
/// </summary>
public sealed class TokenCredentialAccessTokenProviderTests
{
    [Fact]
    public async Task The_credential_is_asked_for_the_given_scopes_and_its_token_is_the_bearer_token()
    {
        await using EmulatorHost graph = await EmulatorHost.StartAsync(new EmulatorOptions { Token = "credential-token" });
        var credential = new RecordingCredential(_ => "credential-token");
        using var http = new HttpClient();
        var transport = new GraphMimeTransport(http, new TokenCredentialAccessTokenProvider(credential, "https://graph.microsoft.com/Mail.Send"), new GraphMimeTransportOptions { BaseAddress = graph.BaseAddress });
        using GraphPayload payload = await Messages.PayloadAsync("Scoped", "scoped@example.com");

        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.False(string.IsNullOrEmpty(draft.Id));
        TokenRequestContext asked = Assert.Single(credential.Requests);
        Assert.Equal(["https://graph.microsoft.com/Mail.Send"], asked.Scopes);
        Assert.Null(asked.Claims);
        Assert.True(asked.IsCaeEnabled);
    }

    [Theory]
    [InlineData("https://graph.microsoft.com/v1.0/me/messages", "https://graph.microsoft.com/.default")]
    [InlineData("https://graph.microsoft.us/v1.0/me/messages", "https://graph.microsoft.us/.default")]
    [InlineData("https://microsoftgraph.chinacloudapi.cn/v1.0/me/sendMail", "https://microsoftgraph.chinacloudapi.cn/.default")]
    public async Task Without_scopes_the_default_scope_of_the_requests_national_cloud_is_asked_for(string requestUri, string scope)
    {
        var credential = new RecordingCredential(_ => "t");
        var provider = new TokenCredentialAccessTokenProvider(credential);

        string token = await provider.GetAccessTokenAsync(new GraphTokenRequest(new Uri(requestUri)), CancellationToken.None);

        Assert.Equal("t", token);
        Assert.Equal([scope], Assert.Single(credential.Requests).Scopes);
    }

    [Fact]
    public async Task A_claims_challenge_asks_the_credential_again_with_the_claims_and_the_request_is_repeated_once()
    {
        // The emulator's continuous-access-evaluation mode answers 401 insufficient_claims until
        // the token was minted for the claims it asked for.
        await using EmulatorHost graph = await EmulatorHost.StartAsync(new EmulatorOptions { ContinuousAccessEvaluation = true });
        var credential = new RecordingCredential(context => context.Claims is null ? "token-before-revocation" : EmulatorTokens.ForClaims(context.Claims));
        using var http = new HttpClient();
        var transport = new GraphMimeTransport(http, new TokenCredentialAccessTokenProvider(credential, "https://graph.microsoft.com/.default"), new GraphMimeTransportOptions { BaseAddress = graph.BaseAddress });
        using GraphPayload payload = await Messages.PayloadAsync("Challenged", "challenged@example.com");

        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.False(string.IsNullOrEmpty(draft.Id));
        Assert.Equal(2, credential.Requests.Count);
        Assert.Null(credential.Requests[0].Claims);
        Assert.Contains("\"access_token\"", credential.Requests[1].Claims, StringComparison.Ordinal);
        Assert.Equal(2, graph.RequestCount);
        Assert.Single(graph.GetMessages("me", "drafts"));
    }

    [Fact]
    public async Task An_empty_token_from_the_credential_is_a_library_error_not_an_empty_Authorization_header()
    {
        var provider = new TokenCredentialAccessTokenProvider(new RecordingCredential(_ => string.Empty));

        await Assert.ThrowsAsync<SmimeGraphException>(async () =>
            await provider.GetAccessTokenAsync(new GraphTokenRequest(new Uri("https://graph.microsoft.com/v1.0/me")), CancellationToken.None));
    }

    [Fact]
    public void A_blank_scope_is_refused_when_the_provider_is_made() =>
        Assert.Throws<ArgumentException>(() => new TokenCredentialAccessTokenProvider(new RecordingCredential(_ => "t"), " "));
}
