namespace SmimeGraph.Graph;

/// <summary>
/// A request would have carried the bearer token to a host it may not go to: not https, or
/// https to a host outside <see cref="GraphMimeTransportOptions.AllowedHosts"/> (plain http is
/// allowed only to a loopback address, such as the local emulator). Nothing was sent.
/// </summary>
public sealed class GraphHostNotAllowedException : SmimeGraphException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="requestUri">The refused URI (only its scheme, host and port are reported).</param>
    public GraphHostNotAllowedException(Uri requestUri)
        : base(Describe(requestUri))
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        Scheme = requestUri.Scheme;
        Host = requestUri.Host;
    }

    /// <summary>The refused scheme (<c>http</c>, <c>https</c>, ...).</summary>
    public string Scheme { get; }

    /// <summary>The refused host.</summary>
    public string Host { get; }

    private static string Describe(Uri? uri) => uri is null
        ? "The bearer token may only be sent over https to an allowed Graph host, or over http to a loopback address."
        : $"Refused to send the bearer token to {uri.Scheme}://{uri.Authority}: it goes only over https to an allowed Graph host (GraphMimeTransportOptions.AllowedHosts), or over http to a loopback address. Nothing was sent.";
}
