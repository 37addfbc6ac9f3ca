using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>The README's promises match what ships: its rule table is the analyzers' descriptors, its links resolve.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Root = PackedPackage.FindRepositoryRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    [Fact]
    public void Every_shipped_rule_has_a_readme_row_and_every_row_is_a_shipped_rule()
    {
        var shipped = ShippedDescriptors().Select(descriptor => descriptor.Id).Order().ToList();
        var documented = RuleRows().Select(row => row.Id).Order().ToList();

        Assert.NotEmpty(shipped);
        Assert.Equal(shipped, documented);
    }

    [Fact]
    public void Each_readme_row_states_the_descriptors_severity_category_title_and_doc_page()
    {
        var rows = RuleRows().ToDictionary(row => row.Id);
        foreach (var descriptor in ShippedDescriptors())
        {
            var row = rows[descriptor.Id];
            Assert.Equal(SeverityWord(descriptor.DefaultSeverity), row.Severity);
            Assert.Equal(descriptor.Category, row.Category);
            Assert.Equal(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Title);
            Assert.Equal($"docs/rules/{descriptor.Id}.md", row.DocLink);
            Assert.EndsWith(row.DocLink, descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_relative_link_in_the_readme_points_at_a_file_or_folder_of_the_repository()
    {
        var links = RelativeLink().Matches(Readme).Select(match => match.Groups["target"].Value).Distinct().ToList();

        Assert.Contains("docs/configuration.md", links);
        Assert.Contains("docs/benchmarks.md", links);
        Assert.All(links, link =>
            Assert.True(File.Exists(Path.Combine(Root, link)) || Directory.Exists(Path.Combine(Root, link)), $"README links to {link}, which does not exist"));
    }

    [Fact]
    public void The_readme_names_the_two_commands_and_both_scripts_exist()
    {
        Assert.Contains("| run the demo | `build/demo.sh` |", Readme, StringComparison.Ordinal);
        Assert.Contains("| run all tests | `build/test.sh` |", Readme, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "build", "demo.sh")));
        Assert.True(File.Exists(Path.Combine(Root, "build", "test.sh")));
    }

    [Fact]
    public void The_readme_shows_how_to_install_the_package()
    {
        Assert.Contains("dotnet add package ScopeSafety", Readme, StringComparison.Ordinal);
    }

    /// <summary>Every descriptor of every analyzer the package ships, once per id.</summary>
    private static IReadOnlyList<DiagnosticDescriptor> ShippedDescriptors()
    {
        var assembly = System.Reflection.Assembly.Load("ScopeSafety.Analyzers");
        return assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), inherit: false).Length > 0)
            .SelectMany(type => ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
            .GroupBy(descriptor => descriptor.Id)
            .Select(group => group.First())
            .ToList();
    }

    private static string SeverityWord(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "info",
        _ => "hidden",
    };

    private sealed record RuleRow(string Id, string Severity, string Category, string Title, string DocLink);

    private static IEnumerable<RuleRow> RuleRows() =>
        RuleRowLine().Matches(Readme).Select(match => new RuleRow(
            match.Groups["id"].Value,
            match.Groups["severity"].Value,
            match.Groups["category"].Value,
            match.Groups["title"].Value,
            match.Groups["link"].Value));

    [GeneratedRegex(@"^\| (?<id>SCOPE\d{3}) \| (?<severity>[a-z]+) \| (?<category>[\w.]+) \| (?<title>[^|]+?) \| \[SCOPE\d{3}\]\((?<link>[^)]+)\) \|\s*$", RegexOptions.Multiline)]
    private static partial Regex RuleRowLine();

    [GeneratedRegex(@"\]\((?<target>(?!https?:|#)[^)\s]+)\)")]
    private static partial Regex RelativeLink();
}
