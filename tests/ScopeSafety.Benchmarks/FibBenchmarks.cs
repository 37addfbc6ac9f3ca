using BenchmarkDotNet.Attributes;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// Recursive fork-join: fib(<see cref="N"/>) forking both halves down to fib(<see cref="Cutoff"/>),
/// below which it runs sequentially, so the figures are dominated by the cost of each fork and join.
/// </summary>
[MemoryDiagnoser]
public class FibBenchmarks
{
    /// <summary>The argument of the top call.</summary>
    public const int N = 25;

    /// <summary>Calls with an argument at or below this run sequentially.</summary>
    public const int Cutoff = 12;

    /// <summary>How many forks (joins) one operation performs; divide Allocated by this for the bytes per join.</summary>
    public static readonly int Forks = CountForks(N);

    [Benchmark(Baseline = true, Description = "Parallel.Invoke")]
    public int ParallelInvoke() => FibParallelInvoke(N);

    [Benchmark(Description = "Scope.Join")]
    public int ScopeJoin() => FibScopeJoin(N);

    [Benchmark(Description = "sequential")]
    public int Sequential() => FibSequential(N);

    internal static int FibScopeJoin(int n)
    {
        if (n <= Cutoff)
        {
            return FibSequential(n);
        }
        var (a, b) = Scope.Join(() => FibScopeJoin(n - 1), () => FibScopeJoin(n - 2));
        return a + b;
    }

    internal static int FibParallelInvoke(int n)
    {
        if (n <= Cutoff)
        {
            return FibSequential(n);
        }
        int a = 0, b = 0;
        Parallel.Invoke(() => a = FibParallelInvoke(n - 1), () => b = FibParallelInvoke(n - 2));
        return a + b;
    }

    internal static int FibSequential(int n) => n < 2 ? n : FibSequential(n - 1) + FibSequential(n - 2);

    private static int CountForks(int n) => n <= Cutoff ? 0 : 1 + CountForks(n - 1) + CountForks(n - 2);
}
