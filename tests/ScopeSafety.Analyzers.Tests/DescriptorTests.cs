using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests;

/// <summary>
/// Walks every analyzer and code-fix provider the product ships (by reflection over the two assemblies)
/// and checks what ties them to the rest of the repository: ids, categories, help links, doc pages,
/// release tracking and MEF exports. One theory row per descriptor or provider, so a failure names it.
/// </summary>
public partial class DescriptorTests
{
    private const string None = "<none>";

    /// <summary>(analyzer type, descriptor id) for every descriptor; a single "&lt;none&gt;" row, which fails, when there is none.</summary>
    public static TheoryData<string, string> Descriptors()
    {
        var rows = new TheoryData<string, string>();
        foreach (var analyzer in Analyzers())
        {
            foreach (var descriptor in analyzer.SupportedDiagnostics)
            {
                rows.Add(analyzer.GetType().FullName!, descriptor.Id);
            }
        }

        if (rows.Count == 0)
        {
            rows.Add(None, None);
        }

        return rows;
    }

    /// <summary>Every code-fix provider type; a single "&lt;none&gt;" row, which fails, when there is none.</summary>
    public static TheoryData<string> CodeFixProviders()
    {
        var rows = new TheoryData<string>();
        foreach (var type in CodeFixProviderTypes())
        {
            rows.Add(type.FullName!);
        }

        if (rows.Count == 0)
        {
            rows.Add(None);
        }

        return rows;
    }

