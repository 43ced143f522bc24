using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Graph;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Every composer mode checked by OpenSSL, Python's email package and .NET's SignedCms /
/// EnvelopedCms: the peers verify, decrypt and give back the message that went in.
/// </summary>
public sealed class SmimeComposerInteropTests
{
    public static TheoryData<string> Modes => new()
    {
        "sign-rsa", "sign-ecdsa", "sign-rsa3072-sha512", "sign-pss", "sign-opaque",
        "encrypt-rsa", "encrypt-aes128", "encrypt-oaep", "encrypt-ecdh", "encrypt-gcm", "encrypt-rsa+ecdh",
        "sign+encrypt", "sign-opaque+encrypt", "sign-ecdsa+encrypt-ecdh",
    };

    internal static SmimeOptions Options(string mode, long ceiling = GraphPayload.DefaultCeiling)
    {
        string[] parts = mode.Split('+');
        SmimeSigner? signer = null;
        bool opaque = false;
        SmimeEncryptionOptions? encryption = null;
        foreach (string part in parts)
        {
            switch (part)
            {
                case "sign-rsa": signer = SmimeFixture.Signer(); break;
                case "sign-ecdsa": signer = SmimeFixture.Signer("signer-ecdsa-p256"); break;
                case "sign-rsa3072-sha512": signer = SmimeFixture.Signer("signer-rsa3072"); signer.DigestAlgorithm = System.Security.Cryptography.HashAlgorithmName.SHA512; break;
                case "sign-pss": signer = SmimeFixture.Signer(pss: true); break;
                case "sign-opaque": signer = SmimeFixture.Signer(); opaque = true; break;
                case "sign": signer = SmimeFixture.Signer(); break;
                case "encrypt-rsa": case "encrypt": encryption = SmimeFixture.Encryption(); break;
                case "encrypt-aes128": encryption = SmimeFixture.Encryption(algorithm: ContentEncryptionAlgorithm.Aes128Cbc); break;
                case "encrypt-oaep": encryption = SmimeFixture.Encryption(oaep: true); break;
                case "encrypt-ecdh": encryption = SmimeFixture.Encryption(recipients: "recipient-ecdh-p256"); break;
                case "encrypt-gcm": encryption = SmimeFixture.Encryption(algorithm: ContentEncryptionAlgorithm.Aes256Gcm); break;
                case "ecdh": encryption = SmimeFixture.Encryption(recipients: ["recipient-rsa2048", "recipient-ecdh-p256"]); break;
                default: throw new ArgumentException(mode);
            }
        }

        return new SmimeOptions { Signer = signer, OpaqueSignature = opaque, Encryption = encryption, Ceiling = ceiling };
    }

