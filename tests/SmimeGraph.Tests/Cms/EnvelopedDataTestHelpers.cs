using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>Encrypts with the writer under test and decrypts with the peers.</summary>
internal static class EnvelopedDataTestHelpers
{
    public static byte[] Content(int length)
    {
        byte[] content = new byte[length];
        new Random(length).NextBytes(content);
        return content;
    }

    public static SmimeEncryptionOptions Options(ContentEncryptionAlgorithm algorithm, bool oaep, params TestRecipient[] recipients)
    {
        var options = new SmimeEncryptionOptions { Algorithm = algorithm, UseRsaOaep = oaep };
        foreach (TestRecipient recipient in recipients)
        {
            options.Recipients.Add(recipient.PublicOnly);
        }

        return options;
    }

    /// <summary>Writes <paramref name="content"/> <paramref name="chunk"/> bytes per Write, with the length announced or not.</summary>
    public static byte[] Encrypt(SmimeEncryptionOptions options, byte[] content, bool announceLength = true, int chunk = 4096)
    {
        var writer = SendingAgent.CreateEnvelopedDataWriter(options);
        using var output = new MemoryStream();
        using (Stream plaintext = writer.Open(output, announceLength ? content.Length : null))
        {
            for (int offset = 0; offset < content.Length; offset += chunk)
            {
                plaintext.Write(content, offset, Math.Min(chunk, content.Length - offset));
            }
        }

        return output.ToArray();
    }

    public static async Task<byte[]> EncryptAsync(SmimeEncryptionOptions options, byte[] content, bool announceLength, int chunk)
    {
        var writer = SendingAgent.CreateEnvelopedDataWriter(options);
        using var output = new MemoryStream();
        await using (Stream plaintext = writer.Open(output, announceLength ? content.Length : null))
        {
            for (int offset = 0; offset < content.Length; offset += chunk)
            {
                await plaintext.WriteAsync(content.AsMemory(offset, Math.Min(chunk, content.Length - offset)));
            }
        }

        return output.ToArray();
    }

    public static PeerResult OpenSslDecrypt(byte[] envelope, TestRecipient recipient)
    {
        string directory = TestPaths.NewTempDirectory();
        try
        {
            string input = Path.Combine(directory, "env.der");
            string output = Path.Combine(directory, "out.bin");
            File.WriteAllBytes(input, envelope);
            PeerResult result = Peer.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", input, "-recip", recipient.CertificatePath, "-inkey", recipient.KeyPath, "-binary", "-out", output);
            return result with { StandardOutput = File.Exists(output) ? File.ReadAllBytes(output) : [] };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static PeerResult NssDecrypt(byte[] envelope, string nssDatabase)
    {
        string directory = TestPaths.NewTempDirectory();
        try
        {
            string input = Path.Combine(directory, "env.der");
            string output = Path.Combine(directory, "out.bin");
            File.WriteAllBytes(input, envelope);
            PeerResult result = Peer.Run("cmsutil", ["-D", "-i", input, "-d", nssDatabase, "-p", "", "-o", output]);
            return result with { StandardOutput = File.Exists(output) ? File.ReadAllBytes(output) : [] };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static X509Certificate2Collection ExtraStore(TestRecipient recipient) => [recipient.Certificate];
}
