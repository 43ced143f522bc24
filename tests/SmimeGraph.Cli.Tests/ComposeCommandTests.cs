using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SmimeGraph.Tests;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests;

public sealed class ComposeCommandTests : IDisposable
{
    private const string Script = """
        import sys, json, hashlib, email
        from email import policy
        msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
        def addresses(name):
            return [[a.display_name, a.addr_spec] for a in msg[name].addresses] if msg[name] is not None else None
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            data = part.get_content()
            parts.append({
                'type': part.get_content_type(),
                'filename': part.get_filename(),
                'text': data if isinstance(data, str) else None,
                'sha256': hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else None,
            })
        print(json.dumps({
            'names': list(msg.keys()),
            'headers': {k: str(v) for k, v in msg.items()},
            'from': addresses('From'),
            'to': addresses('To'),
            'cc': addresses('Cc'),
            'bcc': addresses('Bcc'),
            'parts': parts,
        }))
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "smimegraph-cli-tests-" + Guid.NewGuid().ToString("N"));

    public ComposeCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Compose_writes_an_eml_python_reads_and_a_graph_body_that_decodes_to_it()
    {
        string textFile = Path.Combine(_dir, "body.txt");
        await File.WriteAllTextAsync(textFile, "Hallo Jürgen,\nsee the attachments.\n");
        byte[] report = RandomNumberGenerator.GetBytes(50_000);
        string reportPath = Path.Combine(_dir, "Bericht März.pdf");
        await File.WriteAllBytesAsync(reportPath, report);
        string notesPath = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(notesPath, "plain notes\r\n");
        string eml = Path.Combine(_dir, "out.eml");
        string graphBody = Path.Combine(_dir, "body.b64");

        (int code, string stdout, string stderr) = await RunAsync(
            "compose", "--from", "Zoë Ångström <zoe@example.com>", "--to", "bob@example.org", "--to", "Carol <carol@example.org>",
            "--cc", "dave@example.org", "--bcc", "Hidden <hidden@example.org>", "--subject", "Quartalsbericht — März ✓",
            "--text", "@" + textFile, "--html", "<p>Hallo <b>Jürgen</b></p>", "--attach", reportPath, "--attach", notesPath,
            "--header", "X-Trace: abc 123", "--header", "X-Unicode: välue", "--out", eml, "--graph-body", graphBody);

        Assert.True(code == 0, stderr);
        Assert.Matches("^Message-ID: <[0-9a-f]{32}@example.com>", stdout);

        JsonElement parsed;
        using (JsonDocument document = JsonDocument.Parse(Peer.Python(Script, eml).EnsureSuccess("python3 email parser").StandardOutput))
        {
            parsed = document.RootElement.Clone();
        }

        JsonElement headers = parsed.GetProperty("headers");
        Assert.Equal("Quartalsbericht — März ✓", headers.GetProperty("Subject").GetString());
        Assert.Equal("abc 123", headers.GetProperty("X-Trace").GetString());
        Assert.Equal("välue", headers.GetProperty("X-Unicode").GetString());
        Assert.Equal(stdout.Split('\n')[0].Trim()["Message-ID: ".Length..], headers.GetProperty("Message-ID").GetString());
        Assert.Equal("Zoë Ångström", parsed.GetProperty("from")[0][0].GetString());
        Assert.Equal("zoe@example.com", parsed.GetProperty("from")[0][1].GetString());
        Assert.Equal(["bob@example.org", "carol@example.org"], parsed.GetProperty("to").EnumerateArray().Select(a => a[1].GetString()));
        Assert.Equal("Carol", parsed.GetProperty("to")[1][0].GetString());
        Assert.Equal("dave@example.org", parsed.GetProperty("cc")[0][1].GetString());
        Assert.Equal("hidden@example.org", parsed.GetProperty("bcc")[0][1].GetString());
        Assert.Equal("Hidden", parsed.GetProperty("bcc")[0][0].GetString());

        JsonElement[] parts = [.. parsed.GetProperty("parts").EnumerateArray()];
        Assert.Equal(["text/plain", "text/html", "application/pdf", "text/plain"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("Hallo Jürgen,\nsee the attachments.\n", Lf(parts[0].GetProperty("text").GetString()));
        Assert.Equal("<p>Hallo <b>Jürgen</b></p>", parts[1].GetProperty("text").GetString());
        Assert.Equal("Bericht März.pdf", parts[2].GetProperty("filename").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(report)), parts[2].GetProperty("sha256").GetString());
        Assert.Equal("notes.txt", parts[3].GetProperty("filename").GetString());
        Assert.Equal("plain notes\n", Lf(parts[3].GetProperty("text").GetString()));

        // The Graph body is the base64 of the .eml, without line breaks.
        string body = await File.ReadAllTextAsync(graphBody);
        Assert.DoesNotContain('\n', body);
        Assert.Equal(await File.ReadAllBytesAsync(eml), Convert.FromBase64String(body));
    }

    [Fact]
    public async Task Without_out_the_message_goes_to_standard_output()
    {
        (int code, string stdout, _) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "Hi", "--text", "Hello");
        Assert.Equal(CommandLine.Success, code);
        Assert.StartsWith("From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\n", stdout, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nHello", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--pss")]
    [InlineData("--opaque")]
    [InlineData("--oaep")]
    [InlineData("--aes-gcm")]
    public async Task Signed_and_encrypted_output_is_decrypted_and_verified_by_openssl(string flag)
    {
        string[] extra = flag.Length == 0 ? [] : [flag];
        string eml = Path.Combine(_dir, "smime.eml");
        string body = Path.Combine(_dir, "smime.b64");
        string[] args =
        [
            "compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "Signed", "--text", "Hello Bob",
            "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"),
            "--out", eml, "--graph-body", body, .. extra,
        ];
        (int code, string stdout, string stderr) = await RunAsync(args);
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Matches("^Message-ID: <[0-9a-f]{32}@example.com>", stdout);
        Assert.Equal(await File.ReadAllBytesAsync(eml), Convert.FromBase64String(await File.ReadAllTextAsync(body)));

        string inner = Path.Combine(_dir, "inner.eml");
        Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert("recipient-rsa2048.pem"), "-inkey", TestPaths.Cert("recipient-rsa2048.key.pem"), "-out", inner).EnsureSuccess("openssl cms -decrypt");
        string[] binary = extra.Contains("--opaque") ? ["-binary"] : [];
        PeerResult verified = Peer.OpenSsl(["cms", "-verify", .. binary, "-in", inner, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", Path.Combine(_dir, "content.eml")]);
        verified.EnsureSuccess("openssl cms -verify");
        Assert.Contains("Hello Bob", await File.ReadAllTextAsync(Path.Combine(_dir, "content.eml")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pss", null, "need --sign")]
    [InlineData("--oaep", null, "need --encrypt-to")]
    [InlineData("--sign", "missing.pfx:pw", "does not exist")]
    [InlineData("--encrypt-to", "missing.pem", "does not exist")]
    public async Task Bad_smime_options_are_usage_errors_and_write_nothing(string option, string? value, string message)
    {
        string eml = Path.Combine(_dir, "never.eml");
        string[] args = ["compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--out", eml, option, .. value is null ? Array.Empty<string>() : [value]];
        (int code, _, string stderr) = await RunAsync(args);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(eml));
    }

    [Theory]
    [InlineData("--sign", "bad-expired.pfx", "expired")]
    [InlineData("--sign", "bad-rsa1024.pfx", "1024 bits")]
    [InlineData("--encrypt-to", "bad-no-email-eku.pem", "emailProtection")]
    public async Task Refused_certificates_name_the_reason_and_write_nothing(string option, string file, string reason)
    {
        string eml = Path.Combine(_dir, "never.eml");
        string value = option == "--sign" ? TestPaths.Cert(file) + ":smimegraph" : TestPaths.Cert(file);
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--out", eml, option, value);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(eml));
    }

    [Theory]
    [InlineData("--subject", "x\r\nBcc: evil@example.com")]
    [InlineData("--subject", "x\nBcc: evil@example.com")]
    [InlineData("--header", "X-A: x\r\nBcc: evil@example.com")]
    [InlineData("--header", "X-A\r\nBcc: evil@example.com")]
    [InlineData("--to", "Evil\r\nBcc: evil@example.com <b@example.com>")]
    public async Task Line_breaks_in_options_are_refused_and_nothing_is_written(string option, string value)
    {
        string eml = Path.Combine(_dir, "never.eml");
        string[] args = ["compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--out", eml, option, value];
        (int code, _, string stderr) = await RunAsync(args);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Matches("not allowed|not a valid header field name", stderr);
        Assert.False(File.Exists(eml));
    }

    [Theory]
    [InlineData("--from")]
    [InlineData("--subject")]
    [InlineData("--to")]
    public async Task Missing_required_options_are_usage_errors(string missing)
    {
        var args = new List<string> { "compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s" };
        int at = args.IndexOf(missing);
        args.RemoveRange(at, 2);
        (int code, _, string stderr) = await RunAsync([.. args]);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_attachment_file_is_a_usage_error()
    {
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--attach", Path.Combine(_dir, "nope.bin"));
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("nope.bin", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attached_eml_is_carried_as_message_rfc822()
    {
        string inner = Path.Combine(_dir, "forwarded.eml");
        await File.WriteAllTextAsync(inner, "From: x@example.com\r\nSubject: inner one\r\n\r\ninner body\r\n");
        string eml = Path.Combine(_dir, "out.eml");
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "fwd", "--text", "see", "--attach", inner, "--out", eml);
        Assert.True(code == 0, stderr);
        JsonElement parts = JsonDocument.Parse(Peer.Python(Script, eml).EnsureSuccess("python3 email parser").StandardOutput).RootElement.GetProperty("parts");
        Assert.Equal(["text/plain", "text/plain"], parts.EnumerateArray().Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("inner body\n", Lf(parts[1].GetProperty("text").GetString()));
        Assert.Contains("Content-Type: message/rfc822\r\n", await File.ReadAllTextAsync(eml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attached_eml_with_bare_lf_is_refused_and_no_file_is_left()
    {
        string inner = Path.Combine(_dir, "unix.eml");
        await File.WriteAllTextAsync(inner, "From: x@example.com\nSubject: inner\n\nbody\n");
        string eml = Path.Combine(_dir, "out.eml");
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "fwd", "--attach", inner, "--out", eml);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("CRLF", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(eml));
    }

    [Fact]
    public async Task Graph_body_over_the_ceiling_is_rejected_before_anything_is_written()
    {
        string big = Path.Combine(_dir, "big.bin");
        await File.WriteAllBytesAsync(big, new byte[3_000_000]);
        string graphBody = Path.Combine(_dir, "body.b64");
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "big", "--attach", big, "--graph-body", graphBody);
        Assert.Equal(CommandLine.Rejected, code);
        Assert.Contains("ceiling", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(graphBody));
    }

    [Fact]
    public async Task An_out_file_that_cannot_be_opened_is_left_as_it_was()
    {
        // Another writer holds the file: compose cannot open it and must not delete it either.
        string eml = Path.Combine(_dir, "held.eml");
        await File.WriteAllTextAsync(eml, "someone else's message");
        int code;
        string stderr;
        using (new FileStream(eml, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            (code, _, stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--text", "t", "--out", eml);
        }

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("held.eml", stderr, StringComparison.Ordinal);
        Assert.Equal("someone else's message", await File.ReadAllTextAsync(eml));
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--graph-body")]
    public async Task An_output_that_is_also_an_attachment_is_refused_and_the_attachment_kept(string output)
    {
        string attachment = Path.Combine(_dir, "report.bin");
        byte[] data = RandomNumberGenerator.GetBytes(5000);
        await File.WriteAllBytesAsync(attachment, data);

        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--attach", attachment, output, Path.Combine(_dir, ".", "report.bin"));

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(output, stderr, StringComparison.Ordinal);
        Assert.Equal(data, await File.ReadAllBytesAsync(attachment));
    }

    [Fact]
    public async Task Out_and_graph_body_on_the_same_file_are_refused()
    {
        string target = Path.Combine(_dir, "both.out");
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--text", "t", "--out", target, "--graph-body", target);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--graph-body", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("--attach", "")]
    [InlineData("--text", "@")]
    [InlineData("--html", "@")]
    [InlineData("--out", "")]
    [InlineData("--graph-body", "")]
    public async Task An_empty_file_name_is_a_usage_error(string option, string value)
    {
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", option, value);

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith("smimegraph compose: " + option + " ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pfx_password_may_contain_colons()
    {
        const string password = "pass:with:colons";
        using X509Certificate2 signer = X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("signer-rsa2048.pfx"), "smimegraph", X509KeyStorageFlags.Exportable);
        string pfx = Path.Combine(_dir, "colon.pfx");
        await File.WriteAllBytesAsync(pfx, signer.Export(X509ContentType.Pkcs12, password));
        string eml = Path.Combine(_dir, "signed.eml");

        (int code, _, string stderr) = await RunAsync("compose", "--from", "alice@example.com", "--to", "b@example.com", "--subject", "s", "--text", "t", "--sign", pfx + ":" + password, "--out", eml);

        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains("multipart/signed", await File.ReadAllTextAsync(eml), StringComparison.Ordinal);
    }

    [Fact]
    public void BuildSpec_is_reusable_with_any_command_that_carries_the_compose_options()
    {
        var options = new ComposeOptions();
        var command = new System.CommandLine.Command("other");
        options.AddTo(command);
        command.Add(new System.CommandLine.Option<string>("--mailbox"));
        System.CommandLine.ParseResult result = command.Parse(["--from", "a@example.com", "--to", "b@example.com", "--bcc", "c@example.com", "--subject", "s", "--header", "X-K: v", "--mailbox", "me"]);
        Assert.Empty(result.Errors);
        var spec = options.BuildSpec(result);
        Assert.Equal("a@example.com", spec.From!.Address);
        Assert.Equal("c@example.com", Assert.Single(spec.Bcc).Address);
        Assert.Equal(new KeyValuePair<string, string>("X-K", "v"), Assert.Single(spec.Headers));
    }

    private static string Lf(string? text) => (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
