namespace SmimeGraph.MimeKit.Tests.Differential;

/// <summary>
/// SmimeGraph's MIME reader against MimeKit's parser over every MIME file of the vector
/// collection. Every difference found is listed in <see cref="DecidedDifferences"/> with its
/// decision (docs/mimekit-differential.md): a new difference, or a listed one that disappears,
/// fails the test until it is decided.
/// </summary>
public sealed class MimeKitDifferentialTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "vectors");

    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) is not ("SOURCE.txt" or "README.md"))
            .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_vectors_are_all_there()
    {
        // 117 MIME files (every file of the collection whose header block has a Content-Type or
        // MIME-Version field): a missing copy would silently shrink the comparison.
        Assert.Equal(117, Files().Count());
    }

    [Fact]
    public void Every_difference_from_MimeKit_is_decided()
    {
        var found = new List<string>();
        foreach (string file in Files())
        {
            found.AddRange(TreeComparer.Compare(file, File.ReadAllBytes(Path.Combine(Root, file))).Select(d => d.ToString()));
        }

        string[] decided = [.. DecidedDifferences.All.Select(d => d.Difference)];
        string[] undecided = [.. found.Except(decided, StringComparer.Ordinal)];
        string[] gone = [.. decided.Except(found, StringComparer.Ordinal)];
        Assert.True(undecided.Length == 0, "New differences to decide:\n" + string.Join('\n', undecided));
        Assert.True(gone.Length == 0, "Decided differences that no longer occur (remove them and their entry in the doc):\n" + string.Join('\n', gone));
    }
}
