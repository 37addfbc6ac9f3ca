using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>
/// A code-fix test in object-initialiser form. After the input diagnostics matched, the fix is applied
/// one diagnostic at a time until nothing fixable is left (compared with <see cref="FixedCode"/>), then
/// the provider's Fix All runs in document, project and solution scope (compared with
/// <see cref="BatchFixedCode"/>, which defaults to <see cref="FixedCode"/>). Each result must compile and
/// carry no diagnostic of a fixable id beyond <see cref="FixedExpectedDiagnostics"/> and its markup.
/// Where the fixed first project is a program (a Main or top-level statements), every fixed state is also compiled
/// and run, and must print <see cref="ExpectedOutput"/>: what a correct version of the program prints.
/// Setting the fixed code equal to the test code asserts that no code action is offered at all.
/// Without any fixed code only the analyzer part runs.
/// </summary>
public abstract class CodeFixTest : AnalyzerTest
{
    /// <summary>Expected first document after the fixes.</summary>
    public string? FixedCode { get; set; }

    /// <summary>Expected further documents of the test project after the fixes.</summary>
    public List<string> FixedSources { get; set; } = [];

    /// <summary>Expected second-project documents after the fixes; unchanged <see cref="AnalyzerTest.SecondProjectSources"/> when empty.</summary>
    public List<string> FixedSecondProjectSources { get; set; } = [];

    /// <summary>Expected first document after Fix All; <see cref="FixedCode"/> when null.</summary>
    public string? BatchFixedCode { get; set; }

    /// <summary>Expected further documents after Fix All; <see cref="FixedSources"/> when neither this nor <see cref="BatchFixedCode"/> is set.</summary>
    public List<string> BatchFixedSources { get; set; } = [];

    /// <summary>Expected second-project documents after Fix All (solution scope); the single-fix expectation when empty.</summary>
    public List<string> BatchFixedSecondProjectSources { get; set; } = [];

    /// <summary>Diagnostics (of the fixable ids, or compiler diagnostics) expected to remain after fixing, besides markup in the fixed code.</summary>
    public List<DiagnosticResult> FixedExpectedDiagnostics { get; set; } = [];

    /// <summary>
    /// What a correct version of the program prints; required when the fixed code has an entry point, because every
    /// fixed program is run and compared with it (line endings as "\n").
    /// </summary>
    public string? ExpectedOutput { get; set; }

    /// <summary>Apply only the code action with this equivalence key.</summary>
    public string? CodeActionEquivalenceKey { get; set; }

    /// <summary>Apply the code action at this index of those offered for a diagnostic (0 by default); nested actions are flattened in order.</summary>
    public int? CodeActionIndex { get; set; }

    /// <summary>When set, the exact number of single fixes applied; otherwise fixing stops when nothing fixable is left (bounded).</summary>
    public int? NumberOfIncrementalIterations { get; set; }

    /// <summary>When set, the exact number of Fix All rounds in each scope; otherwise bounded.</summary>
    public int? NumberOfFixAllIterations { get; set; }

    /// <summary>The code-fix provider under test, a new instance per run.</summary>
    protected abstract CodeFixProvider GetCodeFixProvider();

