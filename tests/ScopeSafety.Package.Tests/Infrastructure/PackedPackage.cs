using System.IO.Compression;
using System.Xml.Linq;

namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>
/// The ScopeSafety package, packed once for all tests of the <see cref="PackageCollection"/> into a
/// private temporary folder, with a version no earlier run used (so that no NuGet cache can serve a
/// stale copy).
/// </summary>
public sealed class PackedPackage : IDisposable
{
    public PackedPackage()
    {
        RepositoryRoot = FindRepositoryRoot();
        var stamp = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss}.g{Guid.NewGuid().ToString("N")[..8]}";
        WorkDirectory = Directory.CreateDirectory(
            Path.Combine(Path.GetTempPath(), "scopesafety-package-tests", stamp.Replace('.', '-'))).FullName;
        FeedDirectory = Path.Combine(WorkDirectory, "feed");
        PackagesCache = Path.Combine(WorkDirectory, "nuget-packages");
        BaseVersion = ReadBaseVersion(RepositoryRoot);
        Version = $"{BaseVersion}-test.{stamp}";

        var pack = DotNet.Run(
            RepositoryRoot,
            new Dictionary<string, string> { ["ArtifactsPath"] = Path.Combine(WorkDirectory, "artifacts") },
            "pack", Path.Combine(RepositoryRoot, "src", "ScopeSafety.Package", "ScopeSafety.Package.csproj"),
            "-c", "Release", "-o", FeedDirectory, $"-p:Version={Version}", "-nologo", "-clp:NoSummary");
        PackOutput = pack;
        if (!pack.Succeeded)
            throw new InvalidOperationException("Packing ScopeSafety failed. " + pack);

        PackagePath = Path.Combine(FeedDirectory, $"ScopeSafety.{Version}.nupkg");
        SymbolsPackagePath = Path.Combine(FeedDirectory, $"ScopeSafety.{Version}.snupkg");
        if (!File.Exists(PackagePath))
            throw new InvalidOperationException($"{PackagePath} is missing. " + pack);
    }

    public string RepositoryRoot { get; }

    /// <summary>Everything this run writes lives here and is deleted afterwards.</summary>
    public string WorkDirectory { get; }

    /// <summary>A local package source holding only the freshly packed packages.</summary>
    public string FeedDirectory { get; }

    /// <summary>A private global-packages folder for consumers, so the user's cache is left untouched.</summary>
    public string PackagesCache { get; }

    /// <summary>The version in Directory.Build.props, which a release pack uses as is.</summary>
    public string BaseVersion { get; }

    /// <summary>The unique prerelease version of this run's package.</summary>
    public string Version { get; }

    public string PackagePath { get; }

    public string SymbolsPackagePath { get; }

    internal ProcessResult PackOutput { get; }

    public static IReadOnlyList<string> Entries(string packagePath)
    {
        using var zip = ZipFile.OpenRead(packagePath);
        return zip.Entries.Select(entry => entry.FullName).ToList();
    }

    public static byte[] ReadEntry(string packagePath, string entryName)
    {
        using var zip = ZipFile.OpenRead(packagePath);
        var entry = zip.GetEntry(entryName) ?? throw new InvalidOperationException($"{entryName} is not in {packagePath}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The package's nuspec metadata element.</summary>
    public XElement Metadata()
    {
        var nuspec = XDocument.Parse(System.Text.Encoding.UTF8.GetString(ReadEntry(PackagePath, "ScopeSafety.nuspec")).TrimStart('\uFEFF'));
        return nuspec.Root!.Elements().Single(element => element.Name.LocalName == "metadata");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A compiler server may still hold an analyzer file open; the OS temp cleanup will get it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    internal static string FindRepositoryRoot()
    {
        var root = typeof(PackedPackage).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "RepositoryRoot").Value;
        if (root is null || !File.Exists(Path.Combine(root, "ScopeSafety.sln")))
            throw new InvalidOperationException($"The repository root recorded at build time ({root}) has no ScopeSafety.sln.");
        return Path.GetFullPath(root);
    }

    private static string ReadBaseVersion(string repositoryRoot)
    {
        var props = XDocument.Load(Path.Combine(repositoryRoot, "Directory.Build.props"));
        return props.Descendants("Version").Single().Value.Trim();
    }
}

/// <summary>Every test that needs the packed package shares one pack (it takes most of the run's time).</summary>
[CollectionDefinition(nameof(PackageCollection))]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
}
