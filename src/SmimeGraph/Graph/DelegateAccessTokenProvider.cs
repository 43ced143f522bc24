namespace SmimeGraph.Graph;

/// <summary>A token delegate as an <see cref="IGraphAccessTokenProvider"/>; it cannot use the claims of a claims challenge.</summary>
internal sealed class DelegateAccessTokenProvider(Func<CancellationToken, ValueTask<string>> accessToken) : IGraphAccessTokenProvider
{
    public ValueTask<string> GetAccessTokenAsync(GraphTokenRequest request, CancellationToken cancellationToken) => accessToken(cancellationToken);
}
