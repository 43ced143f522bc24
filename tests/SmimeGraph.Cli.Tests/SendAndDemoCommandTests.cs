using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Emulator;
using SmimeGraph.Smime;
using SmimeGraph.Tests;

namespace SmimeGraph.Cli.Tests;

public sealed class SendAndDemoCommandTests
{
    static SendAndDemoCommandTests() => Environment.SetEnvironmentVariable(SendCommand.TokenVariable, "test-token");

    [Fact]
    public async Task Demo_runs_the_whole_job_and_reports_a_valid_message()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["demo"], stdout, stderr, CancellationToken.None);

        Assert.True(code == CommandLine.Success, stdout + "\n" + stderr);
        string report = stdout.ToString();
        // Meaning, not bytes: Graph regenerates a sent message's MIME.
        Assert.Contains("content             text as composed, HTML as composed, attachment bytes as composed", report, StringComparison.Ordinal);
        Assert.Contains("sent copy found in Sent Items by internetMessageId", report, StringComparison.Ordinal);
        Assert.Contains("encrypted, AES-256-CBC", report, StringComparison.Ordinal);
        Assert.Contains("alice@example.com: valid and trusted", report, StringComparison.Ordinal);
        Assert.Contains("verdict             VALID", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_signs_encrypts_and_delivers_through_the_emulator(bool draft)
    {
        await using EmulatorHost host = await EmulatorHost.StartAsync(new EmulatorOptions { StoreDirectory = TestPaths.NewTempDirectory() });
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args =
        [
            "send", "--graph", host.BaseAddress.ToString(),
            "--from", "Alice <alice@example.com>", "--to", "bob@example.com", "--subject", "CLI send",
            "--text", "Signed and encrypted from the command line.",
            "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph",
            "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"),
            .. draft ? new[] { "--draft" } : [],
        ];

        int code = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None);
        Assert.True(code == CommandLine.Success, stderr.ToString());
        Assert.Contains(draft ? "draft created: " : "sent (", stdout.ToString(), StringComparison.Ordinal);

        host.DeliverSentItemsNow();
        EmulatorMessage stored = Assert.Single(host.GetMessages("me", draft ? "drafts" : "sentitems"));
        var options = new SmimeInspectorOptions();
        options.DecryptionCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("recipient-rsa2048.pfx"), "smimegraph"));
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("root-ca.pem")));
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(stored.Path), options);
        Assert.True(result.IsValid && result.IsSigned && result.IsEncrypted);
        Assert.Equal("Signed and encrypted from the command line.", result.Content.DecodeText().TrimEnd());
    }

    [Fact]
    public async Task An_over_ceiling_send_exits_3_and_sends_nothing()
    {
        await using EmulatorHost host = await EmulatorHost.StartAsync(new EmulatorOptions { StoreDirectory = TestPaths.NewTempDirectory() });
        string big = Path.Combine(TestPaths.NewTempDirectory(), "big.bin");
        await File.WriteAllBytesAsync(big, new byte[3_100_000]);
        var stderr = new StringWriter();

        int code = await CommandLine.RunAsync(
            ["send", "--graph", host.BaseAddress.ToString(), "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "big", "--attach", big],
            new StringWriter(),
            stderr,
            CancellationToken.None);

        Assert.Equal(CommandLine.Rejected, code);
        Assert.Contains("over the ceiling of 4,000,000 bytes", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, host.RequestCount);
    }

    [Fact]
    public async Task A_wrong_pfx_password_is_a_usage_error()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(
            ["send", "--graph", "http://127.0.0.1:9/v1.0", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "s", "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":wrong"],
            new StringWriter(),
            stderr,
            CancellationToken.None);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("password", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mailbox", "", "--mailbox")]
    [InlineData("--mailbox", "  ", "--mailbox")]
    [InlineData("--graph", "ftp://127.0.0.1:9/v1.0", "--graph")]
    [InlineData("--graph", "http://127.0.0.1:9/v1.0?x=1", "--graph")]
    public async Task A_malformed_mailbox_or_graph_address_is_a_usage_error(string option, string value, string named)
    {
        var stderr = new StringWriter();
        string[] args = ["send", "--graph", "http://127.0.0.1:9/v1.0", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "s", option, value];

        int code = await CommandLine.RunAsync(args, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith("smimegraph send: " + named, stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("99999999999")]
    public async Task Demo_with_an_attachment_size_that_is_not_a_byte_count_is_a_usage_error(string size)
    {
        var stderr = new StringWriter();

        int code = await CommandLine.RunAsync(["demo", "--attachment-size", size], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith("smimegraph demo: --attachment-size", stderr.ToString(), StringComparison.Ordinal);
    }
}
