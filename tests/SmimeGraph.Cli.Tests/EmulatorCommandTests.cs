using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using SmimeGraph.Graph;

namespace SmimeGraph.Cli.Tests;

public class EmulatorCommandTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://192.0.2.10:5080")]
    [InlineData("https://127.0.0.1:5080")]
    [InlineData("not a url")]
    public async Task Only_http_on_a_loopback_address_is_accepted(string url)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = await CommandLine.RunAsync(["emulator", "--urls", url], stdout, stderr, CancellationToken.None);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("loopback", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_until_cancelled_and_stores_what_is_sent()
    {
        string store = Directory.CreateTempSubdirectory("smimegraph-cli-emulator-").FullName;
        try
        {
            var stdout = new LockedWriter();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Task<int> run = CommandLine.RunAsync(["emulator", "--urls", "http://127.0.0.1:0", "--store", store], stdout, new StringWriter(), stop.Token);

            Match listening;
            while (!(listening = Regex.Match(stdout.ToString(), @"listening on (http://127\.0\.0\.1:\d+/v1\.0)")).Success)
            {
                Assert.False(run.IsCompleted, stdout.ToString());
                await Task.Delay(20);
            }

            using (var http = new HttpClient())
            {
                var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult("token"), new GraphMimeTransportOptions { BaseAddress = new Uri(listening.Groups[1].Value) });
                byte[] mime = "From: a@example.com\r\nTo: b@example.com\r\nSubject: Via the CLI\r\n\r\nHi.\r\n"u8.ToArray();
                using GraphPayload payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));
                await transport.SendMailAsync(GraphMailbox.Me, payload);

                // The sent copy reaches Sent Items after a short delay, as in Graph.
                string sentItems = Path.Combine(store, "me", "sentitems", "cur");
                using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    while (!Directory.Exists(sentItems) || Directory.GetFiles(sentItems).Length == 0)
                    {
                        await Task.Delay(20, guard.Token);
                    }
                }

                string stored = Assert.Single(Directory.GetFiles(sentItems));
                Assert.Equal(mime, await File.ReadAllBytesAsync(stored));
            }

            await stop.CancelAsync();
            Assert.Equal(CommandLine.Success, await run);
            Assert.Contains("stopped", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task The_flags_configure_the_mailbox_the_token_the_delay_the_throttling_and_the_faults()
    {
        string store = Directory.CreateTempSubdirectory("smimegraph-cli-emulator-").FullName;
        try
        {
            string faults = Path.Combine(store, "faults.json");
            await File.WriteAllTextAsync(faults, """{"faults":[{"operation":"sendMail","fault":"503","skip":2}]}""");
            var stdout = new LockedWriter();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Task<int> run = CommandLine.RunAsync(
                [
                    "emulator", "--urls", "http://127.0.0.1:0", "--store", Path.Combine(store, "mail"), "--mailbox", "alice@example.com",
                    "--send-as", "team@example.com", "--token", "cli-token", "--sent-delay", "0", "--faults", faults, "--raw-mime",
                    "--max-concurrent", "2",
                ],
                stdout,
                new StringWriter(),
                stop.Token);
            Uri baseAddress = await ListeningAsync(stdout, run);
            using var http = new HttpClient();

            async Task<HttpResponseMessage> SendMailAsync(string token, string from)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress + "/me/sendMail"))
                {
                    Content = new StringContent(Convert.ToBase64String(Encoding.ASCII.GetBytes($"From: {from}\r\nTo: bob@example.com\r\nSubject: Flags\r\n\r\nHi.\r\n")), Encoding.ASCII, "text/plain"),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                return await http.SendAsync(request);
            }

            // Faults come first, as from Graph's front door: the refused token's request is one of the two let through.
            using HttpResponseMessage wrongToken = await SendMailAsync("other-token", "alice@example.com");
            using HttpResponseMessage first = await SendMailAsync("cli-token", "alice@example.com");
            using HttpResponseMessage faulted = await SendMailAsync("cli-token", "alice@example.com");
            using HttpResponseMessage sendAs = await SendMailAsync("cli-token", "team@example.com");
            using HttpResponseMessage spoofed = await SendMailAsync("cli-token", "mallory@example.com");

            Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, sendAs.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, spoofed.StatusCode);
            Assert.Contains("ErrorSendAsDenied", await spoofed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // --sent-delay 0: both accepted messages are in Sent Items already, stored as uploaded.
            Assert.Equal(2, Directory.GetFiles(Path.Combine(store, "mail", "alice@example.com", "sentitems", "cur")).Length);

            await stop.CancelAsync();
            Assert.Equal(CommandLine.Success, await run);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Theory]
    [InlineData("--sent-delay", "soon", "--sent-delay takes a whole number")]
    [InlineData("--sent-delay", "-5", "--sent-delay takes a whole number")]
    [InlineData("--max-concurrent", "0", "--max-concurrent takes a whole number from 1")]
    [InlineData("--max-upload-bytes", "lots", "--max-upload-bytes takes a whole number")]
    [InlineData("--mailbox", "not a mailbox", "MeMailbox must be a plain name")]
    [InlineData("--send-as", "bad address!", "cannot name a mailbox")]
    [InlineData("--faults", "no-such-file.json", "--faults no-such-file.json")]
    public async Task A_bad_flag_value_is_a_usage_error_that_names_it(string option, string value, string message)
    {
        var stderr = new StringWriter();

        int code = await CommandLine.RunAsync(["emulator", "--urls", "http://127.0.0.1:0", "--store", Path.Combine(Path.GetTempPath(), "smimegraph-never-" + Guid.NewGuid().ToString("N")), option, value], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fault_file_that_does_not_read_is_a_usage_error_saying_where()
    {
        string file = Path.Combine(Path.GetTempPath(), "smimegraph-faults-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(file, """{"faults":[{"fault":"504"},{"fault":"teapot"}]}""");
        try
        {
            var stderr = new StringWriter();

            int code = await CommandLine.RunAsync(["emulator", "--urls", "http://127.0.0.1:0", "--faults", file], new StringWriter(), stderr, CancellationToken.None);

            Assert.Equal(CommandLine.Usage, code);
            Assert.Contains("Fault 1: 'fault' is 429, 503, 504, drop or slow, not 'teapot'.", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_fixed_token_with_continuous_access_evaluation_is_a_usage_error()
    {
        var stderr = new StringWriter();

        int code = await CommandLine.RunAsync(["emulator", "--urls", "http://127.0.0.1:0", "--store", Path.Combine(Path.GetTempPath(), "smimegraph-never-" + Guid.NewGuid().ToString("N")), "--token", "t", "--cae"], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("ContinuousAccessEvaluation", stderr.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string[], int[]> LimitFlags => new()
    {
        // Three GETs of one app to one mailbox, in a row.
        { [], [200, 200, 200] },
        { ["--max-requests", "2"], [200, 200, 429] },
        { ["--no-throttling", "--max-requests", "2"], [200, 200, 200] },
        { ["--cae"], [401, 401, 401] },
    };

    [Theory]
    [MemberData(nameof(LimitFlags))]
    public async Task The_request_limit_no_throttling_and_cae_flags_change_what_the_emulator_answers(string[] flags, int[] expected)
    {
        string store = Directory.CreateTempSubdirectory("smimegraph-cli-emulator-").FullName;
        try
        {
            var stdout = new LockedWriter();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Task<int> run = CommandLine.RunAsync(["emulator", "--urls", "http://127.0.0.1:0", "--store", store, .. flags], stdout, new StringWriter(), stop.Token);
            Uri baseAddress = await ListeningAsync(stdout, run);
            using var http = new HttpClient();
            var statuses = new List<int>();
            for (int i = 0; i < expected.Length; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress + "/me/messages"));
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "a-token-issued-before-the-start");
                using HttpResponseMessage response = await http.SendAsync(request);
                statuses.Add((int)response.StatusCode);
                string body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    // concepts/throttling-limits.md, throttling.md: 429 with Retry-After and Graph's code.
                    Assert.Contains("\"ApplicationThrottled\"", body, StringComparison.Ordinal);
                    Assert.NotNull(response.Headers.RetryAfter);
                }
                else if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    // A claims challenge: continuous access evaluation.
                    Assert.Contains("error=\"insufficient_claims\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                }
            }

            await stop.CancelAsync();
            Assert.Equal(CommandLine.Success, await run);
            Assert.Equal(expected, statuses);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Raw_mime_returns_the_upload_from_value_where_the_default_regenerates_it(bool raw)
    {
        string store = Directory.CreateTempSubdirectory("smimegraph-cli-emulator-").FullName;
        try
        {
            var stdout = new LockedWriter();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string[] args = ["emulator", "--urls", "http://127.0.0.1:0", "--store", store, "--sent-delay", "0", .. raw ? new[] { "--raw-mime" } : []];
            Task<int> run = CommandLine.RunAsync(args, stdout, new StringWriter(), stop.Token);
            Uri baseAddress = await ListeningAsync(stdout, run);
            using var http = new HttpClient();
            var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult("token"), new GraphMimeTransportOptions { BaseAddress = baseAddress });
            byte[] mime = "From: a@example.com\r\nTo: b@example.com\r\nSubject: Raw or not\r\nMessage-ID: <raw-or-not@example.com>\r\n\r\nHi.\r\n"u8.ToArray();
            using GraphPayload payload = await GraphPayload.FromMimeAsync(new MemoryStream(mime));

            await transport.SendMailAsync(GraphMailbox.Me, payload);
            GraphMessage? sent = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", "raw-or-not@example.com", TimeSpan.FromSeconds(10));
            Assert.NotNull(sent);
            using var value = new MemoryStream();
            await using (Stream content = await transport.GetMimeAsync(GraphMailbox.Me, sent.Id))
            {
                await content.CopyToAsync(value);
            }

            await stop.CancelAsync();
            Assert.Equal(CommandLine.Success, await run);
            // outlook-get-mime-message.md: Graph returns MIME it writes itself (Thread-Index among the headers it adds).
            Assert.Equal(raw, mime.AsSpan().SequenceEqual(value.ToArray()));
            Assert.Equal(!raw, Encoding.ASCII.GetString(value.ToArray()).Contains("\r\nThread-Index: ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static async Task<Uri> ListeningAsync(LockedWriter stdout, Task<int> run)
    {
        Match listening;
        while (!(listening = Regex.Match(stdout.ToString(), @"listening on (http://127\.0\.0\.1:\d+/v1\.0)")).Success)
        {
            Assert.False(run.IsCompleted, stdout.ToString());
            await Task.Delay(20);
        }

        return new Uri(listening.Groups[1].Value);
    }

    /// <summary>A StringWriter that another thread may read while the command writes.</summary>
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock)
            {
                base.Write(buffer, index, count);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
