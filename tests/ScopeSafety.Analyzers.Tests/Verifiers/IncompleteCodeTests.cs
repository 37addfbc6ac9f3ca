using System.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>Proves the incomplete-code check: silent on a robust analyzer, precise on a fragile one.</summary>
public class IncompleteCodeTests(ITestOutputHelper output)
{
    // About 40 lines, the size of a typical rule test source.
    internal const string FortyLines = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Sample;

        public sealed class Worker
        {
            private int _count;

            public async Task<int> RunAsync(int[] items)
            {
                int sum = 0;
                foreach (var item in items)
                {
                    sum += item;
                    [|Console.WriteLine(item)|];
                }

                var task = Task.Run(() => Interlocked.Increment(ref _count));
                await task;
                if (sum > 10)
                {
                    [|Console.WriteLine("large")|];
                }
                else
                {
                    Console.Write("small");
                }

                return sum;
            }

            public void Spawn()
            {
                var thread = new Thread(() => [|Console.WriteLine(_count)|]);
                thread.Start();
                thread.Join();
            }
        }
        """;

    public static TheoryData<string> Sources => [FortyLines, "class C { void M() { System.Console.WriteLine(1); } }"];

    [Theory, MemberData(nameof(Sources))]
    public async Task A_robust_analyzer_survives_every_prefix(string source)
    {
        var watch = Stopwatch.StartNew();
        await IncompleteCode.VerifyNoAnalyzerExceptionsAsync<WriteLineAnalyzer>(source);
        output.WriteLine($"{IncompleteCode.PrefixCount(source)} prefixes analyzed in {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_fragile_analyzer_fails_on_the_shortest_prefix_that_breaks_it()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() =>
            IncompleteCode.VerifyNoAnalyzerExceptionsAsync<ThrowsOnMissingElseAnalyzer>("class C { void M(bool b) { if (b) { } else { } } }"));

        // The bare "if" keyword already parses as an if statement without else: the 29-character prefix.
        Assert.Contains("ThrowsOnMissingElseAnalyzer threw on the 29-character prefix (of 50) ending at line 1, column 30", failure.Message);
        Assert.Contains("---\nclass C { void M(bool b) { if\n---", failure.Message.ReplaceLineEndings("\n"));
        Assert.Contains("if without else", failure.Message);
    }

    [Fact]
    public void The_corpus_of_a_test_class_holds_its_sources_from_constants_async_methods_and_helpers()
    {
        var sources = ((IEnumerable<object[]>)TestSourceCorpus.Of(typeof(HarnessTests))).Select(row => (string)row[0]).ToList();

        Assert.Contains(sources, s => s.Contains("void M() => Console.WriteLine(\"hi\");", StringComparison.Ordinal));   // a const
        Assert.Contains(sources, s => s.Contains("void M() => [|Console.Write(\"hi\")|];", StringComparison.Ordinal));   // inside an async test
        Assert.Contains(sources, s => s.Contains("int M() => {|CS0103:missing|};", StringComparison.Ordinal));             // an expression-bodied test
        Assert.DoesNotContain(sources, s => s.Contains("Expected but not reported", StringComparison.Ordinal));          // not code
        Assert.Equal(sources.Count, sources.Distinct().Count());
    }

    public static TheoryData<string> HarnessSources => TestSourceCorpus.Of(typeof(HarnessTests));

    [Theory, MemberData(nameof(HarnessSources))]
    public Task Every_prefix_of_every_harness_test_source_is_survived(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<WriteLineAnalyzer>(source);
}
