namespace SmimeGraph.Graph;

/// <summary>What a token is asked for: the request it will authorise and, after a claims challenge, the claims.</summary>
public sealed class GraphTokenRequest
{
    /// <summary>Creates the token request.</summary>
    /// <param name="requestUri">The URI of the Graph request the token is for.</param>
    /// <param name="claims">The decoded claims of a claims challenge (a JSON object), or null.</param>
    public GraphTokenRequest(Uri requestUri, string? claims = null)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        RequestUri = requestUri;
        Claims = claims;
    }

    /// <summary>The URI of the Graph request the token is for (its host tells the national cloud).</summary>
    public Uri RequestUri { get; }

    /// <summary>
    /// The claims Graph asked for in a claims challenge, decoded from the base64 of the
    /// <c>WWW-Authenticate</c> header's <c>claims</c> parameter: a JSON object such as
    /// <c>{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}</c>, to pass to the
    /// token service (MSAL's <c>WithClaims</c>, Azure.Core's <c>TokenRequestContext.Claims</c>).
    /// Null for an ordinary token request.
    /// </summary>
    public string? Claims { get; }
}
