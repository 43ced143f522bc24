using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SmimeGraph.Emulator;
using SmimeGraph.Smime;
using SmimeGraph.Tests;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests;

/// <summary>
/// <c>compose --mime FILE.eml</c> and <c>send --mime FILE.eml</c>: a message written by another
/// client is signed and/or encrypted with its routing header fields kept outside. OpenSSL
/// decrypts and verifies the result, MimeKit reads the protected entity back and compares it
/// with the input's body, Python's email package writes one input and reads one output, and
/// EnvelopedCms counts the recipients.
/// </summary>
public sealed class ComposeMimeCommandTests : IDisposable
{
    // A message as a desktop client writes it: LF line ends, 8-bit UTF-8 text, quoted-printable
    // HTML, a base64 attachment, a header field of its own.
    private const string Original = "From: Alice <alice@example.com>\n"
        + "To: Bob <bob@example.com>\n"
        + "Subject: Figures\n"
        + "Date: Sat, 21 Nov 2026 06:04:55 +0000\n"
        + "Message-ID: <draft-1@example.com>\n"
        + "X-Mailer: Another client 1.0\n"
        + "MIME-Version: 1.0\n"
        + "Content-Type: multipart/mixed; boundary=\"outer\"\n"
        + "\n"
        + "--outer\n"
        + "Content-Type: multipart/alternative; boundary=\"alt\"\n"
        + "\n"
        + "--alt\n"
        + "Content-Type: text/plain; charset=utf-8\n"
        + "Content-Transfer-Encoding: 8bit\n"
        + "\n"
        + "Grüße, Bob\n"
        + "--alt\n"
        + "Content-Type: text/html; charset=utf-8\n"
        + "Content-Transfer-Encoding: quoted-printable\n"
        + "\n"
        + "<p>Gr=C3=BC=C3=9Fe, <b>Bob</b></p>\n"
        + "--alt--\n"
        + "--outer\n"
        + "Content-Type: application/octet-stream; name=\"data.bin\"\n"
        + "Content-Disposition: attachment; filename=\"data.bin\"\n"
        + "Content-Transfer-Encoding: base64\n"
        + "\n"
        + "{BASE64}\n"
        + "--outer--\n";

    private static readonly string Signer = TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph";

    private readonly string _dir = TestPaths.NewTempDirectory();
    private readonly byte[] _attachment = RandomNumberGenerator.GetBytes(3000);
    private readonly string _eml;

