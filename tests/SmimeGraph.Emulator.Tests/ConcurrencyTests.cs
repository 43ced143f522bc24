using Microsoft.Extensions.Time.Testing;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Graph allows four concurrent requests per mailbox; the transport never exceeds that.</summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task Fifty_concurrent_sends_to_one_mailbox_never_have_more_than_four_in_flight_and_each_lands_once()
    {
        // Each request waits in the emulator until its clock moves: four are in flight at once
        // before the clock moves at all, whatever the machine's load.
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, ResponseDelay = TimeSpan.FromMilliseconds(40) });
        string[] ids = [.. Enumerable.Range(0, 50).Select(i => $"concurrent-{i}@example.com")];

        Task sends = Task.WhenAll(ids.Select(async id =>
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Concurrent " + id, messageId: id));
            await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        }));
        await WaitUntilAsync(() => session.Host.GetMaxInFlight("me") >= 4 || sends.IsCompleted);
        await ReleaseAsync(clock, sends);

        session.Host.DeliverSentItemsNow();

        Assert.Equal(4, session.Host.GetMaxInFlight("me"));
        Assert.Equal(50, session.Host.RequestCount);
        IReadOnlyList<EmulatorMessage> sent = session.Host.GetMessages("me", "sentitems");
        string[] landed = [.. sent.Select(m => MessageId(File.ReadAllText(m.Path))).Order(StringComparer.Ordinal)];
        Assert.Equal(ids.Select(id => "<" + id + ">").Order(StringComparer.Ordinal), landed);
    }

    [Fact]
    public async Task The_emulator_sees_more_than_four_in_flight_when_the_client_does_not_limit()
    {
        // Control for the test above: the emulator's count is not capped by anything of its own
        // (its throttling, which would refuse the fifth request, is off here). Every request waits
        // in the emulator until its clock moves, so all sixteen are in flight at once.
        FakeTimeProvider clock = EmulatorSession.NewClock();
        var options = new EmulatorOptions { TimeProvider = clock, ResponseDelay = TimeSpan.FromMilliseconds(300) };
        options.Throttling.Enabled = false;
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        var transport = new GraphMimeTransport(
            session.Http,
            _ => ValueTask.FromResult(EmulatorSession.Token),
            new GraphMimeTransportOptions { BaseAddress = session.Host.BaseAddress, MaxConcurrentRequestsPerMailbox = 100 });

        Task sends = Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Unlimited " + i));
            await transport.SendMailAsync(GraphMailbox.Me, payload);
        }));
        await WaitUntilAsync(() => session.Host.GetMaxInFlight("me") >= 16 || sends.IsCompleted);
        await ReleaseAsync(clock, sends);

        Assert.Equal(16, session.Host.GetMaxInFlight("me"));
    }

    [Fact]
    public async Task Each_mailbox_has_its_own_four_slots()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, ResponseDelay = TimeSpan.FromMilliseconds(40) });
        string[] mailboxes = ["a@example.com", "b@example.com"];

        Task sends = Task.WhenAll(mailboxes.SelectMany(mailbox => Enumerable.Range(0, 12).Select(async i =>
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message($"To {mailbox} {i}", from: mailbox));
            await session.Transport.SendMailAsync(GraphMailbox.ForUser(mailbox), payload);
        })));
        await WaitUntilAsync(() => mailboxes.All(m => session.Host.GetMaxInFlight(m) >= 4) || sends.IsCompleted);
        await ReleaseAsync(clock, sends);
        session.Host.DeliverSentItemsNow();

        foreach (string mailbox in mailboxes)
        {
            Assert.Equal(4, session.Host.GetMaxInFlight(mailbox));
            Assert.Equal(12, session.Host.GetMessages(mailbox, "sentitems").Count);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang guard only
        while (!condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }

    /// <summary>Moves the emulator's clock on until every request has its answer (a hang guard, not a timing).</summary>
    private static async Task ReleaseAsync(FakeTimeProvider clock, Task sends)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!sends.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, guard.Token);
        }

        await sends;
    }

    private static string MessageId(string mime) =>
        mime.Split("\r\n").Single(line => line.StartsWith("Message-ID: ", StringComparison.Ordinal))["Message-ID: ".Length..];
}
