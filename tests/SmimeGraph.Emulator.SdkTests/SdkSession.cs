using System.Text;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;

namespace SmimeGraph.Emulator.SdkTests;

/// <summary>
/// The official Microsoft Graph SDK (Microsoft.Graph 6.10.0), unmodified, with its default
/// middleware (GraphClientFactory: retry, redirect, compression), its base URL set to an emulator.
/// </summary>
internal sealed class SdkSession : IAsyncDisposable
{
    public const string Token = "sdk-test-token";

    private SdkSession(EmulatorHost host, HttpClient http, GraphServiceClient client, TokenProvider tokens)
    {
        Host = host;
        Http = http;
        Client = client;
        Tokens = tokens;
    }

    public EmulatorHost Host { get; }

    public HttpClient Http { get; }

    public GraphServiceClient Client { get; }

    public TokenProvider Tokens { get; }

    /// <summary>Graph's error mapping as the SDK's own request builders declare it.</summary>
    public static Dictionary<string, ParsableFactory<IParsable>> ErrorMapping { get; } = new()
    {
        ["XXX"] = ODataError.CreateFromDiscriminatorValue,
    };

    public static async Task<SdkSession> StartAsync(EmulatorOptions? options = null, Func<Dictionary<string, object>?, string>? token = null)
    {
        EmulatorHost host = await EmulatorHost.StartAsync(options ?? new EmulatorOptions());
        var tokens = new TokenProvider(token ?? (_ => Token));
        HttpClient http = GraphClientFactory.Create();
        var client = new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(tokens), host.BaseAddress.ToString());
        return new SdkSession(host, http, client, tokens);
    }

    /// <summary>
    /// Create message from MIME (user-post-messages.md, example 3): a RequestInformation with the
    /// base64 MIME as a text/plain body, sent through the SDK's request adapter.
    /// </summary>
    public Task<Message?> CreateFromMimeAsync(byte[] mime, string path = "me/messages", string? prefer = null) =>
        SendMimeAsync(path, Encoding.ASCII.GetBytes(Convert.ToBase64String(mime)), "text/plain", prefer);

    public async Task<Message?> SendMimeAsync(string path, byte[] body, string contentType, string? prefer = null)
    {
        var request = new RequestInformation(Method.POST, "{+baseurl}/" + path, new Dictionary<string, object>());
        request.SetStreamContent(new MemoryStream(body), contentType);
        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        return await Client.RequestAdapter.SendAsync(request, Message.CreateFromDiscriminatorValue, ErrorMapping);
    }

    /// <summary>sendMail with MIME (user-sendmail.md, example 4): 202, no body.</summary>
    public async Task SendMailMimeAsync(byte[] mime, string path = "me/sendMail")
    {
        var request = new RequestInformation(Method.POST, "{+baseurl}/" + path, new Dictionary<string, object>());
        request.SetStreamContent(new MemoryStream(Encoding.ASCII.GetBytes(Convert.ToBase64String(mime))), "text/plain");
        await Client.RequestAdapter.SendNoContentAsync(request, ErrorMapping);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>The SDK's token source: records what it was asked, answers with the delegate's token.</summary>
    internal sealed class TokenProvider(Func<Dictionary<string, object>?, string> token) : IAccessTokenProvider
    {
        private readonly List<string?> _claims = [];

        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        /// <summary>The claims of each token request (null when none were asked for).</summary>
        public IReadOnlyList<string?> ClaimsRequested
        {
            get
            {
                lock (_claims)
                {
                    return [.. _claims];
                }
            }
        }

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            lock (_claims)
            {
                _claims.Add(additionalAuthenticationContext?.TryGetValue("claims", out object? claims) == true ? claims as string : null);
            }

            return Task.FromResult(token(additionalAuthenticationContext));
        }
    }
}