    public ComposeMimeCommandTests()
    {
        _eml = Path.Combine(_dir, "draft.eml");
        File.WriteAllText(_eml, Draft(_attachment));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Signs_and_encrypts_an_existing_message_keeping_its_routing_fields_outside()
    {
        string output = Path.Combine(_dir, "out.eml");
        string graphBody = Path.Combine(_dir, "out.b64");
        (int code, string stdout, string stderr) = await CliRunner.RunAsync(
            "compose", "--mime", _eml, "--sign", Signer, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--no-sender-copy", "--out", output, "--graph-body", graphBody);
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains("Message-ID: <draft-1@example.com>", stdout, StringComparison.Ordinal);
        Assert.Contains("under the 4,000,000-byte ceiling", stdout, StringComparison.Ordinal);

        // Outside: the draft's routing fields, as MimeKit reads them; the Graph body is the same message.
        using (var outer = global::MimeKit.MimeMessage.Load(output))
        {
            Assert.Equal("alice@example.com", Assert.Single(outer.From.Mailboxes).Address);
            Assert.Equal("bob@example.com", Assert.Single(outer.To.Mailboxes).Address);
            Assert.Equal("Figures", outer.Subject);
            Assert.Equal("draft-1@example.com", outer.MessageId);
            Assert.Equal("Another client 1.0", outer.Headers["X-Mailer"]);
            Assert.Equal(new DateTimeOffset(2026, 11, 21, 6, 4, 55, TimeSpan.Zero), outer.Date);
            var envelope = Assert.IsType<global::MimeKit.Cryptography.ApplicationPkcs7Mime>(outer.Body);
            Assert.Equal(global::MimeKit.Cryptography.SecureMimeType.EnvelopedData, envelope.SecureMimeType);
        }

        Assert.Equal(await File.ReadAllBytesAsync(output), Convert.FromBase64String(await File.ReadAllTextAsync(graphBody)));

        // Inside: OpenSSL decrypts and verifies; the entity is the draft's body, byte for byte in content.
        string verified = VerifyWithOpenSsl(DecryptWithOpenSsl(output, "recipient-rsa2048"));
        AssertSameEntityAsTheDraftsBody(verified);
        Assert.DoesNotContain("Subject:", await File.ReadAllTextAsync(verified), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Signs_opaquely_and_openssl_verifies_the_drafts_body()
    {
        string output = Path.Combine(_dir, "opaque.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--mime", _eml, "--sign", Signer, "--opaque", "--out", output);
        Assert.True(code == CommandLine.Success, stderr);

        using (var outer = global::MimeKit.MimeMessage.Load(output))
        {
            var signed = Assert.IsType<global::MimeKit.Cryptography.ApplicationPkcs7Mime>(outer.Body);
            Assert.Equal(global::MimeKit.Cryptography.SecureMimeType.SignedData, signed.SecureMimeType);
            Assert.Equal("draft-1@example.com", outer.MessageId);
        }

        AssertSameEntityAsTheDraftsBody(VerifyWithOpenSsl(output));
    }

    [Fact]
    public async Task A_message_written_by_pythons_email_package_is_signed_as_it_was_written()
    {
        string draft = Path.Combine(_dir, "python.eml");
        string attachment = Path.Combine(_dir, "report.pdf");
        await File.WriteAllBytesAsync(attachment, _attachment);
        Peer.Python(
            """
            import sys
            from email.message import EmailMessage
            from email import policy
            msg = EmailMessage()
            msg['From'] = 'Alice Müller <alice@example.com>'
            msg['To'] = 'bob@example.com, Carol <carol@example.com>'
            msg['Subject'] = 'Résumé attached'
            msg['Message-ID'] = '<python-1@example.com>'
            msg.set_content('Hello Bob,\nthe résumé is attached.\n')
            msg.add_alternative('<p>Hello Bob, the <i>résumé</i> is attached.</p>\n', subtype='html')
            msg.add_attachment(open(sys.argv[2], 'rb').read(), maintype='application', subtype='pdf', filename='report.pdf')
            open(sys.argv[1], 'wb').write(msg.as_bytes(policy=policy.SMTP))
            """,
            draft,
            attachment).EnsureSuccess("python email (write)");

        string output = Path.Combine(_dir, "python-signed.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--mime", draft, "--sign", Signer, "--out", output);
        Assert.True(code == CommandLine.Success, stderr);
        string verified = VerifyWithOpenSsl(output);

        // Python reads the outer fields and the verified entity back.
        PeerResult parsed = Peer.Python(
            """
            import sys, email, hashlib
            from email import policy
            outer = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
            print(outer['Subject'])
            print(outer['From'].addresses[0].display_name)
            print(outer['Message-ID'])
            print(outer.get_content_type())
            inner = email.message_from_binary_file(open(sys.argv[2], 'rb'), policy=policy.default)
            print(inner.get_body(preferencelist=('plain',)).get_content().strip().replace('\n', ' '))
            att = next(inner.iter_attachments())
            print(att.get_filename(), hashlib.sha256(att.get_content()).hexdigest().upper())
            """,
            output,
            verified).EnsureSuccess("python email (read)");
        string[] lines = parsed.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("Résumé attached", lines[0]);
        Assert.Equal("Alice Müller", lines[1]);
        Assert.Equal("<python-1@example.com>", lines[2]);
        Assert.Equal("multipart/signed", lines[3]);
        Assert.Equal("Hello Bob, the résumé is attached.", lines[4]);
        Assert.Equal("report.pdf " + Convert.ToHexString(SHA256.HashData(_attachment)), lines[5]);

        // MimeKit compares the whole entity with the body of Python's message.
        using var original = global::MimeKit.MimeMessage.Load(draft);
        using var inside = global::MimeKit.MimeEntity.Load(verified);
        AssertSameEntity(original.Body!, inside);
    }

    [Fact]
    public async Task Protect_headers_puts_the_drafts_fields_inside_and_hides_the_subject_outside()
    {
        string output = Path.Combine(_dir, "protected.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync(
            "compose", "--mime", _eml, "--sign", Signer, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--no-sender-copy", "--protect-headers", "--out", output);
        Assert.True(code == CommandLine.Success, stderr);

        // RFC 9788 §3.2.1 hcp_baseline: outside, the Subject is obscured and the rest kept.
        using (var outer = global::MimeKit.MimeMessage.Load(output))
        {
            Assert.Equal("[...]", outer.Subject);
            Assert.Equal("draft-1@example.com", outer.MessageId);
            Assert.Equal("Another client 1.0", outer.Headers["X-Mailer"]);
        }

        // Inside, read by OpenSSL and MimeKit: the draft's fields, HP-Outer records of what went
        // outside (§2.2), hp="cipher" on the payload (§2.1), and the draft's body.
        string verified = VerifyWithOpenSsl(DecryptWithOpenSsl(output, "recipient-rsa2048"));
        using var inside = global::MimeKit.MimeEntity.Load(verified);
        Assert.Equal("Figures", inside.Headers["Subject"]);
        Assert.Equal("Alice <alice@example.com>", inside.Headers["From"]);
        Assert.Equal("<draft-1@example.com>", inside.Headers["Message-ID"]);
        Assert.Equal("cipher", inside.ContentType.Parameters["hp"]);
        string[] records = [.. inside.Headers.Where(h => h.Field == "HP-Outer").Select(h => h.Value.Trim())];
        Assert.Contains("Subject: [...]", records);
        Assert.Contains("From: Alice <alice@example.com>", records);
        Assert.Contains("X-Mailer: Another client 1.0", records);
        AssertSameEntityAsTheDraftsBody(verified);

        // The library's inspector takes the protected Subject as the one to show.
        var options = new SmimeInspectorOptions();
        options.DecryptionCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("recipient-rsa2048.pfx"), "smimegraph"));
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("root-ca.pem")));
        InspectionResult result = SmimeInspector.Inspect(await File.ReadAllBytesAsync(output), options);
        Assert.True(result.IsSigned && result.IsEncrypted);
        Assert.Equal("cipher", result.HeaderProtection?.Mode);
        Assert.Equal("Figures", result.HeaderProtection?.GetProtectedHeader("Subject")?.Trim());
    }

    [Fact]
    public async Task Protect_headers_on_a_signed_only_message_copies_the_fields_inside_and_keeps_the_subject_outside()
    {
        string output = Path.Combine(_dir, "protected-clear.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--mime", _eml, "--sign", Signer, "--protect-headers", "--out", output);
        Assert.True(code == CommandLine.Success, stderr);

        using (var outer = global::MimeKit.MimeMessage.Load(output))
        {
            Assert.Equal("Figures", outer.Subject);
        }

        string verified = VerifyWithOpenSsl(output);
        using var inside = global::MimeKit.MimeEntity.Load(verified);
        Assert.Equal("Figures", inside.Headers["Subject"]);
        Assert.Equal("clear", inside.ContentType.Parameters["hp"]);
        Assert.DoesNotContain(inside.Headers, h => h.Field == "HP-Outer");
        AssertSameEntityAsTheDraftsBody(verified);
    }

    [Fact]
    public async Task Protect_headers_protects_the_date_and_message_id_added_to_a_draft_without_them()
    {
        string draft = Path.Combine(_dir, "undated.eml");
        await File.WriteAllTextAsync(draft, "From: alice@example.com\nTo: bob@example.com\nSubject: Undated\n\nNo Date, no Message-ID.\n");
        string output = Path.Combine(_dir, "undated-signed.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--mime", draft, "--sign", Signer, "--protect-headers", "--out", output);
        Assert.True(code == CommandLine.Success, stderr);

        using var outer = global::MimeKit.MimeMessage.Load(output);
        using var inside = global::MimeKit.MimeEntity.Load(VerifyWithOpenSsl(output));
        Assert.False(string.IsNullOrEmpty(outer.MessageId));
        Assert.Equal("<" + outer.MessageId + ">", inside.Headers["Message-ID"]);
        Assert.Equal(outer.Headers["Date"], inside.Headers["Date"]);
        Assert.Single(outer.Headers, h => h.Field == "Date");
    }

    [Fact]
    public async Task Sender_cert_adds_the_senders_copy_and_no_sender_copy_leaves_it_out()
    {
        string withCopy = Path.Combine(_dir, "with-copy.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync(
            "compose", "--mime", _eml, "--sign", Signer, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--sender-cert", TestPaths.Cert("sender-rsa2048-enc.pem"), "--out", withCopy);
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Equal(2, RecipientCount(withCopy));
        AssertSameEntityAsTheDraftsBody(VerifyWithOpenSsl(DecryptWithOpenSsl(withCopy, "sender-rsa2048-enc")));

        string withoutCopy = Path.Combine(_dir, "without-copy.eml");
        (code, _, stderr) = await CliRunner.RunAsync(
            "compose", "--mime", _eml, "--sign", Signer, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--no-sender-copy", "--out", withoutCopy);
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(1, RecipientCount(withoutCopy));
    }

    [Fact]
    public async Task Json_reports_the_drafts_message_id_the_protection_and_the_sizes_written()
    {
        string output = Path.Combine(_dir, "json.eml");
        (int code, string stdout, string stderr) = await CliRunner.RunAsync(
            "compose", "--mime", _eml, "--sign", Signer, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--sender-cert", TestPaths.Cert("sender-rsa2048-enc.pem"), "--out", output, "--json");
        Assert.True(code == CommandLine.Success, stderr);

        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.Equal("draft-1@example.com", root.GetProperty("messageId").GetString());
        Assert.True(root.GetProperty("signed").GetBoolean());
        Assert.True(root.GetProperty("encrypted").GetBoolean());
        Assert.True(root.GetProperty("senderCopy").GetBoolean());
        long length = new FileInfo(output).Length;
        Assert.Equal(length, root.GetProperty("mimeLength").GetInt64());
        Assert.Equal((length + 2) / 3 * 4, root.GetProperty("graphBodyLength").GetInt64());
        Assert.Equal(4_000_000 - ((length + 2) / 3 * 4), root.GetProperty("headroom").GetInt64());
        Assert.True(root.GetProperty("fits").GetBoolean());
        Assert.Equal(output, root.GetProperty("out").GetString());

        // The room for one more attachment is computed for a message described by the options only.
        Assert.Equal(JsonValueKind.Null, root.GetProperty("maxAttachmentBytes").ValueKind);
    }

    public static TheoryData<string, string> MessageOptions() => new()
    {
        { "--from", "x@example.com" },
        { "--to", "x@example.com" },
        { "--cc", "x@example.com" },
        { "--bcc", "x@example.com" },
        { "--subject", "s" },
        { "--text", "t" },
        { "--html", "<p>t</p>" },
        { "--attach", "a.bin" },
        { "--header", "X-A: b" },
    };

    [Theory]
    [MemberData(nameof(MessageOptions))]
    public async Task An_option_that_describes_a_message_is_refused_beside_mime(string option, string value)
    {
        string output = Path.Combine(_dir, "refused.eml");
        foreach (string command in new[] { "compose", "send" })
        {
            (int code, string stdout, string stderr) = await CliRunner.RunAsync(command, "--mime", _eml, option, value, "--out", output);
            Assert.Equal(CommandLine.Usage, code);
            Assert.Empty(stdout);
            Assert.Contains($"smimegraph {command}: {option} cannot be combined with --mime", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
    }

    [Fact]
    public async Task Without_mime_from_and_subject_are_still_required()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--to", "b@example.com");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("Option '--from' is required.", stderr, StringComparison.Ordinal);
        Assert.Contains("Option '--subject' is required.", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--out", "same")]
    [InlineData("--graph-body", "same")]
    [InlineData("--out", "symlink")]
    [InlineData("--graph-body", "symlink")]
    [InlineData("--out", "hardlink")]
    [InlineData("--graph-body", "hardlink")]
    public async Task An_output_that_is_the_mime_input_by_any_name_is_refused_and_the_input_kept(string output, string how)
    {
        byte[] before = await File.ReadAllBytesAsync(_eml);
        string target = how switch
        {
            "same" => Path.Combine(_dir, ".", "draft.eml"),
            "symlink" => File.CreateSymbolicLink(Path.Combine(_dir, "link.eml"), _eml).FullName,
            _ => HardLink(_eml, Path.Combine(_dir, "hard.eml")),
        };

        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--mime", _eml, "--sign", Signer, output, target);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"{output} would overwrite the --mime input", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(_eml));
    }

    public static TheoryData<string, string, string> MalformedMessages() => new()
    {
        { "empty", string.Empty, "--mime" },
        { "no header", "\u0000\u0001binary junk, not a message\n", "--mime" },
        { "no from", "To: bob@example.com\r\nSubject: x\r\n\r\nbody\r\n", "From" },
        { "too deep", Nested(40), "--mime" },
    };

    [Theory]
    [MemberData(nameof(MalformedMessages))]
    public async Task A_malformed_message_is_a_one_line_usage_error_and_nothing_is_written(string name, string content, string named)
    {
        string bad = Path.Combine(_dir, "bad.eml");
        await File.WriteAllTextAsync(bad, content);
        string output = Path.Combine(_dir, "out.eml");
        string graphBody = Path.Combine(_dir, "out.b64");
        await File.WriteAllTextAsync(graphBody, "kept");

        (int code, string stdout, string stderr) = await CliRunner.RunAsync("compose", "--mime", bad, "--sign", Signer, "--out", output, "--graph-body", graphBody);

        Assert.True(code == CommandLine.Usage, $"{name}: exit {code}\n{stderr}");
        Assert.Empty(stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("smimegraph compose: ", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Equal("kept", await File.ReadAllTextAsync(graphBody));
        Assert.Equal(["bad.eml", "draft.eml", "out.b64"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missing_file_or_a_directory_is_a_usage_error_naming_mime()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync("compose", "--mime", Path.Combine(_dir, "missing.eml"));
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--mime: ", stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync("compose", "--mime", _dir);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("is a directory", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_the_ceiling_the_graph_body_is_refused_with_exit_3_and_nothing_is_written()
    {
        string big = Path.Combine(_dir, "big.eml");
        await File.WriteAllTextAsync(big, Draft(RandomNumberGenerator.GetBytes(3_200_000)));
        string graphBody = Path.Combine(_dir, "big.b64");
        string output = Path.Combine(_dir, "big-out.eml");

        foreach (string[] outputs in new[] { new[] { "--graph-body", graphBody }, ["--graph-body", graphBody, "--out", output] })
        {
            (int code, string stdout, string stderr) = await CliRunner.RunAsync(["compose", "--mime", big, "--sign", Signer, .. outputs, "--json"]);
            Assert.True(code == CommandLine.Rejected, stderr);
            Assert.Contains("over the ceiling of 4,000,000 bytes", stderr, StringComparison.Ordinal);
            using JsonDocument json = JsonDocument.Parse(stdout);
            Assert.Equal("rejected", json.RootElement.GetProperty("status").GetString());
            Assert.Equal(4_000_000, json.RootElement.GetProperty("ceiling").GetInt64());
            Assert.True(json.RootElement.GetProperty("excessBytes").GetInt64() > 0);
            Assert.False(File.Exists(graphBody));
            Assert.False(File.Exists(output));
        }
    }

    [Fact]
    public async Task Send_signs_encrypts_and_delivers_the_draft_through_the_emulator()
    {
        Environment.SetEnvironmentVariable(SendCommand.TokenVariable, "test-token");
        // A draft dated now: the inspector refuses a Date far from the signing time.
        string draft = Path.Combine(_dir, "today.eml");
        await File.WriteAllTextAsync(draft, Draft(_attachment).Replace("Sat, 21 Nov 2026 06:04:55 +0000", DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await using EmulatorHost host = await EmulatorHost.StartAsync(new EmulatorOptions { StoreDirectory = TestPaths.NewTempDirectory() });
        (int code, string stdout, string stderr) = await CliRunner.RunAsync(
            "send", "--graph", host.BaseAddress.ToString(), "--mime", draft, "--sign", Signer, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--no-sender-copy", "--json");
        Assert.True(code == CommandLine.Success, stderr);
        using (JsonDocument json = JsonDocument.Parse(stdout))
        {
            Assert.Equal("sent", json.RootElement.GetProperty("action").GetString());
            Assert.Equal("draft-1@example.com", json.RootElement.GetProperty("messageId").GetString());
        }

        host.DeliverSentItemsNow();
        EmulatorMessage stored = Assert.Single(host.GetMessages("me", "sentitems"));
        var options = new SmimeInspectorOptions();
        options.DecryptionCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("recipient-rsa2048.pfx"), "smimegraph"));
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("root-ca.pem")));
        InspectionResult result = SmimeInspector.Inspect(await File.ReadAllBytesAsync(stored.Path), options);
        Assert.True(result.IsValid && result.IsSigned && result.IsEncrypted, string.Join("; ", result.Problems));

        // OpenSSL takes the stored copy apart too, and MimeKit finds the draft's body inside.
        AssertSameEntityAsTheDraftsBody(VerifyWithOpenSsl(DecryptWithOpenSsl(stored.Path, "recipient-rsa2048")));
        Assert.Equal("draft-1@example.com", global::MimeKit.MimeMessage.Load(stored.Path).MessageId);
    }

    private static string Draft(byte[] attachment) =>
        Original.Replace("{BASE64}", Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

    // A message whose body nests multiparts deeper than a reader accepts.
    private static string Nested(int depth)
    {
        var text = new StringBuilder("From: alice@example.com\r\nTo: bob@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
        for (int i = 0; i < depth; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
        }

        text.Append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for (int i = depth - 1; i >= 0; i--)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"--b{i}--\r\n");
        }

        return text.ToString();
    }

    private static string HardLink(string existing, string link)
    {
        Peer.Run("ln", [existing, link]).EnsureSuccess("ln");
        return link;
    }

    private string DecryptWithOpenSsl(string eml, string recipient)
    {
        string decrypted = Path.Combine(_dir, $"decrypted-{Guid.NewGuid():N}.eml");
        Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert(recipient + ".pem"), "-inkey", TestPaths.Cert(recipient + ".key.pem"), "-out", decrypted).EnsureSuccess("openssl cms -decrypt");
        return decrypted;
    }

    private string VerifyWithOpenSsl(string eml)
    {
        string verified = Path.Combine(_dir, $"verified-{Guid.NewGuid():N}.eml");
        PeerResult verify = Peer.OpenSsl("cms", "-verify", "-in", eml, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", verified);
        verify.EnsureSuccess("openssl cms -verify");
        Assert.Contains("Verification successful", verify.StandardError, StringComparison.Ordinal);
        return verified;
    }

    private static int RecipientCount(string eml)
    {
        using var message = global::MimeKit.MimeMessage.Load(eml);
        var part = Assert.IsType<global::MimeKit.Cryptography.ApplicationPkcs7Mime>(message.Body);
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        var enveloped = new EnvelopedCms();
        enveloped.Decode(content.ToArray());
        return enveloped.RecipientInfos.Count;
    }

    private void AssertSameEntityAsTheDraftsBody(string verified)
    {
        using var draft = global::MimeKit.MimeMessage.Load(_eml);
        using var inside = global::MimeKit.MimeEntity.Load(verified);
        AssertSameEntity(draft.Body!, inside);
    }

    // The same tree of media types, parameters and file names, and the same decoded content in
    // every leaf: what a reader shows. Transfer encodings and line ends may differ (the inside
    // is canonical 7-bit, RFC 8551 §3.1.1).
    private static void AssertSameEntity(global::MimeKit.MimeEntity expected, global::MimeKit.MimeEntity actual)
    {
        Assert.Equal(expected.ContentType.MimeType, actual.ContentType.MimeType, ignoreCase: true);
        Assert.Equal(expected.ContentType.Charset, actual.ContentType.Charset);
        Assert.Equal(expected.ContentDisposition?.FileName, actual.ContentDisposition?.FileName);
        switch (expected)
        {
            case global::MimeKit.Multipart multipart:
                var other = Assert.IsAssignableFrom<global::MimeKit.Multipart>(actual);
                Assert.Equal(multipart.Count, other.Count);
                for (int i = 0; i < multipart.Count; i++)
                {
                    AssertSameEntity(multipart[i], other[i]);
                }

                break;
            case global::MimeKit.TextPart text:
                Assert.Equal(text.Text.ReplaceLineEndings("\n"), Assert.IsAssignableFrom<global::MimeKit.TextPart>(actual).Text.ReplaceLineEndings("\n"));
                break;
            case global::MimeKit.MimePart part:
                Assert.Equal(Decoded(part), Decoded(Assert.IsAssignableFrom<global::MimeKit.MimePart>(actual)));
                break;
            default:
                Assert.Fail($"unexpected entity {expected.GetType().Name}");
                break;
        }
    }

    private static byte[] Decoded(global::MimeKit.MimePart part)
    {
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        return content.ToArray();
    }
}
