using System.Diagnostics;
using System.Text;

namespace SmimeGraph.Tests.Interop;

/// <summary>The result of running an external peer (openssl, cmsutil, python3).</summary>
public sealed record PeerResult(int ExitCode, byte[] StandardOutput, string StandardError)
{
    public string StandardOutputText => Encoding.UTF8.GetString(StandardOutput);

    public PeerResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"{what} exited with {ExitCode}: {StandardError}\n{StandardOutputText}");
        }

        return this;
    }
}

/// <summary>
/// Runs the real peers the interop tests compare against: OpenSSL, NSS cmsutil, Python's email
/// package. <c>./test.sh</c> installs them; a missing peer fails only the tests that call it,
/// with a message naming the package to install (it is never skipped silently).
/// </summary>
public static class Peer
{
    /// <summary>The Debian package that provides each peer program.</summary>
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["openssl"] = "openssl",
        ["python3"] = "python3",
        ["cmsutil"] = "libnss3-tools",
        ["certutil"] = "libnss3-tools",
        ["pk12util"] = "libnss3-tools",
        ["gpgsm"] = "gpgsm",
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Found = new(StringComparer.Ordinal);

    /// <summary>Fails the calling test, naming the package to install, when <paramref name="fileName"/> is not on the PATH.</summary>
    public static void Require(string fileName)
    {
        if (!Found.GetOrAdd(fileName, IsOnPath))
        {
            string package = Packages.GetValueOrDefault(fileName, fileName);
            throw new Xunit.Sdk.XunitException(
                $"This test needs '{fileName}', which is not installed. Install the package {package} " +
                $"(Debian/Ubuntu: apt-get install -y {package}), or run ./test.sh, which installs it.");
        }
    }

    private static bool IsOnPath(string fileName)
    {
        if (fileName.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(fileName);
        }

        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Any(directory => File.Exists(Path.Combine(directory, fileName)));
    }

    public static PeerResult Run(string fileName, IEnumerable<string> arguments, byte[]? standardInput = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        Require(fileName);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = new MemoryStream();
        Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> copyErr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.BaseStream.Write(standardInput);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time.");
        }

        Task.WaitAll(copyOut, copyErr);
        return new PeerResult(process.ExitCode, stdout.ToArray(), copyErr.Result);
    }

    public static PeerResult OpenSsl(params string[] arguments) => Run("openssl", arguments);

    /// <summary>Runs a Python 3 script given as text, with arguments.</summary>
    public static PeerResult Python(string script, params string[] arguments) =>
        Run("python3", new[] { "-c", script }.Concat(arguments));
}
