using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// Drives a code-fix provider over a solution: collects the fixable diagnostics (computed by the
/// harness, never by the workspace's own analyzer service), asks for actions, applies the chosen one
/// (by equivalence key, else index, else the first) through its operations, so that the
/// Formatter/Simplifier clean-up of <see cref="CodeAction"/> runs as in the IDE.
/// </summary>
internal sealed class Fixer(CodeFixProvider provider, ImmutableArray<DiagnosticAnalyzer> analyzers, string? equivalenceKey, int? index)
{
    private const int MinimumIterationLimit = 10;

    private readonly ImmutableHashSet<string> _fixableIds = provider.FixableDiagnosticIds.ToImmutableHashSet(StringComparer.Ordinal);

    // Results by content: the three Fix All scopes (and often the one-by-one fixes) end in the same
    // texts, and reusing the first such snapshot lets its cached analysis serve them all.
    private readonly Dictionary<string, Solution> _byContent = new(StringComparer.Ordinal);

    public async Task VerifyNoActionOfferedAsync(Solution solution)
    {
        foreach (var (document, diagnostic) in await FixableDiagnosticsAsync(solution).ConfigureAwait(false))
        {
            var offered = (await GetActionsAsync(document, diagnostic).ConfigureAwait(false))
                .Where(a => equivalenceKey is null || a.EquivalenceKey == equivalenceKey)
                .ToList();
            if (offered.Count > 0)
            {
                Assert.Fail(
                    $"The fixed code equals the test code, so no code action may be offered, but for {diagnostic} the provider offered: " +
                    string.Join(", ", offered.Select(a => $"\"{a.Title}\" (key {a.EquivalenceKey ?? "null"})")));
            }
        }
    }

