using System.Text;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Composing with RFC 9788 header protection (<see cref="SmimeOptions.ProtectHeaders"/>,
/// hcp_baseline): OpenSSL verifies and decrypts what was written and Python's email package reads
/// the protected fields, the <c>hp</c> parameter and the <c>HP-Outer</c> records; the inspector
/// then uses the protected fields and names an outer one changed in transit.
/// </summary>
public class HeaderProtectionWritingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private const string Subject = "Quarterly figures – signed";

    // Prints the header fields of a MIME file as Python's email package reads them.
    private const string ReadHeaders =
        """
        import sys, email, email.policy
        msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
        print('type=' + msg.get_content_type())
        print('hp=' + str(msg.get_param('hp')))
        for name in ('From', 'To', 'Bcc', 'Subject', 'Date', 'Message-ID'):
            print(name + '=' + str(msg[name]))
        for record in msg.get_all('HP-Outer') or []:
            print('HP-Outer=' + ' '.join(str(record).split()))
        """;

    private static SmimeInspectorOptions InspectorOptions()
    {
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.DecryptionCertificates.Add(SmimeFixture.LoadPfx("recipient-rsa2048"));
        options.TrustAnchors.Add(SmimeFixture.LoadPem("root-ca"));
        return options;
    }

    private static SmimeOptions Protected(bool encrypt) => new()
    {
        Signer = SmimeFixture.Signer(),
        Encryption = encrypt ? SmimeFixture.Encryption() : null,
        ProtectHeaders = true,
    };

    private static async Task<byte[]> ComposeAsync(SmimeOptions options)
    {
        MessageSpec spec = SmimeFixture.Message();
        using var output = new MemoryStream();
        ComposedMessage written = await new SmimeComposer(new FixedTime(At)).WriteMimeAsync(spec, options, output);

        // The size is still known before anything is written, to the byte.
        Assert.Equal(new SmimeComposer(new FixedTime(At)).PredictSize(SmimeFixture.Message(), options).MimeLength, written.Length);
        return output.ToArray();
    }

    private static Dictionary<string, List<string>> Headers(string file)
    {
        PeerResult parsed = Peer.Python(ReadHeaders, file).EnsureSuccess("python email");
        var headers = new Dictionary<string, List<string>>();
        foreach (string line in parsed.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            string name = line[..equals];
            if (!headers.TryGetValue(name, out List<string>? values))
            {
                headers[name] = values = [];
            }

            values.Add(line[(equals + 1)..].TrimEnd('\r'));
        }

        return headers;
    }

    [Fact]
    public async Task A_signed_message_carries_its_fields_inside_the_signature_with_hp_clear()
    {
        byte[] message = await ComposeAsync(Protected(encrypt: false));
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string eml = Path.Combine(dir, "message.eml");
            string payload = Path.Combine(dir, "payload.eml");
            File.WriteAllBytes(eml, message);
            Peer.OpenSsl("cms", "-verify", "-in", eml, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", payload).EnsureSuccess("openssl cms -verify");

            Dictionary<string, List<string>> outer = Headers(eml);
            Dictionary<string, List<string>> inner = Headers(payload);
            Assert.Equal(["clear"], inner["hp"]);
            Assert.Equal(["multipart/mixed"], inner["type"]);
            Assert.Equal([Subject], inner["Subject"]);
            Assert.Equal(["Alice Example <alice@example.com>"], inner["From"]);
            Assert.Equal(["Bob <bob@example.com>"], inner["To"]);
            Assert.Equal(outer["Date"], inner["Date"]);
            Assert.Equal(outer["Message-ID"], inner["Message-ID"]);
            Assert.Equal(["None"], inner["Bcc"]); // every recipient reads the payload
            Assert.Equal(["carol@example.com"], outer["Bcc"]);
            Assert.Equal([Subject], outer["Subject"]); // signed only: nothing is hidden
            Assert.False(inner.ContainsKey("HP-Outer"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        InspectionResult result = SmimeInspector.Inspect(message, InspectorOptions());
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        HeaderProtectionFinding protection = Assert.IsType<HeaderProtectionFinding>(result.HeaderProtection);
        Assert.Equal("clear", protection.Mode);
        Assert.Equal(Subject, protection.GetProtectedHeader("Subject"));
        Assert.Empty(protection.Differences);
    }

    [Fact]
    public async Task An_encrypted_message_shows_only_the_obscured_subject_outside()
    {
        byte[] message = await ComposeAsync(Protected(encrypt: true));
        Assert.DoesNotContain("Quarterly", Encoding.ASCII.GetString(message), StringComparison.Ordinal);
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string eml = Path.Combine(dir, "message.eml");
            string decrypted = Path.Combine(dir, "decrypted.eml");
            string payload = Path.Combine(dir, "payload.eml");
            File.WriteAllBytes(eml, message);
            Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert("recipient-rsa2048.pem"), "-inkey", TestPaths.Cert("recipient-rsa2048.key.pem"), "-out", decrypted).EnsureSuccess("openssl cms -decrypt");
            Peer.OpenSsl("cms", "-verify", "-in", decrypted, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", payload).EnsureSuccess("openssl cms -verify");

            Dictionary<string, List<string>> outer = Headers(eml);
            Dictionary<string, List<string>> inner = Headers(payload);
            Assert.Equal(["[...]"], outer["Subject"]); // RFC 9788 §3.2.1 hcp_baseline
            Assert.Equal(["Alice Example <alice@example.com>"], outer["From"]);
            Assert.Equal(["cipher"], inner["hp"]);
            Assert.Equal([Subject], inner["Subject"]);
            Assert.Equal(["Bob <bob@example.com>"], inner["To"]);
            Assert.Equal(["None"], inner["Bcc"]);

            // §2.2: one HP-Outer record per outer field, Bcc excepted, with the outer value.
            List<string> records = inner["HP-Outer"];
            Assert.Contains("Subject: [...]", records);
            Assert.Contains("From: Alice Example <alice@example.com>", records);
            Assert.Contains("To: Bob <bob@example.com>", records);
            Assert.Contains(records, r => r.StartsWith("Date: ", StringComparison.Ordinal));
            Assert.Contains(records, r => r.StartsWith("Message-ID: ", StringComparison.Ordinal));
            Assert.DoesNotContain(records, r => r.StartsWith("Bcc", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        InspectionResult result = SmimeInspector.Inspect(message, InspectorOptions());
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        HeaderProtectionFinding protection = Assert.IsType<HeaderProtectionFinding>(result.HeaderProtection);
        Assert.Equal("cipher", protection.Mode);
        Assert.Equal(Subject, protection.GetProtectedHeader("Subject"));
        HeaderFieldDifference obscured = Assert.Single(protection.Differences);
        Assert.Equal("Subject", obscured.Name);
        Assert.Equal("[...]", obscured.OuterValue);
        Assert.False(obscured.MakesMessageInvalid);
    }

    [Theory]
    [InlineData(false, "Subject", "Invoice overdue, pay today")]
    [InlineData(true, "Subject", "Invoice overdue, pay today")]
    [InlineData(true, "To", "Bob <bob@example.com>, Eve <eve@example.com>")]
    [InlineData(false, "From", "Mallory <mallory@example.com>")]
    public async Task An_outer_field_changed_after_sending_is_not_valid(bool encrypt, string field, string value)
    {
        byte[] tampered = WithOuter(await ComposeAsync(Protected(encrypt)), field, value);

        InspectionResult result = SmimeInspector.Inspect(tampered, InspectorOptions());

        Assert.False(result.IsValid);
        InspectionProblem problem = Assert.Single(result.Problems);
        Assert.Equal(InspectionProblemCodes.ProtectedHeaderMismatch, problem.Code);
        HeaderFieldDifference difference = Assert.Single(result.HeaderProtection!.Differences, d => d.MakesMessageInvalid);
        Assert.Equal(field, difference.Name);
        Assert.Equal(value, difference.OuterValue);
    }

    /// <summary>Replaces one field (with its continuation lines) of the outer header section.</summary>
    private static byte[] WithOuter(byte[] message, string field, string value)
    {
        string text = "\r\n" + Encoding.ASCII.GetString(message); // so that the first field is found too
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        int start = text.IndexOf("\r\n" + field + ":", StringComparison.Ordinal) + 2;
        Assert.InRange(start, 2, end);
        int lineEnd = text.IndexOf("\r\n", start, StringComparison.Ordinal);
        while (text[lineEnd + 2] is ' ' or '\t')
        {
            lineEnd = text.IndexOf("\r\n", lineEnd + 2, StringComparison.Ordinal);
        }

        return Encoding.ASCII.GetBytes((text[..start] + field + ": " + value + text[lineEnd..])[2..]);
    }

    [Fact]
    public async Task Without_the_option_nothing_changes()
    {
        var options = new SmimeOptions { Signer = SmimeFixture.Signer(), Encryption = SmimeFixture.Encryption() };
        byte[] message = await ComposeAsync(options);
        Assert.DoesNotContain("[...]", Encoding.ASCII.GetString(message), StringComparison.Ordinal);
        InspectionResult result = SmimeInspector.Inspect(message, InspectorOptions());
        Assert.Equal(Subject, result.Message.Headers.Single(h => h.Name == "Subject").Value);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Null(result.HeaderProtection);
        Assert.DoesNotContain("hp=", result.Content.GetHeader("Content-Type"), StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
