using MimeKit.Cryptography;

namespace SmimeGraph.MimeKit.Tests.TestSupport;

/// <summary>
/// MimeKit's S/MIME as the peer: a <see cref="TemporarySecureMimeContext"/> (BouncyCastle,
/// in memory) that trusts the test root, knows the intermediate and holds the named keys.
/// </summary>
public static class MimeKitPeer
{
    public static TemporarySecureMimeContext Context(params string[] keys)
    {
        var context = new TemporarySecureMimeContext();

        // MimeKit takes a self-signed certificate with keyCertSign as a trust anchor and the
        // other keyCertSign certificates as intermediates.
        context.Import(TestPki.Certificate("root-ca"));
        context.Import(TestPki.Certificate("intermediate"));
        foreach (string key in keys)
        {
            // Through MimeKit's own PKCS #12 reader (BouncyCastle): it keeps an EC key for key
            // agreement, which the X509Certificate2 import cannot hand over.
            using FileStream pfx = File.OpenRead(Path.Combine(TestPki.Directory, key + ".pfx"));
            context.Import(pfx, TestPki.Password);
        }

        return context;
    }
}