    public async Task<(Solution Solution, int Iterations)> FixOneByOneAsync(Solution solution, int? expectedIterations)
    {
        int limit = expectedIterations ?? Math.Max(MinimumIterationLimit, 2 * (await FixableDiagnosticsAsync(solution).ConfigureAwait(false)).Count + 2);
        for (int iteration = 0; ; iteration++)
        {
            var next = await FirstOfferedAsync(solution).ConfigureAwait(false);
            if (next is null)
            {
                return (solution, iteration);
            }

            if (iteration == limit)
            {
                Assert.Fail($"The code fix did not converge: after {limit} fixes, {next.Value.Diagnostic} still gets action \"{next.Value.Action.Title}\".");
            }

            solution = await CanonicalAsync(await ApplyAsync(solution, next.Value.Action, next.Value.Diagnostic.ToString()).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    public async Task<(Solution Solution, int Rounds)> FixAllAsync(Solution solution, FixAllProvider fixAll, FixAllScope scope, int? expectedRounds)
    {
        int limit = expectedRounds ?? MinimumIterationLimit;
        for (int round = 0; ; round++)
        {
            var next = await FirstOfferedAsync(solution).ConfigureAwait(false);
            if (next is null)
            {
                return (solution, round);
            }

            if (round == limit)
            {
                Assert.Fail($"Fix All ({scope}) did not converge after {limit} rounds; {next.Value.Diagnostic} remains.");
            }

            var (document, diagnostic, action) = next.Value;
            var diagnosticProvider = new HarnessDiagnosticProvider(this);
            var context = scope == FixAllScope.Document
                ? new FixAllContext(document, provider, scope, action.EquivalenceKey, _fixableIds, diagnosticProvider, CancellationToken.None)
                : new FixAllContext(document.Project, provider, scope, action.EquivalenceKey, _fixableIds, diagnosticProvider, CancellationToken.None);
            var fix = await fixAll.GetFixAsync(context).ConfigureAwait(false);
            if (fix is null)
            {
                Assert.Fail($"Fix All ({scope}) returned no action although \"{action.Title}\" is offered for {diagnostic}.");
            }

            solution = await CanonicalAsync(await ApplyAsync(solution, fix, $"Fix All ({scope})").ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <summary>The analyzer and compiler diagnostics of <paramref name="project"/> with fixable ids.</summary>
    public async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync(Project project)
    {
        var diagnostics = await AnalyzerRunner.AnalyzeAsync(project, analyzers).ConfigureAwait(false);
        // Compiler errors too: a fix may target them (CS8175 and friends), and they are part of the input then.
        return diagnostics.Analyzer.Concat(diagnostics.Compiler).Where(d => _fixableIds.Contains(d.Id)).ToImmutableArray();
    }

    private async Task<List<(Document Document, Diagnostic Diagnostic)>> FixableDiagnosticsAsync(Solution solution)
    {
        var result = new List<(Document, Diagnostic)>();
        foreach (var project in solution.Projects)
        {
            foreach (var diagnostic in await FixableDiagnosticsAsync(project).ConfigureAwait(false))
            {
                if (diagnostic.Location.SourceTree is { } tree && solution.GetDocument(tree) is { } document)
                {
                    result.Add((document, diagnostic));
                }
            }
        }

        return result
            .OrderBy(d => d.Item1.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Item2.Location.SourceSpan.Start)
            .ThenBy(d => d.Item2.Id, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<(Document Document, Diagnostic Diagnostic, CodeAction Action)?> FirstOfferedAsync(Solution solution)
    {
        foreach (var (document, diagnostic) in await FixableDiagnosticsAsync(solution).ConfigureAwait(false))
        {
            var actions = await GetActionsAsync(document, diagnostic).ConfigureAwait(false);
            var chosen = equivalenceKey is not null
                ? actions.FirstOrDefault(a => a.EquivalenceKey == equivalenceKey)
                : actions.ElementAtOrDefault(index ?? 0);
            if (chosen is not null && equivalenceKey is not null && index is { } i && actions.IndexOf(chosen) != i)
            {
                Assert.Fail($"The action with key {equivalenceKey} is at index {actions.IndexOf(chosen)}, not {i}.");
            }

            if (chosen is not null)
            {
                return (document, diagnostic, chosen);
            }
        }

        return null;
    }

    private async Task<List<CodeAction>> GetActionsAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return Flatten(actions).ToList();
    }

    // A group (e.g. "Fix in …" with choices) applies nothing itself; the choices are the real actions.
    private static IEnumerable<CodeAction> Flatten(IEnumerable<CodeAction> actions) =>
        actions.SelectMany(a => a.NestedActions.IsDefaultOrEmpty ? [a] : Flatten(a.NestedActions));

    private async Task<Solution> CanonicalAsync(Solution solution)
    {
        var content = new System.Text.StringBuilder();
        foreach (var project in solution.Projects)
        {
            content.Append(project.Name).Append('\0').Append(project.MetadataReferences.Count).Append('\0').Append(project.ProjectReferences.Count()).Append('\0');
            foreach (var document in project.Documents.Cast<TextDocument>().Concat(project.AnalyzerConfigDocuments).Concat(project.AdditionalDocuments))
            {
                content.Append(document.FilePath).Append('\0').Append(await document.GetTextAsync().ConfigureAwait(false)).Append('\0');
            }
        }

        string key = content.ToString();
        if (_byContent.TryGetValue(key, out var seen))
        {
            return seen;
        }

        _byContent.Add(key, solution);
        return solution;
    }

    private static async Task<Solution> ApplyAsync(Solution solution, CodeAction action, string what)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var changes = operations.OfType<ApplyChangesOperation>().ToList();
        if (changes.Count != 1)
        {
            Assert.Fail($"Code action \"{action.Title}\" for {what} produced {changes.Count} solution changes instead of one.");
        }

        var changed = changes[0].ChangedSolution;
        bool anyChange = changed.GetChanges(solution).GetProjectChanges().Any(p =>
            p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true).Any() || p.GetAddedDocuments().Any() || p.GetRemovedDocuments().Any());
        if (!anyChange)
        {
            Assert.Fail($"Code action \"{action.Title}\" for {what} changed nothing.");
        }

        return changed;
    }

    /// <summary>Hands Fix All the diagnostics computed by the harness, cached per project snapshot.</summary>
    private sealed class HarnessDiagnosticProvider(Fixer fixer) : FixAllContext.DiagnosticProvider
    {
        private readonly ConcurrentDictionary<ProjectId, (Project Project, Task<ImmutableArray<Diagnostic>> Diagnostics)> _cache = new();

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            (await GetAsync(document.Project).ConfigureAwait(false)).Where(d => d.Location.SourceTree?.FilePath == document.FilePath);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            (await GetAsync(project).ConfigureAwait(false)).Where(d => !d.Location.IsInSource);

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await GetAsync(project).ConfigureAwait(false);

        private Task<ImmutableArray<Diagnostic>> GetAsync(Project project)
        {
            var entry = _cache.AddOrUpdate(
                project.Id,
                _ => (project, fixer.FixableDiagnosticsAsync(project)),
                (_, old) => ReferenceEquals(old.Project, project) ? old : (project, fixer.FixableDiagnosticsAsync(project)));
            return entry.Diagnostics;
        }
    }
}
