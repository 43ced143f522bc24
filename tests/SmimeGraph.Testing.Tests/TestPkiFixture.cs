using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Testing.Tests;

/// <summary>A user's fixture: the test PKI generated once for the class, into a temporary folder.</summary>
public sealed class TestPkiFixture : IDisposable
{
    public TestPkiFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "smimegraph-testing-" + Guid.NewGuid().ToString("N"));
        Written = TestPkiGenerator.Write(Directory);
        Signer = TestPkiGenerator.LoadWithKey(Directory, "signer-rsa2048");
        SenderEncryption = TestPkiGenerator.LoadWithKey(Directory, "sender-rsa2048-enc");
        Recipient = TestPkiGenerator.LoadCertificate(Directory, "recipient-rsa2048");
        Root = TestPkiGenerator.LoadCertificate(Directory, TestPkiGenerator.RootName);
        Chain = new X509Certificate2Collection();
        Chain.ImportFromPemFile(Path.Combine(Directory, TestPkiGenerator.ChainFileName));
    }

    public string Directory { get; }

    public IReadOnlyList<string> Written { get; }

    public X509Certificate2 Signer { get; }

    public X509Certificate2 SenderEncryption { get; }

    public X509Certificate2 Recipient { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2Collection Chain { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
