using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmimeGraph.Graph;

namespace SmimeGraph.Extensions;

/// <summary>
/// Registers SmimeGraph's Graph transport with <c>IHttpClientFactory</c>: <see cref="IGraphMimeTransport"/>
/// becomes a typed client whose handler pipeline is <see cref="GraphTelemetryHandler"/>,
/// <see cref="GraphRetryHandler"/> and <see cref="GraphAuthenticationHandler"/> (outermost first),
/// in front of the factory's pooled primary handler. The <see cref="IHttpClientBuilder"/> returned
/// is the one <c>AddHttpClient</c> gives, so further handlers, a primary handler or a handler
/// lifetime are configured the usual way.
/// </summary>
public static class SmimeGraphServiceCollectionExtensions
{
    /// <summary>The name of the typed client's <c>HttpClient</c> (its options, its logs).</summary>
    public const string HttpClientName = "SmimeGraph.Graph";

    /// <summary>
    /// Registers <see cref="IGraphMimeTransport"/> as a typed client. Tokens come from the
    /// <see cref="IGraphAccessTokenProvider"/> in the container (register one, or use the overload
    /// with a <see cref="TokenCredential"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the base address, allowed hosts, retry and concurrency options.</param>
    /// <returns>The typed client's builder.</returns>
    public static IHttpClientBuilder AddSmimeGraphTransport(this IServiceCollection services, Action<GraphMimeTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<GraphMimeTransportOptions> options = services.AddOptions<GraphMimeTransportOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services
            .AddHttpClient<IGraphMimeTransport, GraphMimeTransport>(HttpClientName, static (client, provider) =>
                GraphMimeTransport.FromPipeline(client, Options(provider), provider.GetService<ILoggerFactory>()))
            .AddHttpMessageHandler(static () => new GraphTelemetryHandler())
            .AddHttpMessageHandler(static provider =>
            {
                GraphMimeTransportOptions transport = Options(provider);
                return new GraphRetryHandler(transport.Retry, transport.TimeProvider, provider.GetService<ILogger<GraphRetryHandler>>());
            })
            .AddHttpMessageHandler(static provider => new GraphAuthenticationHandler(
                provider.GetService<IGraphAccessTokenProvider>()
                    ?? throw new InvalidOperationException("AddSmimeGraphTransport needs an IGraphAccessTokenProvider in the container, or the overload that takes a TokenCredential."),
                Options(provider).AllowedHosts,
                provider.GetService<ILogger<GraphAuthenticationHandler>>()));
    }

    /// <summary>
    /// Registers <see cref="IGraphMimeTransport"/> as a typed client authenticated by an Azure.Core
    /// <see cref="TokenCredential"/> (<see cref="TokenCredentialAccessTokenProvider"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="credential">The credential, e.g. Azure.Identity's <c>DefaultAzureCredential</c>.</param>
    /// <param name="scopes">The scopes; none for the <c>.default</c> scope of the base address's host.</param>
    /// <param name="configure">Sets the base address, allowed hosts, retry and concurrency options.</param>
    /// <returns>The typed client's builder.</returns>
    public static IHttpClientBuilder AddSmimeGraphTransport(this IServiceCollection services, TokenCredential credential, IEnumerable<string>? scopes = null, Action<GraphMimeTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(credential);
        services.AddSingleton<IGraphAccessTokenProvider>(new TokenCredentialAccessTokenProvider(credential, [.. scopes ?? []]));
        return services.AddSmimeGraphTransport(configure);
    }

    private static GraphMimeTransportOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<GraphMimeTransportOptions>>().Value;
}
