using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>What a NuGet user receives: one package with the library, its docs, the analyzers and nothing else.</summary>
[Collection(nameof(PackageCollection))]
public sealed class PackageLayoutTests(PackedPackage package)
{
    private const string RuntimeAssembly = "lib/net8.0/ScopeSafety.dll";
    private const string AnalyzerAssembly = "analyzers/dotnet/cs/ScopeSafety.Analyzers.dll";
    private const string CodeFixAssembly = "analyzers/dotnet/cs/ScopeSafety.CodeFixes.dll";

    [Fact]
    public void Packing_yields_one_package_and_its_symbols_package_named_ScopeSafety()
    {
        var files = Directory.GetFiles(package.FeedDirectory).Select(Path.GetFileName).Order().ToList();

        Assert.Equal([$"ScopeSafety.{package.Version}.nupkg", $"ScopeSafety.{package.Version}.snupkg"], files);
    }

    [Fact]
    public void The_runtime_ships_in_lib_with_its_xml_docs_and_the_analyzers_in_analyzers_dotnet_cs()
    {
        var entries = PackedPackage.Entries(package.PackagePath);

        Assert.Contains(RuntimeAssembly, entries);
        Assert.Contains("lib/net8.0/ScopeSafety.xml", entries);
        Assert.Contains(AnalyzerAssembly, entries);
        Assert.Contains(CodeFixAssembly, entries);
        Assert.Contains("README.md", entries);
    }

    [Fact]
    public void No_other_assembly_ships_neither_Roslyn_nor_an_analyzer_in_lib()
    {
        var assemblies = PackedPackage.Entries(package.PackagePath)
            .Where(entry => entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal([AnalyzerAssembly, CodeFixAssembly, RuntimeAssembly], assemblies);
        Assert.DoesNotContain(PackedPackage.Entries(package.PackagePath), entry => entry.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_lib_assembly_is_the_runtime_library_with_the_Scope_type()
    {
        using var pe = new PEReader(new MemoryStream(PackedPackage.ReadEntry(package.PackagePath, RuntimeAssembly)));
        var metadata = pe.GetMetadataReader();

        Assert.Equal("ScopeSafety", metadata.GetString(metadata.GetAssemblyDefinition().Name));
        Assert.Contains(metadata.TypeDefinitions, handle =>
        {
            var type = metadata.GetTypeDefinition(handle);
            return metadata.GetString(type.Namespace) == "ScopeSafety" && metadata.GetString(type.Name) == "Scope";
        });
        Assert.DoesNotContain(metadata.AssemblyReferences, handle =>
            metadata.GetString(metadata.GetAssemblyReference(handle).Name).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RuntimeAssembly)]
    [InlineData(AnalyzerAssembly)]
    [InlineData(CodeFixAssembly)]
    public void Every_shipped_assembly_is_built_deterministically(string entry)
    {
        using var pe = new PEReader(new MemoryStream(PackedPackage.ReadEntry(package.PackagePath, entry)));

        Assert.Contains(pe.ReadDebugDirectory(), debug => debug.Type == DebugDirectoryEntryType.Reproducible);
    }

    [Fact]
    public void The_symbols_package_holds_the_runtime_pdb_matching_the_shipped_dll()
    {
        var pdbBytes = PackedPackage.ReadEntry(package.SymbolsPackagePath, "lib/net8.0/ScopeSafety.pdb");
        using var pe = new PEReader(new MemoryStream(PackedPackage.ReadEntry(package.PackagePath, RuntimeAssembly)));
        var codeView = pe.ReadCodeViewDebugDirectoryData(pe.ReadDebugDirectory().Single(debug => debug.Type == DebugDirectoryEntryType.CodeView));

        using var pdb = MetadataReaderProvider.FromPortablePdbImage(System.Collections.Immutable.ImmutableArray.Create(pdbBytes));
        var pdbId = new BlobContentId(pdb.GetMetadataReader().DebugMetadataHeader!.Id);
        Assert.Equal(codeView.Guid, pdbId.Guid);
    }

    [Fact]
    public void The_nuspec_carries_what_a_gallery_shows()
    {
        var metadata = package.Metadata();
        string Value(string name) => Element(metadata, name)?.Value ?? "";

        Assert.Equal("ScopeSafety", Value("id"));
        Assert.Equal(package.Version, Value("version"));
        Assert.StartsWith(package.BaseVersion + "-", Value("version"), StringComparison.Ordinal);
        Assert.Equal("expression", Element(metadata, "license")?.Attribute("type")?.Value);
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.StartsWith("https://", Value("projectUrl"), StringComparison.Ordinal);
        Assert.Equal("git", Element(metadata, "repository")?.Attribute("type")?.Value);
        Assert.StartsWith("https://", Element(metadata, "repository")?.Attribute("url")?.Value ?? "", StringComparison.Ordinal);
        Assert.Contains("scope", Value("description"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("analyzers", Value("tags").Split(' '));
        Assert.False(string.IsNullOrWhiteSpace(Value("authors")));
    }

    [Fact]
    public void The_package_depends_on_nothing()
    {
        var dependencies = Element(package.Metadata(), "dependencies");

        Assert.DoesNotContain(dependencies?.Descendants() ?? [], element => element.Name.LocalName == "dependency");
    }

    [Fact]
    public void The_packed_readme_is_the_repository_readme()
    {
        var packed = PackedPackage.ReadEntry(package.PackagePath, "README.md");

        Assert.Equal(File.ReadAllBytes(Path.Combine(package.RepositoryRoot, "README.md")), packed);
    }

    [Fact]
    public void The_xml_documentation_documents_the_public_api_only()
    {
        var documentation = XDocument.Parse(System.Text.Encoding.UTF8.GetString(PackedPackage.ReadEntry(package.PackagePath, "lib/net8.0/ScopeSafety.xml")).TrimStart('\uFEFF'));
        var ids = documentation.Descendants("member").Select(member => member.Attribute("name")!.Value).ToList();
        // Internals too, so that an internal member's id resolves and is reported as such rather than as unknown.
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Inspect",
            references: [Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(PackedPackage.ReadEntry(package.PackagePath, RuntimeAssembly)), .. FrameworkReferences()],
            options: new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary)
                .WithMetadataImportOptions(Microsoft.CodeAnalysis.MetadataImportOptions.All));

        Assert.Contains("T:ScopeSafety.Scope", ids);
        var notPublic = ids
            .Where(id => Microsoft.CodeAnalysis.DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation) is not { } symbol || !IsPublicApi(symbol))
            .ToList();
        Assert.True(
            notPublic.Count == 0,
            "The shipped XML documentation documents members outside the public API (write their comments with // instead of ///): " + string.Join(", ", notPublic));
    }

    /// <summary>Visible to a user of the package: public or protected, and so is every containing type.</summary>
    private static bool IsPublicApi(Microsoft.CodeAnalysis.ISymbol symbol)
    {
        for (var current = symbol; current is not null and not Microsoft.CodeAnalysis.INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.DeclaredAccessibility is not (Microsoft.CodeAnalysis.Accessibility.Public or Microsoft.CodeAnalysis.Accessibility.Protected or Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal))
                return false;
        }

        return true;
    }

    private static IEnumerable<Microsoft.CodeAnalysis.MetadataReference> FrameworkReferences() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Select(path => Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(path));

    private static XElement? Element(XElement metadata, string localName) =>
        metadata.Elements().SingleOrDefault(element => element.Name.LocalName == localName);
}
