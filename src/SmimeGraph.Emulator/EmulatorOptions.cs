using SmimeGraph.Graph;

namespace SmimeGraph.Emulator;

/// <summary>Settings for <see cref="EmulatorHost"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>
    /// Where to listen: an <c>http</c> URL on a loopback address (<c>127.0.0.1</c>, <c>[::1]</c> or
    /// <c>localhost</c>); port 0 picks a free port. Default <c>http://127.0.0.1:0</c>.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>
    /// The Maildir store's root (<c>STORE/&lt;mailbox&gt;/&lt;folder&gt;/{tmp,new,cur}</c>). When
    /// null a new temporary directory is used and deleted on dispose.
    /// </summary>
    public string? StoreDirectory { get; set; }

    /// <summary>Request bodies over this many bytes get <c>413</c>. Default 4,000,000 (Graph's 4 MB).</summary>
    public long MaxRequestBodyLength { get; set; } = GraphPayload.DefaultCeiling;

    /// <summary>The mailbox <c>/me</c> stands for (its folder name in the store). Default <c>me</c>.</summary>
    public string MeMailbox { get; set; } = "me";

    /// <summary>Added latency before each request is handled (to make concurrency observable). Default none.</summary>
    public TimeSpan ResponseDelay { get; set; } = TimeSpan.Zero;

    /// <summary>When set, one line per request: method, path, status (never headers or bodies).</summary>
    public TextWriter? Log { get; set; }
}
