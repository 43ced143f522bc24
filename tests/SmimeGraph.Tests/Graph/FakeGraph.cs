using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

/// <summary>
/// A scripted Graph mail endpoint in process, as the primary handler of an HttpClient: creates
/// drafts (POST messages, createReply/createReplyAll/createForward), lists a folder (ignoring
/// <c>$filter</c> unless <see cref="HonoursFilter"/>), and answers everything else 202. Faults
/// queued in <see cref="Faults"/> apply to the next requests, one each; a fault may act on the
/// request first (the server did the work, the client never heard).
/// </summary>
internal sealed partial class FakeGraph : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private int _nextId;

    public List<RecordedRequest> Requests { get; } = [];

    public List<StoredMessage> Messages { get; } = [];

    public Queue<FakeFault> Faults { get; } = new();

    /// <summary>When false (the default), a list ignores <c>$filter</c> and returns the whole folder.</summary>
    public bool HonoursFilter { get; set; }

    /// <summary>Messages per list page; more follow through <c>@odata.nextLink</c>.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Extra answers for requests the fake does not know, by path suffix.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Override { get; set; }

    public int Count(string method, string pathEnd) =>
        Requests.Count(r => r.Method == method && r.Uri.AbsolutePath.EndsWith(pathEnd, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        FakeFault? fault;
        lock (_lock)
        {
            Requests.Add(new RecordedRequest(
                request.Method.Method,
                request.RequestUri!,
                request.Headers.Authorization?.ToString(),
                Header(request, "client-request-id"),
                Header(request, "Prefer"),
                request.Headers.UserAgent.ToString(),
                body));
            Faults.TryDequeue(out fault);
        }

        if (fault is { ActFirst: false })
        {
            return fault.Fail(request);
        }

        HttpResponseMessage response = Override?.Invoke(request) ?? Handle(request, body);
        if (fault is not null)
        {
            response.Dispose();
            return fault.Fail(request);
        }

        return response;
    }

    private HttpResponseMessage Handle(HttpRequestMessage request, byte[] body)
    {
        string path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && MessagesOfFolder().Match(path) is { Success: true } list)
        {
            return List(request, Uri.UnescapeDataString(list.Groups[1].Value));
        }

        if (request.Method == HttpMethod.Post && (path.EndsWith("/messages", StringComparison.Ordinal) || CreateAction().IsMatch(path)))
        {
            string mime = Encoding.ASCII.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(body)));
            Match id = MessageIdHeader().Match(mime);
            string folder = MessagesOfFolder().Match(path) is { Success: true } m ? Uri.UnescapeDataString(m.Groups[1].Value) : "drafts";
            StoredMessage stored;
            lock (_lock)
            {
                stored = new StoredMessage("id-" + Interlocked.Increment(ref _nextId) + "==", folder, id.Success ? id.Groups[1].Value.Trim() : null);
                Messages.Add(stored);
            }

            return Json(HttpStatusCode.Created, MessageJson(stored));
        }

        return new HttpResponseMessage(HttpStatusCode.Accepted) { RequestMessage = request };
    }

    private HttpResponseMessage List(HttpRequestMessage request, string folder)
    {
        string query = Uri.UnescapeDataString(request.RequestUri!.Query);
        int skip = Regex.Match(query, @"\$skip=(\d+)") is { Success: true } s ? int.Parse(s.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        string? wanted = Regex.Match(query, "internetMessageId eq '(.*)'") is { Success: true } f ? f.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : null;
        StoredMessage[] all;
        lock (_lock)
        {
            all = [.. Messages.Where(m => m.Folder == folder && (!HonoursFilter || m.InternetMessageId == wanted))];
        }

        StoredMessage[] page = [.. all.Skip(skip).Take(PageSize)];
        var text = new StringBuilder("{\"value\":[");
        text.Append(string.Join(",", page.Select(MessageJson)));
        text.Append(']');
        if (skip + PageSize < all.Length)
        {
            var next = new UriBuilder(request.RequestUri!) { Query = "$skip=" + (skip + PageSize) };
            text.Append(",\"@odata.nextLink\":").Append(JsonSerializer.Serialize(next.Uri.AbsoluteUri));
        }

        text.Append('}');
        return Json(HttpStatusCode.OK, text.ToString());
    }

    private static string MessageJson(StoredMessage message) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = message.Id,
            ["internetMessageId"] = message.InternetMessageId,
            ["parentFolderId"] = message.Folder,
            ["isDraft"] = true,
        });

    internal static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    internal static HttpResponseMessage Error(HttpStatusCode status, string code, TimeSpan? retryAfter = null)
    {
        HttpResponseMessage response = Json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"fault\"}}");
        if (retryAfter is TimeSpan wait)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        }

        return response;
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : null;

    [GeneratedRegex(@"/mailFolders/([^/]+)/messages$")]
    private static partial Regex MessagesOfFolder();

    [GeneratedRegex(@"/messages/[^/]+/(createReply|createReplyAll|createForward)$", RegexOptions.IgnoreCase)]
    private static partial Regex CreateAction();

    [GeneratedRegex(@"^Message-ID:\s*(.+?)\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdHeader();

    internal sealed record RecordedRequest(string Method, Uri Uri, string? Authorization, string? ClientRequestId, string? Prefer, string UserAgent, byte[] Body);

    internal sealed record StoredMessage(string Id, string Folder, string? InternetMessageId);
}

/// <summary>One injected fault: a status answer or a connection lost, before or after the server acted.</summary>
internal sealed record FakeFault(bool ActFirst, HttpStatusCode? Status = null, TimeSpan? RetryAfter = null, string? WwwAuthenticate = null)
{
    public static FakeFault GatewayTimeoutAfterActing { get; } = new(true, HttpStatusCode.GatewayTimeout);

    public static FakeFault DropAfterActing { get; } = new(true);

    public static FakeFault GatewayTimeout { get; } = new(false, HttpStatusCode.GatewayTimeout);

    public static FakeFault Drop { get; } = new(false);

    public HttpResponseMessage Fail(HttpRequestMessage request)
    {
        if (Status is not HttpStatusCode status)
        {
            // What SocketsHttpHandler throws when the server resets the connection mid-response.
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("connection reset"));
        }

        HttpResponseMessage response = FakeGraph.Error(status, status == HttpStatusCode.Unauthorized ? "InvalidAuthenticationToken" : "UnknownError", RetryAfter);
        if (WwwAuthenticate is not null)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", WwwAuthenticate);
        }

        response.RequestMessage = request;
        return response;
    }
}
