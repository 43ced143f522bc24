using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmimeGraph.Graph;

/// <summary>
/// Puts the bearer token on each Graph request, and answers a claims challenge (continuous
/// access evaluation): on 401 with <c>WWW-Authenticate: Bearer error="insufficient_claims",
/// claims="…"</c> it asks the <see cref="IGraphAccessTokenProvider"/> again with the decoded
/// claims and the request URI, and repeats the request once. A 401 is a refusal before the
/// request was acted on, so repeating even a send cannot deliver mail twice.
/// </summary>
/// <remarks>
/// The token goes only over https to a host in the allowed list (by default the Graph national
/// cloud hosts, <see cref="GraphMimeTransportOptions.NationalCloudHosts"/>), or to a loopback
/// address over http or https (the local emulator); any other request is refused with
/// <see cref="GraphHostNotAllowedException"/> before anything is sent. The check runs on every
/// request, so an <c>@odata.nextLink</c> to another host is refused too.
/// </remarks>
public sealed class GraphAuthenticationHandler : DelegatingHandler
{
    private readonly IGraphAccessTokenProvider _tokenProvider;
    private readonly HashSet<string> _allowedHosts;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="tokenProvider">Supplies the tokens.</param>
    /// <param name="allowedHosts">Hosts the token may go to over https; null for <see cref="GraphMimeTransportOptions.NationalCloudHosts"/>.</param>
    /// <param name="logger">Receives the claims-challenge event; null for none.</param>
    public GraphAuthenticationHandler(IGraphAccessTokenProvider tokenProvider, IEnumerable<string>? allowedHosts = null, ILogger<GraphAuthenticationHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        _tokenProvider = tokenProvider;
        _allowedHosts = new HashSet<string>(allowedHosts ?? GraphMimeTransportOptions.NationalCloudHosts, StringComparer.OrdinalIgnoreCase);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Whether the bearer token may be sent to <paramref name="uri"/> with the given allowed hosts.</summary>
    internal static bool IsAllowed(Uri uri, IReadOnlySet<string> allowedHosts) =>
        uri.IsAbsoluteUri
        && (uri.IsLoopback
            ? uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp
            : uri.Scheme == Uri.UriSchemeHttps && allowedHosts.Contains(uri.Host));

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        if (!IsAllowed(uri, _allowedHosts))
        {
            throw new GraphHostNotAllowedException(uri);
        }

        request.Headers.Authorization = await AuthorizationAsync(new GraphTokenRequest(uri), cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ClaimsChallenge.Read(response) is not { } claims)
        {
            return response;
        }

        GraphLog.ClaimsChallenge(_logger, GraphRequestOptions.GetOperation(request), ClientRequestId(request));
        response.Dispose();
        HttpRequestMessage again = GraphRequestCopy.Create(request);
        again.Headers.Authorization = await AuthorizationAsync(new GraphTokenRequest(uri, claims), cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthenticationHeaderValue> AuthorizationAsync(GraphTokenRequest tokenRequest, CancellationToken cancellationToken)
    {
        string token = await _tokenProvider.GetAccessTokenAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(token) || token.AsSpan().ContainsAny('\r', '\n', '\0'))
        {
            // Never echo the token.
            throw new SmimeGraphException("The access token provider returned an empty token or one containing line breaks.");
        }

        return new AuthenticationHeaderValue("Bearer", token);
    }

    private static string? ClientRequestId(HttpRequestMessage request) =>
        request.Headers.TryGetValues("client-request-id", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}
