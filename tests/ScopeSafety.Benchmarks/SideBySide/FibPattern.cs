namespace ScopeSafety.Benchmarks.SideBySide;

// Recursive fork-join: fib(n) forking both halves down to a sequential cutoff, so that the figures
// are dominated by the cost of each fork and join.
internal static class FibPattern
{
    public static Pattern Create(bool quick)
    {
        int n = quick ? 25 : 32;
        int cutoff = quick ? 15 : 20;

        var variants = new Variant[]
        {
            new("Scope.Join", Kind.Scope, () => FibScopeJoin(n, cutoff)),
            new("Scope.Run+Spawn", Kind.Scope, () => FibScopeSpawn(n, cutoff)),
            new("Parallel.Invoke", Kind.Peer, () => FibParallelInvoke(n, cutoff)),
            new("Task.Run+Result", Kind.Peer, () => FibTaskRun(n, cutoff)),
            new("sequential", Kind.Baseline, () => FibBenchmarks.FibSequential(n)),
        };

        long expected = FibIterative(n);
        return new Pattern(
            $"fib({n}) cutoff {cutoff}",
            variants,
            Check: result => result == expected ? null : $"fib({n}) = {result}, expected {expected}",
            Unit: "fork",
            UnitsPerOp: CountForks(n, cutoff));
    }

    private static long FibScopeJoin(int n, int cutoff)
    {
        if (n <= cutoff)
        {
            return FibBenchmarks.FibSequential(n);
        }
        var (a, b) = Scope.Join(() => FibScopeJoin(n - 1, cutoff), () => FibScopeJoin(n - 2, cutoff));
        return a + b;
    }

    // The form a user writes without Join: spawn one half into a scope, compute the other inline.
    private static long FibScopeSpawn(int n, int cutoff)
    {
        if (n <= cutoff)
        {
            return FibBenchmarks.FibSequential(n);
        }
        return Scope.Run(scope =>
        {
            var left = scope.Spawn(() => FibScopeSpawn(n - 1, cutoff));
            long right = FibScopeSpawn(n - 2, cutoff);
            return left.Join() + right;
        });
    }

    private static long FibParallelInvoke(int n, int cutoff)
    {
        if (n <= cutoff)
        {
            return FibBenchmarks.FibSequential(n);
        }
        long a = 0, b = 0;
        Parallel.Invoke(() => a = FibParallelInvoke(n - 1, cutoff), () => b = FibParallelInvoke(n - 2, cutoff));
        return a + b;
    }

    private static long FibTaskRun(int n, int cutoff)
    {
        if (n <= cutoff)
        {
            return FibBenchmarks.FibSequential(n);
        }
        var left = Task.Run(() => FibTaskRun(n - 1, cutoff));
        long right = FibTaskRun(n - 2, cutoff);
        return left.Result + right;
    }

    // Independent of the recursive code under test, so that a shared bug cannot agree with itself.
    private static long FibIterative(int n)
    {
        long a = 0, b = 1;
        for (int i = 0; i < n; i++)
        {
            (a, b) = (b, a + b);
        }
        return a;
    }

    private static long CountForks(int n, int cutoff) => n <= cutoff ? 0 : 1 + CountForks(n - 1, cutoff) + CountForks(n - 2, cutoff);
}
