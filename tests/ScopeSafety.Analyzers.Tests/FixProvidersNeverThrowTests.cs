using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using ScopeSafety.Analyzers.Tests.Rules;

namespace ScopeSafety.Analyzers.Tests;

/// <summary>
/// A provider never throws: every code-fix provider of the package is called on every diagnostic it claims (the
/// analyzers' and the compiler's: CS8175, CS9108, CS1628) of a large file that mixes every hazard, and of every
/// source of the fix tests; each offered action is applied, and its result must not have a compiler error the
/// source did not have. On the mixed file, every provider is asked again after each fix (a document an earlier fix
/// produced, as the light bulb sees it next), and Fix All runs in document scope for every equivalence key.
/// </summary>
public class FixProvidersNeverThrowTests
{
    private const string Mixed = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Mixed
        {
            public static unsafe void Squares()
            {
                int* squares = stackalloc int[8];
                Task.Run(() => Console.WriteLine(squares[7]));
            }

            public static void Evens(int[] numbers)
            {
                var evens = 0;
                ThreadPool.QueueUserWorkItem(_ => { foreach (var n in numbers) if (n % 2 == 0) evens++; });
                Console.WriteLine(evens);
            }

            public static void Report(string path)
            {
                using var writer = new StreamWriter(path);
                var thread = new Thread(() => writer.WriteLine("report"));
                thread.Start();
            }

            public static int Count()
            {
                int count = 0;
                var a = Task.Run(() => count++);
                var b = Task.Run(() => count++);
                Task.WaitAll(a, b);
                return count;
            }

            public static int Collect(int[] items)
            {
                var list = new List<int>();
                Parallel.ForEach(items, x => list.Add(x));
                var seen = new Dictionary<int, int>();
                Parallel.ForEach(items, x => seen[x] = x);
                return list.Count + seen.Count;
            }

            public static void Loop(int[] totals)
            {
                Scope.Run(scope =>
                {
                    for (var i = 0; i < totals.Length; i++)
                        scope.Spawn(() => totals[i] += 1);
                });
            }

            public static long Twice(ReadOnlySpan<int> x)
            {
                long a = 0, b = 0;
                Parallel.Invoke(() => { foreach (var v in x) a += v; });
                Parallel.Invoke(() => { foreach (var v in x) b += v; });
                return a + b;
            }

            public static long Sum(ReadOnlySpan<long> values)
            {
                var t = Task.Run(() => values[0] + values[1]);
                return t.Result;
            }

            public static void Written()
            {
                Span<int> x = stackalloc int[16];
                Parallel.For(0, x.Length, i => x[i] = i);
                var t = Task.Run(() => x[0]);
                t.Wait();
            }

            public static void Add(ref long total, long amount)
            {
                Task.Run(() => total += amount).Wait();
            }

            public static async Task<int> Blocking()
            {
                await Task.Yield();
                return Scope.Run(scope => scope.Spawn(() => 7).Join());
            }

            public static async Task Joins()
            {
                await Scope.RunAsync(async scope =>
                {
                    var part = scope.SpawnAsync(async () => { await Task.Yield(); return 1; });
                    await Task.Yield();
                    Console.WriteLine(part.Join());
                });
            }

            public static void AsyncInSync()
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(async () => await Task.Delay(1));
                });
            }
        }
        """;

    private static readonly ImmutableArray<CodeFixProvider> s_providers = [.. typeof(CodeFixes.BorrowThroughScopeFixer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(ExportCodeFixProviderAttribute), false).Length > 0)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)];

    public static TheoryData<string> FixTestSources() => TestSourceCorpus.Of(
        typeof(BorrowThroughScopeFixerTests), typeof(ConcurrentAccessFixerTests), typeof(RunInScopeFixerTests),
        typeof(RunInScopeAsyncFixerTests), typeof(BlockingScopeInAsyncCodeTests), typeof(AsyncWorkInSynchronousScopeTests),
        typeof(ElementObjectTests), typeof(SplitUpdateTests), typeof(FrameworkShapeTests), typeof(ScopedLockTests), typeof(ScopeLoopRaceTests), typeof(AsyncOwnTypeCallTests), typeof(StateArgumentTests), typeof(HeldTypeTests),
        typeof(TimerOverlapTests), typeof(HeldUntilConstructedTests), typeof(TemplateMethodLockTests), typeof(ConcurrentAccessSynchronizationTests));

    [Fact]
    public void The_package_has_providers_and_analyzers_to_call() =>
        Assert.True(s_providers.Length >= 7 && PackageAnalyzers.All.Length >= 5, $"{s_providers.Length} providers, {PackageAnalyzers.All.Length} analyzers");

    [Fact]
    public async Task Every_provider_on_every_diagnostic_of_a_mixed_file_and_again_after_each_fix_never_throws()
    {
        using var workspace = new AdhocWorkspace();
        var document = PackageAnalyzers.Document(workspace, Mixed);
        var offered = await CallEveryProviderAsync(document, depth: 2);
        Assert.True(offered > 10, $"only {offered} actions were offered: the mixed file should draw fixes of most rules");

        foreach (var provider in s_providers)
        {
            await FixAllInDocumentAsync(document, provider);
        }
    }

    [Theory]
    [MemberData(nameof(FixTestSources))]
    public async Task Every_provider_on_every_diagnostic_of_a_fix_test_source_never_throws(string source)
    {
        using var workspace = new AdhocWorkspace();
        await CallEveryProviderAsync(PackageAnalyzers.Document(workspace, source), depth: 1);
    }

    /// <summary>Calls every provider on every diagnostic it claims, applies each action; returns how many were offered.</summary>
    private static async Task<int> CallEveryProviderAsync(Document document, int depth)
    {
        var offered = 0;
        var errorsBefore = await ErrorsAsync(document);
        foreach (var (provider, diagnostic) in await ClaimedAsync(document))
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await Guard(provider, diagnostic, "RegisterCodeFixesAsync", () => provider.RegisterCodeFixesAsync(context));
            foreach (var action in actions.SelectMany(a => a.NestedActions.IsDefaultOrEmpty ? [a] : a.NestedActions))
            {
                offered++;
                Document? changed = null;
                await Guard(provider, diagnostic, $"applying \"{action.Title}\"", async () =>
                {
                    var operations = await action.GetOperationsAsync(CancellationToken.None);
                    changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id);
                });
                Assert.NotNull(changed);
                var errorsAfter = await ErrorsAsync(changed!);
                var added = errorsAfter.Except(errorsBefore).ToList();
                Assert.True(added.Count == 0, $"{provider.GetType().Name}: \"{action.Title}\" for {diagnostic} adds compiler errors: {string.Join("; ", added)}{Environment.NewLine}{await changed!.GetTextAsync()}");
                if (depth > 1)
                {
                    offered += await CallEveryProviderAsync(changed!, depth - 1);
                }
            }
        }

        return offered;
    }

    private static async Task FixAllInDocumentAsync(Document document, CodeFixProvider provider)
    {
        var fixAll = provider.GetFixAllProvider();
        if (fixAll is null)
        {
            return;
        }

        var claimed = (await ClaimedAsync(document)).Where(c => c.Provider == provider).Select(c => c.Diagnostic).ToImmutableArray();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var diagnostic in claimed)
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => { if (action.EquivalenceKey is { } key) keys.Add(key); }, CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context);
        }

        foreach (var key in keys)
        {
            var context = new FixAllContext(document, provider, FixAllScope.Document, key, provider.FixableDiagnosticIds, new FixedDiagnostics(claimed), CancellationToken.None);
            await Guard(provider, claimed.First(), $"Fix All ({key})", async () =>
            {
                var action = await fixAll.GetFixAsync(context);
                if (action is not null)
                {
                    await action.GetOperationsAsync(CancellationToken.None);
                }
            });
        }
    }

    private static async Task<List<(CodeFixProvider Provider, Diagnostic Diagnostic)>> ClaimedAsync(Document document)
    {
        var diagnostics = await AnalyzerRunner.AnalyzeAsync(document.Project, PackageAnalyzers.All);
        var all = diagnostics.Analyzer.Concat(diagnostics.Compiler).Where(d => d.Location.IsInSource).ToList();
        return [.. s_providers.SelectMany(p => all.Where(d => p.FixableDiagnosticIds.Contains(d.Id)).Select(d => (p, d)))];
    }

    private static async Task<List<string>> ErrorsAsync(Document document)
    {
        var model = await document.GetSemanticModelAsync();
        return [.. model!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Distinct()];
    }

    private static async Task Guard(CodeFixProvider provider, Diagnostic diagnostic, string what, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{provider.GetType().Name} threw while {what} for {diagnostic}: {exception}");
        }
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
