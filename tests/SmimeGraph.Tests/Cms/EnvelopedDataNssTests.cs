using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>NSS (Thunderbird's S/MIME engine) decrypts the RSA PKCS #1 v1.5 modes.</summary>
[Collection(EnvelopedDataTestCertificates.CollectionName)]
public sealed class EnvelopedDataNssTests(EnvelopedDataTestCertificates certs)
{
    [Theory]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, true)]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, false)]
    [InlineData(EnvelopedDataModes.Rsa15Aes128, true)]
    [InlineData(EnvelopedDataModes.Rsa15Aes128, false)]
    public void Nss_decrypts_to_the_exact_input(string mode, bool announceLength)
    {
        (var options, _) = EnvelopedDataModes.Create(mode, certs);
        byte[] content = EnvelopedDataTestHelpers.Content(70_000);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, content, announceLength);

        PeerResult result = EnvelopedDataTestHelpers.NssDecrypt(envelope, certs.NssDatabase).EnsureSuccess($"cmsutil -D ({mode})");
        Assert.Equal(content, result.StandardOutput);
    }

    // NSS before its ECDH work for S/MIME (the 3.87 here among them) cannot decode an
    // EnvelopedData holding a KeyAgreeRecipientInfo at all, whoever made it (SEC_ERROR_BAD_DER for
    // OpenSSL's own output too). These tests hold the writer to what NSS does with OpenSSL's
    // equivalent message: where NSS reads OpenSSL's, it must read ours to the exact content; where
    // it refuses OpenSSL's, it must refuse ours the same way.
    [Theory]
    [InlineData(EnvelopedDataModes.EcdhP256Aes256, "-aes256")]
    [InlineData(EnvelopedDataModes.EcdhP256Aes128, "-aes128")]
    [InlineData(EnvelopedDataModes.MixedWithSender, "-aes256")]
    public void Nss_reads_ECDH_messages_as_it_reads_OpenSSLs(string mode, string cipher)
    {
        (var options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);
        byte[] content = EnvelopedDataTestHelpers.Content(3000);
        byte[] ours = EnvelopedDataTestHelpers.Encrypt(options, content);
        byte[] openssl = OpenSslEncrypt(content, cipher, readers);

        PeerResult reference = EnvelopedDataTestHelpers.NssDecrypt(openssl, certs.NssDatabase);
        PeerResult result = EnvelopedDataTestHelpers.NssDecrypt(ours, certs.NssDatabase);
        if (reference.ExitCode == 0)
        {
            Assert.Equal(content, reference.StandardOutput);
            result.EnsureSuccess($"cmsutil -D ({mode})");
            Assert.Equal(content, result.StandardOutput);
        }
        else
        {
            Assert.NotEqual(0, result.ExitCode);
            Assert.Equal(reference.StandardError, result.StandardError);
        }
    }

    private static byte[] OpenSslEncrypt(byte[] content, string cipher, TestRecipient[] recipients)
    {
        string directory = TestPaths.NewTempDirectory();
        try
        {
            string input = Path.Combine(directory, "content.bin");
            string output = Path.Combine(directory, "env.der");
            File.WriteAllBytes(input, content);
            var arguments = new List<string> { "cms", "-encrypt", "-binary", cipher, "-in", input, "-outform", "DER", "-out", output };
            foreach (TestRecipient recipient in recipients)
            {
                arguments.AddRange(["-recip", recipient.CertificatePath]);
                if (recipient.Certificate.GetECDiffieHellmanPublicKey() is not null)
                {
                    arguments.AddRange(["-keyopt", "ecdh_kdf_md:sha256"]);
                }
            }

            Peer.OpenSsl([.. arguments]).EnsureSuccess("openssl cms -encrypt");
            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
