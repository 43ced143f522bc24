using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// What a user of the BCL writes to read the message: the MIME by hand (find the blank line, the
/// boundary, the two parts), <see cref="Convert.FromBase64String"/>, <see cref="EnvelopedCms"/>
/// to decrypt, <see cref="SignedCms"/> to verify the detached signature (RFC 8551 §3.5.3), and an
/// <see cref="X509Chain"/> pinned to the one anchor (<see cref="SignedCms.CheckSignature(bool)"/>
/// with a chain would use the system store instead).
/// </summary>
internal static class SystemPkcsReader
{
    /// <summary>Decrypts, verifies and validates; returns the signed entity's length.</summary>
    public static int Read(ReadingFixture fixture)
    {
        byte[] envelope = Convert.FromBase64String(Encoding.ASCII.GetString(Body(fixture.Mime)));
        var enveloped = new EnvelopedCms();
        enveloped.Decode(envelope);
        enveloped.Decrypt(new X509Certificate2Collection(fixture.Recipient));
        byte[] content = enveloped.ContentInfo.Content;

        // multipart/signed: the first part is the signed entity, the second the detached SignedData.
        string boundary = Boundary(content);
        byte[] delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        int first = content.AsSpan().IndexOf(delimiter) + delimiter.Length + 2;
        int second = first + content.AsSpan(first).IndexOf(delimiter);
        byte[] entity = content.AsSpan(first, second - 2 - first).ToArray();
        int signatureStart = second + delimiter.Length + 2;
        int signatureEnd = signatureStart + content.AsSpan(signatureStart).IndexOf(delimiter) - 2;
        byte[] signature = Convert.FromBase64String(Encoding.ASCII.GetString(Body(content.AsSpan(signatureStart, signatureEnd - signatureStart))));

        var signed = new SignedCms(new ContentInfo(entity), detached: true);
        signed.Decode(signature);
        signed.CheckSignature(verifySignatureOnly: true);
        X509Certificate2 signer = signed.SignerInfos[0].Certificate ?? throw new CryptographicException("No signer certificate.");
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(fixture.Anchor);
        chain.ChainPolicy.ExtraStore.AddRange(fixture.Intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(signer))
        {
            throw new CryptographicException("The signer's chain does not end at the anchor.");
        }

        return entity.Length;
    }

    /// <summary>The bytes after the first blank line (RFC 5322 §2.1).</summary>
    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> entity) => entity[(entity.IndexOf("\r\n\r\n"u8) + 4)..];

    private static string Boundary(byte[] content)
    {
        string headers = Encoding.ASCII.GetString(content, 0, content.AsSpan().IndexOf("\r\n\r\n"u8));
        int start = headers.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase) + "boundary=".Length;
        string rest = headers[start..].TrimStart('"');
        int end = rest.IndexOfAny(['"', ';', '\r']);
        return end < 0 ? rest : rest[..end];
    }
}
