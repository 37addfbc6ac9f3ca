namespace ScopeSafety.Benchmarks.SideBySide;

// Structured work inside structured work: an outer loop of parallel items, each running its own
// inner parallel loop of tiny items (the shape of nested scopes in real code).
internal static class NestedSpawnPattern
{
    public static Pattern Create(bool quick)
    {
        int outer = quick ? 16 : 64;
        int inner = quick ? 16 : 64;
        long[] results = new long[outer * inner];

        var variants = new Variant[]
        {
            new("Scope nested", Kind.Scope, () =>
            {
                Scope.Run(scope =>
                {
                    for (int i = 0; i < outer; i++)
                    {
                        int row = i;
                        scope.Spawn(() => Scope.Run(innerScope =>
                        {
                            for (int j = 0; j < inner; j++)
                            {
                                int column = j;
                                innerScope.Spawn(() => Leaf(results, row * inner + column));
                            }
                        }));
                    }
                });
                return results[^1];
            }),
            new("Scope nested Go", Kind.Scope, () =>
            {
                Scope.Run(scope =>
                {
                    for (int i = 0; i < outer; i++)
                    {
                        int row = i;
                        scope.Go(() => Scope.Run(innerScope =>
                        {
                            for (int j = 0; j < inner; j++)
                            {
                                int column = j;
                                innerScope.Go(() => Leaf(results, row * inner + column));
                            }
                        }));
                    }
                });
                return results[^1];
            }),
            new("Scope.For nested", Kind.Scope, () =>
            {
                // The loop primitive: one delegate per loop, not one per cell (what nested Parallel.For does).
                Scope.For(0, outer, row => Scope.For(0, inner, column => Leaf(results, row * inner + column)));
                return results[^1];
            }),
            new("Parallel.For nested", Kind.Peer, () =>
            {
                Parallel.For(0, outer, row => Parallel.For(0, inner, column => Leaf(results, row * inner + column)));
                return results[^1];
            }),
            new("Task.Run nested+WaitAll", Kind.Peer, () =>
            {
                var rows = new Task[outer];
                for (int i = 0; i < outer; i++)
                {
                    int row = i;
                    rows[i] = Task.Run(() =>
                    {
                        var cells = new Task[inner];
                        for (int j = 0; j < inner; j++)
                        {
                            int column = j;
                            cells[j] = Task.Run(() => Leaf(results, row * inner + column));
                        }
                        Task.WaitAll(cells);
                    });
                }
                Task.WaitAll(rows);
                return results[^1];
            }),
        };

        return new Pattern(
            $"nested {outer}x{inner} spawns",
            variants,
            Check: _ =>
            {
                for (int i = 0; i < results.Length; i++)
                {
                    if (results[i] != i + 1)
                    {
                        return $"cell {i} is {results[i]}, expected {i + 1}";
                    }
                }
                return null;
            },
            Reset: () => Array.Clear(results),
            Unit: "spawn",
            UnitsPerOp: outer + outer * inner,
            TimePerUnit: true);
    }

    private static void Leaf(long[] results, int cell) => results[cell] = cell + 1;
}
