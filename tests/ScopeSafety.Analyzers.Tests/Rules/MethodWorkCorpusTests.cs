using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Shapes of shared state in work started as methods, in one class: every hazard method gets exactly one report, at
/// a place of its own (one hazard, one report, also when several methods start the same worker), and every safe
/// twin none.
/// </summary>
public class MethodWorkCorpusTests
{
    private static readonly string[] Hazards =
        ["Fib", "Pool", "Invoke", "Explicit", "Factory", "Loop", "ArrayRace", "StructRace", "Lazy", "HostRace", "Static2", "AsyncWork"];

    private static readonly string[] Safe = ["ArraySafe", "LockThis", "BeforeStart", "AfterJoin", "Owned"];

    [Fact]
    public async Task Every_hazard_method_is_reported_once_and_no_safe_twin_is()
    {
        var source = ConcurrentAccessAnalyzerTests.Usings + """
            using System.Runtime.CompilerServices;
            struct Point { public int X; }
            class P
            {
                static int s_count;
                static int[] s_data = new int[10];
                int _count;
                Point _point;
                object _instance;
                static void Logic(object state) { s_count++; }
                static void M1() { s_count++; }
                static void M2() { s_count--; }
                void Work() { _count++; }
                static void Fib(int n) { s_count++; if (n < 2) return; Parallel.Invoke(() => Fib(n - 1), () => Fib(n - 2)); }
                void Pool() { ThreadPool.QueueUserWorkItem(Logic, 42); ThreadPool.QueueUserWorkItem(Logic, 43); Thread.Sleep(100); }
                void Invoke() { Parallel.Invoke(M1, M2); }
                void Explicit() { var t = new Thread(new ThreadStart(this.Work)); var u = new Thread(new ThreadStart(Work)); t.Start(); u.Start(); t.Join(); u.Join(); }
                void Factory() { var a = Task.Factory.StartNew(Work); var b = Task.Factory.StartNew(Work); Task.WaitAll(a, b); }
                void Loop() { var ts = new Thread[4]; for (int i = 0; i < 4; i++) { ts[i] = new Thread(Work); ts[i].Start(); } foreach (var t in ts) t.Join(); }
                void ArraySafe() { Parallel.For(0, 10, i => s_data[i] = i); }
                void ArrayRace() { Parallel.For(0, 10, i => s_data[0] += i); }
                void StructRace() { var a = Task.Run(() => _point.X++); var b = Task.Run(() => _point.X++); Task.WaitAll(a, b); }
                void Lazy() { var a = Task.Run(() => { if (_instance == null) _instance = new object(); }); var b = Task.Run(() => { if (_instance == null) _instance = new object(); }); Task.WaitAll(a, b); }
                void HostRace() { var t = new Thread(Work); t.Start(); _count = 5; t.Join(); }
                void LockThis() { var a = Task.Run(() => { lock (this) _count++; }); var b = Task.Run(() => { lock (this) _count++; }); Task.WaitAll(a, b); }
                void BeforeStart() { _count = 1; var t = new Thread(() => Console.WriteLine(_count)); t.Start(); t.Join(); _count = 2; }
                void AfterJoin() { var t = new Thread(Work); t.Start(); t.Join(); _count++; }
                void Owned() { var a = Task.Run(() => new P().Work()); var b = Task.Run(() => { var p = new P(); p.Work(); }); Task.WaitAll(a, b); }
                void Static2() { var a = new Thread(M1); var b = new Thread(M2); a.Start(); b.Start(); a.Join(); b.Join(); }
                async Task AsyncWork() { await Task.WhenAll(Task.Run(() => _count++), Task.Run(() => _count++)); }
            }
            """;
        var compilation = AnalyzerRun.Compile(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = (await compilation.WithAnalyzers([new ConcurrentAccessAnalyzer(), new UnscopedCaptureAnalyzer()]).GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id.StartsWith("SCOPE0", StringComparison.Ordinal))
            .ToList();

        var root = await compilation.SyntaxTrees[0].GetRootAsync();
        string MethodOf(Diagnostic d) =>
            root.FindNode(d.AdditionalLocations[0].SourceSpan).AncestorsAndSelf()
                .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().First().Identifier.ValueText;

        var byMethod = diagnostics.GroupBy(MethodOf).ToDictionary(g => g.Key, g => g.Count());
        foreach (var hazard in Hazards)
        {
            Assert.True(byMethod.TryGetValue(hazard, out var count) && count == 1, hazard + ": " + (byMethod.TryGetValue(hazard, out var c) ? c : 0) + " reports");
        }

        foreach (var safe in Safe)
        {
            Assert.False(byMethod.ContainsKey(safe), safe + " is reported");
        }

        var places = diagnostics.Select(d => (d.Location.SourceSpan, d.Properties[DiagnosticProperties.Variable])).ToList();
        Assert.Equal(places.Count, places.Distinct().Count());
    }
}
