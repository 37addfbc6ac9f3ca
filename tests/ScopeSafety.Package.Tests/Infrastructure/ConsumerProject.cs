using System.Text.RegularExpressions;

namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>A diagnostic as the command-line build prints it, with the file relative to the project.</summary>
internal sealed record BuildDiagnostic(string File, int Line, string Severity, string Id)
{
    public override string ToString() => $"{File}({Line}): {Severity} {Id}";
}

/// <summary>
/// A throw-away console app in its own temporary folder that consumes the packed ScopeSafety package
/// the way a user would: a PackageReference, warnings as errors, restored from a local folder added
/// to the machine's configured sources.
/// </summary>
internal sealed partial class ConsumerProject
{
    private const string ProjectFile = "Consumer.csproj";
    private readonly PackedPackage _package;

    private ConsumerProject(PackedPackage package, string directory)
    {
        _package = package;
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>
    /// Creates the project with the given files (relative path → text) besides the project file. Without
    /// <paramref name="referencePackage"/> the project has neither the PackageReference nor a package source
    /// for it, as a fresh <c>dotnet new console</c> would: the test adds it as the README says.
    /// </summary>
    public static ConsumerProject Create(PackedPackage package, string name, IReadOnlyDictionary<string, string> files, bool treatWarningsAsErrors = true, bool referencePackage = true)
    {
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(package.WorkDirectory, "consumers", name)).FullName;
        var project = new ConsumerProject(package, directory);
        var reference = referencePackage
            ? $"\n  <ItemGroup>\n    <PackageReference Include=\"ScopeSafety\" Version=\"[{package.Version}]\" />\n  </ItemGroup>"
            : "";
        project.Write(ProjectFile, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <TreatWarningsAsErrors>{(treatWarningsAsErrors ? "true" : "false")}</TreatWarningsAsErrors>
              </PropertyGroup>{reference}
            </Project>
            """);
        // Adds the local folder to the machine's sources (nothing cleared, no host written).
        if (referencePackage)
            project.Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="scopesafety-local" value="{package.FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
        // Stops MSBuild from importing whatever Directory.*.props lie above the temporary folder, and
        // keeps restore working offline: the package is found locally, unreachable remotes are skipped.
        project.Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <RestoreIgnoreFailedSources>true</RestoreIgnoreFailedSources>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
            </Project>
            """);
        project.Write("Directory.Build.targets", "<Project />");
        project.Write("Directory.Packages.props", "<Project />");
        foreach (var (path, text) in files)
            project.Write(path, text);
        return project;
    }

    public void Write(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
    }

    public string Read(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    public ProcessResult Build() =>
        Run("build", ProjectFile, "-c", "Release", "-nologo", "-clp:NoSummary");

    /// <summary>
    /// Applies the package's code fixes, as a user would from the command line. Call it after a build:
    /// it reuses that build's restore.
    /// </summary>
    public ProcessResult FixWithDotNetFormat(params string[] ids) =>
        Run(["format", "analyzers", ProjectFile, "--diagnostics", .. ids, "--severity", "info", "--no-restore", "-v", "diag"]);

    /// <summary>Runs the built program directly (no second evaluation of the project, as <c>dotnet run</c> would do).</summary>
    public ProcessResult RunProgram() =>
        Run(Path.Combine("bin", "Release", "net10.0", "Consumer.dll"));

    /// <summary>Asserts that the build reported exactly the expected SCOPE diagnostics; a failure shows the build output.</summary>
    public void AssertScopeDiagnostics(IEnumerable<BuildDiagnostic> expected, ProcessResult build)
    {
        var expectedList = Sorted(expected);
        var actual = ScopeDiagnostics(build);
        Assert.True(
            expectedList.SequenceEqual(actual),
            $"Expected [{string.Join(", ", expectedList)}]{Environment.NewLine}but got [{string.Join(", ", actual)}]{Environment.NewLine}{build}");
    }

    /// <summary>The ScopeSafety diagnostics a build printed, each once.</summary>
    public IReadOnlyList<BuildDiagnostic> ScopeDiagnostics(ProcessResult build)
    {
        var found = new List<BuildDiagnostic>();
        foreach (Match match in DiagnosticLine().Matches(build.Output))
        {
            if (!match.Groups["id"].Value.StartsWith("SCOPE", StringComparison.Ordinal))
                continue;
            found.Add(new BuildDiagnostic(
                Path.GetRelativePath(Directory, match.Groups["file"].Value).Replace('\\', '/'),
                int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["severity"].Value,
                match.Groups["id"].Value));
        }
        return Sorted(found);
    }

    /// <summary>
    /// The diagnostics a source file announces: a line ending in <c>// SCOPE001</c> (or several ids)
    /// expects each of them on that line, at the given severity.
    /// </summary>
    public IReadOnlyList<BuildDiagnostic> ExpectedDiagnostics(string relativePath, string severity = "error")
    {
        var found = new List<BuildDiagnostic>();
        var lines = Read(relativePath).Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var marker = ExpectationMarker().Match(lines[index]);
            if (!marker.Success)
                continue;
            foreach (Capture id in marker.Groups["id"].Captures)
                found.Add(new BuildDiagnostic(relativePath, index + 1, severity, id.Value));
        }
        return Sorted(found);
    }

    /// <summary>Each diagnostic once, in a stable order, so that lists compare equal regardless of build output order.</summary>
    private static List<BuildDiagnostic> Sorted(IEnumerable<BuildDiagnostic> diagnostics) =>
        diagnostics.Distinct().OrderBy(diagnostic => diagnostic.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>Any <c>dotnet</c> command in the project's folder, with the run's private NuGet cache.</summary>
    public ProcessResult RunDotNet(params string[] arguments) => Run(arguments);

    public string ProjectFileName => ProjectFile;

    /// <summary>The variables every process working on this project gets: the run's private NuGet cache.</summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = _package.PackagesCache };

    private ProcessResult Run(params string[] arguments) =>
        DotNet.Run(Directory, ProcessEnvironment, arguments);

    [GeneratedRegex(@"^\s*(?<file>[^\s(][^(\r\n]*)\((?<line>\d+),(?<column>\d+)(,\d+,\d+)?\): (?<severity>error|warning|info) (?<id>[A-Za-z]+\d+):", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"//\s*(?:(?<id>SCOPE\d{3})[\s,]*)+$")]
    private static partial Regex ExpectationMarker();
}
