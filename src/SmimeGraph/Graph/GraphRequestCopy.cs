namespace SmimeGraph.Graph;

/// <summary>
/// A fresh <see cref="HttpRequestMessage"/> with the same method, URI, headers, options and
/// content, for a handler that sends a request again: an <see cref="HttpClient"/> refuses to send
/// one message twice. The content object is shared (the transport's contents can be written
/// more than once), so copies are not disposed.
/// </summary>
internal static class GraphRequestCopy
{
    public static HttpRequestMessage Create(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
            Content = request.Content,
        };

        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (KeyValuePair<string, object?> option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }
}
