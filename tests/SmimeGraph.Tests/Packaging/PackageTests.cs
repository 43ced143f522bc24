using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

namespace SmimeGraph.Tests.Packaging;

/// <summary>
/// What `dotnet pack` makes of the packable projects, read back with System.IO.Compression,
/// the nuspec's XML and System.Reflection.Metadata: metadata, symbols, Source Link, and XML
/// documentation cut to the public surface.
/// </summary>
public sealed class PackageTests(PackedPackages packed) : IClassFixture<PackedPackages>
{
    // Portable PDB custom debug information kinds (System.Reflection.Metadata's PortablePdb spec).
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private const string RepositoryUrl = "https://github.com/smimegraph/smimegraph";

    public static TheoryData<string> Packages() => [.. PackedPackages.PackageIds];

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_package_has_its_metadata_icon_readme_and_tags(string id)
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package(id));
        XElement metadata = Nuspec(package, id);
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

        Assert.Equal(id, Value("id"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal(RepositoryUrl, Value("projectUrl"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.False(string.IsNullOrWhiteSpace(Value("authors")));
        Assert.Contains("smime", Value("tags").Split(' '));

        Assert.Equal("icon.png", Value("icon"));
        byte[] icon = Read(package, "icon.png");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, icon[..8]);
        Assert.InRange(icon.Length, 100, 1024 * 1024);

        Assert.Equal("README.md", Value("readme"));
        string readme = Encoding.UTF8.GetString(Read(package, "README.md"));
        Assert.StartsWith("# ", readme, StringComparison.Ordinal);

        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(RepositoryUrl, (string?)repository.Attribute("url"));
        Assert.Equal(HeadCommit(), (string?)repository.Attribute("commit"));
    }

    [Fact]
    public void The_tool_package_has_its_own_readme_and_tags()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package("SmimeGraph.Cli"));
        XElement metadata = Nuspec(package, "SmimeGraph.Cli");
        string tags = metadata.Elements().Single(e => e.Name.LocalName == "tags").Value;
        Assert.Contains("cli", tags.Split(' '));
        Assert.Contains("dotnet-tool", tags.Split(' '));
        Assert.Contains(metadata.Parent!.Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        Assert.StartsWith("# smimegraph", Encoding.UTF8.GetString(Read(package, "README.md")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Symbols_are_a_portable_pdb_with_every_source_embedded_and_source_link(string id)
    {
        Assert.True(File.Exists(packed.SymbolPackage(id)), packed.SymbolPackage(id) + " is missing");
        using ZipArchive package = ZipFile.OpenRead(packed.Package(id));
        using ZipArchive symbols = ZipFile.OpenRead(packed.SymbolPackage(id));
        string assemblyPath = package.Entries.Single(e => e.Name == id + ".dll").FullName;
        string pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
        if (assemblyPath.StartsWith("lib/", StringComparison.Ordinal))
        {
            // A library's symbols live in the .snupkg only (a tool ships its own beside it).
            Assert.DoesNotContain(package.Entries, e => e.Name.EndsWith(".pdb", StringComparison.Ordinal));
        }

        // The assembly is deterministic and names this PDB.
        using var pe = new PEReader(new MemoryStream(Read(package, assemblyPath)));
        DebugDirectoryEntry codeView = pe.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        Assert.Contains(pe.ReadDebugDirectory(), e => e.Type == DebugDirectoryEntryType.Reproducible);
        Assert.Equal(id + ".pdb", Path.GetFileName(pe.ReadCodeViewDebugDirectoryData(codeView).Path));

        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(Read(symbols, pdbPath)));
        MetadataReader pdb = provider.GetMetadataReader();
        Assert.Equal(pe.ReadCodeViewDebugDirectoryData(codeView).Guid, new BlobContentId(pdb.DebugMetadataHeader!.Id).Guid);

        var embedded = new HashSet<DocumentHandle>();
        string? sourceLink = null;
        foreach (CustomDebugInformationHandle handle in pdb.CustomDebugInformation)
        {
            CustomDebugInformation information = pdb.GetCustomDebugInformation(handle);
            Guid kind = pdb.GetGuid(information.Kind);
            if (kind == EmbeddedSourceKind)
            {
                embedded.Add((DocumentHandle)information.Parent);
            }
            else if (kind == SourceLinkKind)
            {
                sourceLink = Encoding.UTF8.GetString(pdb.GetBlobBytes(information.Value));
            }
        }

        List<string> sources = [.. pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).Where(n => n.EndsWith(".cs", StringComparison.Ordinal))];
        Assert.NotEmpty(sources);
        Assert.All(pdb.Documents, d => Assert.Contains(d, embedded));
        Assert.NotNull(sourceLink);
        // The commit the assembly was built from (the checkout may have moved on since).
        Assert.Matches(@"""https://raw\.githubusercontent\.com/smimegraph/smimegraph/[0-9a-f]{40}/\*""", sourceLink);
    }

    [Theory]
    [InlineData("SmimeGraph")]
    [InlineData("SmimeGraph.MimeKit")]
    [InlineData("SmimeGraph.MicrosoftGraph")]
    [InlineData("SmimeGraph.Extensions")]
    [InlineData("SmimeGraph.Testing")]
    public void Xml_documentation_covers_the_public_types_and_nothing_internal(string id)
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package(id));
        string assemblyPath = package.Entries.Single(e => e.Name == id + ".dll").FullName;
        HashSet<string> publicTypes = PublicTypes(Read(package, assemblyPath));
        XDocument documentation = XDocument.Load(new MemoryStream(Read(package, Path.ChangeExtension(assemblyPath, ".xml"))));
        List<string> ids = [.. documentation.Descendants("member").Select(m => (string)m.Attribute("name")!)];

        Assert.NotEmpty(ids);
        Assert.Equal(publicTypes.Order(), ids.Where(i => i.StartsWith("T:", StringComparison.Ordinal)).Select(i => i[2..]).Order());
        Assert.All(ids.Where(i => !i.StartsWith("T:", StringComparison.Ordinal)), i => Assert.Contains(DeclaringType(i), publicTypes));
    }

    [Fact]
    public void Core_documentation_keeps_public_members_and_drops_internal_ones()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package("SmimeGraph"));
        string xml = Encoding.UTF8.GetString(Read(package, "lib/net10.0/SmimeGraph.xml"));

        Assert.Contains("\"M:SmimeGraph.Graph.GraphPayload.OpenRead\"", xml, StringComparison.Ordinal);
        Assert.Contains("\"M:SmimeGraph.Graph.GraphPayload.FromMimeAsync(System.IO.Stream,System.Int64,System.Threading.CancellationToken)\"", xml, StringComparison.Ordinal);
        Assert.Contains("\"P:SmimeGraph.Graph.GraphPayload.Length\"", xml, StringComparison.Ordinal);

        // Internal types, and internal or private members of public types.
        Assert.DoesNotContain("T:SmimeGraph.Buffers.PooledSegmentBuffer", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("T:SmimeGraph.Mime.MimeMessageWriter", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("T:SmimeGraph.Smime.ChainValidationOptions", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("M:SmimeGraph.Graph.GraphPayload.ToArray", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("M:SmimeGraph.Graph.GraphPayload.HeaderEnd", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("M:SmimeGraph.Graph.GraphPayload.#ctor", xml, StringComparison.Ordinal);
    }

    /// <summary>Public types and public/protected types nested in them, as documentation IDs name them.</summary>
    private static HashSet<string> PublicTypes(byte[] assembly)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        MetadataReader reader = pe.GetMetadataReader();
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            if (Visible(reader, handle))
            {
                result.Add(Name(reader, handle));
            }
        }

        return result;
    }

    private static bool Visible(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        TypeAttributes visibility = type.Attributes & TypeAttributes.VisibilityMask;
        return visibility switch
        {
            TypeAttributes.Public => true,
            TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem => Visible(reader, type.GetDeclaringType()),
            _ => false,
        };
    }

    private static string Name(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        return type.GetDeclaringType().IsNil
            ? reader.GetString(type.Namespace) + "." + name
            : Name(reader, type.GetDeclaringType()) + "." + name;
    }

    /// <summary>The type part of a member's documentation ID: <c>M:A.B.C(System.Int32)</c> gives <c>A.B</c>.</summary>
    private static string DeclaringType(string id)
    {
        string path = id[2..];
        int open = path.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            path = path[..open];
        }

        return path[..path.LastIndexOf('.')];
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        XDocument nuspec = XDocument.Load(new MemoryStream(Read(package, id + ".nuspec")));
        return nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static byte[] Read(ZipArchive archive, string path)
    {
        ZipArchiveEntry entry = archive.GetEntry(path) ?? throw new Xunit.Sdk.XunitException($"{path} is not in the package; it has {string.Join(", ", archive.Entries.Select(e => e.FullName))}");
        using Stream stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private string HeadCommit()
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, WorkingDirectory = packed.RepositoryRoot };
        start.ArgumentList.Add("rev-parse");
        start.ArgumentList.Add("HEAD");
        using Process git = Process.Start(start)!;
        string commit = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        Assert.Matches("^[0-9a-f]{40}$", commit);
        return commit;
    }
}
