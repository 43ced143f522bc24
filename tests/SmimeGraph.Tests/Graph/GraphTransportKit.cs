using System.Text;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

/// <summary>A transport over <see cref="FakeGraph"/>, quick retries, and small messages.</summary>
internal static class GraphTransportKit
{
    public static readonly Uri GraphRoot = new("https://graph.microsoft.com/v1.0");

    public static GraphRetryOptions FastRetry() => new()
    {
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        MaxJitter = TimeSpan.Zero,
        MaxTotalTime = TimeSpan.FromSeconds(30),
    };

    public static GraphMimeTransportOptions Options(Action<GraphMimeTransportOptions>? configure = null)
    {
        var options = new GraphMimeTransportOptions { BaseAddress = GraphRoot, Retry = FastRetry() };
        configure?.Invoke(options);
        return options;
    }

    public static GraphMimeTransport Transport(FakeGraph graph, Action<GraphMimeTransportOptions>? configure = null, IGraphAccessTokenProvider? tokens = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) =>
        new(new HttpClient(graph), tokens ?? new RecordingTokenProvider(), Options(configure), loggerFactory);

    public static byte[] Mime(string subject, string? messageId)
    {
        var text = new StringBuilder();
        text.Append("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: ").Append(subject).Append("\r\n");
        if (messageId is not null)
        {
            text.Append("Message-ID: <").Append(messageId).Append(">\r\n");
        }

        text.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello.\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    public static Task<GraphPayload> PayloadAsync(string subject, string? messageId) =>
        GraphPayload.FromMimeAsync(new MemoryStream(Mime(subject, messageId)));
}

/// <summary>Hands out <c>token-N</c> and remembers what each request asked for.</summary>
internal sealed class RecordingTokenProvider : IGraphAccessTokenProvider
{
    private int _count;

    public List<GraphTokenRequest> Requests { get; } = [];

    public ValueTask<string> GetAccessTokenAsync(GraphTokenRequest request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        int n = Interlocked.Increment(ref _count);
        return ValueTask.FromResult(request.Claims is null ? "token-" + n : "token-with-claims-" + n);
    }
}
