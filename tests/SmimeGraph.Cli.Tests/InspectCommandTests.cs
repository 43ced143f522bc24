using System.Text.Json;
using SmimeGraph.Tests;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests;

public class InspectCommandTests
{
    private const string At = "2026-06-01T00:00:00Z";

    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "thunderbird-nss", file);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["inspect", .. args], stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Content_out_streams_and_writes_the_verified_decrypted_content_only_when_valid()
    {
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        string content = Path.Combine(dir, "content.eml");
        int composed = await CommandLine.RunAsync(
            ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "streamed", "--text", "Read as a stream.",
             "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--out", eml],
            new StringWriter(),
            new StringWriter(),
            CancellationToken.None);
        Assert.Equal(CommandLine.Success, composed);

        (int code, string output, _) = await Run(eml, "--key", TestPaths.Cert("recipient-rsa2048.pfx") + ":smimegraph", "--trust", TestPaths.Cert("root-ca.pem"), "--content-out", content);

        Assert.Equal(CommandLine.Success, code);
        Assert.Contains("content written to " + content, output, StringComparison.Ordinal);
        string written = File.ReadAllText(content);
        Assert.Contains("Read as a stream.", written, StringComparison.Ordinal);

        // The same bytes as openssl's decrypt-then-verify.
        string decrypted = Path.Combine(dir, "decrypted.eml");
        string verified = Path.Combine(dir, "verified.eml");
        Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert("recipient-rsa2048.pem"), "-inkey", TestPaths.Cert("recipient-rsa2048.key.pem"), "-out", decrypted).EnsureSuccess("openssl cms -decrypt");
        Peer.OpenSsl("cms", "-verify", "-in", decrypted, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", verified).EnsureSuccess("openssl cms -verify");
        Assert.Equal(File.ReadAllBytes(verified), File.ReadAllBytes(content));

        // Without the trust anchor the message is not valid: the earlier file stays as it was.
        File.WriteAllText(content, "before");
        (int untrusted, string report, _) = await Run(eml, "--key", TestPaths.Cert("recipient-rsa2048.pfx") + ":smimegraph", "--content-out", content);
        Assert.Equal(CommandLine.Invalid, untrusted);
        Assert.Contains("content not written", report, StringComparison.Ordinal);
        Assert.Equal("before", File.ReadAllText(content));

        // And the content may not overwrite the message it comes from.
        (int refused, _, string error) = await Run(eml, "--key", TestPaths.Cert("recipient-rsa2048.pfx") + ":smimegraph", "--content-out", eml);
        Assert.Equal(CommandLine.Usage, refused);
        Assert.Contains("--content-out", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_trusted_signature_exits_zero()
    {
        (int code, string output, _) = await Run(Data("alice.dsig.SHA256.multipart.eml"), "--trust", Data("TestCA.pem"), "--at", At);
        Assert.Equal(CommandLine.Success, code);
        Assert.Contains("VALID", output);
        Assert.Contains("valid and trusted", output);
    }

    [Fact]
    public async Task A_trusted_intermediate_anchors_the_chain()
    {
        // RFC 5280 §6.1.1(d): a configured anchor need not be self-signed.
        string eml = Path.Combine(Path.GetTempPath(), "smimegraph-intermediate-" + Guid.NewGuid().ToString("N") + ".eml");
        try
        {
            int composed = await CommandLine.RunAsync(
                ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "anchored", "--text", "Signed below the intermediate.",
                 "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--out", eml],
                new StringWriter(),
                new StringWriter(),
                CancellationToken.None);
            Assert.Equal(CommandLine.Success, composed);

            (int code, string output, _) = await Run(eml, "--trust", TestPaths.Cert("intermediate.pem"));
            Assert.True(code == CommandLine.Success, output);
            Assert.Contains("valid and trusted", output);

            // The control: an anchor nothing here chains to.
            (int other, string otherOutput, _) = await Run(eml, "--trust", Data("TestCA.pem"));
            Assert.Equal(CommandLine.Invalid, other);
            Assert.Contains("[no-trust-anchor]", otherOutput);
        }
        finally
        {
            File.Delete(eml);
        }
    }

    [Fact]
    public async Task Compose_protect_headers_and_inspect_json_show_the_protected_fields()
    {
        string eml = Path.Combine(Path.GetTempPath(), "smimegraph-hp-" + Guid.NewGuid().ToString("N") + ".eml");
        try
        {
            var composeErr = new StringWriter();
            int composed = await CommandLine.RunAsync(
                ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "Board minutes", "--text", "Protected.",
                 "--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--protect-headers", "--out", eml],
                new StringWriter(),
                composeErr,
                CancellationToken.None);
            Assert.True(composed == CommandLine.Success, composeErr.ToString());
            Assert.Contains("Subject: [...]\r\n", await File.ReadAllTextAsync(eml));

            (int code, string output, _) = await Run(eml, "--key", TestPaths.Cert("recipient-rsa2048.pfx") + ":smimegraph", "--trust", TestPaths.Cert("root-ca.pem"), "--json");
            Assert.True(code == CommandLine.Success, output);
            using JsonDocument document = JsonDocument.Parse(output);
            JsonElement protection = document.RootElement.GetProperty("headerProtection");
            Assert.Equal("cipher", protection.GetProperty("mode").GetString());
            Assert.Contains(protection.GetProperty("protectedFields").EnumerateArray(), f => f.GetProperty("name").GetString() == "Subject" && f.GetProperty("value").GetString() == "Board minutes");
            JsonElement difference = Assert.Single(protection.GetProperty("differences").EnumerateArray().ToArray());
            Assert.Equal("Subject", difference.GetProperty("name").GetString());
            Assert.Equal("[...]", difference.GetProperty("outer").GetString());
            Assert.False(difference.GetProperty("makesMessageInvalid").GetBoolean());
        }
        finally
        {
            File.Delete(eml);
        }
    }

    [Fact]
    public async Task Protect_headers_without_sign_or_encrypt_is_a_usage_error()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(
            ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "s", "--text", "t", "--protect-headers"],
            new StringWriter(),
            stderr,
            CancellationToken.None);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--protect-headers needs --sign or --encrypt-to", stderr.ToString());
    }

    [Fact]
    public async Task A_message_without_any_smime_layer_exits_one()
    {
        string file = Path.Combine(Path.GetTempPath(), "smimegraph-plain-" + Guid.NewGuid().ToString("N") + ".eml");
        await File.WriteAllTextAsync(file, "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: plain\r\n\r\nNot signed.\r\n");
        (int code, string output, _) = await Run(file, "--at", At);
        File.Delete(file);
        Assert.Equal(CommandLine.Invalid, code);
        Assert.Contains("NOT VALID", output);
        Assert.Contains("neither signed nor encrypted", output);
    }

    [Fact]
    public async Task Untrusted_tampered_or_weak_signatures_exit_one()
    {
        Assert.Equal(CommandLine.Invalid, (await Run(Data("alice.dsig.SHA256.multipart.eml"), "--at", At)).Code);
        (int bad, string badOut, _) = await Run(Data("alice.dsig.SHA256.multipart.bad.eml"), "--trust", Data("TestCA.pem"), "--at", At);
        Assert.Equal(CommandLine.Invalid, bad);
        Assert.Contains("INVALID", badOut);
        (int weak, string weakOut, _) = await Run(Data("alice.dsig.SHA1.multipart.eml"), "--trust", Data("TestCA.pem"), "--at", At);
        Assert.Equal(CommandLine.Invalid, weak);
        Assert.Contains("weak: digest algorithm SHA-1 is weak", weakOut);
    }

    [Fact]
    public async Task Encrypted_message_needs_the_key()
    {
        (int code, string output, _) = await Run(Data("alice.env.eml"), "--at", At);
        Assert.Equal(CommandLine.Invalid, code);
        Assert.Contains("NOT decrypted", output);
        Assert.Contains("[decryption-failed]", output);
    }

    [Fact]
    public async Task Encrypted_only_message_is_not_valid_even_when_it_decrypts()
    {
        // Anyone holding Bob's certificate can encrypt to him under any From: confidentiality, not authenticity.
        (int code, string output, _) = await Run(Data("alice.env.eml"), "--key", Data("Bob.p12") + ":nss", "--at", At);
        Assert.Equal(CommandLine.Invalid, code);
        Assert.Contains("NOT VALID", output);
        Assert.Contains("decrypted with", output);
        Assert.Contains("  authenticity: encrypted, not signed\n", output);
        Assert.Contains("  confidentiality: encrypted (AES-128-CBC; not integrity protected)\n", output);
        Assert.Contains("    [encrypted-not-signed] encrypted, not signed", output);
    }

    [Fact]
    public async Task Text_report_lists_every_problem_with_its_code()
    {
        // Without --trust the NSS test CA anchors nothing: the reason is named at the top.
        (int code, string output, _) = await Run(Data("alice.dsig.SHA256.multipart.eml"), "--at", At);
        Assert.Equal(CommandLine.Invalid, code);
        Assert.Contains("  problems:\n", output);
        Assert.Contains("[no-trust-anchor] signature layer 1: the certificate of", output);
    }

    [Fact]
    public async Task Json_has_the_findings_and_the_problem_list()
    {
        (int code, string output, _) = await Run(Data("alice.env.eml"), "--key", Data("Bob.p12") + ":nss", "--at", At, "--json");
        Assert.Equal(CommandLine.Invalid, code);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        JsonElement problem = Assert.Single(root.GetProperty("problems").EnumerateArray().ToArray());
        Assert.Equal("encrypted-not-signed", problem.GetProperty("code").GetString());
        Assert.StartsWith("encrypted, not signed", problem.GetProperty("message").GetString());
        Assert.False(root.GetProperty("authenticity").GetProperty("authentic").GetBoolean());
        Assert.Equal("encrypted, not signed", root.GetProperty("authenticity").GetProperty("summary").GetString());
        JsonElement confidentiality = root.GetProperty("confidentiality");
        Assert.True(confidentiality.GetProperty("encrypted").GetBoolean());
        Assert.True(confidentiality.GetProperty("decrypted").GetBoolean());
        Assert.False(confidentiality.GetProperty("integrityProtected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("headerProtection").ValueKind);
    }

    [Fact]
    public async Task Json_describes_every_layer()
    {
        (int code, string output, _) = await Run(Data("alice.sig.SHA256.opaque.env.eml"), "--key", Data("Bob.p12") + ":nss", "--trust", Data("TestCA.pem"), "--at", At, "--json");
        Assert.Equal(CommandLine.Success, code);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Empty(root.GetProperty("problems").EnumerateArray());
        Assert.True(root.GetProperty("authenticity").GetProperty("authentic").GetBoolean());
        Assert.Equal(["Alice@example.com"], root.GetProperty("authenticity").GetProperty("fromAddresses").EnumerateArray().Select(a => a.GetString()));
        Assert.True(root.GetProperty("encrypted").GetBoolean());
        Assert.True(root.GetProperty("signed").GetBoolean());
        JsonElement[] layers = root.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(2, layers.Length);
        Assert.Equal("encryption", layers[0].GetProperty("type").GetString());
        Assert.Equal("AES-128-CBC", layers[0].GetProperty("contentEncryptionAlgorithm").GetString());
        Assert.False(layers[0].GetProperty("authenticated").GetBoolean());
        Assert.Equal("signature", layers[1].GetProperty("type").GetString());
        Assert.Equal(1, layers[1].GetProperty("depth").GetInt32());
        Assert.Equal("opaque", layers[1].GetProperty("form").GetString());
        JsonElement signature = Assert.Single(layers[1].GetProperty("signatures").EnumerateArray().ToArray());
        Assert.Equal("SHA-256", signature.GetProperty("digestAlgorithm").GetString());
        Assert.True(signature.GetProperty("validAndTrusted").GetBoolean());
        Assert.True(signature.GetProperty("signerMatchesSender").GetBoolean());
        Assert.Contains("Alice", signature.GetProperty("signer").GetString());
        Assert.Equal("text/plain", root.GetProperty("content").GetProperty("mediaType").GetString());
    }

    [Theory]
    [InlineData("missing.eml")]
    [InlineData("alice.env.eml", "--at", "not-a-time")]
    [InlineData("alice.env.eml", "--key", "Bob.p12:wrong-password")]
    [InlineData("alice.env.eml", "--trust", "alice.env.eml")]
    public async Task Unreadable_input_exits_two(string file, params string[] rest)
    {
        string[] args = [Data(file), .. rest.Select(a => a.Contains(".p12", StringComparison.Ordinal) || a.EndsWith(".eml", StringComparison.Ordinal) ? Data(a) : a)];
        (int code, _, string error) = await Run(args);
        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith("smimegraph inspect:", error);
    }

    [Fact]
    public async Task File_argument_is_required()
    {
        Assert.Equal(CommandLine.Usage, (await Run()).Code);
    }
}
