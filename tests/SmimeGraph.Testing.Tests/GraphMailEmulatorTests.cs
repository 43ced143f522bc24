using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Testing.Tests;

/// <summary>
/// The test kit as a user's xunit suite uses it: the code under test composes, signs, encrypts and
/// sends through the Graph transport to an in-process emulator; the test asserts on the mailbox
/// view of what was sent, decrypted and verified.
/// </summary>
public sealed class GraphMailEmulatorTests(TestPkiFixture pki) : IClassFixture<TestPkiFixture>
{
    private static readonly byte[] Attachment = RandomNumberGenerator.GetBytes(10_000);

    [Fact]
    public async Task What_the_code_under_test_sent_is_listed_decrypted_verified_and_as_composed()
    {
        await using GraphMailEmulator graph = await GraphMailEmulator.StartAsync(Options(trust: true));

        string messageId = await SendAsync(graph, "Quarterly figures");
        IReadOnlyList<SentMessage> sent = await graph.Mailbox().GetSentAsync();

        SentMessage message = Assert.Single(sent);
        Assert.True(message.IsEncrypted);
        Assert.True(message.IsSigned);
        Assert.True(message.IsValid, string.Join("; ", message.Inspection.Layers.SelectMany(l => l.Problems)));
        Assert.Equal("<" + messageId + ">", message.InternetMessageId);
        Assert.Equal("Hello Bob,\r\nthe figures are attached.", message.Text?.TrimEnd('\r', '\n'));
        Assert.Equal("<p>Hello Bob,</p>", message.Html?.TrimEnd('\r', '\n'));
        SentAttachment attachment = Assert.Single(message.Attachments);
        Assert.Equal("figures.bin", attachment.FileName);
        Assert.Equal(Attachment, attachment.Content);
        Assert.NotNull(await graph.Mailbox().FindSentAsync(messageId));
    }

    [Fact]
    public async Task Without_the_trust_anchor_the_same_message_is_not_valid()
    {
        await using GraphMailEmulator graph = await GraphMailEmulator.StartAsync(Options(trust: false));

        await SendAsync(graph, "Untrusted");

        SentMessage message = Assert.Single(await graph.Mailbox().GetSentAsync());
        Assert.True(message.IsEncrypted);
        Assert.False(message.IsValid);
    }

    [Fact]
    public async Task Only_the_emulators_token_is_accepted()
    {
        await using GraphMailEmulator graph = await GraphMailEmulator.StartAsync(Options(trust: true));
        using var http = new HttpClient();
        var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult("another-token"), new GraphMimeTransportOptions { BaseAddress = graph.BaseAddress });
        using GraphPayload payload = await new SmimeComposer().ComposeAsync(Spec("Refused"), SmimeOptions());

        var refused = await Assert.ThrowsAsync<GraphRequestException>(() => transport.SendMailAsync(GraphMailbox.Me, payload));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(await graph.Mailbox().GetSentAsync());
    }

    [Fact]
    public void The_generator_wrote_a_chain_that_builds_to_its_root_for_email_protection()
    {
        Assert.Contains(pki.Written, path => path.EndsWith("signer-rsa2048.pfx", StringComparison.Ordinal));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(pki.Root);
        chain.ChainPolicy.ExtraStore.AddRange(pki.Chain);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.4"));

        Assert.True(chain.Build(pki.Signer), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(pki.Signer.HasPrivateKey);
        Assert.Equal("alice@example.com", pki.Signer.GetNameInfo(X509NameType.EmailName, forIssuer: false));
    }

    private GraphMailEmulatorOptions Options(bool trust)
    {
        var options = new GraphMailEmulatorOptions { Mailbox = "alice@example.com" };
        options.DecryptionCertificates.Add(pki.SenderEncryption);
        if (trust)
        {
            options.TrustAnchors.Add(pki.Root);
        }

        return options;
    }

    private SmimeOptions SmimeOptions()
    {
        var signer = new SmimeSigner(pki.Signer) { EncryptionCertificate = pki.SenderEncryption };
        foreach (X509Certificate2 certificate in pki.Chain)
        {
            signer.Chain.Add(certificate);
        }

        var encryption = new SmimeEncryptionOptions { SenderCertificate = pki.SenderEncryption };
        encryption.Recipients.Add(pki.Recipient);
        return new SmimeOptions { Signer = signer, Encryption = encryption };
    }

    private static MessageSpec Spec(string subject)
    {
        var spec = new MessageSpec
        {
            From = new MailboxAddress("Alice Example", "alice@example.com"),
            Subject = subject,
            TextBody = "Hello Bob,\r\nthe figures are attached.\r\n",
            HtmlBody = "<p>Hello Bob,</p>",
        };
        spec.To.Add(new MailboxAddress("Bob Example", "bob@example.com"));
        spec.Attachments.Add(MimeAttachment.FromStream("figures.bin", new MemoryStream(Attachment, writable: false)));
        return spec;
    }

    // The code under test: compose, sign, encrypt, send with sendMail.
    private async Task<string> SendAsync(GraphMailEmulator graph, string subject)
    {
        using var http = new HttpClient();
        var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult(graph.Token), new GraphMimeTransportOptions { BaseAddress = graph.BaseAddress });
        using GraphPayload payload = await new SmimeComposer().ComposeAsync(Spec(subject), SmimeOptions());
        await transport.SendMailAsync(GraphMailbox.Me, payload);
        return payload.InternetMessageId!;
    }
}
