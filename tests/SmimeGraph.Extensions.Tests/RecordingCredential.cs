using Azure.Core;

namespace SmimeGraph.Extensions.Tests;

/// <summary>An Azure.Core credential that records each <see cref="TokenRequestContext"/> and answers with the delegate's token.</summary>
internal sealed class RecordingCredential(Func<TokenRequestContext, string> token) : TokenCredential
{
    private readonly List<TokenRequestContext> _requests = [];

    public IReadOnlyList<TokenRequestContext> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add(requestContext);
        }

        return new AccessToken(token(requestContext), DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
