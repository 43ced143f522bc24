namespace SmimeGraph.Tests.TestSupport;

/// <summary>The repository's source files, found from the test output folder upwards.</summary>
public static class SourceTree
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SmimeGraph.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("SmimeGraph.sln was not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The folder holding SmimeGraph.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>Every C# file under <paramref name="relativeFolder"/>, without build output.</summary>
    public static IEnumerable<string> CSharpFiles(string relativeFolder) =>
        Directory.EnumerateFiles(Path.Combine(Root, relativeFolder), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);
}
