namespace ScopeSafety.Benchmarks.SideBySide;

// The seed workload: the sum of 0..N−1 in a fixed number of chunks (64, whatever the core count, so
// that every core count does the same work), each chunk read in place and the partial sums joined.
internal static class ChunkedSumPattern
{
    private const int Chunks = 64;

    public static Pattern Create(bool quick)
    {
        int n = quick ? 1_000_000 : 50_000_000;
        int[] data = ChunkedSumBenchmarks.CreateData(n);
        int chunkSize = (n + Chunks - 1) / Chunks;

        var variants = new Variant[]
        {
            new("Scope.Spawn<long> per chunk", Kind.Scope, () => ChunkedSumBenchmarks.SumScopeSpawn(data, chunkSize)),
            new("Parallel.For over chunks", Kind.Peer, () => ChunkedSumBenchmarks.SumParallelForChunks(data, chunkSize)),
            new("Task.Run per chunk", Kind.Peer, () =>
            {
                var parts = new Task<long>[Chunks];
                for (int c = 0; c < parts.Length; c++)
                {
                    int start = Math.Min(c * chunkSize, n);
                    int end = Math.Min(start + chunkSize, n);
                    parts[c] = Task.Run(() => ChunkedSumBenchmarks.SumRange(data, start, end));
                }
                long total = 0;
                foreach (var part in parts)
                {
                    total += part.Result;
                }
                return total;
            }),
            new("sequential", Kind.Baseline, () => ChunkedSumBenchmarks.SumRange(data, 0, n)),
        };

        long expected = (long)n * (n - 1) / 2;
        return new Pattern(
            $"chunked sum {n / 1_000_000}M ints in {Chunks} chunks",
            variants,
            Check: sum => sum == expected ? null : $"sum {sum}, expected {expected}",
            Unit: "chunk",
            UnitsPerOp: Chunks);
    }
}
