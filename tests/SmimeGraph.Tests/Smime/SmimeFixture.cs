using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>The test PKI's certificates and a few ready-made messages.</summary>
internal static class SmimeFixture
{
    public const string Password = "smimegraph";

    public static X509Certificate2 LoadPfx(string name) =>
        X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert(name + ".pfx"), Password, X509KeyStorageFlags.Exportable);

    public static X509Certificate2 LoadPem(string name) => X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert(name + ".pem"));

    public static X509Certificate2Collection Chain()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(TestPaths.Cert("ca-chain.pem"));
        return chain;
    }

    public static SmimeSigner Signer(string name = "signer-rsa2048", bool pss = false)
    {
        var signer = new SmimeSigner(LoadPfx(name)) { UseRsaPss = pss };
        foreach (X509Certificate2 certificate in Chain())
        {
            signer.Chain.Add(certificate);
        }

        return signer;
    }

    public static SmimeEncryptionOptions Encryption(bool oaep = false, ContentEncryptionAlgorithm algorithm = ContentEncryptionAlgorithm.Aes256Cbc, params string[] recipients)
    {
        var options = new SmimeEncryptionOptions { UseRsaOaep = oaep, Algorithm = algorithm };
        foreach (string recipient in recipients.Length == 0 ? ["recipient-rsa2048"] : recipients)
        {
            options.Recipients.Add(LoadPem(recipient));
        }

        return options;
    }

    public static MessageSpec Message(int attachmentLength = 1000, string text = "Hello from SmimeGraph.\r\nSecond line, ünïcødé.\r\n")
    {
        var spec = new MessageSpec
        {
            From = new MailboxAddress("Alice Example", "alice@example.com"),
            Subject = "Quarterly figures – signed",
            TextBody = text,
            Date = new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero),
        };
        spec.To.Add(new MailboxAddress("Bob", "bob@example.com"));
        spec.Bcc.Add(new MailboxAddress("carol@example.com"));
        if (attachmentLength >= 0)
        {
            byte[] data = new byte[attachmentLength];
            new Random(attachmentLength).NextBytes(data);
            spec.Attachments.Add(MimeAttachment.FromStream("figures.bin", new MemoryStream(data), "application/octet-stream"));
        }

        return spec;
    }

    public static byte[] Flip(byte[] data, int index)
    {
        byte[] copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexString(SHA256.HashData(data));
}
