using System.Text.Json;
using SmimeGraph.Tests;

namespace SmimeGraph.Cli.Tests;

/// <summary>
/// compose --json: one JSON object with the Message-ID, the protection and every size, checked
/// against the files written; the room it reports for one more attachment is what fits; a
/// message over the ceiling is one JSON object too, with exit code 3 and the attachment hint.
/// </summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Compose_json_reports_the_sizes_of_what_it_wrote_and_the_room_left()
    {
        string eml = Path.Combine(_dir, "m.eml");
        string body = Path.Combine(_dir, "m.b64");
        (int code, string stdout, string stderr) = await ComposeAsync("--out", eml, "--graph-body", body, "--json");
        Assert.True(code == 0, stderr);

        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.True(root.GetProperty("signed").GetBoolean());
        Assert.True(root.GetProperty("encrypted").GetBoolean());
        Assert.Equal(new FileInfo(eml).Length, root.GetProperty("mimeLength").GetInt64());
        Assert.Equal(new FileInfo(body).Length, root.GetProperty("graphBodyLength").GetInt64());
        Assert.Equal(4_000_000 - new FileInfo(body).Length, root.GetProperty("headroom").GetInt64());
        Assert.Contains("Message-ID: <" + root.GetProperty("messageId").GetString() + ">", await File.ReadAllTextAsync(eml), StringComparison.Ordinal);

        // The room reported is exactly what fits, for an attachment named as the prediction assumes.
        long room = root.GetProperty("maxAttachmentBytes").GetInt64();
        string attachment = Path.Combine(_dir, "attachment.bin");
        await File.WriteAllBytesAsync(attachment, new byte[room]);
        (code, _, stderr) = await ComposeAsync("--attach", attachment, "--graph-body", Path.Combine(_dir, "fits.b64"));
        Assert.True(code == 0, stderr);

        await File.WriteAllBytesAsync(attachment, new byte[room + 1]);
        (code, stdout, _) = await ComposeAsync("--attach", attachment, "--graph-body", Path.Combine(_dir, "over.b64"), "--json");
        Assert.Equal(CommandLine.Rejected, code);
        using JsonDocument over = JsonDocument.Parse(stdout);
        Assert.Equal("rejected", over.RootElement.GetProperty("status").GetString());
        Assert.Equal(3, over.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(1, over.RootElement.GetProperty("attachmentBytesToRemove").GetInt64());
        Assert.Equal("attachment.bin", over.RootElement.GetProperty("attachmentFileName").GetString());
        Assert.False(File.Exists(Path.Combine(_dir, "over.b64")));
    }

    [Fact]
    public async Task Compose_json_without_a_file_to_write_is_a_usage_error()
    {
        (int code, string stdout, string stderr) = await ComposeAsync("--json");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--json needs --out or --graph-body", stderr, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(2, json.RootElement.GetProperty("exitCode").GetInt32());
    }

    private static Task<(int Code, string Stdout, string Stderr)> ComposeAsync(params string[] options) =>
        CliRunner.RunAsync(
        [
            "compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "JSON", "--text", "Sizes.",
            "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--sender-cert", TestPaths.Cert("sender-rsa2048-enc.pem"),
            "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), .. options,
        ]);
}
