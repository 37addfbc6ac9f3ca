using BenchmarkDotNet.Attributes;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// <see cref="Items"/> small asynchronous items, each yielding once (<c>await Task.Yield()</c>) and then summing
/// 100 ints into its own slot: the fixed cost per item of each way of running structured async work.
/// </summary>
[MemoryDiagnoser]
public class AsyncScopeBenchmarks
{
    /// <summary>Items per operation; divide Allocated by this for the bytes per item.</summary>
    public const int Items = 10_000;

    private const int WorkSize = 100;

    private readonly int[] _data = Enumerable.Range(0, WorkSize).ToArray();
    private readonly long[] _results = new long[Items];
    private readonly Task[] _tasks = new Task[Items];
    private readonly int[] _indices = Enumerable.Range(0, Items).ToArray();

    [Benchmark(Baseline = true, Description = "Task.WhenAll(Task.Run(async))")]
    public async Task<long> TaskRunWhenAll()
    {
        int[] data = _data;
        long[] results = _results;
        for (int i = 0; i < Items; i++)
        {
            int item = i;
            _tasks[i] = Task.Run(async () =>
            {
                await Task.Yield();
                SpawnJoinBenchmarks.Work(data, results, item);
            });
        }

        await Task.WhenAll(_tasks);
        return results[Items - 1];
    }

    [Benchmark(Description = "Scope.RunAsync + SpawnAsync")]
    public async Task<long> ScopeSpawnAsync()
    {
        int[] data = _data;
        long[] results = _results;
        await Scope.RunAsync(scope =>
        {
            for (int i = 0; i < Items; i++)
            {
                int item = i;
                scope.SpawnAsync(async () =>
                {
                    await Task.Yield();
                    SpawnJoinBenchmarks.Work(data, results, item);
                });
            }

            return Task.CompletedTask;
        });
        return results[Items - 1];
    }

    [Benchmark(Description = "Parallel.ForEachAsync")]
    public async Task<long> ParallelForEachAsync()
    {
        int[] data = _data;
        long[] results = _results;
        await Parallel.ForEachAsync(_indices, async (item, _) =>
        {
            await Task.Yield();
            SpawnJoinBenchmarks.Work(data, results, item);
        });
        return results[Items - 1];
    }
}
