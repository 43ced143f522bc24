using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SmimeGraph.Graph;

/// <summary>
/// Reads a claims challenge: a 401 whose <c>WWW-Authenticate: Bearer</c> challenge has
/// <c>error="insufficient_claims"</c> and <c>claims="&lt;base64 JSON&gt;"</c> (Microsoft identity
/// platform, "Claims challenges, claims requests and client capabilities",
/// https://learn.microsoft.com/entra/identity-platform/claims-challenge). Parameters are RFC 9110
/// §11.2 auth-params: <c>token = ( token / quoted-string )</c>, comma-separated.
/// </summary>
internal static class ClaimsChallenge
{
    /// <summary>A challenge longer than this is not read (the claims are a few hundred bytes).</summary>
    internal const int MaxChallengeLength = 16 * 1024;

    /// <summary>The decoded claims JSON, or null when the response is not a claims challenge.</summary>
    public static string? Read(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return null;
        }

        foreach (AuthenticationHeaderValue challenge in response.Headers.WwwAuthenticate)
        {
            if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
                || challenge.Parameter is not { Length: > 0 and <= MaxChallengeLength } parameters)
            {
                continue;
            }

            Dictionary<string, string> values = Parse(parameters);
            if (values.TryGetValue("error", out string? error) && error == "insufficient_claims"
                && values.TryGetValue("claims", out string? claims) && Decode(claims) is { } decoded)
            {
                return decoded;
            }
        }

        return null;
    }

    internal static Dictionary<string, string> Parse(string parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (i < parameters.Length)
        {
            while (i < parameters.Length && (parameters[i] is ' ' or '\t' or ','))
            {
                i++;
            }

            int nameStart = i;
            while (i < parameters.Length && parameters[i] is not ('=' or ' ' or '\t' or ','))
            {
                i++;
            }

            string name = parameters[nameStart..i];
            while (i < parameters.Length && parameters[i] is ' ' or '\t')
            {
                i++;
            }

            if (i >= parameters.Length || parameters[i] != '=')
            {
                continue;
            }

            i++;
            while (i < parameters.Length && parameters[i] is ' ' or '\t')
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < parameters.Length && parameters[i] == '"')
            {
                // quoted-string with quoted-pair (RFC 9110 §5.6.4).
                i++;
                while (i < parameters.Length && parameters[i] != '"')
                {
                    if (parameters[i] == '\\' && i + 1 < parameters.Length)
                    {
                        i++;
                    }

                    value.Append(parameters[i]);
                    i++;
                }

                i++;
            }
            else
            {
                while (i < parameters.Length && parameters[i] is not (',' or ' ' or '\t'))
                {
                    value.Append(parameters[i]);
                    i++;
                }
            }

            if (name.Length > 0)
            {
                values[name] = value.ToString();
            }
        }

        return values;
    }

    /// <summary>Base64 (standard or URL-safe, padded or not) of UTF-8 JSON; null when it is not.</summary>
    private static string? Decode(string claims)
    {
        string text = claims.Trim().Replace('-', '+').Replace('_', '/');
        text = (text.Length % 4) switch
        {
            2 => text + "==",
            3 => text + "=",
            _ => text,
        };

        byte[] bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out int written) || written == 0)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
