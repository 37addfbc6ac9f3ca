using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// The analyzer's cost on a generated corpus built from the rule tests' shapes (hazards and joined twins), as
/// the compiler measures it (CompilationWithAnalyzers telemetry). Asserts what is deterministic — the
/// diagnostics grow exactly with the corpus — and prints the times for the report.
/// </summary>
public class UnscopedCaptureAnalyzerPerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cost_and_findings_grow_linearly_with_the_corpus()
    {
        var small = await MeasureAsync(copies: 5);
        var large = await MeasureAsync(copies: 20);

        Assert.Equal(small.Diagnostics * 4, large.Diagnostics);
        // One finding per hazard method (4 scenarios x every shape, per copy), none on the joined twins.
        Assert.Equal(5 * 4 * SpawnShapes.For("WORK", "PLAIN").Count(), small.Diagnostics);
        output.WriteLine($"corpus of {small.Lines} lines: analyzer {small.Analyzer.TotalMilliseconds:F0} ms, compile {small.Compile.TotalMilliseconds:F0} ms, {small.Diagnostics} diagnostics");
        output.WriteLine($"corpus of {large.Lines} lines: analyzer {large.Analyzer.TotalMilliseconds:F0} ms, compile {large.Compile.TotalMilliseconds:F0} ms, {large.Diagnostics} diagnostics");
        output.WriteLine($"driver baseline (operation trees + control-flow graphs of every method, no analysis) on the large corpus: {large.Baseline.TotalMilliseconds:F0} ms");
        output.WriteLine($"analyzer time per 1,000 lines: {small.Analyzer.TotalMilliseconds * 1000 / small.Lines:F1} ms (small), {large.Analyzer.TotalMilliseconds * 1000 / large.Lines:F1} ms (large)");
    }

#pragma warning disable RS1001, RS1036, RS1038, RS1041 // a do-nothing analyzer that only measures the driver's own cost
    private sealed class DriverBaseline : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.UnscopedWorkNotJoined];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start => start.RegisterOperationBlockStartAction(block =>
            {
                block.RegisterOperationAction(_ => { }, OperationKind.Invocation, OperationKind.ObjectCreation);
                block.RegisterOperationBlockEndAction(end => end.GetControlFlowGraph(end.OperationBlocks[0]));
            }));
        }
    }
#pragma warning restore RS1001, RS1036, RS1038, RS1041

    private static async Task<TimeSpan> TelemetryAsync(Compilation compilation, DiagnosticAnalyzer analyzer)
    {
        var withAnalyzers = compilation.WithAnalyzers(
            [analyzer],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        return (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime;
    }

    private static async Task<(int Lines, int Diagnostics, TimeSpan Analyzer, TimeSpan Compile, TimeSpan Baseline)> MeasureAsync(int copies)
    {
        var sources = Corpus(copies);
        var compilation = AnalyzerRun.Compile(sources);

        var compile = Stopwatch.StartNew();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        compile.Stop();
        Assert.Empty(errors);

        var withAnalyzers = compilation.WithAnalyzers(
            [new UnscopedCaptureAnalyzer()],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(withAnalyzers.Analyzers[0], CancellationToken.None);
        var baseline = await TelemetryAsync(compilation, new DriverBaseline());
        return (sources.Sum(s => s.Count(c => c == '\n')), diagnostics.Length, telemetry.ExecutionTime, compile.Elapsed, baseline);
    }

    /// <summary><paramref name="copies"/> files, each a class with one method per API shape and scenario.</summary>
    private static string[] Corpus(int copies)
    {
        var scenarios = new (string Work, string Plain, string Body)[]
        {
            ("{|#0:count|}++", "count++", "int count = 0;\nSPAWN\nConsole.WriteLine(count);"),
            ("{|#0:count|}++", "count++", "int count = 0;\nSPAWN\nThread.Sleep(0);"),
            ("{|#0:stream|}.WriteByte(1)", "stream.WriteByte(1)", "var stream = new MemoryStream();\nSPAWN\nstream.Dispose();"),
            ("{|#0:buffer|}[0] = 1", "buffer[0] = 1", "int* buffer = stackalloc int[4];\nSPAWN"),
        };

        var methods = new StringBuilder();
        var index = 0;
        foreach (var (work, plain, body) in scenarios)
        {
            foreach (var row in SpawnShapes.For(work, plain))
            {
                var spawn = Markup.Parse((string)row[0]).Text.Replace("Jobs.Post", "Pool.Enqueue");
                methods.Append("    unsafe void M").Append(index++).AppendLine("()").AppendLine("    {")
                    .AppendLine(body.Replace("SPAWN", spawn)).AppendLine("    }")
                    .Append("    void Joined").Append(index).AppendLine("()").AppendLine("    {")
                    .AppendLine("int count = 0; var task = Task.Run(() => count++); task.Wait(); Console.WriteLine(count);").AppendLine("    }");
            }
        }

        var files = new string[copies];
        for (var copy = 0; copy < copies; copy++)
        {
            var usings = copy == 0 ? UnscopedCaptureAnalyzerSharingTests.Usings : UnscopedCaptureAnalyzerSharingTests.Usings.Substring(0, UnscopedCaptureAnalyzerSharingTests.Usings.IndexOf("static class", StringComparison.Ordinal));
            files[copy] = usings + "unsafe class C" + copy + "\n{\n" + methods + "}\n";
        }

        return files;
    }
}
