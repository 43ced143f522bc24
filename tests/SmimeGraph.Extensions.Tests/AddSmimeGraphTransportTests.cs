using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SmimeGraph.Emulator;
using SmimeGraph.Graph;

namespace SmimeGraph.Extensions.Tests;

/// <summary>
/// The transport from a DI container: <c>AddSmimeGraphTransport</c> on IHttpClientFactory, and the
/// plain <c>AddHttpClient&lt;IGraphMimeTransport, GraphMimeTransport&gt;()</c> typed client.
/// </summary>
public sealed class AddSmimeGraphTransportTests
{
    [Fact]
    public async Task The_registered_transport_authenticates_with_the_credential_and_sends_through_the_factorys_client()
    {
        await using EmulatorHost graph = await EmulatorHost.StartAsync(new EmulatorOptions { Token = "di-token", SentCopyDelay = TimeSpan.Zero });
        var credential = new RecordingCredential(_ => "di-token");
        var services = new ServiceCollection();
        services.AddSmimeGraphTransport(credential, ["https://graph.microsoft.com/.default"], options => options.BaseAddress = graph.BaseAddress);
        await using ServiceProvider provider = services.BuildServiceProvider();

        IGraphMimeTransport transport = provider.GetRequiredService<IGraphMimeTransport>();
        using GraphPayload payload = await Messages.PayloadAsync("Through DI", "through-di@example.com");
        await transport.SendMailAsync(GraphMailbox.Me, payload);

        Assert.IsType<GraphMimeTransport>(transport);
        Assert.Equal("<through-di@example.com>", (await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "through-di@example.com", TimeSpan.Zero))?.InternetMessageId);
        Assert.Equal(["https://graph.microsoft.com/.default"], credential.Requests[0].Scopes);
    }

    [Fact]
    public async Task The_pipeline_retries_a_429_logs_the_wait_and_sends_one_client_request_id_on_both_attempts()
    {
        await using EmulatorHost graph = await EmulatorHost.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        graph.Faults.Throttle(count: 1, retryAfterSeconds: 0, operation: "createMessage");
        var seen = new List<string?>();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton<IGraphAccessTokenProvider>(new StaticTokens("any-token"));
        services.AddSmimeGraphTransport(options => options.BaseAddress = graph.BaseAddress)
            .AddHttpMessageHandler(() => new RecordingHandler(seen));
        await using ServiceProvider provider = services.BuildServiceProvider();

        IGraphMimeTransport transport = provider.GetRequiredService<IGraphMimeTransport>();
        using GraphPayload payload = await Messages.PayloadAsync("Throttled", "throttled-di@example.com");
        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.False(string.IsNullOrEmpty(draft.Id));
        // The handler added after AddSmimeGraphTransport is inside the retry handler: it sees both attempts.
        Assert.Equal(2, seen.Count);
        Assert.NotNull(seen[0]);
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(2, graph.RequestCount);
        FakeLogCollector logs = provider.GetFakeLogCollector();
        Assert.Contains(logs.GetSnapshot(), record => record.Category == typeof(GraphRetryHandler).FullName && record.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task Without_a_token_provider_resolving_the_transport_says_what_to_register()
    {
        var services = new ServiceCollection();
        services.AddSmimeGraphTransport();
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IGraphMimeTransport>());
        Assert.Contains(nameof(IGraphAccessTokenProvider), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plain_AddHttpClient_typed_client_resolves_with_a_token_provider_in_the_container()
    {
        await using EmulatorHost graph = await EmulatorHost.StartAsync(new EmulatorOptions { Token = "typed-token" });
        var services = new ServiceCollection();
        services.AddSingleton<IGraphAccessTokenProvider>(new StaticTokens("typed-token"));
        services.AddSingleton(new GraphMimeTransportOptions { BaseAddress = graph.BaseAddress });
        services.AddHttpClient<IGraphMimeTransport, GraphMimeTransport>();
        await using ServiceProvider provider = services.BuildServiceProvider();

        IGraphMimeTransport transport = provider.GetRequiredService<IGraphMimeTransport>();
        using GraphPayload payload = await Messages.PayloadAsync("Typed", "typed@example.com");
        GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, payload);

        Assert.Equal("<typed@example.com>", draft.InternetMessageId);
        Assert.Single(graph.GetMessages("me", "drafts"));
    }

    [Fact]
    public void A_base_address_that_would_leak_the_token_fails_when_the_transport_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IGraphAccessTokenProvider>(new StaticTokens("t"));
        services.AddSmimeGraphTransport(options => options.BaseAddress = new Uri("http://graph.example.net/v1.0"));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Throws<GraphHostNotAllowedException>(() => provider.GetRequiredService<IGraphMimeTransport>());
    }

    private sealed class StaticTokens(string token) : IGraphAccessTokenProvider
    {
        public ValueTask<string> GetAccessTokenAsync(GraphTokenRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }

    private sealed class RecordingHandler(List<string?> clientRequestIds) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (clientRequestIds)
            {
                clientRequestIds.Add(request.Headers.TryGetValues("client-request-id", out IEnumerable<string>? values) ? values.Single() : null);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
