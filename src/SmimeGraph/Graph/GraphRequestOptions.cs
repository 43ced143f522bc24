namespace SmimeGraph.Graph;

/// <summary>
/// The <see cref="HttpRequestMessage.Options"/> keys <see cref="GraphMimeTransport"/> sets on each
/// request, for the handlers in its pipeline (a replacement retry handler must honour
/// <see cref="Kind"/>).
/// </summary>
public static class GraphRequestOptions
{
    /// <summary>What repeating the request would do. A request without it is treated by its method: GET, HEAD, PUT and DELETE as idempotent, anything else as sending mail.</summary>
    public static HttpRequestOptionsKey<GraphRequestKind> Kind { get; } = new("SmimeGraph.Kind");

    /// <summary>Graph's name for the operation, e.g. <c>createMessage</c>, <c>sendMail</c>, <c>listMessages</c>.</summary>
    public static HttpRequestOptionsKey<string> Operation { get; } = new("SmimeGraph.Operation");

    /// <summary>The mailbox addressed (<c>me</c> or a user id or principal name).</summary>
    public static HttpRequestOptionsKey<string> Mailbox { get; } = new("SmimeGraph.Mailbox");

    internal static GraphRequestKind GetKind(HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(Kind, out GraphRequestKind kind))
        {
            return kind;
        }

        HttpMethod method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete
            ? GraphRequestKind.Idempotent
            : GraphRequestKind.SendsMail; // unknown POST: the cautious reading
    }

    internal static string GetOperation(HttpRequestMessage request) =>
        request.Options.TryGetValue(Operation, out string? operation) && operation is not null ? operation : request.Method.Method;
}
