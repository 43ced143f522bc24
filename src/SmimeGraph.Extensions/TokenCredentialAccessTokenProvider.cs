using Azure.Core;
using SmimeGraph.Graph;

namespace SmimeGraph.Extensions;

/// <summary>
/// Bearer tokens for the Graph transport from an Azure.Core <see cref="TokenCredential"/>
/// (Azure.Identity's <c>DefaultAzureCredential</c>, <c>ClientSecretCredential</c>,
/// <c>ManagedIdentityCredential</c>, …). The credential caches and refreshes; this asks it before
/// every attempt. After a claims challenge (continuous access evaluation, RFC 6750 §3 with
/// <c>error="insufficient_claims"</c>) it asks again with the claims in
/// <see cref="TokenRequestContext.Claims"/>, as Microsoft Entra's claims-challenge guidance
/// describes (https://learn.microsoft.com/entra/identity-platform/claims-challenge).
/// </summary>
public sealed class TokenCredentialAccessTokenProvider : IGraphAccessTokenProvider
{
    private readonly TokenCredential _credential;
    private readonly string[] _scopes;

    /// <summary>Creates the provider.</summary>
    /// <param name="credential">The credential to ask for tokens.</param>
    /// <param name="scopes">
    /// The scopes to ask for, e.g. <c>https://graph.microsoft.com/.default</c> (application
    /// permissions) or <c>https://graph.microsoft.com/Mail.Send</c> (delegated). None: the
    /// <c>.default</c> scope of the host each request goes to, so a national cloud's base address
    /// gets that cloud's scope (https://learn.microsoft.com/graph/deployments).
    /// </param>
    public TokenCredentialAccessTokenProvider(TokenCredential credential, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(scopes);
        foreach (string scope in scopes)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(scope, nameof(scopes));
        }

        _credential = credential;
        _scopes = [.. scopes];
    }

    /// <summary>The scopes asked for; empty when they follow the request's host.</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    /// <inheritdoc/>
    public async ValueTask<string> GetAccessTokenAsync(GraphTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string[] scopes = _scopes.Length > 0 ? _scopes : [DefaultScope(request.RequestUri)];
        // isCaeEnabled: the token may carry the "cp1" capability, so Graph sends claims challenges
        // instead of refusing a revoked session outright.
        var context = new TokenRequestContext(scopes, claims: request.Claims, isCaeEnabled: true);
        AccessToken token = await _credential.GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(token.Token))
        {
            throw new SmimeGraphException("The credential returned an empty access token.");
        }

        return token.Token;
    }

    /// <summary>The resource's <c>.default</c> scope: <c>https://graph.microsoft.com/.default</c> for the global service.</summary>
    internal static string DefaultScope(Uri requestUri) => requestUri.GetLeftPart(UriPartial.Authority) + "/.default";
}
