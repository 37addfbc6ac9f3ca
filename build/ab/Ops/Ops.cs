using ScopeSafety;

namespace ScopeSafety.AB;

/// <summary>The patterns build/ab.sh can time: each returns one operation over <c>items</c> items.</summary>
public static class Ops
{
    /// <summary>Makes the operation of a pattern; the host times it and divides by <paramref name="items"/>.</summary>
    /// <param name="pattern">The pattern's name (see the switch below).</param>
    /// <param name="items">Items per operation (for fib, the argument; for nested-go, ignored: 64 × 64).</param>
    /// <returns>One operation.</returns>
    public static Action Create(string pattern, int items)
    {
        var data = Enumerable.Range(0, 100).ToArray();
        var results = new long[Math.Max(items, 4096)];
        var tasks = new ScopedTask[items];
        var actions = new Action[items];

        // The work of the harness's spawn+join pattern: sum 100 ints into the item's own slot.
        void Work(int item)
        {
            long sum = item;
            foreach (var value in data)
            {
                sum += value;
            }

            results[item] = sum;
        }

        return pattern switch
        {
            "spawn" => () => Scope.Run(scope =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    scope.Spawn(() => Work(item));
                }
            }),
            "go" => () => Scope.Run(scope =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    scope.Go(() => Work(item));
                }
            }),
            "spawn-join-each" => () => Scope.Run(scope =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    scope.Spawn(() => Work(item)).Join();
                }
            }),
            "spawn-all-join-all" => () => Scope.Run(scope =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    tasks[i] = scope.Spawn(() => Work(item));
                }

                foreach (var task in tasks)
                {
                    task.Join();
                }
            }),
            "spawn-async" => () => Scope.RunAsync(scope =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    scope.SpawnAsync(async () =>
                    {
                        await Task.Yield();
                        Work(item);
                    });
                }

                return Task.CompletedTask;
            }).GetAwaiter().GetResult(),
            "go-tiny" => () => Scope.Run(scope =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    scope.Go(() => results[item] = item);
                }
            }),
            "parallel-invoke-tiny" => () =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    actions[i] = () => results[item] = item;
                }

                Parallel.Invoke(actions);
            },
            "for" => () => Scope.For(0, items, Work),
            "parallel-invoke" => () =>
            {
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    actions[i] = () => Work(item);
                }

                Parallel.Invoke(actions);
            },
            "parallel-for" => () => Parallel.For(0, items, Work),

            // Parallel.Invoke with what a joinable handle costs at the least: each action captures the spawner's context
            // and allocates a handle of a spawned item's size, and runs only if it wins that handle's claim, as a Join
            // racing the scope's takers must be able to claim it. The floor of Spawn against Parallel.Invoke.
            "parallel-invoke-handles" => () =>
            {
                Handle? previous = null;
                for (var i = 0; i < items; i++)
                {
                    var item = i;
                    var handle = new Handle(actions, ExecutionContext.Capture());
                    handle.Link(previous);
                    previous = handle;
                    handle.Work = actions[i] = () =>
                    {
                        if (handle.TryClaim())
                        {
                            Work(item);
                        }
                    };
                }

                Parallel.Invoke(actions);
            },
            "nested-go" => () => Scope.Run(outer =>
            {
                for (var r = 0; r < 64; r++)
                {
                    var row = r;
                    outer.Go(() => Scope.Run(inner =>
                    {
                        for (var c = 0; c < 64; c++)
                        {
                            var cell = row * 64 + c;
                            inner.Go(() => Work(cell));
                        }
                    }));
                }
            }),
            "nested-spawn" => () => Scope.Run(outer =>
            {
                for (var r = 0; r < 64; r++)
                {
                    var row = r;
                    outer.Spawn(() => Scope.Run(inner =>
                    {
                        for (var c = 0; c < 64; c++)
                        {
                            var cell = row * 64 + c;
                            inner.Spawn(() => Work(cell));
                        }
                    }));
                }
            }),
            "nested-for" => () => Scope.For(0, 64, row => Scope.For(0, 64, c => Work(row * 64 + c))),
            "nested-parallel-for" => () => Parallel.For(0, 64, row => Parallel.For(0, 64, c => Work(row * 64 + c))),
            "empty-run" => () =>
            {
                for (var i = 0; i < items; i++)
                {
                    Scope.Run(static _ => { });
                }
            },
            "run-one-spawn" => () =>
            {
                for (var i = 0; i < items; i++)
                {
                    Scope.Run(static scope => scope.Spawn(static () => { }).Join());
                }
            },
            "unstolen-join" => () =>
            {
                for (var i = 0; i < items; i++)
                {
                    Scope.Join(static () => { }, static () => { });
                }
            },
            "fib" => () => Fib(items),
            "fib-spawn" => () => FibSpawn(items),
            _ => throw new ArgumentException($"unknown pattern '{pattern}'"),
        };
    }

    /// <summary>What the host divides an operation's time by: fib is timed per call, nested-go per leaf.</summary>
    /// <param name="pattern">The pattern's name.</param>
    /// <param name="items">The items given to <see cref="Create"/>.</param>
    /// <returns>Items per operation.</returns>
    public static int ItemsPerOperation(string pattern, int items) => pattern switch
    {
        "fib" or "fib-spawn" => 1,
        "nested-go" or "nested-spawn" or "nested-for" or "nested-parallel-for" => 64 * 64,
        _ => items,
    };

    // A spawned item's size (56 bytes) and stores (its scope, context and work; the queue link is set when it is
    // queued), with the claim that a Join or a taker makes.
    private sealed class Handle(object scope, ExecutionContext? context)
    {
        private readonly object _scope = scope;
        private readonly ExecutionContext? _context = context;
        private object? _link;
        private int _state;
        private readonly int _flags = context is null ? 1 : 0;

        public Action? Work { get; set; }

        public void Link(Handle? below) => _link = below;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public override string ToString() => $"{_scope}{_context}{_link}{_flags}";
    }

    private static long Fib(int n) => n < 20 ? FibSequential(n) : FibJoin(n);

    // One scope per fork: the left call spawned, the right one run inline, then the left joined.
    private static long FibSpawn(int n)
    {
        if (n < 20)
        {
            return FibSequential(n);
        }

        long result = 0;
        Scope.Run(scope =>
        {
            var left = scope.Spawn(() => FibSpawn(n - 1));
            var right = FibSpawn(n - 2);
            result = left.Join() + right;
        });
        return result;
    }

    private static long FibSequential(int n) => n < 2 ? n : FibSequential(n - 1) + FibSequential(n - 2);

    private static long FibJoin(int n)
    {
        var (left, right) = Scope.Join(() => Fib(n - 1), () => Fib(n - 2));
        return left + right;
    }
}
