using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>Which compiler diagnostics take part in the comparison with the expected diagnostics.</summary>
public enum CompilerDiagnostics
{
    /// <summary>Only compiler diagnostics whose id some expectation names.</summary>
    None,

    /// <summary>Every compiler error (the input must compile unless its errors are expected). The default.</summary>
    Errors,

    /// <summary>Every compiler error and warning.</summary>
    Warnings,
}

/// <summary>
/// An analyzer test in object-initialiser form, like Microsoft's <c>AnalyzerTest</c>: set the sources,
/// expectations and options, then <see cref="RunAsync"/>. Markup in the sources (<c>[|…|]</c>,
/// <c>{|ID:…|}</c>, <c>{|#n:…|}</c>) is stripped before compiling and adds expectations.
/// </summary>
public abstract class AnalyzerTest
{
    /// <summary>The first document (<c>/0/Test0.cs</c>) of the test project.</summary>
    public string? TestCode { get; set; }

    /// <summary>
    /// Further documents of the test project, after <see cref="TestCode"/>. A document whose text
    /// starts with <c>// &lt;auto-generated/&gt;</c> is generated code for the analyzers.
    /// </summary>
    public List<string> TestSources { get; set; } = [];

    /// <summary>Documents of a second project (<c>/1/Test0.cs</c>, …) in the same solution, with the same references and options.</summary>
    public List<string> SecondProjectSources { get; set; } = [];

    /// <summary>Expectations in addition to those in the markup.</summary>
    public List<DiagnosticResult> ExpectedDiagnostics { get; set; } = [];

    /// <summary>Content of a root .editorconfig (or global config when it says <c>is_global</c>) applied to every document.</summary>
    public string? EditorConfig { get; set; }

    /// <summary>Which compiler diagnostics must match the expectations exactly; <see cref="CompilerDiagnostics.Errors"/> by default.</summary>
    public CompilerDiagnostics CompilerDiagnostics { get; set; } = CompilerDiagnostics.Errors;

    /// <summary>The output kind of the test projects; a class library by default.</summary>
    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    /// <summary>The C# language version; latest by default.</summary>
    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

    /// <summary>Whether unsafe code is allowed; true by default.</summary>
    public bool AllowUnsafe { get; set; } = true;

    /// <summary>Whether the projects reference ScopeSafety.dll; true by default.</summary>
    public bool ReferenceScopeSafety { get; set; } = true;

    /// <summary>The analyzers under test, new instances per run.</summary>
    protected abstract IEnumerable<DiagnosticAnalyzer> GetAnalyzers();

    /// <summary>Compiles the sources, runs the analyzers and fails unless the diagnostics are exactly the expected ones.</summary>
    public virtual async Task RunAsync()
    {
        var analyzers = GetAnalyzers().ToImmutableArray();
        using var workspace = new AdhocWorkspace();
        var input = TestSolution.Parse(SourceLists(TestCode, TestSources, SecondProjectSources));
        var solution = TestSolution.Create(workspace, Settings, input);
        await VerifyDiagnosticsAsync("input", solution, input, ExpectedDiagnostics, analyzers, analyzerIds: null).ConfigureAwait(false);
        await AfterInputVerifiedAsync(solution, input, analyzers).ConfigureAwait(false);
    }

    private protected CompilationSettings Settings =>
        new(OutputKind, LanguageVersion, AllowUnsafe, ReferenceScopeSafety, EditorConfig);

    /// <summary>Hook for the code-fix test: runs after the input state matched.</summary>
    private protected virtual Task AfterInputVerifiedAsync(
        Solution solution, ImmutableArray<ImmutableArray<TestDocument>> input, ImmutableArray<DiagnosticAnalyzer> analyzers) => Task.CompletedTask;

    /// <summary>Project 0 = <paramref name="code"/> then <paramref name="sources"/>; project 1 = <paramref name="secondProject"/> when not empty.</summary>
    private protected static List<IReadOnlyList<string>> SourceLists(string? code, List<string> sources, List<string> secondProject)
    {
        var first = new List<string>();
        if (code is not null)
        {
            first.Add(code);
        }

        first.AddRange(sources);
        if (first.Count == 0)
        {
            throw new InvalidOperationException("The test has no source: set TestCode or TestSources.");
        }

        var projects = new List<IReadOnlyList<string>> { first };
        if (secondProject.Count > 0)
        {
            projects.Add(secondProject);
        }

        return projects;
    }

    /// <summary>
    /// Analyzes every project of <paramref name="solution"/> and compares analyzer diagnostics (only those
    /// with <paramref name="analyzerIds"/> when given) plus the selected compiler diagnostics with the
    /// expectations from the markup of <paramref name="documents"/> and <paramref name="expected"/>.
    /// </summary>
    private protected async Task VerifyDiagnosticsAsync(
        string stateName,
        Solution solution,
        ImmutableArray<ImmutableArray<TestDocument>> documents,
        IEnumerable<DiagnosticResult> expected,
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        IReadOnlySet<string>? analyzerIds)
    {
        var allDocuments = documents.SelectMany(d => d).ToList();
        var expectations = DiagnosticMatcher.Resolve(allDocuments, expected, name => MarkupResult(name, analyzers));
        var expectedIds = expectations.Select(e => e.Result.Id).ToHashSet(StringComparer.Ordinal);
        var actual = new List<Diagnostic>();
        foreach (var project in solution.Projects)
        {
            var diagnostics = await AnalyzerRunner.AnalyzeAsync(project, analyzers).ConfigureAwait(false);
            actual.AddRange(diagnostics.Analyzer.Where(d => analyzerIds is null || analyzerIds.Contains(d.Id)));
            actual.AddRange(diagnostics.Compiler.Where(d => expectedIds.Contains(d.Id) || CompilerDiagnostics switch
            {
                CompilerDiagnostics.Errors => d.Severity == DiagnosticSeverity.Error,
                CompilerDiagnostics.Warnings => d.Severity >= DiagnosticSeverity.Warning,
                _ => false,
            }));
        }

        DiagnosticMatcher.Verify(stateName, expectations, actual, allDocuments);
    }

    /// <summary>
    /// The expectation a markup span stands for: <c>[|…|]</c> = the first analyzer's first descriptor;
    /// <c>{|ID:…|}</c> = that analyzer descriptor, or a compiler diagnostic of any severity.
    /// </summary>
    private static DiagnosticResult MarkupResult(string? name, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var descriptors = analyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
        if (name is null)
        {
            var first = descriptors.FirstOrDefault()
                ?? throw new InvalidOperationException("[|…|] markup needs an analyzer with at least one descriptor.");
            return new DiagnosticResult(first.Id, first.DefaultSeverity);
        }

        var descriptor = descriptors.FirstOrDefault(d => d.Id == name);
        return descriptor is not null ? new DiagnosticResult(descriptor.Id, descriptor.DefaultSeverity) : DiagnosticResult.WithoutSeverity(name);
    }
}
