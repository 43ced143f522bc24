using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// Outlook's limits per app and mailbox (concepts/throttling-limits.md): 4 concurrent requests,
/// 10,000 requests in 10 minutes, 150 MB of upload in 5 minutes; past each, 429 with
/// Retry-After and ApplicationThrottled. The clock is a fake one: nothing here sleeps.
/// </summary>
public class ThrottlingTests
{
    [Fact]
    public void The_defaults_are_Outlooks_documented_limits()
    {
        var limits = new EmulatorOptions().Throttling;

        Assert.True(limits.Enabled);
        Assert.Equal(4, limits.MaxConcurrentRequests);
        Assert.Equal(10_000, limits.MaxRequests);
        Assert.Equal(TimeSpan.FromMinutes(10), limits.RequestWindow);
        Assert.Equal(150L * 1024 * 1024, limits.MaxUploadBytes);
        Assert.Equal(TimeSpan.FromMinutes(5), limits.UploadWindow);
    }

    [Fact]
    public async Task A_fifth_concurrent_request_of_one_app_to_one_mailbox_is_429_MailboxConcurrency()
    {
        // Each request waits in the emulator (ResponseDelay on the fake clock) until the clock moves.
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, ResponseDelay = TimeSpan.FromSeconds(1) });
        RawGraph raw = session.Raw;
        string app = EmulatorTokens.Create(appId: "app-1");
        Task<RawResponse>[] admitted = [.. Enumerable.Range(0, 4).Select(_ => raw.GetAsync("me/messages", accessToken: app))];
        await WaitUntilAsync(() => session.Host.GetAdmittedInFlight("app-1", "me") == 4);

        RawResponse fifth = await raw.GetAsync("me/messages", accessToken: app);
        Task<RawResponse> otherApp = raw.GetAsync("me/messages", accessToken: EmulatorTokens.Create(appId: "app-2"));
        Task<RawResponse> otherMailbox = raw.GetAsync("users/bob@example.com/messages", accessToken: app);
        await ReleaseAsync(clock, [.. admitted, otherApp, otherMailbox]);

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.Status);
        Assert.Equal("ApplicationThrottled", fifth.ErrorCode);
        Assert.Equal("Application is over its MailboxConcurrency limit.", fifth.ErrorMessage);
        Assert.True(int.Parse(fifth.Headers["Retry-After"], CultureInfo.InvariantCulture) >= 1);
        Assert.All(await Task.WhenAll(admitted), r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(HttpStatusCode.OK, (await otherApp).Status);
        Assert.Equal(HttpStatusCode.OK, (await otherMailbox).Status);
    }

    [Fact]
    public async Task Past_the_request_limit_in_the_window_is_429_until_the_window_moves_on()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        var options = new EmulatorOptions { TimeProvider = clock };
        options.Throttling.MaxRequests = 5;
        options.Throttling.RequestWindow = TimeSpan.FromMinutes(10);
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        RawGraph raw = session.Raw;

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync("me/messages")).Status);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        RawResponse sixth = await raw.GetAsync("me/messages");
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.Status);
        Assert.Equal("ApplicationThrottled", sixth.ErrorCode);

        // The first request left the window 10 minutes after it was made: 5 minutes from now.
        Assert.Equal(300, int.Parse(sixth.Headers["Retry-After"], CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync("users/bob@example.com/messages")).Status);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync("me/messages")).Status);
    }

    [Fact]
    public async Task Past_the_upload_limit_in_the_window_is_429_IncomingBytes_and_nothing_is_stored()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        var options = new EmulatorOptions { TimeProvider = clock };
        options.Throttling.MaxUploadBytes = 20_000;
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        byte[] mime = TestMime.WithAttachment("Upload", 6_000); // about 11 KB of base64 request body
        RawGraph raw = session.Raw;

        RawResponse first = await raw.PostMimeAsync("me/messages", mime);
        RawResponse second = await raw.PostMimeAsync("me/messages", mime);
        clock.Advance(TimeSpan.FromMinutes(5));
        RawResponse later = await raw.PostMimeAsync("me/messages", mime);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.Equal("ApplicationThrottled", second.ErrorCode);
        Assert.Equal("Application is over its IncomingBytes limit.", second.ErrorMessage);
        Assert.Equal(300, int.Parse(second.Headers["Retry-After"], CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.Created, later.Status);
        Assert.Equal(2, session.Host.GetMessages("me").Count);
    }

    [Fact]
    public async Task Throttling_can_be_turned_off()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        var options = new EmulatorOptions { TimeProvider = clock };
        options.Throttling.MaxRequests = 1;
        options.Throttling.Enabled = false;
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await session.Raw.GetAsync("me/messages")).Status);
        }
    }

    private static async Task ReleaseAsync(FakeTimeProvider clock, Task<RawResponse>[] waiting)
    {
        // Move the clock until every waiting request has its answer (a hang guard, not a timing).
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (waiting.Any(t => !t.IsCompleted))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, guard.Token);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }
}
