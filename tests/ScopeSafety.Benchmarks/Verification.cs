namespace ScopeSafety.Benchmarks;

/// <summary>
/// Runs each benchmarked variant once against a known answer, so that a fast figure can never come
/// from a wrong result.
/// </summary>
internal static class Verification
{
    private static int s_failures;

    public static int Run()
    {
        VerifySpawnJoin();
        VerifyAsyncScope();
        VerifyFib();
        VerifyQuickSort();
        VerifyChunkedSum(5_000);
        VerifyChunkedSum(1_000_003);
        VerifyJoin();
        VerifyChunkLoops(10_000);
        VerifyChunkLoops(1_000_003);
        Console.WriteLine(s_failures == 0 ? "verify: all variants correct" : $"verify: {s_failures} failure(s)");
        return s_failures == 0 ? 0 : 1;
    }

    private static void VerifyAsyncScope()
    {
        long expected = Enumerable.Range(0, 100).Sum() + AsyncScopeBenchmarks.Items - 1;
        var benchmarks = new AsyncScopeBenchmarks();
        Check("async Task.Run + WhenAll", benchmarks.TaskRunWhenAll().GetAwaiter().GetResult(), expected);
        Check("async Scope.RunAsync", benchmarks.ScopeSpawnAsync().GetAwaiter().GetResult(), expected);
        Check("async Parallel.ForEachAsync", benchmarks.ParallelForEachAsync().GetAwaiter().GetResult(), expected);
    }

    private static void VerifySpawnJoin()
    {
        long expected = Enumerable.Range(0, 100).Sum() + SpawnJoinBenchmarks.Items - 1;
        var benchmarks = new SpawnJoinBenchmarks();
        Check("spawn+join Task.Run", benchmarks.TaskRunWaitAll(), expected);
        Check("spawn+join Scope", benchmarks.ScopeSpawn(), expected);
        Check("spawn+join Scope Go", benchmarks.ScopeGo(), expected);
        Check("spawn+join Parallel.Invoke", benchmarks.ParallelInvoke(), expected);
        Check("spawn+join ThreadPool", benchmarks.ThreadPoolCountdown(), expected);
    }

    private static void VerifyFib()
    {
        const int expected = 75_025; // fib(25)
        var benchmarks = new FibBenchmarks();
        Check("fib Scope.Join", benchmarks.ScopeJoin(), expected);
        Check("fib Parallel.Invoke", benchmarks.ParallelInvoke(), expected);
        Check("fib sequential", benchmarks.Sequential(), expected);
    }

    private static void VerifyQuickSort()
    {
        int[] expected = QuickSortBenchmarks.CreateInput();
        Array.Sort(expected);
        CheckSorted("quicksort Scope.Join", items => QuickSortBenchmarks.SortScopeJoin(items, 0, items.Length - 1), expected);
        CheckSorted("quicksort Parallel.Invoke", items => QuickSortBenchmarks.SortParallelInvoke(items, 0, items.Length - 1), expected);
        int[] input = QuickSortBenchmarks.CreateInput();
        Console.WriteLine($"info quicksort forks per operation: {QuickSortBenchmarks.CountForks(input, 0, input.Length - 1)}");
        Console.WriteLine($"info fib forks per operation: {FibBenchmarks.Forks}");
    }

    private static void CheckSorted(string name, Action<int[]> sort, int[] expected)
    {
        int[] items = QuickSortBenchmarks.CreateInput();
        sort(items);
        Check(name, items.AsSpan().SequenceEqual(expected) ? 1 : 0, 1);
    }

    private static void VerifyChunkLoops(int n)
    {
        var chunkSize = ChunkedSumBenchmarks.ChunkSize(n);
        long expected = (long)n * (n - 1) / 2;
        var data = ChunkedSumBenchmarks.CreateData(n);
        Check($"chunks n={n} Parallel.For sums", ChunkLoopBenchmarks.Total(ChunkLoopBenchmarks.SumsParallelFor(data, chunkSize)), expected);
        Check($"chunks n={n} MapChunks sums", ChunkLoopBenchmarks.Total(ChunkLoopBenchmarks.SumsMapChunks(data, chunkSize)), expected);
        ChunkLoopBenchmarks.AddOneParallelFor(data, chunkSize);
        ChunkLoopBenchmarks.AddOneForEachChunk(data, chunkSize);
        Check($"chunks n={n} Parallel.For + ForEachChunk add 1", ChunkLoopBenchmarks.Total(ChunkLoopBenchmarks.SumsMapChunks(data, chunkSize)), expected + 2L * n);
    }

    private static void VerifyChunkedSum(int n)
    {
        long expected = (long)n * (n - 1) / 2;
        int[] data = ChunkedSumBenchmarks.CreateData(n);
        int chunkSize = ChunkedSumBenchmarks.ChunkSize(n);
        Check($"chunked sum {n} Scope", ChunkedSumBenchmarks.SumScopeSpawn(data, chunkSize), expected);
        Check($"chunked sum {n} Parallel.For chunks", ChunkedSumBenchmarks.SumParallelForChunks(data, chunkSize), expected);
        Check($"chunked sum {n} Parallel.For elements", ChunkedSumBenchmarks.SumParallelForElements(data), expected);
        Check($"chunked sum {n} sequential", ChunkedSumBenchmarks.SumRange(data, 0, n), expected);
    }

    private static void VerifyJoin()
    {
        var benchmarks = new JoinOverheadBenchmarks();
        Check("Join<T1, T2>", benchmarks.ScopeJoinWithResults(), 3);
        Check("direct calls with results", benchmarks.DirectCallsWithResults(), 3);
    }

    private static void Check(string name, long actual, long expected)
    {
        if (actual != expected)
        {
            s_failures++;
            Console.WriteLine($"FAIL {name}: {actual}, expected {expected}");
        }
        else
        {
            Console.WriteLine($"ok   {name}: {actual}");
        }
    }
}
