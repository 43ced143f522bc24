using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// The three ways the emulator accepts tokens: any non-empty one (local use), one fixed token,
/// and continuous access evaluation, where a revoked token gets a claims challenge
/// (learn.microsoft.com/entra/identity-platform/claims-challenge) until the client asks for a
/// token with the claims.
/// </summary>
public partial class AuthenticationTests
{
    [Fact]
    public async Task By_default_any_non_empty_token_is_accepted()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        RawResponse first = await session.Raw.GetAsync("me/messages", accessToken: "anything");
        RawResponse second = await session.Raw.GetAsync("me/messages", accessToken: EmulatorTokens.Create("someone@example.com"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
    }

    [Fact]
    public async Task With_a_fixed_token_only_that_token_is_accepted()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { Token = EmulatorSession.Token });

        RawResponse right = await session.Raw.GetAsync("me/messages");
        RawResponse wrong = await session.Raw.GetAsync("me/messages", accessToken: EmulatorSession.Token + "x");

        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("InvalidAuthenticationToken", wrong.ErrorCode);
    }

    [Fact]
    public async Task Continuous_access_evaluation_challenges_until_a_token_carries_the_claims()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, ContinuousAccessEvaluation = true });

        RawResponse challenged = await session.Raw.GetAsync("me/messages", accessToken: "a-token-from-before");

        Assert.Equal(HttpStatusCode.Unauthorized, challenged.Status);
        Assert.Equal("InvalidAuthenticationToken", challenged.ErrorCode);
        string header = challenged.Headers["WWW-Authenticate"];
        Assert.StartsWith("Bearer ", header, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_claims\"", header, StringComparison.Ordinal);
        string claims = ClaimsParameter().Match(header).Groups[1].Value;
        using JsonDocument request = JsonDocument.Parse(Convert.FromBase64String(claims));
        JsonElement nbf = request.RootElement.GetProperty("access_token").GetProperty("nbf");
        Assert.True(nbf.GetProperty("essential").GetBoolean());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), nbf.GetProperty("value").GetString());

        // The client asks its identity provider for a token with the claims and retries.
        string renewed = EmulatorTokens.ForClaims(claims);
        Assert.Equal(HttpStatusCode.OK, (await session.Raw.GetAsync("me/messages", accessToken: renewed)).Status);

        // A later revocation challenges the renewed token too.
        clock.Advance(TimeSpan.FromMinutes(5));
        session.Host.RevokeTokens();
        RawResponse again = await session.Raw.GetAsync("me/messages", accessToken: renewed);
        Assert.Equal(HttpStatusCode.Unauthorized, again.Status);
        string newClaims = ClaimsParameter().Match(again.Headers["WWW-Authenticate"]).Groups[1].Value;
        Assert.NotEqual(claims, newClaims);
        Assert.Equal(HttpStatusCode.OK, (await session.Raw.GetAsync("me/messages", accessToken: EmulatorTokens.ForClaims(newClaims))).Status);
        Assert.Equal(HttpStatusCode.OK, (await session.Raw.GetAsync("me/messages", accessToken: EmulatorTokens.Create(notBefore: clock.GetUtcNow()))).Status);
    }

    [Fact]
    public async Task A_challenged_request_is_not_acted_on()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { ContinuousAccessEvaluation = true, SentCopyDelay = TimeSpan.Zero });

        RawResponse response = await session.Raw.PostMimeAsync("me/sendMail", TestMime.Message("Not yet"), accessToken: "stale");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task A_fixed_token_and_continuous_access_evaluation_cannot_be_combined()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => EmulatorHost.StartAsync(new EmulatorOptions { Token = "t", ContinuousAccessEvaluation = true }));
    }

    [Fact]
    public void ForClaims_reads_the_claims_as_sent_or_decoded_and_refuses_anything_else()
    {
        const string Json = """{"access_token":{"nbf":{"essential":true,"value":"1726258122"}}}""";
        string fromJson = EmulatorTokens.ForClaims(Json);
        string fromBase64 = EmulatorTokens.ForClaims(Convert.ToBase64String(Encoding.UTF8.GetBytes(Json)));

        using JsonDocument payload = JsonDocument.Parse(Convert.FromBase64String(Pad(fromJson.Split('.')[1])));
        Assert.Equal(1726258122, payload.RootElement.GetProperty("nbf").GetInt64());
        Assert.Equal(fromJson.Split('.')[1], fromBase64.Split('.')[1]);
        Assert.Throws<FormatException>(() => EmulatorTokens.ForClaims("""{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"""));
    }

    private static string Pad(string base64Url)
    {
        string text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }

    [GeneratedRegex("claims=\"([^\"]+)\"")]
    private static partial Regex ClaimsParameter();
}
