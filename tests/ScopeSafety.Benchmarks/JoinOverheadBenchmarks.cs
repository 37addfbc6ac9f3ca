using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// The fixed cost of one <see cref="Scope.Join(Action, Action)"/> whose right half is not stolen:
/// two trivial cached delegates, joined or simply called one after the other. Each category (with or
/// without results) has its own baseline.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class JoinOverheadBenchmarks
{
    private static int s_left;
    private static int s_right;

    private static readonly Action Left = static () => s_left++;
    private static readonly Action Right = static () => s_right++;
    private static readonly Func<int> One = static () => 1;
    private static readonly Func<int> Two = static () => 2;

    [Benchmark(Baseline = true, Description = "direct calls: left(); right()")]
    [BenchmarkCategory("Action")]
    public void DirectCalls()
    {
        Left();
        Right();
    }

    [Benchmark(Description = "Scope.Join(left, right)")]
    [BenchmarkCategory("Action")]
    public void ScopeJoin() => Scope.Join(Left, Right);

    [Benchmark(Baseline = true, Description = "direct calls: left() + right()")]
    [BenchmarkCategory("Func<T>")]
    public int DirectCallsWithResults() => One() + Two();

    [Benchmark(Description = "Scope.Join<T1, T2>(left, right)")]
    [BenchmarkCategory("Func<T>")]
    public int ScopeJoinWithResults()
    {
        var (a, b) = Scope.Join(One, Two);
        return a + b;
    }

    [Benchmark(Description = "Parallel.Invoke(left, right)")]
    [BenchmarkCategory("Action")]
    public void ParallelInvoke() => Parallel.Invoke(Left, Right);
}
