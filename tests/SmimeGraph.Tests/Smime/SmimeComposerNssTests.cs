using System.Text;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Smime;

/// <summary>NSS (Thunderbird's S/MIME engine) decrypts and verifies what the composer writes.</summary>
public sealed class SmimeComposerNssTests
{
    private static readonly Lazy<NssDatabase> Database = new(() => NssDatabase.Create(
        [TestPaths.Cert("root-ca.pem")],
        [(TestPaths.Cert("recipient-rsa2048.pfx"), SmimeFixture.Password)]));

    [Theory]
    [InlineData("sign-rsa")]
    [InlineData("sign-ecdsa")]
    [InlineData("sign-pss")]
    [InlineData("sign-opaque")]
    [InlineData("encrypt-rsa")]
    [InlineData("encrypt-aes128")]
    [InlineData("sign+encrypt")]
    [InlineData("sign-opaque+encrypt")]
    public async Task Cmsutil_decrypts_and_verifies(string mode)
    {
        SmimeOptions options = SmimeComposerInteropTests.Options(mode);
        string dir = TestPaths.NewTempDirectory();
        string current = Path.Combine(dir, "message.eml");
        await using (FileStream file = File.Create(current))
        {
            await new SmimeComposer().WriteMimeAsync(SmimeFixture.Message(3000), options, file);
        }

        if (options.Encryption is not null)
        {
            string envelope = Path.Combine(dir, "envelope.der");
            Peer.OpenSsl("cms", "-cmsout", "-in", current, "-outform", "DER", "-out", envelope).EnsureSuccess("openssl cms -cmsout");
            PeerResult decrypted = Database.Value.Decode(envelope).EnsureSuccess("cmsutil -D (decrypt)");
            current = Path.Combine(dir, "inner.eml");
            File.WriteAllBytes(current, decrypted.StandardOutput);
            Assert.StartsWith("Content-Type: ", Encoding.ASCII.GetString(decrypted.StandardOutput), StringComparison.Ordinal);
        }

        if (options.Signer is not null)
        {
            string signature = Path.Combine(dir, "signature.der");
            Peer.OpenSsl("cms", "-cmsout", "-in", current, "-outform", "DER", "-out", signature).EnsureSuccess("openssl cms -cmsout");
            string? content = null;
            if (!options.OpaqueSignature)
            {
                content = Path.Combine(dir, "content.bin");
                Peer.OpenSsl("cms", "-verify", "-noverify", "-in", current, "-out", content).EnsureSuccess("openssl extract content");
            }

            // cmsutil -D exits non-zero when a signature does not verify against the database's anchors.
            PeerResult verified = Database.Value.Decode(signature, content);
            verified.EnsureSuccess("cmsutil -D (verify)");
            if (options.OpaqueSignature)
            {
                Assert.StartsWith("Content-Type: ", verified.StandardOutputText, StringComparison.Ordinal);
            }
            if (content is not null)
            {
                // The same bytes with one flipped: NSS refuses the signature.
                byte[] tampered = SmimeFixture.Flip(File.ReadAllBytes(content), 100);
                File.WriteAllBytes(content, tampered);
                PeerResult refused = Database.Value.Decode(signature, content);
                Assert.NotEqual(0, refused.ExitCode);
                Assert.Contains("SEC_ERROR_PKCS7_BAD_SIGNATURE", refused.StandardError, StringComparison.Ordinal);
            }
        }
    }
}
