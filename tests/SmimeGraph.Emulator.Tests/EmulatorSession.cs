using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>An emulator on a free loopback port and a transport pointed at it over real HTTP.</summary>
internal sealed class EmulatorSession : IAsyncDisposable
{
    public const string Token = "test-token-3f1c9e";

    private readonly string? _ownedStore;

    private EmulatorSession(EmulatorHost host, HttpClient http, GraphMimeTransport transport, string? ownedStore)
    {
        Host = host;
        Http = http;
        Transport = transport;
        _ownedStore = ownedStore;
    }

    public EmulatorHost Host { get; }

    public HttpClient Http { get; }

    public GraphMimeTransport Transport { get; }

    /// <summary>Plain HTTP calls with the session's token.</summary>
    public RawGraph Raw => new(Host, Http);

    /// <summary>A clock for tests of delays and windows, at a fixed, realistic time.</summary>
    public static Microsoft.Extensions.Time.Testing.FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));

    /// <summary>Quick retries for tests: 3 attempts, 50 ms base back-off, 50 ms jitter.</summary>
    public static GraphRetryOptions FastRetry() => new()
    {
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxJitter = TimeSpan.FromMilliseconds(50),
        MaxTotalTime = TimeSpan.FromSeconds(20),
    };

    /// <summary>Starts an emulator; <paramref name="clock"/> is the transport's (the emulator has its options' own).</summary>
    public static async Task<EmulatorSession> StartAsync(EmulatorOptions? options = null, GraphRetryOptions? retry = null, HttpMessageHandler? handler = null, TimeProvider? clock = null)
    {
        options ??= new EmulatorOptions();
        string? ownedStore = null;
        if (options.StoreDirectory is null)
        {
            ownedStore = Directory.CreateTempSubdirectory("smimegraph-emulator-tests-").FullName;
            options.StoreDirectory = ownedStore;
        }

        EmulatorHost host = await EmulatorHost.StartAsync(options);
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        var transport = new GraphMimeTransport(
            http,
            _ => ValueTask.FromResult(Token),
            new GraphMimeTransportOptions { BaseAddress = host.BaseAddress, Retry = retry ?? FastRetry(), TimeProvider = clock ?? TimeProvider.System });
        return new EmulatorSession(host, http, transport, ownedStore);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        if (_ownedStore is not null)
        {
            Directory.Delete(_ownedStore, recursive: true);
        }
    }
}
