using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// The third fix path, on a real project: <c>dotnet format analyzers</c> with the package's code fixes applied to the
/// compiler's span and ref errors (CS8175, CS9108, CS1628) and to SCOPE010 and SCOPE021, in shapes the light bulb
/// and Fix All tests also cover (a span captured in two statements, two methods in one file, a ref parameter with a
/// chained Wait, top-level statements, an expression-bodied Run in async code). The fixed program builds with
/// warnings as errors and prints what the correct program prints.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class DotNetFormatFixTests(PackedPackage package)
{
    private const string Spans = """
        using ScopeSafety;

        public static class Spans
        {
            public static long Twice(ReadOnlySpan<int> x)
            {
                long a = 0, b = 0;
                Parallel.Invoke(() => { foreach (var v in x) a += v; });
                Parallel.Invoke(() => { foreach (var v in x) b += v; });
                return a + b;
            }

            public static long Written()
            {
                Span<int> x = stackalloc int[64];
                Parallel.For(0, x.Length, i => x[i] = i);
                Parallel.For(0, x.Length, i => x[i] += 1);
                long sum = 0;
                foreach (var v in x) sum += v;
                return sum;
            }

            public static long Sum(ReadOnlySpan<long> values)
            {
                long total = 0;
                Parallel.Invoke(() => { foreach (var v in values) total += v; });
                return total;
            }

            public static void Add(ref long total, long amount)
            {
                Task.Run(() => total += amount).Wait();
            }

            public static async Task<int> SevenAsync()
            {
                await Task.Yield();
                return Scope.Run(scope => scope.Spawn(() => 7).Join());
            }
        }

        public sealed class Poller
        {
            private int _ticks;

            public int Run()
            {
                var a = Task.Run(() => { for (var i = 0; i < 1000; i++) _ticks++; });
                var b = Task.Run(() => { for (var i = 0; i < 1000; i++) _ticks++; });
                Task.WaitAll(a, b);
                return _ticks;
            }
        }
        """;

    private const string Program = """
        int count = 0;
        var a = Task.Run(() => count++);
        var b = Task.Run(() => count++);
        Task.WaitAll(a, b);
        Console.WriteLine($"count {count}");
        Console.WriteLine($"twice {Spans.Twice(new[] { 1, 2, 3, 4 })}");
        Console.WriteLine($"written {Spans.Written()}");
        Console.WriteLine($"sum {Spans.Sum(new long[] { 1, 2, 3 })}");
        long total = 10;
        Spans.Add(ref total, 32);
        Console.WriteLine($"total {total}");
        Console.WriteLine($"seven {await Spans.SevenAsync()}");
        Console.WriteLine($"ticks {new Poller().Run()}");
        """;

    /// <summary>What the program prints when every piece of work has finished before its result is read.</summary>
    private static readonly string[] CorrectOutput = ["count 2", "twice 20", "written 2080", "sum 6", "total 42", "seven 7", "ticks 2000"];

    [Fact]
    public void Dotnet_format_fixes_compiler_span_errors_and_rule_diagnostics_and_the_program_prints_the_correct_answers()
    {
        var consumer = ConsumerProject.Create(package, "format-fixes", new Dictionary<string, string>
        {
            ["Spans.cs"] = Spans,
            ["Program.cs"] = Program,
        });

        var broken = consumer.Build();
        Assert.False(broken.Succeeded, "The spans captured by work should not compile. " + broken);
        foreach (var id in new[] { "CS8175", "CS9108", "CS1628", "SCOPE010", "SCOPE021" })
            Assert.Contains($"error {id}:", broken.Output, StringComparison.Ordinal);

        var format = consumer.FixWithDotNetFormat("CS8175", "CS9108", "CS1628", "SCOPE010", "SCOPE021");
        Assert.True(format.Succeeded, format.ToString());
        Assert.DoesNotContain("Exception", format.Output, StringComparison.Ordinal);
        var fixedSpans = consumer.Read("Spans.cs");
        var fixedProgram = consumer.Read("Program.cs");
        Assert.DoesNotContain("default(", fixedSpans, StringComparison.Ordinal);
        Assert.Contains("Interlocked.Increment(ref _ticks)", fixedSpans, StringComparison.Ordinal);

        var rebuilt = consumer.Build();
        Assert.True(rebuilt.Succeeded, $"The fixed code should build clean.{Environment.NewLine}{fixedSpans}{Environment.NewLine}{fixedProgram}{Environment.NewLine}{rebuilt}");
        consumer.AssertScopeDiagnostics([], rebuilt);

        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(CorrectOutput, run.Output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
