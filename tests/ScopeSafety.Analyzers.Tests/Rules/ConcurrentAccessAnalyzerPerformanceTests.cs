using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010–012's cost on a generated corpus of race shapes and their safe twins, as the compiler measures it
/// (CompilationWithAnalyzers telemetry), beside SCOPE001–004's analyzer on the same code. Asserts what is
/// deterministic — the findings grow exactly with the corpus — and prints the times for the report.
/// </summary>
public class ConcurrentAccessAnalyzerPerformanceTests(ITestOutputHelper output)
{
    /// <summary>Method bodies: each hazard has exactly one finding, each twin none.</summary>
    private static readonly (string Body, int Findings)[] Shapes =
    [
        ("long c = 0; Scope.Run(s => { s.Spawn(() => c++); s.Spawn(() => c++); });", 1),
        ("long c = 0; Scope.Run(s => { s.Spawn(() => Interlocked.Increment(ref c)); s.Spawn(() => Interlocked.Increment(ref c)); });", 0),
        ("long sum = 0; Parallel.ForEach(items, x => sum += x);", 1),
        ("long sum = 0; Parallel.For(0, items.Length, () => 0L, (i, s, p) => p + items[i], p => Interlocked.Add(ref sum, p));", 0),
        ("var list = new List<int>(); Parallel.For(0, items.Length, i => list.Add(i));", 1),
        ("var squares = new int[items.Length]; Parallel.For(0, items.Length, i => squares[i] = i * i);", 0),
        ("var seen = new int[4]; Scope.Run(s => { for (int i = 0; i < 4; i++) s.Spawn(() => seen[i % 4] = 1); });", 1),
        ("var seen = new int[4]; Scope.Run(s => { for (int i = 0; i < 4; i++) { var k = i; s.Spawn(() => seen[k] = 1); } });", 0),
        ("var n = 0; var a = Task.Run(() => n++); var b = Task.Run(() => n++); Task.WaitAll(a, b);", 1),
        ("var n = 0; Task.Run(() => n++).Wait(); Task.Run(() => n++).Wait(); Console.WriteLine(n);", 0),
        ("var total = 0; foreach (var x in items) total += x; Console.WriteLine(total);", 0),
    ];

    [Fact]
    public async Task Cost_and_findings_grow_linearly_with_the_corpus()
    {
        var small = await MeasureAsync(copies: 5);
        var large = await MeasureAsync(copies: 20);

        Assert.Equal(5 * Shapes.Sum(s => s.Findings), small.Diagnostics);
        Assert.Equal(small.Diagnostics * 4, large.Diagnostics);
        output.WriteLine($"corpus of {small.Lines} lines: SCOPE010-012 {small.Races.TotalMilliseconds:F0} ms, SCOPE001-004 {small.Unscoped.TotalMilliseconds:F0} ms, {small.Diagnostics} findings");
        output.WriteLine($"corpus of {large.Lines} lines: SCOPE010-012 {large.Races.TotalMilliseconds:F0} ms, SCOPE001-004 {large.Unscoped.TotalMilliseconds:F0} ms, {large.Diagnostics} findings");
        output.WriteLine($"SCOPE010-012 per 1,000 lines: {small.Races.TotalMilliseconds * 1000 / small.Lines:F1} ms (small), {large.Races.TotalMilliseconds * 1000 / large.Lines:F1} ms (large)");
    }

    private static async Task<(int Lines, int Diagnostics, TimeSpan Races, TimeSpan Unscoped)> MeasureAsync(int copies)
    {
        var sources = Corpus(copies);
        var compilation = AnalyzerRun.Compile(sources);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        // Warm up both (JIT, lazily bound framework symbols), then measure each on a fresh analysis of the same code.
        await RunAsync(compilation, new ConcurrentAccessAnalyzer());
        await RunAsync(compilation, new UnscopedCaptureAnalyzer());
        var (diagnostics, races) = await RunAsync(compilation, new ConcurrentAccessAnalyzer());
        var (_, unscoped) = await RunAsync(compilation, new UnscopedCaptureAnalyzer());
        return (sources.Sum(s => s.Count(c => c == '\n')), diagnostics, races, unscoped);
    }

    private static async Task<(int Diagnostics, TimeSpan Time)> RunAsync(Compilation compilation, DiagnosticAnalyzer analyzer)
    {
        var withAnalyzers = compilation.WithAnalyzers(
            [analyzer],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
        return (diagnostics.Length, telemetry.ExecutionTime);
    }

    private static string[] Corpus(int copies)
    {
        var methods = new StringBuilder();
        for (var i = 0; i < Shapes.Length; i++)
        {
            methods.Append("    void M").Append(i).AppendLine("(int[] items)").AppendLine("    {")
                .Append("        ").AppendLine(Shapes[i].Body).AppendLine("    }");
        }

        var files = new string[copies];
        for (var copy = 0; copy < copies; copy++)
        {
            files[copy] = ConcurrentAccessAnalyzerTests.Usings + "class C" + copy + "\n{\n" + methods + "}\n";
        }

        return files;
    }
}
