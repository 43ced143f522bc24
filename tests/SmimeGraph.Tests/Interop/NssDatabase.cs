namespace SmimeGraph.Tests.Interop;

/// <summary>
/// A throwaway NSS certificate database (certutil / pk12util) for cmsutil: trust anchors
/// imported as CAs, PKCS#12 files imported with their keys.
/// </summary>
public sealed class NssDatabase
{
    private NssDatabase(string directory) => Directory = directory;

    public string Directory { get; }

    public static NssDatabase Create(IEnumerable<string> trustedRoots, IEnumerable<(string Pfx, string Password)> keys)
    {
        string directory = Path.Combine(TestPaths.NewTempDirectory(), "nssdb");
        System.IO.Directory.CreateDirectory(directory);
        Peer.Run("certutil", ["-N", "--empty-password", "-d", directory]).EnsureSuccess("certutil -N");
        int n = 0;
        foreach (string root in trustedRoots)
        {
            Peer.Run("certutil", ["-A", "-n", "root" + n++, "-t", "C,C,C", "-i", root, "-d", directory]).EnsureSuccess("certutil -A");
        }

        foreach ((string pfx, string password) in keys)
        {
            Peer.Run("pk12util", ["-i", pfx, "-d", directory, "-W", password]).EnsureSuccess("pk12util -i " + pfx);
        }

        return new NssDatabase(directory);
    }

    /// <summary>cmsutil -D: decodes the CMS file, decrypting with the database's keys and verifying signatures against its anchors.</summary>
    public PeerResult Decode(string cmsFile, string? detachedContentFile = null)
    {
        string output = cmsFile + ".out";
        var arguments = new List<string> { "-D", "-i", cmsFile, "-d", Directory, "-p", string.Empty, "-o", output };
        if (detachedContentFile is not null)
        {
            arguments.AddRange(["-c", detachedContentFile]);
        }

        PeerResult result = Peer.Run("cmsutil", arguments);
        return result with { StandardOutput = File.Exists(output) ? File.ReadAllBytes(output) : [] };
    }
}
