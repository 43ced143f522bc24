using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Graph allows four concurrent requests per mailbox; the transport never exceeds that.</summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task Fifty_concurrent_sends_to_one_mailbox_never_have_more_than_four_in_flight_and_each_lands_once()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { ResponseDelay = TimeSpan.FromMilliseconds(40) });
        string[] ids = [.. Enumerable.Range(0, 50).Select(i => $"concurrent-{i}@example.com")];

        await Task.WhenAll(ids.Select(async id =>
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Concurrent " + id, messageId: id));
            await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        }));

        session.Host.DeliverSentItemsNow();

        Assert.InRange(session.Host.GetMaxInFlight("me"), 1, 4);
        Assert.Equal(50, session.Host.RequestCount);
        IReadOnlyList<EmulatorMessage> sent = session.Host.GetMessages("me", "sentitems");
        string[] landed = [.. sent.Select(m => MessageId(File.ReadAllText(m.Path))).Order(StringComparer.Ordinal)];
        Assert.Equal(ids.Select(id => "<" + id + ">").Order(StringComparer.Ordinal), landed);
    }

    [Fact]
    public async Task The_emulator_sees_more_than_four_in_flight_when_the_client_does_not_limit()
    {
        // Control for the test above: the emulator's count is not capped by anything of its own
        // (its throttling, which would refuse the fifth request, is off here).
        var options = new EmulatorOptions { ResponseDelay = TimeSpan.FromMilliseconds(300) };
        options.Throttling.Enabled = false;
        await using EmulatorSession session = await EmulatorSession.StartAsync(options);
        var transport = new GraphMimeTransport(
            session.Http,
            _ => ValueTask.FromResult(EmulatorSession.Token),
            new GraphMimeTransportOptions { BaseAddress = session.Host.BaseAddress, MaxConcurrentRequestsPerMailbox = 100 });

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message("Unlimited " + i));
            await transport.SendMailAsync(GraphMailbox.Me, payload);
        }));

        Assert.True(session.Host.GetMaxInFlight("me") > 4, $"max in flight {session.Host.GetMaxInFlight("me")}");
    }

    [Fact]
    public async Task Each_mailbox_has_its_own_four_slots()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { ResponseDelay = TimeSpan.FromMilliseconds(40) });
        string[] mailboxes = ["a@example.com", "b@example.com"];

        await Task.WhenAll(mailboxes.SelectMany(mailbox => Enumerable.Range(0, 12).Select(async i =>
        {
            using GraphPayload payload = await TestMime.PayloadAsync(TestMime.Message($"To {mailbox} {i}", from: mailbox));
            await session.Transport.SendMailAsync(GraphMailbox.ForUser(mailbox), payload);
        })));
        session.Host.DeliverSentItemsNow();

        foreach (string mailbox in mailboxes)
        {
            Assert.InRange(session.Host.GetMaxInFlight(mailbox), 1, 4);
            Assert.Equal(12, session.Host.GetMessages(mailbox, "sentitems").Count);
        }
    }

    private static string MessageId(string mime) =>
        mime.Split("\r\n").Single(line => line.StartsWith("Message-ID: ", StringComparison.Ordinal))["Message-ID: ".Length..];
}
