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

    // Mutable instance fields, not static readonly ones: the JIT would otherwise see through the
    // delegates of the direct calls, inline them and fold the baseline away to nothing.
    private Action _leftWork = static () => s_left++;
    private Action _rightWork = static () => s_right++;
    private Func<int> _one = static () => 1;
    private Func<int> _two = static () => 2;

    [Benchmark(Baseline = true, Description = "direct calls: left(); right()")]
    [BenchmarkCategory("Action")]
    public void DirectCalls()
    {
        _leftWork();
        _rightWork();
    }

    [Benchmark(Description = "Scope.Join(left, right)")]
    [BenchmarkCategory("Action")]
    public void ScopeJoin() => Scope.Join(_leftWork, _rightWork);

    [Benchmark(Baseline = true, Description = "direct calls: left() + right()")]
    [BenchmarkCategory("Func<T>")]
    public int DirectCallsWithResults() => _one() + _two();

    [Benchmark(Description = "Scope.Join<T1, T2>(left, right)")]
    [BenchmarkCategory("Func<T>")]
    public int ScopeJoinWithResults()
    {
        var (a, b) = Scope.Join(_one, _two);
        return a + b;
    }

    [Benchmark(Description = "Parallel.Invoke(left, right)")]
    [BenchmarkCategory("Action")]
    public void ParallelInvoke() => Parallel.Invoke(_leftWork, _rightWork);
}
