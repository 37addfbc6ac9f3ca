using BenchmarkDotNet.Attributes;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// The seed workload: the sum of 0..N−1, split in chunks; each chunk is summed by parallel work that
/// reads the shared array in place (an index range, no copy), and the partial sums are joined.
/// </summary>
[MemoryDiagnoser]
public class ChunkedSumBenchmarks
{
    private int[] _data = [];
    private int _chunkSize;

    /// <summary>Elements summed per operation.</summary>
    [Params(5_000, 100_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = CreateData(N);
        _chunkSize = ChunkSize(N);
    }

    [GlobalCleanup]
    public void Cleanup() => _data = [];

    /// <summary>0, 1, …, n−1.</summary>
    internal static int[] CreateData(int n)
    {
        var data = new int[n];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i;
        }
        return data;
    }

    /// <summary>A few chunks per core so a slow core does not hold everyone up, but never tiny ones.</summary>
    internal static int ChunkSize(int n) => Math.Max(1_000, (n + 4 * Environment.ProcessorCount - 1) / (4 * Environment.ProcessorCount));

    [Benchmark(Baseline = true, Description = "Parallel.For over the chunks, thread-local sums")]
    public long ParallelForChunks() => SumParallelForChunks(_data, _chunkSize);

    [Benchmark(Description = "Scope.Run + Spawn per chunk")]
    public long ScopeSpawn() => SumScopeSpawn(_data, _chunkSize);

    [Benchmark(Description = "Parallel.For per element, thread-local sums")]
    public long ParallelForElements() => SumParallelForElements(_data);

    [Benchmark(Description = "sequential")]
    public long Sequential() => SumRange(_data, 0, _data.Length);

    internal static long SumScopeSpawn(int[] data, int chunkSize)
    {
        return Scope.Run(scope =>
        {
            var parts = new ScopedTask<long>[(data.Length + chunkSize - 1) / chunkSize];
            for (int c = 0; c < parts.Length; c++)
            {
                int start = c * chunkSize;
                int end = Math.Min(start + chunkSize, data.Length);
                parts[c] = scope.Spawn(() => SumRange(data, start, end));
            }
            long total = 0;
            foreach (var part in parts)
            {
                total += part.Join();
            }
            return total;
        });
    }

    internal static long SumParallelForChunks(int[] data, int chunkSize)
    {
        long total = 0;
        int chunks = (data.Length + chunkSize - 1) / chunkSize;
        Parallel.For(
            0,
            chunks,
            () => 0L,
            (c, _, partial) => partial + SumRange(data, c * chunkSize, Math.Min((c + 1) * chunkSize, data.Length)),
            partial => Interlocked.Add(ref total, partial));
        return total;
    }

    /// <summary>The textbook form: one delegate call per element, a partial sum per worker.</summary>
    internal static long SumParallelForElements(int[] data)
    {
        long total = 0;
        Parallel.For(
            0,
            data.Length,
            () => 0L,
            (i, _, partial) => partial + data[i],
            partial => Interlocked.Add(ref total, partial));
        return total;
    }

    internal static long SumRange(int[] data, int start, int end)
    {
        long sum = 0;
        foreach (int value in data.AsSpan(start, end - start))
        {
            sum += value;
        }
        return sum;
    }
}
