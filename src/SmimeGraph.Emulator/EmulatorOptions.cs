using SmimeGraph.Graph;

namespace SmimeGraph.Emulator;

/// <summary>Settings for <see cref="EmulatorHost"/>. Each behaviour and the Graph page it follows is listed in docs/emulator.md.</summary>
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

    /// <summary>
    /// Who <c>/me</c> is. An address (<c>alice@example.com</c>) makes it that mailbox: its folder in
    /// the store, the only From or Sender it may send as (with <see cref="SendAs"/>), and, with
    /// <see cref="Users"/>, the mailboxes that exist. The default, <c>me</c>, configures nobody:
    /// <c>/me</c> is then the token's <c>upn</c> when the token is a JWT that has one, else the
    /// store folder <c>me</c>, which may send as any From.
    /// </summary>
    public string MeMailbox { get; set; } = "me";

    /// <summary>Addresses every mailbox may also use as From or Sender (Exchange's Send As permission).</summary>
    public IList<string> SendAs { get; } = [];

    /// <summary>
    /// Other mailboxes in the tenant, besides <see cref="MeMailbox"/> and <see cref="SendAs"/>. Used
    /// only when <see cref="MeMailbox"/> is an address: any other <c>/users/{id}</c> is then 404
    /// ErrorInvalidUser. With no mailbox configured every well-formed user id is a mailbox.
    /// </summary>
    public IList<string> Users { get; } = [];

    /// <summary>
    /// How long after send, sendMail, reply, replyAll or forward the message takes to reach Sent
    /// Items (under a new id). Until then it waits in Drafts, submitted. Default 200 ms; zero moves
    /// it before the 202 is answered.
    /// </summary>
    public TimeSpan SentCopyDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// When true (the default), <c>GET $value</c> answers MIME regenerated the way Exchange does:
    /// headers re-ordered and re-folded, Thread-Topic, Thread-Index, X-MS-Has-Attach and
    /// X-MS-Exchange-* added, Bcc dropped from sent mail; the body is left byte for byte. When
    /// false, the bytes are returned exactly as uploaded.
    /// </summary>
    public bool RegenerateMime { get; set; } = true;

    /// <summary>When set, only this bearer token is accepted (401 InvalidAuthenticationToken for any other).</summary>
    public string? Token { get; set; }

    /// <summary>
    /// When true, tokens issued before the last revocation (<see cref="EmulatorHost.RevokeTokens"/>,
    /// and at first the emulator's start) get 401 with a claims challenge until the client asks
    /// for a token with the claims; see <see cref="EmulatorTokens"/> for how a token carries them.
    /// </summary>
    public bool ContinuousAccessEvaluation { get; set; }

    /// <summary>Outlook's throttling limits per app and mailbox.</summary>
    public EmulatorThrottlingOptions Throttling { get; } = new();

    /// <summary>The clock for the sent-copy delay, throttling windows, timestamps and token times. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Added latency before each request is handled (to make concurrency observable). Default none.</summary>
    public TimeSpan ResponseDelay { get; set; } = TimeSpan.Zero;

    /// <summary>When set, one line per request: method, path, status (never headers or bodies).</summary>
    public TextWriter? Log { get; set; }
}
