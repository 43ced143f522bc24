namespace SmimeGraph.Graph;

/// <summary>
/// The end of the transport's own handler chain when it is given a ready <see cref="HttpClient"/>:
/// each request goes out through that client (its handler, timeout and default headers apply).
/// The client is the caller's and is not disposed here.
/// </summary>
internal sealed class HttpClientSender(HttpClient httpClient) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        // The HttpClient belongs to the caller.
    }
}
