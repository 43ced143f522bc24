using System.Text.RegularExpressions;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests;

/// <summary>
/// The core's folders depend one way: Buffers ← Mime, Cms (a leaf) ← Smime ← Graph, and every
/// file's namespace is its folder. Read from the sources, so a new edge fails here first: a
/// type of another folder can only be named through its namespace (a using or a qualified name).
/// </summary>
public sealed partial class LayeringTests
{
    // What each folder of src/SmimeGraph may use besides itself and the root namespace (the
    // SmimeGraphException family).
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Buffers"] = [],
        ["Mime"] = ["Buffers"],
        ["Cms"] = ["Buffers"],
        ["Smime"] = ["Buffers", "Mime", "Cms", "Graph"],
        // Graph sits above Mime (Buffers -> Mime -> Smime -> Graph): GraphPayload reads the
        // Message-ID of existing MIME through the one RFC 5322 parser.
        ["Graph"] = ["Buffers", "Mime"],
    };

    // The one edge against the design's direction: the composer's output, GraphPayload, is
    // declared in Graph. Nothing else of Graph may be used from Smime.
    private static readonly string[] SmimeUsesOfGraph = ["GraphPayload"];

    public static TheoryData<string> Folders() => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_core_folder_uses_only_the_layers_below_it(string folder)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in SourceTree.CSharpFiles(Path.Combine("src", "SmimeGraph", folder)))
        {
            foreach (Match match in CoreNamespace().Matches(File.ReadAllText(file)))
            {
                string used = match.Groups["layer"].Value;
                if (used != folder)
                {
                    found.Add(used);
                }
            }
        }

        Assert.Subset(new SortedSet<string>(Allowed[folder], StringComparer.Ordinal), found);
    }

    [Fact]
    public void Smime_uses_only_GraphPayload_from_Graph()
    {
        string[] graph = TypesDeclaredIn("Graph").Except(SmimeUsesOfGraph).ToArray();
        var offending = new List<string>();
        foreach (string file in SourceTree.CSharpFiles(Path.Combine("src", "SmimeGraph", "Smime")))
        {
            string text = WithoutComments(File.ReadAllText(file));
            offending.AddRange(graph.Where(type => Regex.IsMatch(text, $@"\b{type}\b")).Select(type => $"{Path.GetFileName(file)}: {type}"));
        }

        Assert.Empty(offending);
    }

    [Fact]
    public void Every_namespace_is_its_folder()
    {
        var mismatched = new List<string>();
        foreach (string root in new[] { "src", "tests", "benchmarks", "fuzz" })
        {
            foreach (string file in SourceTree.CSharpFiles(root))
            {
                string relative = Path.GetRelativePath(Path.Combine(SourceTree.Root, root), Path.GetDirectoryName(file)!);
                string expected = relative.Replace(Path.DirectorySeparatorChar, '.');
                Match declared = FileScopedNamespace().Match(File.ReadAllText(file));
                if (declared.Success && declared.Groups["name"].Value != expected)
                {
                    mismatched.Add($"{root}/{Path.GetRelativePath(Path.Combine(SourceTree.Root, root), file)} declares {declared.Groups["name"].Value}, expected {expected}");
                }
            }
        }

        Assert.Empty(mismatched);
    }

    private static IEnumerable<string> TypesDeclaredIn(string folder) =>
        SourceTree.CSharpFiles(Path.Combine("src", "SmimeGraph", folder))
            .SelectMany(file => TypeDeclaration().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal);

    private static string WithoutComments(string text) => LineComment().Replace(text, string.Empty);

    [GeneratedRegex(@"\bSmimeGraph\.(?<layer>Buffers|Mime|Cms|Smime|Graph)\b")]
    private static partial Regex CoreNamespace();

    [GeneratedRegex(@"^namespace (?<name>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"\b(?:class|struct|record|enum|interface)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
