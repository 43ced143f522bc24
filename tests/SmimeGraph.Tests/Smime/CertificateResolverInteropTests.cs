using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Certificates found by address, then a message composed with them and read by OpenSSL:
/// Bob, Carol and Alice (her copy in Sent Items) decrypt it, and the signature verifies against
/// the test root alone.
/// </summary>
public sealed class CertificateResolverInteropTests : IDisposable
{
    private readonly string _folder = FolderWithWholePki();
    private readonly string _work = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        DeleteFolder(_folder);
        DeleteFolder(_work);
    }

    [Fact]
    public async Task Signer_and_recipients_resolved_by_address_compose_a_message_openssl_decrypts_and_verifies()
    {
        var resolver = new DirectoryCertificateResolver(_folder, Password);
        MessageSpec spec = SmimeFixture.Message(attachmentLength: 3000); // From Alice, To Bob, Bcc Carol

        // The intermediate comes from the folder (intermediate.pem, ca-chain.pem), not from the caller.
        SmimeSigner signer = await SmimeCertificates.ForSenderAsync(resolver, spec.From!, Now);
        SmimeEncryptionOptions encryption = await SmimeCertificates.ForRecipientsAsync(resolver, spec, Now);

        Assert.Equal(Thumbprint("signer-rsa2048.pem"), signer.Certificate.Thumbprint);
        Assert.Equal(Thumbprint("sender-rsa2048-enc.pem"), signer.EncryptionCertificate?.Thumbprint);
        Assert.Contains(signer.Chain, c => c.Subject.Contains("Intermediate", StringComparison.Ordinal));
        Assert.Equal([Thumbprint("recipient-rsa2048.pem"), Thumbprint("recipient-ecdh-p256.pem")], encryption.Recipients.Select(c => c.Thumbprint));
        Assert.Equal(Thumbprint("sender-rsa2048-enc.pem"), encryption.SenderCertificate?.Thumbprint);

        string eml = Path.Combine(_work, "message.eml");
        await using (FileStream file = File.Create(eml))
        {
            await new SmimeComposer().WriteMimeAsync(spec, new SmimeOptions { Signer = signer, Encryption = encryption }, file);
        }

        foreach (string reader in new[] { "recipient-rsa2048", "recipient-ecdh-p256", "sender-rsa2048-enc" })
        {
            string decrypted = Path.Combine(_work, reader + ".decrypted.eml");
            Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert(reader + ".pem"), "-inkey", TestPaths.Cert(reader + ".key.pem"), "-out", decrypted)
                .EnsureSuccess($"openssl cms -decrypt as {reader}");

            // multipart/signed: no -binary, OpenSSL's splitter keeps CRLF only in its default mode.
            // Only the root is given: the intermediate must travel in the signature.
            PeerResult verified = Peer.OpenSsl("cms", "-verify", "-in", decrypted, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", Path.Combine(_work, reader + ".verified.eml"));
            verified.EnsureSuccess("openssl cms -verify");
            Assert.Contains("Verification successful", verified.StandardError, StringComparison.Ordinal);
            Assert.Contains("Hello from SmimeGraph.", File.ReadAllText(Path.Combine(_work, reader + ".verified.eml")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_recipient_without_a_usable_certificate_stops_the_options_with_its_reason()
    {
        var resolver = new DirectoryCertificateResolver(_folder, Password);
        MessageSpec spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Cc.Add(new MailboxAddress("expired@example.com"));

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => SmimeCertificates.ForRecipientsAsync(resolver, spec, Now));

        Assert.Equal("expired@example.com", ex.Address);
        Assert.Contains("it expired on 2021-12-31", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sender_without_an_encryption_certificate_is_no_error_and_is_left_out()
    {
        var resolver = new DirectoryCertificateResolver(_folder, Password);
        MessageSpec spec = SmimeFixture.Message(attachmentLength: -1);
        spec.From = new MailboxAddress("alice-ec@example.com");

        SmimeEncryptionOptions encryption = await SmimeCertificates.ForRecipientsAsync(resolver, spec, Now);
        SmimeEncryptionOptions withoutSender = await SmimeCertificates.ForRecipientsAsync(resolver, SmimeFixture.Message(attachmentLength: -1), Now, includeSender: false);
        SmimeSigner signer = await SmimeCertificates.ForSenderAsync(resolver, spec.From, Now);

        Assert.Null(encryption.SenderCertificate);
        Assert.Equal(2, encryption.Recipients.Count);
        Assert.Null(withoutSender.SenderCertificate);
        Assert.Equal(Thumbprint("signer-ecdsa-p256.pem"), signer.Certificate.Thumbprint);
        Assert.Null(signer.EncryptionCertificate);
    }

    [Fact]
    public async Task A_recipient_named_twice_is_encrypted_for_once()
    {
        var resolver = new DirectoryCertificateResolver(_folder, Password);
        MessageSpec spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Cc.Add(new MailboxAddress("BOB@example.com"));

        SmimeEncryptionOptions encryption = await SmimeCertificates.ForRecipientsAsync(resolver, spec, Now);

        Assert.Equal([Thumbprint("recipient-rsa2048.pem"), Thumbprint("recipient-ecdh-p256.pem")], encryption.Recipients.Select(c => c.Thumbprint));
    }
}
