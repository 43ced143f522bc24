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

    [Fact]
    public void The_core_depends_on_no_adapter_library()
    {
        // The BCL, System.Security.Cryptography.Pkcs and BouncyCastle, plus the logging and DI
        // abstractions the transport takes (ILogger, IHttpClientFactory): MimeKit and the Graph SDK
        // are used by the adapter projects on top, never by the core.
        string project = File.ReadAllText(Path.Combine(SourceTree.Root, "src", "SmimeGraph", "SmimeGraph.csproj"));
        string[] packages = [.. PackageReference().Matches(project).Select(m => m.Groups["name"].Value)];
        Assert.Subset(
            new HashSet<string>(["System.Security.Cryptography.Pkcs", "BouncyCastle.Cryptography", "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.DependencyInjection.Abstractions"], StringComparer.Ordinal),
            new HashSet<string>(packages, StringComparer.Ordinal));
        Assert.DoesNotContain("<ProjectReference", project, StringComparison.Ordinal);
        Assert.DoesNotContain(
            SourceTree.CSharpFiles(Path.Combine("src", "SmimeGraph")),
            file => AdapterNamespace().IsMatch(File.ReadAllText(file)));
    }

    [Fact]
    public void The_MimeKit_adapter_sits_on_the_core()
    {
        string project = File.ReadAllText(Path.Combine(SourceTree.Root, "src", "SmimeGraph.MimeKit", "SmimeGraph.MimeKit.csproj"));
        Assert.Equal(["../SmimeGraph/SmimeGraph.csproj"], ProjectReference().Matches(project).Select(m => m.Groups["path"].Value));
        Assert.Contains("MimeKit", PackageReference().Matches(project).Select(m => m.Groups["name"].Value));
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

    [GeneratedRegex(@"<PackageReference Include=""(?<name>[^""]+)""")]
    private static partial Regex PackageReference();

    [GeneratedRegex(@"<ProjectReference Include=""(?<path>[^""]+)""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"\b(?:using|global::)\s*(?:MimeKit|MailKit|Microsoft\.Graph)\b")]
    private static partial Regex AdapterNamespace();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
