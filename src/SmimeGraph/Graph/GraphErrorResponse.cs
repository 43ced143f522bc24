using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using SmimeGraph.Buffers;

namespace SmimeGraph.Graph;

/// <summary>
/// Reads Graph's error response into a <see cref="GraphRequestException"/>:
/// <c>{"error":{"code","message","innerError":{"request-id","client-request-id"}}}</c> and the
/// <c>request-id</c> / <c>client-request-id</c> response headers.
/// </summary>
internal static class GraphErrorResponse
{
    /// <summary>Error bodies are small; reading stops here so a hostile server cannot exhaust memory.</summary>
    internal const int MaxErrorBodyLength = 64 * 1024;

    private const int MaxMessageLength = 1024;

    public static async Task<GraphRequestException> ReadAsync(HttpResponseMessage response, string clientRequestId, DateTimeOffset utcNow, CancellationToken cancellationToken)
    {
        byte[] buffer = CryptoPool.Rent(MaxErrorBodyLength);
        int length = 0;
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int read;
                while (length < MaxErrorBodyLength && (read = await body.ReadAsync(buffer.AsMemory(length, MaxErrorBodyLength - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status code says enough; a truncated error body is not worth failing over.
        }

        try
        {
            return Create(response, buffer.AsSpan(0, length), clientRequestId, utcNow);
        }
        finally
        {
            CryptoPool.Return(buffer, clearSize: 0);
        }
    }

    internal static GraphRequestException Create(HttpResponseMessage response, ReadOnlySpan<byte> body, string clientRequestId, DateTimeOffset utcNow)
    {
        string? code = null;
        string? message = null;
        string? innerRequestId = null;
        string? innerClientRequestId = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out JsonElement error)
                && error.ValueKind == JsonValueKind.Object)
            {
                code = String(error, "code");
                message = String(error, "message");
                if (error.TryGetProperty("innerError", out JsonElement inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    innerRequestId = String(inner, "request-id");
                    innerClientRequestId = String(inner, "client-request-id");
                }
            }
        }
        catch (JsonException)
        {
            // Not Graph's JSON (a proxy's HTML page, a truncated body): keep the status alone.
        }

        HttpStatusCode status = response.StatusCode;
        string requestId = Header(response, "request-id") ?? innerRequestId ?? string.Empty;
        return new GraphRequestException(
            status,
            Clean(code),
            Clean(message) ?? response.ReasonPhrase ?? "(no error message)",
            requestId.Length == 0 ? null : requestId,
            Header(response, "client-request-id") ?? innerClientRequestId ?? clientRequestId)
        {
            RetryAfter = GraphRetryPolicy.ReadRetryAfter(response.Headers, utcNow),
        };
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? Clean(values.FirstOrDefault()) : null;

    // Server text goes into exception messages: no control characters, bounded length.
    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxMessageLength));
        foreach (char c in value)
        {
            if (builder.Length == MaxMessageLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