    private protected override async Task AfterInputVerifiedAsync(
        Solution solution, ImmutableArray<ImmutableArray<TestDocument>> input, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        if (FixedCode is null && FixedSources.Count == 0)
        {
            return;
        }

        var provider = GetCodeFixProvider();
        var fixer = new Fixer(provider, analyzers, CodeActionEquivalenceKey, CodeActionIndex);
        var inputSources = SourceLists(TestCode, TestSources, SecondProjectSources);
        var fixedSources = SourceLists(FixedCode, FixedSources, FixedSecondProjectSources.Count > 0 ? FixedSecondProjectSources : SecondProjectSources);
        if (inputSources.Count == fixedSources.Count && inputSources.Zip(fixedSources).All(p => p.First.SequenceEqual(p.Second)))
        {
            await fixer.VerifyNoActionOfferedAsync(solution).ConfigureAwait(false);
            return;
        }

        var expected = TestSolution.Parse(fixedSources);
        var (fixedSolution, iterations) = await fixer.FixOneByOneAsync(solution, NumberOfIncrementalIterations).ConfigureAwait(false);
        if (NumberOfIncrementalIterations is { } wanted && iterations != wanted)
        {
            Assert.Fail($"Expected {wanted} code fix iterations but applied {iterations}.");
        }

        await VerifyResultAsync("fixed state (after applying the code fix one diagnostic at a time)", fixedSolution, expected, analyzers, provider).ConfigureAwait(false);

        var fixAll = provider.GetFixAllProvider();
        if (fixAll is null)
        {
            return;
        }

        bool batchGiven = BatchFixedCode is not null || BatchFixedSources.Count > 0;
        var batchSources = batchGiven
            ? SourceLists(BatchFixedCode, BatchFixedSources, BatchFixedSecondProjectSources.Count > 0 ? BatchFixedSecondProjectSources : FixedSecondProjectSources.Count > 0 ? FixedSecondProjectSources : SecondProjectSources)
            : fixedSources;
        var batchExpected = TestSolution.Parse(batchSources);
        var supported = fixAll.GetSupportedFixAllScopes();
        foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
        {
            if (!supported.Contains(scope))
            {
                continue;
            }

            var (batchSolution, rounds) = await fixer.FixAllAsync(solution, fixAll, scope, NumberOfFixAllIterations).ConfigureAwait(false);
            if (NumberOfFixAllIterations is { } wantedRounds && rounds != wantedRounds)
            {
                Assert.Fail($"Expected {wantedRounds} Fix All rounds in {scope} scope but needed {rounds}.");
            }

            await VerifyResultAsync($"Fix All state ({scope} scope)", batchSolution, batchExpected, analyzers, provider).ConfigureAwait(false);
        }
    }

    private async Task VerifyResultAsync(
        string stateName, Solution actual, ImmutableArray<ImmutableArray<TestDocument>> expected,
        ImmutableArray<DiagnosticAnalyzer> analyzers, CodeFixProvider provider)
    {
        await VerifyTextAsync(stateName, actual, expected).ConfigureAwait(false);
        var fixableIds = provider.FixableDiagnosticIds.ToHashSet(StringComparer.Ordinal);
        await VerifyDiagnosticsAsync(stateName, actual, expected, FixedExpectedDiagnostics, analyzers, fixableIds).ConfigureAwait(false);
        await VerifyRunsAsync(stateName, actual).ConfigureAwait(false);
    }

    /// <summary>A fixed program must run and print what the correct version prints: compiling is not enough.</summary>
    private async Task VerifyRunsAsync(string stateName, Solution actual)
    {
        var program = await ProgramRunner.AsProgramAsync(actual.Projects.OrderBy(p => p.Name, StringComparer.Ordinal).First()).ConfigureAwait(false);
        if (program is null)
        {
            return;
        }

        if (ExpectedOutput is null)
        {
            Assert.Fail($"The {stateName} is a program: set ExpectedOutput to what a correct version prints, so that the fixed program is run and compared.");
        }

        var printed = await ProgramRunner.RunAsync(program).ConfigureAwait(false);
        Assert.True(
            printed == ExpectedOutput.ReplaceLineEndings("\n"),
            $"The {stateName} runs but prints{Environment.NewLine}{printed}{Environment.NewLine}instead of what the correct program prints:{Environment.NewLine}{ExpectedOutput}");
    }

    private static async Task VerifyTextAsync(string stateName, Solution actual, ImmutableArray<ImmutableArray<TestDocument>> expected)
    {
        var message = new StringBuilder();
        var expectedPaths = expected.SelectMany(p => p).Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var document in actual.Projects.SelectMany(p => p.Documents))
        {
            if (document.FilePath is null || !expectedPaths.Contains(document.FilePath))
            {
                message.AppendLine($"Unexpected document {document.FilePath ?? document.Name} was added.");
            }
        }

        foreach (var document in expected.SelectMany(p => p))
        {
            var actualDocument = actual.Projects.SelectMany(p => p.Documents).FirstOrDefault(d => d.FilePath == document.Path);
            if (actualDocument is null)
            {
                message.AppendLine($"Document {document.Path} is missing.");
                continue;
            }

            string text = (await actualDocument.GetTextAsync().ConfigureAwait(false)).ToString();
            if (text != document.Source.Text)
            {
                message.AppendLine($"{document.Path} differs from the expectation (- expected, + actual):");
                message.Append(TextDiff.Lines(document.Source.Text, text));
                message.AppendLine($"Actual text of {document.Path}:").AppendLine(text);
            }
        }

        if (message.Length > 0)
        {
            Assert.Fail($"The {stateName} does not match:{Environment.NewLine}{message}");
        }
    }
}
