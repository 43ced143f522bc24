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
