using System.Net;
using Microsoft.Extensions.Time.Testing;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Faults per operation, before or after the request is acted on, from a JSON file or the API.</summary>
public class FaultFileTests
{
    [Fact]
    public void A_fault_file_reads_into_rules()
    {
        const string Json = """
            {
              // a gateway timeout after the send went out, twice
              "faults": [
                { "operation": "send", "fault": "504", "after": true, "count": 2 },
                { "operation": "createMessage", "fault": "drop", "skip": 1 },
                { "fault": "429", "retryAfter": 7, "count": 0 },
                { "operation": "SENDMAIL", "fault": "slow", "delayMs": 1500 },
              ]
            }
            """;

        IReadOnlyList<EmulatorFaultRule> rules = EmulatorFaults.Parse(Json);

        Assert.Equal(4, rules.Count);
        Assert.Equal((EmulatorFaultKind.GatewayTimeout, "send", true, 2), (rules[0].Kind, rules[0].Operation, rules[0].AfterAction, rules[0].Count));
        Assert.Equal((EmulatorFaultKind.DropConnection, "createMessage", 1, 1), (rules[1].Kind, rules[1].Operation, rules[1].Skip, rules[1].Count));
        Assert.Equal((EmulatorFaultKind.Throttle, "*", 7, 0), (rules[2].Kind, rules[2].Operation, rules[2].RetryAfterSeconds, rules[2].Count));
        Assert.Equal((EmulatorFaultKind.Slow, "sendMail", TimeSpan.FromMilliseconds(1500)), (rules[3].Kind, rules[3].Operation, rules[3].Delay));
    }

    [Theory]
    [InlineData("""{"faults":[{"operation":"teleport","fault":"504"}]}""", "Fault 0: Unknown operation 'teleport'")]
    [InlineData("""{"faults":[{"fault":"418"}]}""", "Fault 0: 'fault' is 429, 503, 504, drop or slow")]
    [InlineData("""[{"fault":"504"},{"fault":"429","after":true}]""", "Fault 1: 'after' applies to 504 and drop only")]
    [InlineData("""[{"fault":"slow"}]""", "Fault 0: a slow fault needs 'delayMs'")]
    [InlineData("""[{"fault":"503","count":-1}]""", "Fault 0: 'count' is a whole number")]
    [InlineData("""[{"fault":"503","colour":"red"}]""", "Fault 0: unknown property 'colour'")]
    [InlineData("""{"faults":{}}""", "The fault file must be")]
    [InlineData("""not json""", "The fault file is not JSON")]
    public void A_bad_fault_file_is_refused_saying_where(string json, string message)
    {
        var ex = Assert.Throws<FormatException>(() => EmulatorFaults.Parse(json));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_504_after_a_send_went_out_answers_504_and_the_mail_was_sent()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        session.Host.Faults.Load("""[{ "operation": "send", "fault": "504", "after": true }]""");
        RawResponse created = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Sent, then lost"));
        string id = created.Json.GetProperty("id").GetString()!;

        RawResponse sent = await session.Raw.PostAsync($"me/messages/{id}/send");

        Assert.Equal(HttpStatusCode.GatewayTimeout, sent.Status);
        Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.Empty(session.Host.GetMessages("me", "drafts"));
        Assert.Equal(0, session.Host.Faults.Pending);
    }

    [Fact]
    public async Task A_dropped_connection_after_create_leaves_the_draft_the_client_never_heard_of()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.Host.Faults.DropConnection(operation: "createMessage", afterAction: true);
        byte[] mime = TestMime.Message("Created, answer lost", messageId: "lost@example.com");

        await Assert.ThrowsAsync<HttpRequestException>(() => session.Raw.PostMimeAsync("me/messages", mime));

        EmulatorMessage draft = Assert.Single(session.Host.GetMessages("me", "drafts"));
        Assert.Equal(mime, await File.ReadAllBytesAsync(draft.Path));
    }

    [Fact]
    public async Task A_fault_for_one_operation_leaves_the_others_alone_and_skip_lets_requests_through_first()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        session.Host.Faults.Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.ServiceUnavailable, Operation = "listMessages", Skip = 1, Count = 2 });
        RawGraph raw = session.Raw;

        Assert.Equal(HttpStatusCode.Accepted, (await raw.PostMimeAsync("me/sendMail", TestMime.Message("Unaffected"))).Status);
        HttpStatusCode[] lists = [.. await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => (await raw.GetAsync("me/messages")).Status))];

        // One let through, the next two refused, the fourth answered again.
        Assert.Equal(2, lists.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(2, lists.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(0, session.Host.Faults.Pending);
    }

    [Fact]
    public async Task A_rule_with_count_zero_applies_to_every_matching_request()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.Host.Faults.Load("""[{ "operation": "getMessage", "fault": "429", "retryAfter": 3, "count": 0 }]""");
        RawResponse created = await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Always throttled to read"));
        string id = created.Json.GetProperty("id").GetString()!;

        for (int i = 0; i < 3; i++)
        {
            RawResponse read = await session.Raw.GetAsync($"me/messages/{id}");
            Assert.Equal(HttpStatusCode.TooManyRequests, read.Status);
            Assert.Equal("3", read.Headers["Retry-After"]);
            Assert.Equal("ApplicationThrottled", read.ErrorCode);
        }

        Assert.Equal(HttpStatusCode.Created, created.Status);
        session.Host.Faults.Clear();
        Assert.Equal(HttpStatusCode.OK, (await session.Raw.GetAsync($"me/messages/{id}")).Status);
    }

    [Fact]
    public async Task A_slow_fault_holds_the_request_until_its_delay_has_passed()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock });
        session.Host.Faults.Slow(TimeSpan.FromSeconds(30), operation: "listMessages");

        Task<RawResponse> slow = session.Raw.GetAsync("me/messages");
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (session.Host.Faults.Pending > 0)
        {
            await Task.Delay(10, guard.Token);
        }

        await Task.Delay(200, guard.Token);
        Assert.False(slow.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, (await slow.WaitAsync(guard.Token)).Status);
    }
}