    private static (string Cert, string Key) RecipientFor(string mode) =>
        mode.Contains("ecdh", StringComparison.Ordinal) && !mode.Contains("rsa+ecdh", StringComparison.Ordinal)
            ? (TestPaths.Cert("recipient-ecdh-p256.pem"), TestPaths.Cert("recipient-ecdh-p256.key.pem"))
            : (TestPaths.Cert("recipient-rsa2048.pem"), TestPaths.Cert("recipient-rsa2048.key.pem"));

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task OpenSsl_decrypts_and_verifies_and_gives_back_the_message(string mode)
    {
        SmimeOptions options = Options(mode);
        var spec = SmimeFixture.Message(attachmentLength: 5000);
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        await using (FileStream file = File.Create(eml))
        {
            await new SmimeComposer().WriteMimeAsync(spec, options, file);
        }

        string current = eml;
        if (options.Encryption is not null)
        {
            (string cert, string key) = RecipientFor(mode);
            string decrypted = Path.Combine(dir, "decrypted.eml");
            Peer.OpenSsl("cms", "-decrypt", "-in", current, "-recip", cert, "-inkey", key, "-out", decrypted).EnsureSuccess("openssl cms -decrypt");
            current = decrypted;
        }

        if (options.Signer is not null)
        {
            string verified = Path.Combine(dir, "verified.eml");
            // OpenSSL's multipart splitter in -binary mode drops the CR of CRLF line ends, so
            // multipart/signed is read in its default (canonical, CRLF) mode.
            string[] binary = options.OpaqueSignature ? ["-binary"] : [];
            PeerResult result = Peer.OpenSsl(["cms", "-verify", .. binary, "-in", current, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", verified]);
            result.EnsureSuccess("openssl cms -verify");
            Assert.Contains("Verification successful", result.StandardError, StringComparison.Ordinal);
            if (!options.OpaqueSignature)
            {
                // Detached: the content OpenSSL verified is, byte for byte, the first part of what we wrote.
                byte[] content = File.ReadAllBytes(verified);
                byte[] signedMessage = File.ReadAllBytes(current);
                Assert.True(signedMessage.AsSpan().IndexOf(content) > 0, "the verified content is not the first part of the message");
            }

            current = verified;
        }

        // Python's email package reads what the peers gave back: the bodies and the attachment as sent.
        PeerResult parsed = Peer.Python(
            """
            import sys, email, email.policy, hashlib
            msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            body = msg.get_body(preferencelist=('plain',))
            print(hashlib.sha256(body.get_content().encode('utf-8')).hexdigest().upper())
            for part in msg.iter_attachments():
                print(part.get_filename(), hashlib.sha256(part.get_payload(decode=True)).hexdigest().upper())
            """,
            current).EnsureSuccess("python email");
        string[] lines = parsed.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(SmimeFixture.Sha256Hex(Encoding.UTF8.GetBytes(spec.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal))), lines[0].Trim());
        byte[] attachment = new byte[5000];
        new Random(5000).NextBytes(attachment);
        Assert.Equal("figures.bin " + SmimeFixture.Sha256Hex(attachment), lines[1].Trim());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Routing_headers_stay_on_the_outer_entity(string mode)
    {
        var spec = SmimeFixture.Message();
        using GraphPayload payload = await new SmimeComposer().ComposeAsync(spec, Options(mode));
        byte[] mime = Convert.FromBase64String(Encoding.ASCII.GetString(payload.ToArray()));
        PeerResult parsed = Peer.Python(
            """
            import sys, email, email.policy
            msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
            for name in ('From', 'To', 'Bcc', 'Subject', 'Message-ID', 'MIME-Version'):
                print(name + '=' + str(msg[name]))
            print('type=' + msg.get_content_type())
            for param in ('protocol', 'micalg', 'smime-type', 'name'):
                print(param + '=' + str(msg.get_param(param)))
            """,
            WriteTemp(mime)).EnsureSuccess("python email");
        string output = parsed.StandardOutputText;
        Assert.Contains("From=Alice Example <alice@example.com>", output, StringComparison.Ordinal);
        Assert.Contains("To=Bob <bob@example.com>", output, StringComparison.Ordinal);
        Assert.Contains("Bcc=carol@example.com", output, StringComparison.Ordinal);
        Assert.Contains("Subject=Quarterly figures – signed", output, StringComparison.Ordinal);
        Assert.Contains("MIME-Version=1.0", output, StringComparison.Ordinal);
        Assert.Contains("Message-ID=<" + payload.InternetMessageId + ">\n", output, StringComparison.Ordinal);
        SmimeOptions options = Options(mode);
        if (options.Encryption is not null || options.OpaqueSignature)
        {
            string smimeType = options.Encryption is null ? "signed-data"
                : options.Encryption.Algorithm is ContentEncryptionAlgorithm.Aes256Gcm or ContentEncryptionAlgorithm.Aes128Gcm ? "authEnveloped-data" : "enveloped-data";
            Assert.Contains("type=application/pkcs7-mime\n", output, StringComparison.Ordinal);
            Assert.Contains("smime-type=" + smimeType + "\n", output, StringComparison.Ordinal);
            Assert.Contains("name=smime.p7m\n", output, StringComparison.Ordinal);
        }
        else
        {
            string micalg = options.Signer!.DigestAlgorithm.Name!.ToLowerInvariant().Replace("sha", "sha-", StringComparison.Ordinal);
            Assert.Contains("type=multipart/signed\n", output, StringComparison.Ordinal);
            Assert.Contains("protocol=application/pkcs7-signature\n", output, StringComparison.Ordinal);
            Assert.Contains("micalg=" + micalg + "\n", output, StringComparison.Ordinal);
        }

        Assert.All(mime, b => Assert.True(b < 0x80, "the message is not 7-bit"));
    }

    [Theory]
    [InlineData("sign-rsa")]
    [InlineData("sign-ecdsa")]
    [InlineData("sign-pss")]
    public async Task SignedCms_checks_the_detached_signature_and_a_flipped_byte_fails_every_peer(string mode)
    {
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        await using (FileStream file = File.Create(eml))
        {
            await new SmimeComposer().WriteMimeAsync(SmimeFixture.Message(), Options(mode), file);
        }

        string content = Path.Combine(dir, "content.bin");
        string signature = Path.Combine(dir, "signature.der");
        Peer.OpenSsl("cms", "-verify", "-noverify", "-in", eml, "-out", content).EnsureSuccess("openssl extract content");
        Peer.OpenSsl("cms", "-cmsout", "-in", eml, "-outform", "DER", "-out", signature).EnsureSuccess("openssl extract signature");

        var signedCms = new SignedCms(new ContentInfo(File.ReadAllBytes(content)), detached: true);
        signedCms.Decode(File.ReadAllBytes(signature));
        signedCms.CheckSignature(SmimeFixture.Chain(), verifySignatureOnly: true);

        byte[] tamperedContent = SmimeFixture.Flip(File.ReadAllBytes(content), 200);
        var tampered = new SignedCms(new ContentInfo(tamperedContent), detached: true);
        tampered.Decode(File.ReadAllBytes(signature));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => tampered.CheckSignature(SmimeFixture.Chain(), verifySignatureOnly: true));

        File.WriteAllBytes(content, tamperedContent);
        Assert.NotEqual(0, Peer.OpenSsl("cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", Path.Combine(dir, "out")).ExitCode);

        // The signature's last byte flipped.
        byte[] sigBytes = File.ReadAllBytes(signature);
        File.WriteAllBytes(content, tamperedContent.Length > 0 ? SmimeFixture.Flip(tamperedContent, 200) : tamperedContent);
        File.WriteAllBytes(signature, SmimeFixture.Flip(sigBytes, sigBytes.Length - 1));
        Assert.NotEqual(0, Peer.OpenSsl("cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", Path.Combine(dir, "out")).ExitCode);
    }

    [Theory]
    [InlineData("encrypt-rsa")]
    [InlineData("encrypt-oaep")]
    [InlineData("sign+encrypt")]
    public async Task EnvelopedCms_decrypts(string mode)
    {
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        await using (FileStream file = File.Create(eml))
        {
            await new SmimeComposer().WriteMimeAsync(SmimeFixture.Message(), Options(mode), file);
        }

        string der = Path.Combine(dir, "envelope.der");
        Peer.OpenSsl("cms", "-cmsout", "-in", eml, "-outform", "DER", "-out", der).EnsureSuccess("openssl extract envelope");
        var enveloped = new EnvelopedCms();
        enveloped.Decode(File.ReadAllBytes(der));
        X509Certificate2 recipient = SmimeFixture.LoadPfx("recipient-rsa2048");
        enveloped.Decrypt(new X509Certificate2Collection(recipient));
        string inner = Encoding.ASCII.GetString(enveloped.ContentInfo.Content);
        Assert.StartsWith("Content-Type: ", inner, StringComparison.Ordinal);
        Assert.Equal(mode.StartsWith("sign", StringComparison.Ordinal), inner.Contains("multipart/signed", StringComparison.Ordinal));
    }

    private static string WriteTemp(byte[] data)
    {
        string path = Path.Combine(TestPaths.NewTempDirectory(), "message.eml");
        File.WriteAllBytes(path, data);
        return path;
    }
}
