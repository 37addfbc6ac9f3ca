using System.Diagnostics;

namespace ScopeSafety.Benchmarks.SideBySide;

// Where the time of a spawn goes (--spawn-breakdown [rounds] [--warm-pool]): the spawn+join pattern's 10,000 items, taken apart with
// public counters only, so that it runs against any runtime unchanged. Per item: the caller's own lambda, the
// spawning loop, the wait in Run after the body, the bytes the spawning thread allocates, which thread ran the
// items, how many pool entries the scope queued and how often a lock was contended.
internal static class SpawnBreakdown
{
    public static int Run(string[] args)
    {
        int items = 10_000;
        int rounds = args.Length > 1 && int.TryParse(args[1], out var r) ? r : 31;
        bool warmPool = args.Contains("--warm-pool");
        int[] data = Enumerable.Range(0, 100).ToArray();
        long[] results = new long[items];
        var lambdas = new Action[items];
        var byRunner = new int[items];

        var work = new List<double>();
        var lambdaOnly = new List<double>();
        var spawnLoop = new List<double>();
        var waitAfterBody = new List<double>();
        var spawnerBytes = new List<double>();
        var ranBySpawner = new List<double>();
        var threads = new List<double>();
        var poolItems = new List<double>();
        var contentions = new List<double>();

        for (int round = -3; round < rounds; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var clock = Stopwatch.StartNew();
            for (int i = 0; i < items; i++)
            {
                SpawnJoinBenchmarks.Work(data, results, i);
            }
            double workNs = clock.Elapsed.TotalNanoseconds / items;

            clock.Restart();
            for (int i = 0; i < items; i++)
            {
                int item = i;
                lambdas[i] = () => SpawnJoinBenchmarks.Work(data, results, item);
            }
            double lambdaNs = clock.Elapsed.TotalNanoseconds / items;
            Array.Clear(lambdas);

            if (warmPool)
            {
                // As in the side-by-side rounds, where the peers run just before: the pool's threads are awake
                // and spinning, so a worker starts at once and takes items while the body is still spawning.
                Parallel.For(0, items, i => SpawnJoinBenchmarks.Work(data, results, i));
            }

            int spawner = Environment.CurrentManagedThreadId;
            long pool = ThreadPool.CompletedWorkItemCount;
            long contention = Monitor.LockContentionCount;
            double loopNs = 0;
            long bytes = 0;
            clock.Restart();
            Scope.Run(scope =>
            {
                var loop = Stopwatch.StartNew();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < items; i++)
                {
                    int item = i;
                    scope.Spawn(() =>
                    {
                        SpawnJoinBenchmarks.Work(data, results, item);
                        byRunner[item] = Environment.CurrentManagedThreadId;
                    });
                }
                bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                loopNs = loop.Elapsed.TotalNanoseconds / items;
            });
            double totalNs = clock.Elapsed.TotalNanoseconds / items;

            if (round < 0)
            {
                continue;
            }

            work.Add(workNs);
            lambdaOnly.Add(lambdaNs);
            spawnLoop.Add(loopNs);
            waitAfterBody.Add(totalNs - loopNs);
            spawnerBytes.Add((double)bytes / items);
            ranBySpawner.Add(byRunner.Count(t => t == spawner) * 100.0 / items);
            threads.Add(byRunner.Distinct().Count());
            poolItems.Add(ThreadPool.CompletedWorkItemCount - pool);
            contentions.Add(Monitor.LockContentionCount - contention);
        }

        Console.WriteLine($"spawn breakdown, {items} items, {rounds} rounds, {Environment.ProcessorCount} cores{(warmPool ? ", pool woken before each round" : "")} (median [min–max])");
        Print("the item's own work, called directly (ns/item)", work);
        Print("the caller's closure + delegate alone (ns/item)", lambdaOnly);
        Print("spawning loop in the body (ns/item)", spawnLoop);
        Print("Run's wait after the body (ns/item)", waitAfterBody);
        Print("bytes allocated by the spawning thread per spawn", spawnerBytes);
        Print("items run by the spawning thread (%)", ranBySpawner);
        Print("threads that ran items", threads);
        Print("pool work items completed during Run", poolItems);
        Print("contended lock acquisitions during Run", contentions);
        return 0;
    }

    private static void Print(string what, List<double> values)
    {
        values.Sort();
        Console.WriteLine($"  {what,-52} {values[values.Count / 2],9:0.##} [{values[0]:0.##}–{values[^1]:0.##}]");
    }
}
