namespace ScopeSafety.Benchmarks.SideBySide;

// Recursive fork-join on real data: quicksort of pseudo-random ints, forking both partitions down to
// QuickSortBenchmarks.Cutoff elements. Each operation first copies the unsorted input (every variant
// pays it alike).
internal static class QuickSortPattern
{
    public static Pattern Create(bool quick)
    {
        int length = quick ? 200_000 : 4_000_000;
        int[] input = CreateInput(length);
        int[] work = new int[length];
        int[] expected = (int[])input.Clone();
        Array.Sort(expected);

        var variants = new Variant[]
        {
            new("Scope.Join", Kind.Scope, () =>
            {
                input.CopyTo(work, 0);
                QuickSortBenchmarks.SortScopeJoin(work, 0, work.Length - 1);
                return work[length / 2];
            }),
            new("Parallel.Invoke", Kind.Peer, () =>
            {
                input.CopyTo(work, 0);
                QuickSortBenchmarks.SortParallelInvoke(work, 0, work.Length - 1);
                return work[length / 2];
            }),
            new("Array.Sort", Kind.Baseline, () =>
            {
                input.CopyTo(work, 0);
                Array.Sort(work);
                return work[length / 2];
            }),
        };

        return new Pattern(
            $"quicksort {length / 1_000_000.0:0.##}M ints",
            variants,
            Check: _ => work.AsSpan().SequenceEqual(expected) ? null : "the array is not sorted",
            Reset: () => Array.Clear(work),
            Unit: "fork",
            UnitsPerOp: QuickSortBenchmarks.CountForks((int[])input.Clone(), 0, length - 1));
    }

    private static int[] CreateInput(int length)
    {
        var random = new Random(20261122);
        var input = new int[length];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = random.Next();
        }
        return input;
    }
}
