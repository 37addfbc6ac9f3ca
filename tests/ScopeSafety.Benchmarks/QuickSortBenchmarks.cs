using BenchmarkDotNet.Attributes;

namespace ScopeSafety.Benchmarks;

/// <summary>
/// Recursive fork-join on real data: quicksort of <see cref="Length"/> pseudo-random ints, forking
/// both partitions down to <see cref="Cutoff"/> elements, below which <see cref="Array.Sort(Array)"/>
/// finishes the range.
/// </summary>
/// <remarks>
/// Each operation first copies the unsorted input into the work array (about a millisecond for
/// 4 MB); every variant pays it alike, so it keeps iterations independent without an iteration setup.
/// </remarks>
[MemoryDiagnoser]
public class QuickSortBenchmarks
{
    /// <summary>Elements sorted per operation.</summary>
    public const int Length = 1_000_000;

    /// <summary>Ranges this short are sorted sequentially.</summary>
    public const int Cutoff = 4_096;

    private readonly int[] _input = CreateInput();
    private readonly int[] _work = new int[Length];

    [Benchmark(Baseline = true, Description = "Parallel.Invoke")]
    public int ParallelInvoke()
    {
        _input.CopyTo(_work, 0);
        SortParallelInvoke(_work, 0, _work.Length - 1);
        return _work[Length / 2];
    }

    [Benchmark(Description = "Scope.Join")]
    public int ScopeJoin()
    {
        _input.CopyTo(_work, 0);
        SortScopeJoin(_work, 0, _work.Length - 1);
        return _work[Length / 2];
    }

    [Benchmark(Description = "Array.Sort (sequential)")]
    public int ArraySort()
    {
        _input.CopyTo(_work, 0);
        Array.Sort(_work);
        return _work[Length / 2];
    }

    internal static int[] CreateInput()
    {
        var random = new Random(20261122);
        var input = new int[Length];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = random.Next();
        }
        return input;
    }

    /// <summary>Sorts the inclusive range [lo, hi], forking the two partitions with <see cref="Scope.Join(Action, Action)"/>.</summary>
    internal static void SortScopeJoin(int[] items, int lo, int hi)
    {
        if (hi - lo < Cutoff)
        {
            Array.Sort(items, lo, hi - lo + 1);
            return;
        }
        int split = Partition(items, lo, hi);
        Scope.Join(() => SortScopeJoin(items, lo, split), () => SortScopeJoin(items, split + 1, hi));
    }

    /// <summary>Sorts the inclusive range [lo, hi], forking the two partitions with <see cref="Parallel.Invoke(Action[])"/>.</summary>
    internal static void SortParallelInvoke(int[] items, int lo, int hi)
    {
        if (hi - lo < Cutoff)
        {
            Array.Sort(items, lo, hi - lo + 1);
            return;
        }
        int split = Partition(items, lo, hi);
        Parallel.Invoke(() => SortParallelInvoke(items, lo, split), () => SortParallelInvoke(items, split + 1, hi));
    }

    /// <summary>How many forks one sort of the input performs (the partitioning is deterministic).</summary>
    internal static int CountForks(int[] items, int lo, int hi)
    {
        if (hi - lo < Cutoff)
        {
            return 0;
        }
        int split = Partition(items, lo, hi);
        return 1 + CountForks(items, lo, split) + CountForks(items, split + 1, hi);
    }

    /// <summary>
    /// Hoare partition around the median of three; returns j such that every element of [lo, j] is
    /// at most every element of [j + 1, hi], both ranges non-empty.
    /// </summary>
    private static int Partition(int[] items, int lo, int hi)
    {
        int mid = lo + (hi - lo) / 2;
        int pivot = MedianOfThree(items[lo], items[mid], items[hi]);
        int i = lo - 1;
        int j = hi + 1;
        while (true)
        {
            do { i++; } while (items[i] < pivot);
            do { j--; } while (items[j] > pivot);
            if (i >= j)
            {
                return j;
            }
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static int MedianOfThree(int a, int b, int c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
