using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Plain HTTP calls to the emulator, for what the transport does not expose (headers, JSON, listing).</summary>
internal sealed class RawGraph(EmulatorHost host, HttpClient http, string token = EmulatorSession.Token)
{
    public Task<RawResponse> GetAsync(string path, string? prefer = null, string? accessToken = null) =>
        SendAsync(HttpMethod.Get, path, content: null, prefer, accessToken);

    public Task<RawResponse> PostMimeAsync(string path, byte[] mime, string? prefer = null, string? accessToken = null) =>
        SendAsync(HttpMethod.Post, path, Base64(mime), prefer, accessToken);

    public Task<RawResponse> PutMimeAsync(string path, byte[] mime) => SendAsync(HttpMethod.Put, path, Base64(mime), prefer: null, accessToken: null);

    public Task<RawResponse> PostJsonAsync(string path, string json) =>
        SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), prefer: null, accessToken: null);

    public Task<RawResponse> PostAsync(string path, string? prefer = null, string? accessToken = null) =>
        SendAsync(HttpMethod.Post, path, new ByteArrayContent([]), prefer, accessToken);

    public async Task<RawResponse> SendAsync(HttpMethod method, string path, HttpContent? content, string? prefer, string? accessToken)
    {
        Uri uri = path.StartsWith("http", StringComparison.Ordinal) ? new Uri(path) : new Uri(host.BaseAddress + "/" + path.TrimStart('/'));
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken ?? token);
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new RawResponse(response.StatusCode, body, headers);
    }

    public static StringContent Base64(byte[] mime) => new(Convert.ToBase64String(mime), Encoding.ASCII, "text/plain");
}

/// <summary>An answer: status, body, headers.</summary>
internal sealed record RawResponse(HttpStatusCode Status, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string? ErrorCode => Json.TryGetProperty("error", out JsonElement error) ? error.GetProperty("code").GetString() : null;

    public string? ErrorMessage => Json.TryGetProperty("error", out JsonElement error) ? error.GetProperty("message").GetString() : null;

    public string Text => Encoding.UTF8.GetString(Body);
}
