using System.Text;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using SmimeGraph.Emulator;
using SmimeGraph.Graph;

namespace SmimeGraph.MicrosoftGraph.Tests;

/// <summary>
/// An emulator and an unmodified Microsoft Graph SDK client pointed at it, with the SDK's default
/// middleware (GraphClientFactory: retry, redirect, compression, telemetry) and a bearer token
/// provider, as an application holds one.
/// </summary>
internal sealed class SdkClient : IAsyncDisposable
{
    public const string Token = "sdk-adapter-token";

    private SdkClient(EmulatorHost host, HttpClient http, GraphServiceClient client)
    {
        Host = host;
        Http = http;
        Client = client;
    }

    public EmulatorHost Host { get; }

    public HttpClient Http { get; }

    public GraphServiceClient Client { get; }

    public static async Task<SdkClient> StartAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions();
        options.Token ??= Token;
        EmulatorHost host = await EmulatorHost.StartAsync(options);
        HttpClient http = GraphClientFactory.Create();
        var client = new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new Tokens()), host.BaseAddress.ToString());
        return new SdkClient(host, http, client);
    }

    public GraphServiceClientMimeTransport Transport(GraphServiceClientMimeTransportOptions? options = null) => new(Client, options);

    public static Task<GraphPayload> PayloadAsync(string subject, string messageId, string body = "Hello through the SDK.") =>
        GraphPayload.FromMimeAsync(new MemoryStream(Mime(subject, messageId, body)));

    public static byte[] Mime(string subject, string messageId, string body = "Hello through the SDK.") =>
        Encoding.ASCII.GetBytes(
            "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\n"
            + $"Subject: {subject}\r\nDate: Sat, 21 Nov 2026 06:00:00 +0000\r\nMessage-ID: <{messageId}>\r\nMIME-Version: 1.0\r\n"
            + $"Content-Type: text/plain; charset=us-ascii\r\n\r\n{body}\r\n");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
    }

    private sealed class Tokens : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Token);
    }
}
