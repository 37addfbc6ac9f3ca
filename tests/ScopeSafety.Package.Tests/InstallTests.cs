using System.Text.RegularExpressions;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// The README's install instructions work for a new user: <c>build/pack.sh</c> and <c>dotnet pack</c> write the
/// package where the README's one command takes it from, and that command makes a fresh project build and run.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed partial class InstallTests(PackedPackage package)
{
    private static readonly string Root = PackedPackage.FindRepositoryRoot();

    [Fact]
    public void The_readme_install_command_adds_the_packed_package_to_a_fresh_project_that_then_builds_and_runs()
    {
        var command = InstallCommand();
        var consumer = ConsumerProject.Create(package, "installed", new Dictionary<string, string>
        {
            ["Program.cs"] = """
                using ScopeSafety;

                var (evens, odds) = Scope.Join(() => Enumerable.Range(0, 10).Count(n => n % 2 == 0), () => Enumerable.Range(0, 10).Count(n => n % 2 == 1));
                Console.WriteLine($"{evens} even, {odds} odd");
                """,
        }, referencePackage: false);

        // The README's arguments, with this run's package folder as the source. This run's package has a
        // unique prerelease version (so no cache can serve a stale one), which `dotnet add package` takes only
        // when asked for it; the README's users get the stable version without asking.
        var arguments = command.Arguments.Select(argument => argument == command.Source ? package.FeedDirectory : argument).ToList();
        var add = consumer.RunDotNet([.. arguments, "--version", package.Version]);

        Assert.True(add.Succeeded, add.ToString());
        Assert.Contains("<PackageReference Include=\"ScopeSafety\"", consumer.Read(consumer.ProjectFileName), StringComparison.Ordinal);
        // No nuget.config, no --source: later builds find the package in the NuGet cache, as the README says.
        Assert.False(File.Exists(Path.Combine(consumer.Directory, "nuget.config")));
        var build = consumer.Build();
        Assert.True(build.Succeeded, build.ToString());
        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("5 even, 5 odd", run.Output.Trim());
    }

    [Fact]
    public void The_pack_script_dotnet_pack_and_the_readme_use_one_package_folder()
    {
        var expected = Path.Combine(Root, "artifacts", "package");

        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var property = DotNet.Run(Root, new Dictionary<string, string>(), "msbuild",
                Path.Combine(Root, "src", "ScopeSafety.Package", "ScopeSafety.Package.csproj"),
                "-getProperty:PackageOutputPath", $"-p:Configuration={configuration}", "-nologo");
            Assert.True(property.Succeeded, property.ToString());
            Assert.Equal(Normalized(expected), Normalized(property.Output.Trim()));
        }

        var script = File.ReadAllText(Path.Combine(Root, "build", "pack.sh"));
        var scriptDefault = PackScriptDefault().Match(script);
        Assert.True(scriptDefault.Success, "build/pack.sh has no out=\"${1:-$root/...}\" default folder");
        Assert.Equal(Normalized(expected), Normalized(Path.Combine(Root, scriptDefault.Groups["folder"].Value)));

        Assert.EndsWith("/artifacts/package", InstallCommand().Source, StringComparison.Ordinal);
    }

    private static string Normalized(string path) => Path.GetFullPath(path).Replace('\\', '/').TrimEnd('/');

    private sealed record Install(IReadOnlyList<string> Arguments, string Source);

    /// <summary>The README's one install command: <c>dotnet add package ScopeSafety --source &lt;folder&gt;</c>.</summary>
    private static Install InstallCommand()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var matches = InstallLine().Matches(readme);
        var line = Assert.Single(matches).Value.Trim();
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("dotnet", words[0]);
        var source = words[Array.IndexOf(words, "--source") + 1];
        return new Install(words[1..], source);
    }

    [GeneratedRegex(@"^dotnet add package ScopeSafety --source \S+[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex InstallLine();

    [GeneratedRegex(@"out=""\$\{1:-\$root/(?<folder>[^}""]+)\}""")]
    private static partial Regex PackScriptDefault();
}
