using System.Diagnostics;

namespace SmimeGraph.Graph;

/// <summary>
/// An activity (<see cref="SmimeGraphDiagnostics.ActivitySourceName"/>, kind Client, named
/// <c>Graph {operation}</c>) and a <c>smimegraph.graph.request.duration</c> measurement around each
/// Graph call, its retries included when this handler sits outside <see cref="GraphRetryHandler"/>
/// (the default order). Tags: <c>smimegraph.operation</c>, <c>http.request.method</c>,
/// <c>server.address</c>, <c>http.response.status_code</c>, <c>error.type</c>; the activity also
/// carries the <c>client-request-id</c>. Never the path (it names mailboxes and ids), tokens or content.
/// </summary>
public sealed class GraphTelemetryHandler : DelegatingHandler
{
    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string operation = GraphRequestOptions.GetOperation(request);
        using Activity? activity = SmimeGraphDiagnostics.ActivitySource.StartActivity("Graph " + operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("smimegraph.operation", operation);
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", request.RequestUri?.Host);
            if (request.Headers.TryGetValues("client-request-id", out IEnumerable<string>? ids))
            {
                activity.SetTag("smimegraph.client_request_id", ids.FirstOrDefault());
            }
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (!response.IsSuccessStatusCode)
            {
                activity?.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            SmimeGraphDiagnostics.GraphRequestDuration.Record(
                Stopwatch.GetElapsedTime(start).TotalSeconds,
                new KeyValuePair<string, object?>("smimegraph.operation", operation),
                new KeyValuePair<string, object?>("http.response.status_code", status));
            return response;
        }
        catch (Exception ex)
        {
            activity?.SetTag("error.type", ex.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            SmimeGraphDiagnostics.GraphRequestDuration.Record(
                Stopwatch.GetElapsedTime(start).TotalSeconds,
                new KeyValuePair<string, object?>("smimegraph.operation", operation),
                new KeyValuePair<string, object?>("error.type", ex.GetType().FullName));
            throw;
        }
    }
}
