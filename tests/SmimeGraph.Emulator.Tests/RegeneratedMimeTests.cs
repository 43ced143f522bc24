using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SmimeGraph.Graph;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// <c>$value</c> is MIME regenerated the way Exchange writes it (concepts/outlook-get-mime-message.md):
/// new header fields, another order and folding, no Bcc on the sent copy; the body, and so the
/// S/MIME entity, unchanged. Checked with messages Thunderbird/NSS made, read back by OpenSSL,
/// .NET's EnvelopedCms and Python's email package.
/// </summary>
public class RegeneratedMimeTests
{
    private static string Vector(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "thunderbird-nss", name);

    [Fact]
    public async Task A_signed_message_comes_back_with_Exchanges_headers_and_OpenSSL_still_verifies_it()
    {
        byte[] uploaded = await File.ReadAllBytesAsync(Vector("alice.dsig.SHA256.multipart.eml"));
        byte[] value = await SendAndFetchAsync(uploaded);

        string header = Encoding.UTF8.GetString(value, 0, value.AsSpan().IndexOf("\r\n\r\n"u8));
        Assert.NotEqual(uploaded, value);
        Assert.Equal(TestMime.Body(uploaded), TestMime.Body(value));
        Assert.Contains("\r\nThread-Topic: clear-signed sig.SHA256\r\n", header, StringComparison.Ordinal);
        Assert.Contains("\r\nThread-Index: ", header, StringComparison.Ordinal);
        Assert.Contains("\r\nX-MS-Has-Attach: yes\r\n", header, StringComparison.Ordinal);
        Assert.Contains("\r\nX-MS-Exchange-Organization-Network-Message-Id: ", header, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/signed;\r\n\tprotocol=\"application/pkcs7-signature\";\r\n\tmicalg=sha-256;\r\n\tboundary=", header, StringComparison.Ordinal);

        string directory = Directory.CreateTempSubdirectory("smimegraph-regenerated-").FullName;
        try
        {
            string path = Path.Combine(directory, "value.eml");
            await File.WriteAllBytesAsync(path, value);
            PeerResult verified = Peer.Run("openssl", ["cms", "-verify", "-in", path, "-CAfile", Vector("TestCA.pem"), "-purpose", "any"]).EnsureSuccess("openssl cms -verify");
            Assert.Contains("This is a test message from Alice to Bob.", verified.StandardOutputText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_encrypted_message_comes_back_with_the_same_p7m_and_EnvelopedCms_decrypts_it()
    {
        byte[] uploaded = await File.ReadAllBytesAsync(Vector("alice.env.eml"));
        byte[] value = await SendAndFetchAsync(uploaded);

        // Python's email package reads both; the application/pkcs7-mime payloads are the same bytes.
        const string Script = """
            import email, email.policy, json, sys
            out = []
            for path in sys.argv[1:]:
                with open(path, "rb") as f:
                    m = email.message_from_binary_file(f, policy=email.policy.default)
                out.append({"type": m.get_content_type(), "smime": m.get_param("smime-type"), "p7m": m.get_payload(decode=True).hex(),
                            "defects": len(m.defects), "bcc": m["Bcc"], "threadIndex": m["Thread-Index"]})
            print(json.dumps(out))
            """;
        string directory = Directory.CreateTempSubdirectory("smimegraph-regenerated-").FullName;
        try
        {
            string original = Path.Combine(directory, "uploaded.eml");
            string fetched = Path.Combine(directory, "value.eml");
            await File.WriteAllBytesAsync(original, uploaded);
            await File.WriteAllBytesAsync(fetched, value);
            using JsonDocument read = JsonDocument.Parse(await Python.RunAsync(Script, original, fetched));
            JsonElement before = read.RootElement[0], after = read.RootElement[1];
            Assert.Equal("application/pkcs7-mime", after.GetProperty("type").GetString());
            Assert.Equal("enveloped-data", after.GetProperty("smime").GetString());
            Assert.Equal(0, after.GetProperty("defects").GetInt32());
            Assert.Equal(JsonValueKind.Null, before.GetProperty("threadIndex").ValueKind);
            Assert.Equal(JsonValueKind.String, after.GetProperty("threadIndex").ValueKind);
            Assert.Equal(before.GetProperty("p7m").GetString(), after.GetProperty("p7m").GetString());

            var envelope = new EnvelopedCms();
            envelope.Decode(Convert.FromHexString(after.GetProperty("p7m").GetString()!));
            using X509Certificate2 bob = X509CertificateLoader.LoadPkcs12FromFile(Vector("Bob.p12"), "nss");
            envelope.Decrypt(new X509Certificate2Collection(bob));
            Assert.Contains("This is a test message from Alice to Bob.", Encoding.UTF8.GetString(envelope.ContentInfo.Content), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_sent_copy_drops_Bcc_from_its_MIME_while_the_draft_keeps_it()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        byte[] mime = TestMime.Message("Blind", bcc: "audit@example.com", messageId: "blind@example.com");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        GraphMessage draft = await session.Transport.CreateDraftAsync(GraphMailbox.Me, payload);

        string draftValue = Encoding.ASCII.GetString(await TestMime.ReadAllAsync(await session.Transport.GetMimeAsync(GraphMailbox.Me, draft.Id)));
        await session.Transport.SendDraftAsync(GraphMailbox.Me, draft.Id);
        session.Host.DeliverSentItemsNow();
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        string sentValue = Encoding.ASCII.GetString(await TestMime.ReadAllAsync(await session.Transport.GetMimeAsync(GraphMailbox.Me, sent.Id)));
        RawResponse sentJson = await session.Raw.GetAsync($"me/messages/{sent.Id}");

        Assert.Contains("\r\nBcc: audit@example.com\r\n", draftValue, StringComparison.Ordinal);
        Assert.DoesNotContain("Bcc:", sentValue, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("audit@example.com", sentValue, StringComparison.Ordinal);
        Assert.Contains("\r\nMessage-ID: <blind@example.com>\r\n", sentValue, StringComparison.Ordinal);

        // The item still knows its Bcc recipients (bccRecipients); only the MIME does not show them.
        Assert.Equal("audit@example.com", sentJson.Json.GetProperty("bccRecipients")[0].GetProperty("emailAddress").GetProperty("address").GetString());
    }

    [Fact]
    public async Task Headers_are_refolded_without_changing_what_Pythons_email_package_reads()
    {
        string longSubject = string.Join(' ', Enumerable.Range(0, 20).Select(i => "word" + i));
        byte[] uploaded = TestMime.Message(longSubject, to: "A <a@example.com>, B <b@example.com>, C <c@example.com>, D <d@example.com>, E <e@example.com>");
        byte[] value = await SendAndFetchAsync(uploaded);

        const string Script = """
            import email, email.policy, json, sys
            out = []
            for path in sys.argv[1:]:
                with open(path, "rb") as f:
                    m = email.message_from_binary_file(f, policy=email.policy.default)
                out.append({"subject": str(m["Subject"]), "to": [a.addr_spec for a in m["To"].addresses], "from": str(m["From"]),
                            "date": str(m["Date"]), "id": str(m["Message-ID"]), "body": m.get_content(), "defects": len(m.defects)})
            print(json.dumps(out))
            """;
        string directory = Directory.CreateTempSubdirectory("smimegraph-regenerated-").FullName;
        try
        {
            string original = Path.Combine(directory, "uploaded.eml");
            string fetched = Path.Combine(directory, "value.eml");
            await File.WriteAllBytesAsync(original, uploaded);
            await File.WriteAllBytesAsync(fetched, value);
            using JsonDocument read = JsonDocument.Parse(await Python.RunAsync(Script, original, fetched));
            Assert.Equal(read.RootElement[0].GetRawText(), read.RootElement[1].GetRawText());
            Assert.Equal(longSubject, read.RootElement[1].GetProperty("subject").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        Assert.All(Encoding.ASCII.GetString(value).Split("\r\n").TakeWhile(line => line.Length > 0), line => Assert.True(line.Length <= 998));
        Assert.Contains("\r\nSubject: " + longSubject[..40], Encoding.ASCII.GetString(value), StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nSubject: " + longSubject + "\r\n", Encoding.ASCII.GetString(value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thread_Topic_is_the_subject_without_reply_and_forward_prefixes()
    {
        string value = Encoding.ASCII.GetString(await SendAndFetchAsync(TestMime.Message("RE: Fwd: fw:Quarterly figures")));

        Assert.Contains("\r\nSubject: RE: Fwd: fw:Quarterly figures\r\n", value, StringComparison.Ordinal);
        Assert.Contains("\r\nThread-Topic: Quarterly figures\r\n", value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_RegenerateMime_off_the_upload_comes_back_byte_for_byte()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { RegenerateMime = false, SentCopyDelay = TimeSpan.Zero });
        byte[] mime = TestMime.Message("Verbatim", bcc: "audit@example.com");
        using GraphPayload payload = await TestMime.PayloadAsync(mime);

        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));

        Assert.Equal(mime, await TestMime.ReadAllAsync(await session.Transport.GetMimeAsync(GraphMailbox.Me, sent.Id)));
    }

    /// <summary>sendMail, then the sent copy's $value (as alice, who the vectors are from).</summary>
    private static async Task<byte[]> SendAndFetchAsync(byte[] mime)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        using GraphPayload payload = await TestMime.PayloadAsync(mime);
        await session.Transport.SendMailAsync(GraphMailbox.Me, payload);
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("me", "sentitems"));
        Assert.Equal(mime, await File.ReadAllBytesAsync(sent.Path));
        return await TestMime.ReadAllAsync(await session.Transport.GetMimeAsync(GraphMailbox.Me, sent.Id));
    }
}
