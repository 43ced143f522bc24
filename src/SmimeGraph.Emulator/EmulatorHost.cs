using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SmimeGraph.Emulator;

/// <summary>
/// A local stand-in for Microsoft Graph's mail endpoints, on a loopback address only, storing
/// messages as Maildir files. Answers like Graph: base64 MIME (<c>text/plain</c>) or JSON
/// bodies, <c>201</c> with the message for creates, <c>202</c> for sends, Graph's error JSON
/// (bad base64, invalid MIME, 413 over the ceiling, 401 without a token, 404 for unknown ids).
/// Faults can be injected, and requests are counted, for tests.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorStatistics _statistics;
    private readonly MaildirStore _store;
    private readonly bool _ownsStore;
    private int _disposed;

    private EmulatorHost(WebApplication app, Uri root, MaildirStore store, bool ownsStore, EmulatorFaults faults, EmulatorStatistics statistics)
    {
        _app = app;
        _store = store;
        _ownsStore = ownsStore;
        _statistics = statistics;
        Faults = faults;
        ListenAddress = root;
        BaseAddress = new Uri(root, "v1.0");
    }

    /// <summary>Graph's service root on the emulator, <c>http://127.0.0.1:PORT/v1.0</c> (use as the transport's base address).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The address listened on, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri ListenAddress { get; }

    /// <summary>The Maildir store's root directory.</summary>
    public string StoreDirectory => _store.Root;

    /// <summary>Faults to inject into the next requests.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>Requests that reached the emulator since start or <see cref="ResetCounters"/>.</summary>
    public long RequestCount => _statistics.RequestCount;

    /// <summary>Starts the emulator.</summary>
    /// <exception cref="ArgumentException">The URL is not <c>http</c> on a loopback address.</exception>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        IPEndPoint endPoint = ParseLoopbackUrl(options.Url);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRequestBodyLength, nameof(options.MaxRequestBodyLength));
        if (!MaildirStore.TryNormalizeName(options.MeMailbox, out _))
        {
            throw new ArgumentException("MeMailbox must be a plain name (letters, digits, . _ - @ +).", nameof(options));
        }

        bool ownsStore = options.StoreDirectory is null;
        string root = options.StoreDirectory ?? Directory.CreateTempSubdirectory("smimegraph-emulator-").FullName;
        var store = new MaildirStore(root);
        var faults = new EmulatorFaults();
        var statistics = new EmulatorStatistics();
        var endpoints = new GraphMailEndpoints(options, store, faults, statistics);

        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddLogging(logging => logging.ClearProviders());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The ceiling is enforced by the endpoints, with Graph's error body.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(endPoint);
        });

        WebApplication app = builder.Build();
        app.Run(endpoints.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (ownsStore)
            {
                Directory.Delete(root, recursive: true);
            }

            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EmulatorHost(app, new Uri(address.TrimEnd('/') + "/"), store, ownsStore, faults, statistics);
    }

    /// <summary>The most requests that were in flight at once for <paramref name="mailbox"/> (<c>me</c>, or a user id in lower case).</summary>
    public int GetMaxInFlight(string mailbox) =>
        MaildirStore.TryNormalizeName(mailbox, out string? name) ? _statistics.MaxInFlight(name) : 0;

    /// <summary>Resets <see cref="RequestCount"/> and the in-flight maxima.</summary>
    public void ResetCounters() => _statistics.Reset();

    /// <summary>The messages stored in a mailbox's folder (e.g. <c>drafts</c>, <c>sentitems</c>), or in every folder when null.</summary>
    public IReadOnlyList<EmulatorMessage> GetMessages(string mailbox, string? folder = null)
    {
        if (!MaildirStore.TryNormalizeName(mailbox, out string? name))
        {
            return [];
        }

        if (folder is null)
        {
            return _store.List(name, null);
        }

        return MaildirStore.TryNormalizeName(folder, out string? folderName) ? _store.List(name, folderName) : [];
    }

    /// <summary>Stops listening; deletes the store only when it was a temporary one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownsStore)
        {
            try
            {
                Directory.Delete(_store.Root, recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory left behind is harmless.
            }
        }
    }

    private static IPEndPoint ParseLoopbackUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            throw new ArgumentException($"The emulator listens on http://HOST:PORT with a loopback host; '{url}' is not one.", nameof(url));
        }

        IPAddress address;
        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            address = IPAddress.Loopback; // localhost
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? parsed) && IPAddress.IsLoopback(parsed))
        {
            address = parsed;
        }
        else
        {
            throw new ArgumentException($"The emulator listens on loopback addresses only (127.0.0.1, [::1], localhost); '{uri.Host}' is not one.", nameof(url));
        }

        return new IPEndPoint(address, uri.Port);
    }
}
