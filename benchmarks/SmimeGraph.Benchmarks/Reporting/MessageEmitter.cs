using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// <c>--emit DIR</c>: writes the 4 KiB fixture message as each contender composes it
/// (<c>{contender}-{operation}.eml</c>) and the certificates (<c>signer.pfx</c>, <c>recipient.pfx</c>,
/// <c>sender-encryption.pfx</c>, password <c>smimegraph</c>), so a peer such as <c>openssl cms</c> can check that the contenders
/// produce real S/MIME before their times are compared.
/// </summary>
internal static class MessageEmitter
{
    public static void Emit(string folder, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        MessageFixture fixture = MessageFixture.For(MessageFixture.Small);
        foreach (SmimeOperation operation in Enum.GetValues<SmimeOperation>())
        {
            Write(folder, $"baseline-{operation}.eml", SystemPkcsComposer.Compose(fixture, operation).Mime, output);
            Write(folder, $"bouncycastle-{operation}.eml", BouncyCastleComposer.Compose(fixture, fixture.BouncyCastle, operation).Mime, output);
            Write(folder, $"mimekit-{operation}.eml", MimeKitComposer.ComposeMime(fixture, fixture.MimeKit, operation), output);
            using (Graph.GraphPayload payload = LibraryPipeline.ComposeAsync(fixture, operation).GetAwaiter().GetResult())
            {
                Write(folder, $"pipeline-{operation}.eml", Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(payload.ToArray())), output);
            }
        }

        Write(folder, "signer.pfx", fixture.Certificates.Signer.Export(X509ContentType.Pkcs12, TestCertificates.PfxPassword), output);
        Write(folder, "recipient.pfx", fixture.Certificates.Recipient.Export(X509ContentType.Pkcs12, TestCertificates.PfxPassword), output);
        Write(folder, "sender-encryption.pfx", fixture.Certificates.SenderEncryption.Export(X509ContentType.Pkcs12, TestCertificates.PfxPassword), output);
    }

    private static void Write(string folder, string name, byte[] content, TextWriter output)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        output.WriteLine(path);
    }
}
