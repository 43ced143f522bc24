using System.Diagnostics;
using System.Reflection;

namespace SmimeGraph.Tests.Packaging;

/// <summary>
/// Packs every packable project once, from the outputs this test run was built with (same
/// configuration, <c>NoBuild</c>), into a temporary folder: `dotnet msbuild` on a small
/// traversal project calls each project's Pack target.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    /// <summary>The packable projects under src/ and their package ids.</summary>
    public static readonly string[] PackageIds =
    [
        "SmimeGraph", "SmimeGraph.MimeKit", "SmimeGraph.MicrosoftGraph", "SmimeGraph.Extensions", "SmimeGraph.Testing", "SmimeGraph.Cli",
    ];

    public PackedPackages()
    {
        RepositoryRoot = FindRepositoryRoot();
        Configuration = typeof(PackedPackages).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        Folder = TestPaths.NewTempDirectory();
        string output = Path.Combine(Folder, "packages");
        string traversal = Path.Combine(Folder, "pack.proj");
        string projects = string.Join(";", PackageIds.Select(id => Path.Combine(RepositoryRoot, "src", id, id + ".csproj")));
        File.WriteAllText(traversal, $"""
            <Project>
              <Target Name="PackAll">
                <MSBuild Projects="{projects}" Targets="Pack" BuildInParallel="true"
                         Properties="Configuration={Configuration};NoBuild=true;PackageOutputPath={output};NuspecOutputPath={Path.Combine(Folder, "nuspec")}" />
              </Target>
            </Project>
            """);

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        foreach (string argument in new[] { "msbuild", traversal, "-t:PackAll", "-nologo", "-v:m", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`; its MSBuild settings must not leak into this build.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();

        // A hang guard only, far above the few seconds packing takes.
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet msbuild -t:Pack did not finish within 5 minutes");
        }

        Log = stdout.Result + stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Packing failed (exit {process.ExitCode}; the packable projects must be built in {Configuration} first):\n{Log}");
        }

        Output = output;
    }

    public string RepositoryRoot { get; }

    public string Configuration { get; }

    public string Folder { get; }

    public string Output { get; }

    public string Log { get; }

    /// <summary>The package <paramref name="id"/> (any version: the one Directory.Build.props sets).</summary>
    public string Package(string id) =>
        Directory.GetFiles(Output, id + ".*.nupkg").Single(f => char.IsAsciiDigit(Path.GetFileName(f)[(id.Length + 1)..][0]));

    public string SymbolPackage(string id) => Path.ChangeExtension(Package(id), ".snupkg");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SmimeGraph.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SmimeGraph.sln not found above " + AppContext.BaseDirectory);
    }
}
