using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmimeGraph.Emulator;

/// <summary>
/// Bearer tokens for the emulator. It reads a token that is a JWT (RFC 7519: three base64url
/// parts; the signature is not checked) for the claims a real Graph token carries: <c>upn</c>
/// (or <c>preferred_username</c>, <c>unique_name</c>) says who <c>/me</c> is, <c>appid</c> (or
/// <c>azp</c>) which app is throttled, and <c>nbf</c> when it was issued. Any other non-empty
/// string is a token of an unnamed user and app.
/// </summary>
/// <remarks>
/// Continuous access evaluation: a 401 claims challenge carries
/// <c>claims="base64 of {"access_token":{"nbf":{"essential":true,"value":"T"}}}"</c>, a request
/// for a token issued at or after T, the revocation time (learn.microsoft.com/entra/identity-platform/claims-challenge).
/// A token carries the claims when it is a JWT whose <c>nbf</c> is at or after T;
/// <see cref="ForClaims"/> mints one, as an identity provider answering the claims request would.
/// </remarks>
public static class EmulatorTokens
{
    /// <summary>An unsigned JWT with the given claims; <paramref name="notBefore"/> defaults to now.</summary>
    public static string Create(string? userPrincipalName = null, string? appId = null, DateTimeOffset? notBefore = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["nbf"] = (notBefore ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        };
        if (userPrincipalName is not null)
        {
            claims["upn"] = userPrincipalName;
        }

        if (appId is not null)
        {
            claims["appid"] = appId;
        }

        return Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT" }))
            + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims)) + ".";
    }

    /// <summary>
    /// A token that answers a claims challenge: its <c>nbf</c> is the challenge's. Takes the
    /// <c>claims</c> value as sent (base64) or decoded (JSON).
    /// </summary>
    /// <exception cref="FormatException">The claims are not a claims request with an <c>access_token.nbf</c> value.</exception>
    public static string ForClaims(string claims, string? userPrincipalName = null, string? appId = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        string json = claims.TrimStart().StartsWith('{') ? claims : Encoding.UTF8.GetString(Convert.FromBase64String(claims.Trim()));
        using JsonDocument document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("access_token", out JsonElement accessToken)
            || !accessToken.TryGetProperty("nbf", out JsonElement nbf)
            || !nbf.TryGetProperty("value", out JsonElement value)
            || !long.TryParse(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            throw new FormatException("The claims are not a request for access_token.nbf.");
        }

        return Create(userPrincipalName, appId, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    /// <summary>The claims request a challenge after a revocation at <paramref name="revokedAt"/> carries (base64).</summary>
    internal static string ClaimsRequest(DateTimeOffset revokedAt) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(
            "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"" + revokedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "\"}}}"));

    /// <summary>Reads what the emulator uses from a bearer token; every field null when it is not a JWT.</summary>
    internal static TokenClaims Read(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length is 0 or > 16 * 1024)
        {
            return TokenClaims.None;
        }

        try
        {
            byte[] payload = Base64Url.DecodeFromChars(parts[1].TrimEnd('='));
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return TokenClaims.None;
            }

            return new TokenClaims(
                String(root, "upn") ?? String(root, "preferred_username") ?? String(root, "unique_name"),
                String(root, "appid") ?? String(root, "azp"),
                Seconds(root, "nbf") ?? Seconds(root, "iat"));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return TokenClaims.None;
        }
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()) ? value.GetString() : null;

    private static long? Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long seconds) ? seconds : null;
}

/// <summary>The claims the emulator reads from a token.</summary>
internal sealed record TokenClaims(string? UserPrincipalName, string? AppId, long? NotBefore)
{
    public static TokenClaims None { get; } = new(null, null, null);
}
