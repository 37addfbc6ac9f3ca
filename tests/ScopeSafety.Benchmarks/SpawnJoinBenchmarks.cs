using BenchmarkDotNet.Attributes;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// Spawn and join <see cref="Items"/> small independent items, each summing 100 ints into its own
/// slot: the fixed cost per item of each way of running structured work.
/// </summary>
[MemoryDiagnoser]
public class SpawnJoinBenchmarks
{
    /// <summary>Items per operation; divide Allocated by this for the bytes per spawn.</summary>
    public const int Items = 1_000;

    private const int WorkSize = 100;

    private readonly int[] _data = Enumerable.Range(0, WorkSize).ToArray();
    private readonly long[] _results = new long[Items];
    private readonly Action[] _actions = new Action[Items];
    private readonly Task[] _tasks = new Task[Items];

    /// <summary>The work of one item: a tiny fixed amount, written to a slot no other item touches.</summary>
    internal static void Work(int[] data, long[] results, int item)
    {
        long sum = item;
        foreach (int value in data)
        {
            sum += value;
        }
        results[item] = sum;
    }

    [Benchmark(Baseline = true, Description = "Task.Run + Task.WaitAll")]
    public long TaskRunWaitAll()
    {
        int[] data = _data;
        long[] results = _results;
        for (int i = 0; i < Items; i++)
        {
            int item = i;
            _tasks[i] = Task.Run(() => Work(data, results, item));
        }
        Task.WaitAll(_tasks);
        return results[Items - 1];
    }

    [Benchmark(Description = "Scope.Run + Spawn")]
    public long ScopeSpawn()
    {
        int[] data = _data;
        long[] results = _results;
        Scope.Run(scope =>
        {
            for (int i = 0; i < Items; i++)
            {
                int item = i;
                scope.Spawn(() => Work(data, results, item));
            }
        });
        return results[Items - 1];
    }

    [Benchmark(Description = "Scope.Run + Go")]
    public long ScopeGo()
    {
        int[] data = _data;
        long[] results = _results;
        Scope.Run(scope =>
        {
            for (int i = 0; i < Items; i++)
            {
                int item = i;
                scope.Go(() => Work(data, results, item));
            }
        });
        return results[Items - 1];
    }

    [Benchmark(Description = "Parallel.Invoke(Action[])")]
    public long ParallelInvoke()
    {
        int[] data = _data;
        long[] results = _results;
        // Building the array is part of the cost: the caller has no other way to hand over N items.
        for (int i = 0; i < Items; i++)
        {
            int item = i;
            _actions[i] = () => Work(data, results, item);
        }
        Parallel.Invoke(_actions);
        return results[Items - 1];
    }

    [Benchmark(Description = "ThreadPool + countdown")]
    public long ThreadPoolCountdown()
    {
        // The lower bound: no closures, no tasks, no exception or context handling.
        using var countdown = new Countdown(_data, _results, Items);
        for (int i = 0; i < Items; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Countdown.Run(state.Item), (Countdown: countdown, Item: i), preferLocal: false);
        }
        countdown.Done.Wait();
        return _results[Items - 1];
    }

    private sealed class Countdown(int[] data, long[] results, int items) : IDisposable
    {
        private int _remaining = items;

        public ManualResetEventSlim Done { get; } = new();

        public void Run(int item)
        {
            Work(data, results, item);
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Done.Set();
            }
        }

        public void Dispose() => Done.Dispose();
    }
}
