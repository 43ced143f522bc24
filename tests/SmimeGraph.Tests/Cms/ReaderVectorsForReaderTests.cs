using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Tests.Cms;

/// <summary>Loads the third-party keys and files the reader tests use.</summary>
internal static class ReaderVectors
{
    /// <summary>Inside every vector certificate's validity (the NSS set runs to 2031).</summary>
    public static readonly DateTimeOffset PinnedTime = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Path(params string[] parts) => TestPaths.Data(parts);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(Path(parts));

    public static X509Certificate2 Pkcs12(params string[] parts) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path(parts), "nss", X509KeyStorageFlags.Exportable);

    /// <summary>The end-entity certificate with its key out of an NSS PKCS #12 (password "nss").</summary>
    public static X509Certificate2 NssKey(string folder, string fileName)
    {
        X509Certificate2Collection all = X509CertificateLoader.LoadPkcs12CollectionFromFile(Path(folder, fileName), "nss", X509KeyStorageFlags.Exportable);
        return all.First(c => c.HasPrivateKey);
    }

    public static X509Certificate2 TestCa() => X509Certificate2.CreateFromPem(File.ReadAllText(Path("thunderbird-nss", "smime", "TestCA.pem")));

    /// <summary>The DER inside a PEM-armoured file ("-----BEGIN CMS-----"), or the bytes themselves.</summary>
    public static byte[] Der(params string[] parts)
    {
        byte[] raw = Bytes(parts);
        string text = System.Text.Encoding.ASCII.GetString(raw);
        int begin = text.IndexOf("-----BEGIN", StringComparison.Ordinal);
        if (begin < 0)
        {
            return raw;
        }

        int bodyStart = text.IndexOf('\n', begin) + 1;
        int end = text.IndexOf("-----END", bodyStart, StringComparison.Ordinal);
        return Convert.FromBase64String(text[bodyStart..end]);
    }

    /// <summary>The base64 body of a single-part S/MIME message (everything after the first blank line), decoded.</summary>
    public static byte[] SmimeBody(params string[] parts)
    {
        string text = File.ReadAllText(Path(parts)).Replace("\r\n", "\n", StringComparison.Ordinal);
        int body = text.IndexOf("\n\n", StringComparison.Ordinal) + 2;
        return Convert.FromBase64String(text[body..].Replace("\n", string.Empty, StringComparison.Ordinal).Trim());
    }

    public static byte[] Flip(byte[] data, int index)
    {
        byte[] copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
