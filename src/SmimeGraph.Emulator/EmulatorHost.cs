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
/// messages as Maildir files, behaving as Graph's documentation (and, where it is silent, public
/// observation) says: sent mail reaches Sent Items after a delay under a new id, <c>$value</c> is
/// MIME regenerated the way Exchange writes it, submissions are validated (recipients, send-as),
/// Outlook's throttling applies per app and mailbox, tokens can be pinned or challenged
/// (continuous access evaluation), and messages list with <c>$filter</c>, <c>$select</c>,
/// <c>$top</c> and paging. docs/emulator.md lists each behaviour with the page it follows.
/// Faults can be injected, and requests are counted, for tests.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorStatistics _statistics;
    private readonly MaildirStore _store;
    private readonly GraphMailEndpoints _endpoints;
    private readonly bool _ownsStore;
    private int _disposed;

    private EmulatorHost(WebApplication app, Uri root, MaildirStore store, GraphMailEndpoints endpoints, bool ownsStore, EmulatorFaults faults, EmulatorStatistics statistics)
    {
        _app = app;
        _store = store;
        _endpoints = endpoints;
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

    /// <summary>Messages sent whose copy has not reached Sent Items yet.</summary>
    public int PendingDeliveries => _endpoints.PendingDeliveries;

    /// <summary>Starts the emulator.</summary>
    /// <exception cref="ArgumentException">
    /// The URL is not <c>http</c> on a loopback address, <see cref="EmulatorOptions.MeMailbox"/>
    /// cannot name a mailbox, or both a fixed token and continuous access evaluation are set.
    /// </exception>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        IPEndPoint endPoint = ParseLoopbackUrl(options.Url);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRequestBodyLength, nameof(options.MaxRequestBodyLength));
        if (!MaildirStore.TryNormalizeName(options.MeMailbox, out _))
        {
            throw new ArgumentException("MeMailbox must be a plain name (letters, digits, . _ - @ +).", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SentCopyDelay, TimeSpan.Zero, nameof(options.SentCopyDelay));
        if (options.Token is not null && (options.Token.Length == 0 || options.ContinuousAccessEvaluation))
        {
            throw new ArgumentException("Token must be non-empty, and cannot be combined with ContinuousAccessEvaluation (a fixed token cannot be reissued with new claims).", nameof(options));
        }

        foreach (string mailbox in options.SendAs.Concat(options.Users))
        {
            if (!MaildirStore.TryNormalizeName(mailbox?.Trim(), out _))
            {
                throw new ArgumentException($"'{mailbox}' cannot name a mailbox (letters, digits, . _ - @ +).", nameof(options));
            }
        }

        bool ownsStore = options.StoreDirectory is null;
        string root = options.StoreDirectory ?? Directory.CreateTempSubdirectory("smimegraph-emulator-").FullName;
        var store = new MaildirStore(root, options.TimeProvider);
        var faults = new EmulatorFaults();
        var statistics = new EmulatorStatistics();
        var endpoints = new GraphMailEndpoints(options, store, faults, statistics);

        // Mail a previous run accepted but had not yet moved to Sent Items is moved now.
        endpoints.DeliverNow(includeStored: true);

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
            endpoints.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            if (ownsStore)
            {
                Directory.Delete(root, recursive: true);
            }

            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EmulatorHost(app, new Uri(address.TrimEnd('/') + "/"), store, endpoints, ownsStore, faults, statistics);
    }

    /// <summary>The most requests that were in flight at once for <paramref name="mailbox"/> (<c>me</c>, or a user id in lower case).</summary>
    public int GetMaxInFlight(string mailbox) =>
        MaildirStore.TryNormalizeName(mailbox, out string? name) ? _statistics.MaxInFlight(name) : 0;

    /// <summary>Requests of an app (the token's <c>appid</c>) that throttling admitted to a mailbox and that have not finished.</summary>
    internal int GetAdmittedInFlight(string appId, string mailbox) =>
        MaildirStore.TryNormalizeName(mailbox, out string? name) ? _endpoints.AdmittedInFlight(appId, name) : 0;

    /// <summary>The lock under which a mailbox's messages change (tests hold it to stop a change half-way).</summary>
    internal Lock GetMailboxLock(string mailbox) =>
        MaildirStore.TryNormalizeName(mailbox, out string? name) ? _store.LockFor(name) : throw new ArgumentException($"'{mailbox}' is not a mailbox name.", nameof(mailbox));

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
            return [.. _store.List(name, null).Select(EmulatorMessage.From)];
        }

        return MaildirStore.TryNormalizeName(folder, out string? folderName) ? [.. _store.List(name, folderName).Select(EmulatorMessage.From)] : [];
    }

    /// <summary>The id Graph gives a folder (its <c>parentFolderId</c> in a message): folder ids do not change.</summary>
    public static string GetFolderId(string folder) =>
        MaildirStore.TryNormalizeName(folder, out string? name) ? GraphIds.FolderId(name) : throw new ArgumentException($"'{folder}' is not a folder name.", nameof(folder));

    /// <summary>Moves every sent message that is still waiting for its delay to Sent Items now.</summary>
    public void DeliverSentItemsNow() => _endpoints.DeliverNow();

    /// <summary>
    /// Continuous access evaluation: a revocation event now. Every token issued before it gets
    /// a claims challenge until the client answers it (see <see cref="EmulatorTokens"/>).
    /// </summary>
    public void RevokeTokens() => _endpoints.RevokeTokens();

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
        _endpoints.Dispose();
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