    [Theory, MemberData(nameof(Descriptors))]
    public void Descriptor_is_consistent_with_ids_categories_and_help_links(string analyzerType, string id)
    {
        var descriptor = Find(analyzerType, id);

        Assert.Matches(IdPattern(), descriptor.Id);
        Assert.Contains(descriptor.Category, Categories());
        Assert.Equal(RuleIds.HelpLink(descriptor.Id), descriptor.HelpLinkUri);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(CultureInfo.InvariantCulture)), "title is empty");
        string message = descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
        Assert.False(string.IsNullOrWhiteSpace(message), "message format is empty");
        Assert.False(message.TrimEnd().EndsWith('.'), $"message format ends with a period (Roslyn convention: it must not): \"{message}\"");

        // A malformed format would only blow up when the diagnostic is reported.
        _ = string.Format(CultureInfo.InvariantCulture, message, Enumerable.Repeat<object>("x", 10).ToArray());
    }

    [Theory, MemberData(nameof(Descriptors))]
    public void Descriptor_has_a_documentation_page(string analyzerType, string id)
    {
        var descriptor = Find(analyzerType, id);

        string page = Path.Combine(RepoRoot(), "docs", "rules", descriptor.Id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
    }

    [Theory, MemberData(nameof(Descriptors))]
    public void Descriptor_is_listed_in_the_release_tracking_files(string analyzerType, string id)
    {
        var descriptor = Find(analyzerType, id);

        var releases = ReleaseEntries();
        Assert.True(releases.TryGetValue(descriptor.Id, out var entry), $"{descriptor.Id} is in neither AnalyzerReleases.Shipped.md nor AnalyzerReleases.Unshipped.md");
        Assert.Equal(descriptor.Category, entry.Category);
        Assert.Equal(descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled", entry.Severity);
    }

    [Fact]
    public void Analyzers_sharing_an_id_share_the_descriptor()
    {
        var clashes = Analyzers()
            .SelectMany(a => a.SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Where(g => g.Distinct().Count() > 1)
            .Select(g => g.Key);

        Assert.Empty(clashes);
    }

    [Fact]
    public void Every_declared_descriptor_is_supported_by_an_analyzer()
    {
        var declared = typeof(RuleIds).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor) && !f.DeclaringType!.IsGenericTypeDefinition)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
        var supported = Analyzers().SelectMany(a => a.SupportedDiagnostics).ToHashSet();

        Assert.All(declared, descriptor => Assert.True(supported.Contains(descriptor), $"{descriptor.Id} is declared but no analyzer supports it"));
    }

    [Theory, MemberData(nameof(CodeFixProviders))]
    public void Code_fix_provider_is_exported_shared_fixes_all_and_fixes_only_known_ids(string providerType)
    {
        Assert.False(providerType == None, "ScopeSafety.CodeFixes.dll contains no CodeFixProvider");
        var type = CodeFixProviderTypes().Single(t => t.FullName == providerType);

        var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
        Assert.True(export is not null, $"{type.Name} lacks [ExportCodeFixProvider(LanguageNames.CSharp)]");
        Assert.Contains(LanguageNames.CSharp, export.Languages);
        Assert.True(
            type.GetCustomAttributes().Any(a => a.GetType().FullName == "System.Composition.SharedAttribute"),
            $"{type.Name} lacks [Shared]");

        var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
        Assert.NotNull(provider.GetFixAllProvider());
        Assert.NotEmpty(provider.FixableDiagnosticIds);
        var supported = Analyzers().SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        // Compiler errors (CSnnnn) are known ids too: "Borrow through a scope" fixes CS8175, CS9108 and CS1628.
        Assert.All(provider.FixableDiagnosticIds, id => Assert.True(
            supported.Contains(id) || System.Text.RegularExpressions.Regex.IsMatch(id, "^CS[0-9]{4}$"),
            $"{id} is neither an analyzer id nor a compiler error id"));
    }

    private static DiagnosticDescriptor Find(string analyzerType, string id)
    {
        Assert.False(analyzerType == None, "ScopeSafety.Analyzers.dll contains no [DiagnosticAnalyzer] type with descriptors");
        var analyzer = Analyzers().Single(a => a.GetType().FullName == analyzerType);
        Assert.NotNull(analyzer.GetType().GetCustomAttribute<DiagnosticAnalyzerAttribute>());
        return analyzer.SupportedDiagnostics.First(d => d.Id == id);
    }

    private static IEnumerable<DiagnosticAnalyzer> Analyzers() =>
        typeof(RuleIds).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false } && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!);

    private static IEnumerable<Type> CodeFixProviderTypes() =>
        Assembly.Load(new AssemblyName("ScopeSafety.CodeFixes")).GetTypes()
            .Where(t => t is { IsAbstract: false } && typeof(CodeFixProvider).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>The categories declared in <see cref="RuleIds"/> (its constants named *Category).</summary>
    private static ImmutableHashSet<string> Categories() =>
        typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Category", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToImmutableHashSet();

    /// <summary>
    /// The current (category, severity) of every rule per the release tracking files: Shipped in order,
    /// then Unshipped; "New" and "Changed" tables set an entry, "Removed" drops it.
    /// </summary>
    private static Dictionary<string, (string Category, string Severity)> ReleaseEntries()
    {
        var entries = new Dictionary<string, (string, string)>();
        foreach (string file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            string path = Path.Combine(RepoRoot(), file);
            bool removed = false;
            foreach (string line in File.Exists(path) ? File.ReadLines(path) : [])
            {
                if (line.StartsWith("###", StringComparison.Ordinal))
                {
                    removed = line.Contains("Removed", StringComparison.OrdinalIgnoreCase);
                    continue;
                }

                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                if (cells.Length >= 3 && IdPattern().IsMatch(cells[0]))
                {
                    if (removed)
                    {
                        entries.Remove(cells[0]);
                    }
                    else
                    {
                        entries[cells[0]] = (cells[1], cells[2]);
                    }
                }
            }
        }

        return entries;
    }

    /// <summary>The folder holding ScopeSafety.sln, found from the test output, the working directory or this source file.</summary>
    private static string RepoRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (string? start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var directory = start is null ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ScopeSafety.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("The repository root (the folder with ScopeSafety.sln) was not found.");
    }

    [GeneratedRegex(@"^SCOPE\d{3}$")]
    private static partial Regex IdPattern();
}
