namespace SmimeGraph.Graph;

/// <summary>
/// Supplies bearer tokens for Graph requests. <see cref="GraphAuthenticationHandler"/> calls it
/// before every attempt (so it may cache and refresh), and again with the claims of a claims
/// challenge (continuous access evaluation) when Graph answers 401 <c>insufficient_claims</c>.
/// </summary>
public interface IGraphAccessTokenProvider
{
    /// <summary>Returns an access token for <see cref="GraphTokenRequest.RequestUri"/>.</summary>
    /// <param name="request">The target URI and, after a claims challenge, the claims Graph asked for.</param>
    /// <param name="cancellationToken">Cancels the token request.</param>
    /// <returns>The bare token (without the <c>Bearer</c> scheme).</returns>
    ValueTask<string> GetAccessTokenAsync(GraphTokenRequest request, CancellationToken cancellationToken);
}
