using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using ScopeSafety.Analyzers.Tests.Rules;

namespace ScopeSafety.Analyzers.Tests;

/// <summary>
/// One hazard, one report (issue 21): every analyzer of the package runs together over the sources of the hazard
/// tests of SCOPE001–004, SCOPE010–012 and SCOPE024, and no two SCOPE diagnostics may name the same place at the same
/// source location for the same pair of accesses (the conflicting access, AdditionalLocations[1]), whichever rules
/// they come from.
/// </summary>
/// <remarks>
/// One access may meet two hazards: <c>count++</c> in one of two unscoped tasks races with the other task (SCOPE010)
/// and with the method that reads <c>count</c> while both run (SCOPE002), and the two have different fixes (a scope,
/// then Interlocked). Those are two pairs and get a report each
/// (<see cref="UnscopedCaptureAnalyzerSharingTests.Unscoped_work_racing_with_the_method_and_with_another_item_gets_a_report_for_each_race"/>).
/// </remarks>
public partial class OneHazardOneReportTests
{
    /// <summary>The sources of the hazard tests of the race, capture and nested-task rules.</summary>
    public static TheoryData<string> HazardSources() => TestSourceCorpus.Of(
        typeof(ConcurrentAccessAnalyzerTests), typeof(ConcurrentAccessSynchronizationTests), typeof(SharedMemberRaceTests),
        typeof(CalleeLockTests), typeof(CalleeOrderingTests), typeof(ThreadSafeOriginTests), typeof(RunInScopeThenRaceTests),
        typeof(SameConditionJoinTests), typeof(UnscopedCaptureAnalyzerSharingTests), typeof(UnscopedCaptureAnalyzerLifetimeTests),
        typeof(UnscopedCapturePrecisionTests), typeof(NestedTaskTests), typeof(SmallerMissesTests), typeof(TimerOverlapTests), typeof(HeldUntilConstructedTests), typeof(TemplateMethodLockTests));

    [Fact]
    public void The_corpus_holds_the_hazard_programs()
    {
        var count = ((IEnumerable<object[]>)HazardSources()).Count();
        Assert.True(count > 80, $"only {count} sources");
    }

    [Theory]
    [MemberData(nameof(HazardSources))]
    public async Task No_two_diagnostics_name_the_same_place_at_the_same_location(string source)
    {
        using var workspace = new AdhocWorkspace();
        var diagnostics = (await AnalyzerRunner.AnalyzeAsync(PackageAnalyzers.Document(workspace, source).Project, PackageAnalyzers.All)).Analyzer;

        var twice = diagnostics
            .Where(d => d.Id.StartsWith("SCOPE", StringComparison.Ordinal) && d.Location.IsInSource)
            .GroupBy(d => (d.Location.SourceSpan, Place: PlaceOf(d), Other: OtherAccessOf(d)))
            .Where(g => g.Key.Place != null && g.Count() > 1)
            .Select(g => string.Join(" and ", g.Select(d => $"{d.Id} ({d.GetMessage()})")) + $" at {g.First().Location.GetLineSpan().StartLinePosition}")
            .ToList();

        Assert.True(twice.Count == 0, "one hazard reported more than once: " + string.Join(Environment.NewLine, twice) + Environment.NewLine + "in:" + Environment.NewLine + source);
    }

    /// <summary>Where the other access of the pair is (AdditionalLocations[1], see DiagnosticProperties), when the diagnostic names one.</summary>
    private static TextSpan? OtherAccessOf(Diagnostic diagnostic) =>
        diagnostic.AdditionalLocations.Count > 1 && diagnostic.AdditionalLocations[1].IsInSource ? diagnostic.AdditionalLocations[1].SourceSpan : null;

    /// <summary>The place a diagnostic names: its Variable property, else the first quoted name of its message.</summary>
    private static string? PlaceOf(Diagnostic diagnostic)
    {
        if (diagnostic.Properties.TryGetValue(DiagnosticProperties.Variable, out var variable) && variable != null)
        {
            return variable;
        }

        var quoted = QuotedName().Match(diagnostic.GetMessage());
        return quoted.Success ? quoted.Groups[1].Value : null;
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
