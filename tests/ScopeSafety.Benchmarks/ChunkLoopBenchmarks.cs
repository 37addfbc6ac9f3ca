using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// <c>Scope.ForEachChunk</c> and <c>Scope.MapChunks</c> against <c>Parallel.For</c> over exactly the same
/// chunks of an <c>int[]</c>: the chunk loops must cost no more than the .NET peer a user would write.
/// ForEachChunk adds 1 to every element (a writing pass); MapChunks sums every chunk (a reading pass).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ChunkLoopBenchmarks
{
    private int[] _data = [];
    private int _chunkSize;

    /// <summary>Elements per operation.</summary>
    [Params(10_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = ChunkedSumBenchmarks.CreateData(N);
        _chunkSize = ChunkedSumBenchmarks.ChunkSize(N);
    }

    [GlobalCleanup]
    public void Cleanup() => _data = [];

    [Benchmark(Baseline = true, Description = "Parallel.For over the chunks, add 1"), BenchmarkCategory("write")]
    public int ParallelForWrite() => AddOneParallelFor(_data, _chunkSize);

    [Benchmark(Description = "Scope.ForEachChunk, add 1"), BenchmarkCategory("write")]
    public int ForEachChunkWrite() => AddOneForEachChunk(_data, _chunkSize);

    [Benchmark(Baseline = true, Description = "Parallel.For over the chunks, sum into a result per chunk"), BenchmarkCategory("read")]
    public long ParallelForMap() => Total(SumsParallelFor(_data, _chunkSize));

    [Benchmark(Description = "Scope.MapChunks, sum per chunk"), BenchmarkCategory("read")]
    public long MapChunksSum() => Total(SumsMapChunks(_data, _chunkSize));

    internal static int AddOneParallelFor(int[] data, int chunkSize)
    {
        var chunks = (data.Length + chunkSize - 1) / chunkSize;
        Parallel.For(0, chunks, c => AddOne(data.AsSpan(c * chunkSize, Math.Min(chunkSize, data.Length - c * chunkSize))));
        return data[^1];
    }

    internal static int AddOneForEachChunk(int[] data, int chunkSize)
    {
        Scope.ForEachChunk(data.AsSpan(), chunkSize, static chunk => AddOne(chunk));
        return data[^1];
    }

    internal static long[] SumsParallelFor(int[] data, int chunkSize)
    {
        var chunks = (data.Length + chunkSize - 1) / chunkSize;
        var sums = new long[chunks];
        Parallel.For(0, chunks, c => sums[c] = Sum(data.AsSpan(c * chunkSize, Math.Min(chunkSize, data.Length - c * chunkSize))));
        return sums;
    }

    internal static long[] SumsMapChunks(int[] data, int chunkSize) =>
        Scope.MapChunks((ReadOnlySpan<int>)data, chunkSize, static chunk => Sum(chunk));

    internal static long Total(long[] sums)
    {
        long total = 0;
        foreach (var s in sums)
        {
            total += s;
        }

        return total;
    }

    private static void AddOne(Span<int> chunk)
    {
        foreach (ref var x in chunk)
        {
            x++;
        }
    }

    private static long Sum(ReadOnlySpan<int> chunk)
    {
        long sum = 0;
        foreach (var x in chunk)
        {
            sum += x;
        }

        return sum;
    }
}
