namespace ScopeSafety.Benchmarks.SideBySide;

// Spawn and join many small independent items, each summing 100 ints into its own slot: the fixed
// cost per item of each way of running structured work.
internal static class SpawnJoinPattern
{
    public static Pattern Create(bool quick)
    {
        int items = quick ? 1_000 : 10_000;
        int[] data = Enumerable.Range(0, 100).ToArray();
        long[] results = new long[items];
        long expectedSlot = data.Sum();

        var variants = new Variant[]
        {
            new("Scope.Run+Spawn", Kind.Scope, () =>
            {
                Scope.Run(scope =>
                {
                    for (int i = 0; i < items; i++)
                    {
                        int item = i;
                        scope.Spawn(() => SpawnJoinBenchmarks.Work(data, results, item));
                    }
                });
                return results[items - 1];
            }),
            new("Scope.Run+Go", Kind.Scope, () =>
            {
                Scope.Run(scope =>
                {
                    for (int i = 0; i < items; i++)
                    {
                        int item = i;
                        scope.Go(() => SpawnJoinBenchmarks.Work(data, results, item));
                    }
                });
                return results[items - 1];
            }),
            new("Scope.For", Kind.Scope, () =>
            {
                Scope.For(0, items, item => SpawnJoinBenchmarks.Work(data, results, item));
                return results[items - 1];
            }),
            new("Task.Run+WaitAll", Kind.Peer, () =>
            {
                var tasks = new Task[items];
                for (int i = 0; i < items; i++)
                {
                    int item = i;
                    tasks[i] = Task.Run(() => SpawnJoinBenchmarks.Work(data, results, item));
                }
                Task.WaitAll(tasks);
                return results[items - 1];
            }),
            new("Parallel.Invoke(Action[])", Kind.Peer, () =>
            {
                var actions = new Action[items];
                for (int i = 0; i < items; i++)
                {
                    int item = i;
                    actions[i] = () => SpawnJoinBenchmarks.Work(data, results, item);
                }
                Parallel.Invoke(actions);
                return results[items - 1];
            }),
            new("Parallel.For", Kind.Peer, () =>
            {
                Parallel.For(0, items, item => SpawnJoinBenchmarks.Work(data, results, item));
                return results[items - 1];
            }),
        };

        return new Pattern(
            $"spawn+join {items} small items",
            variants,
            Check: last =>
            {
                // Every slot, not just the returned last one: a variant that skipped items must fail.
                for (int i = 0; i < items; i++)
                {
                    if (results[i] != expectedSlot + i)
                    {
                        return $"slot {i} is {results[i]}, expected {expectedSlot + i}";
                    }
                }
                return last == expectedSlot + items - 1 ? null : $"returned {last}";
            },
            Reset: () => Array.Clear(results),
            Unit: "spawn",
            UnitsPerOp: items,
            TimePerUnit: true);
    }
}
