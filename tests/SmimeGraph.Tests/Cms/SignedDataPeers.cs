using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>Runs the three verifiers (OpenSSL, NSS cmsutil, SignedCms) on a SignedData.</summary>
public static class SignedDataPeers
{
    /// <summary>openssl cms -verify against the signer's root; returns the result (stdout = the content).</summary>
    public static PeerResult OpenSslVerify(TestSigner signer, byte[] signedData, byte[]? detachedContent)
    {
        string dir = TestPaths.NewTempDirectory();
        string sig = Path.Combine(dir, "sig.der");
        File.WriteAllBytes(sig, signedData);
        var args = new List<string> { "cms", "-verify", "-inform", "DER", "-in", sig, "-CAfile", signer.RootPemPath };
        if (detachedContent is not null)
        {
            string content = Path.Combine(dir, "content.bin");
            File.WriteAllBytes(content, detachedContent);
            args.AddRange(["-binary", "-content", content]);
        }
        else
        {
            args.Add("-binary");
        }

        PeerResult result = Peer.Run("openssl", args);
        Directory.Delete(dir, recursive: true);
        return result;
    }

    public static string OpenSslPrint(byte[] signedData)
    {
        string dir = TestPaths.NewTempDirectory();
        string sig = Path.Combine(dir, "sig.der");
        File.WriteAllBytes(sig, signedData);
        PeerResult result = Peer.Run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", sig]).EnsureSuccess("openssl cms -cmsout -print");
        Directory.Delete(dir, recursive: true);
        return result.StandardOutputText;
    }

    /// <summary>cmsutil -D: decodes and verifies against the NSS database holding the signer's root.</summary>
    public static PeerResult CmsUtilVerify(TestSigner signer, byte[] signedData, byte[]? detachedContent)
    {
        string dir = TestPaths.NewTempDirectory();
        string sig = Path.Combine(dir, "sig.der");
        string output = Path.Combine(dir, "out.bin");
        File.WriteAllBytes(sig, signedData);
        var args = new List<string> { "-D", "-i", sig, "-d", signer.NssDatabase, "-o", output };
        if (detachedContent is not null)
        {
            string content = Path.Combine(dir, "content.bin");
            File.WriteAllBytes(content, detachedContent);
            args.AddRange(["-c", content]);
        }

        PeerResult result = Peer.Run("cmsutil", args);
        byte[] decoded = File.Exists(output) ? File.ReadAllBytes(output) : [];
        Directory.Delete(dir, recursive: true);
        return result with { StandardOutput = decoded };
    }

    /// <summary>SignedCms.Decode + CheckSignature(chain, verifySignatureOnly: true); throws on failure.</summary>
    public static SignedCms SignedCmsVerify(TestSigner signer, byte[] signedData, byte[]? detachedContent)
    {
        SignedCms cms = detachedContent is null
            ? new SignedCms()
            : new SignedCms(new ContentInfo(detachedContent), detached: true);
        cms.Decode(signedData);
        var extra = new X509Certificate2Collection(signer.Chain);
        extra.Add(signer.Root);
        cms.CheckSignature(extra, verifySignatureOnly: true);
        return cms;
    }

    /// <summary>Asserts a verifier succeeded (and gave back the content, when one is expected).</summary>
    public static void Success(PeerResult result, string what, byte[]? expectedContent)
    {
        result.EnsureSuccess(what);
        if (expectedContent is not null)
        {
            Assert.Equal(expectedContent, result.StandardOutput);
        }
    }

    /// <summary>Asserts a verifier refused.</summary>
    public static void Failure(PeerResult result, string what)
    {
        Assert.True(result.ExitCode != 0, $"{what} accepted a damaged signature: {result.StandardError}");
    }
}
