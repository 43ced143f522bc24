namespace SmimeGraph.Graph;

/// <summary>Tells a failure of the connection from an answer from Graph.</summary>
internal static class GraphFailure
{
    /// <summary>
    /// A failure of the connection rather than an answer from Graph. <paramref name="requestWasSent"/>
    /// is false only when the request certainly never left (no connection was made).
    /// </summary>
    public static bool IsNetworkFailure(Exception exception, CancellationToken cancellationToken, out bool requestWasSent)
    {
        requestWasSent = true;
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return false;
            case OperationCanceledException:
                // HttpClient.Timeout: the request may have been written and acted on.
                return true;
            case HttpRequestException http:
                requestWasSent = http.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError);
                return true;
            case IOException:
                return true;
            default:
                return false;
        }
    }
}
