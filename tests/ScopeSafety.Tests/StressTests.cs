using System.Collections.Concurrent;

namespace ScopeSafety.Tests;

/// <summary>Bounded stress: many items, deep nesting, failures and cancellation under load.</summary>
public class StressTests
{
    [Fact]
    public void A_million_spawns_all_run_exactly_once() => Bounded.Run(() =>
    {
        var count = 0;
        Scope.Run(scope =>
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                scope.Spawn(() => Interlocked.Increment(ref count));
            }
        });

        Assert.Equal(1_000_000, count);
    });

    [Fact]
    public void Items_spawned_by_items_from_many_threads_are_all_counted() => Bounded.Run(() =>
    {
        var count = 0;
        Scope.Run(scope =>
        {
            for (var i = 0; i < 100; i++)
            {
                scope.Spawn(s =>
                {
                    for (var j = 0; j < 1_000; j++)
                    {
                        s.Spawn(() => Interlocked.Increment(ref count));
                    }
                });
            }
        });

        Assert.Equal(100_000, count);
    });

    [Fact]
    public void Items_many_workers_take_from_one_batch_while_the_body_joins_run_exactly_once() => Bounded.Run(() =>
    {
        // Up to sixteen pool workers take items from the same drain list at once, items spawn more items onto the
        // scope's stack meanwhile (half of them with Go, whose items from a worker have no claim of their own and rely
        // on being handed out once), and the body claims every seventh item by joining it: each must run once.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
        try
        {
            for (var round = 0; round < 5; round++)
            {
                const int Items = 50_000, Children = 10;
                var runs = new int[Items];
                var childRuns = new int[Items / 100 * Children];
                Scope.Run(scope =>
                {
                    var handles = new ScopedTask[Items];
                    for (var i = 0; i < Items; i++)
                    {
                        var index = i;
                        handles[i] = scope.Spawn(s =>
                        {
                            Interlocked.Increment(ref runs[index]);
                            if (index % 100 == 0)
                            {
                                for (var c = 0; c < Children; c++)
                                {
                                    var child = index / 100 * Children + c;
                                    if (c % 2 == 0)
                                    {
                                        s.Spawn(() => Interlocked.Increment(ref childRuns[child]));
                                    }
                                    else
                                    {
                                        s.Go(() => Interlocked.Increment(ref childRuns[child]));
                                    }
                                }
                            }
                        });
                    }

                    for (var i = 0; i < Items; i += 7)
                    {
                        handles[i].Join();
                    }
                });

                Assert.Equal(-1, Array.FindIndex(runs, count => count != 1));
                Assert.Equal(-1, Array.FindIndex(childRuns, count => count != 1));
            }
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completionPorts);
        }
    });

    [Fact]
    public void Nested_Run_inside_work_eight_levels_deep() => Bounded.Run(() =>
    {
        var leaves = 0;

        void Level(int depth)
        {
            if (depth == 0)
            {
                Interlocked.Increment(ref leaves);
                return;
            }

            Scope.Run(scope =>
            {
                for (var i = 0; i < 3; i++)
                {
                    scope.Spawn(() => Level(depth - 1));
                }
            });
        }

        Level(8);

        Assert.Equal(6561, leaves);
    });

    [Fact]
    public void Failures_under_load_are_reported_exactly_and_unstarted_work_is_cancelled() => Bounded.Run(() =>
    {
        const int Items = 100_000;
        var thrown = new ConcurrentBag<Exception>();
        var succeeded = 0;
        var tasks = new ScopedTask[Items];

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            for (var i = 0; i < Items; i++)
            {
                var id = i;
                tasks[i] = scope.Spawn(() =>
                {
                    if (id % 1_000 == 999)
                    {
                        var failure = new InvalidOperationException($"item {id}");
                        thrown.Add(failure);
                        throw failure;
                    }

                    Interlocked.Increment(ref succeeded);
                });
            }
        }));

        // Exactly the exceptions that were thrown, each once; every item either ran or was cancelled.
        Assert.NotEmpty(thrown);
        Assert.Equal(thrown.ToHashSet(), error.InnerExceptions.ToHashSet());
        Assert.Equal(thrown.Count, error.InnerExceptions.Count);
        Assert.Equal(thrown.Count, tasks.Count(t => t.IsFaulted));
        Assert.Equal(succeeded, tasks.Count(t => t.IsCompletedSuccessfully));
        Assert.Equal(Items, succeeded + thrown.Count + tasks.Count(t => t.IsCanceled));
    });

    [Fact]
    public void Cancellation_under_load_leaves_every_item_either_run_or_cancelled() => Bounded.Run(() =>
    {
        const int Items = 100_000;
        var ran = 0;
        var observedCancellation = 0;
        var tasks = new ScopedTask[Items];

        Scope.Run(scope =>
        {
            for (var i = 0; i < Items; i++)
            {
                var id = i;
                tasks[i] = scope.Spawn(() =>
                {
                    if (id == Items / 2)
                    {
                        scope.Cancel();
                    }

                    if (scope.CancellationToken.IsCancellationRequested && id % 2 == 0)
                    {
                        Interlocked.Increment(ref observedCancellation);
                        scope.CancellationToken.ThrowIfCancellationRequested();
                    }

                    Interlocked.Increment(ref ran);
                });
            }
        });

        Assert.True(tasks[Items / 2].IsCompleted);
        Assert.Equal(ran, tasks.Count(t => t.IsCompletedSuccessfully));
        Assert.Equal(Items, ran + tasks.Count(t => t.IsCanceled));
        Assert.Equal(0, tasks.Count(t => t.IsFaulted));
        Assert.True(tasks.Count(t => t.IsCanceled) >= observedCancellation);
    });

    // An item that spins for length iterations and returns it, once a worker has started it (or it has finished).
    private static ScopedTask<int> SpawnRunningElsewhere(Scope scope, int length)
    {
        var started = 0;
        var item = scope.Spawn(() =>
        {
            Volatile.Write(ref started, 1);
            Thread.SpinWait(length);
            return length;
        });
        while (Volatile.Read(ref started) == 0 && !item.IsCompleted)
        {
            Thread.Yield();
        }

        return item;
    }

    [Fact]
    public void A_join_that_blocks_on_an_item_running_elsewhere_always_wakes() => Bounded.Run(() =>
    {
        // The item finishes while its joiner announces itself and goes to sleep: a completer publishes the state
        // without a fence, so a missed wake-up would hang here. The work lengths sweep across the joiner's spinning.
        Scope.Run(scope =>
        {
            for (var round = 0; round < 3_000; round++)
            {
                var length = 1 << (round % 14);
                var item = SpawnRunningElsewhere(scope, length);
                Assert.Equal(length, item.Join());
            }
        });
    });

    [Fact]
    public Task An_await_of_a_synchronous_item_running_elsewhere_always_resumes() => BoundedAsync.Run(async () =>
    {
        // As above, for an awaiter: its completion source is announced while the item may be finishing.
        await Scope.RunAsync(async scope =>
        {
            for (var round = 0; round < 2_000; round++)
            {
                var length = 1 << (round % 14);
                var item = SpawnRunningElsewhere(scope, length);
                Assert.Equal(length, await item);
            }
        });
    });

    [Fact]
    public void Joins_of_many_items_from_many_threads_return_every_result() => Bounded.Run(() =>
    {
        var total = Scope.Run(scope =>
        {
            var producers = new ScopedTask<long>[64];
            for (var p = 0; p < producers.Length; p++)
            {
                var first = p * 1_000;
                producers[p] = scope.Spawn(() =>
                {
                    var parts = new ScopedTask<long>[1_000];
                    for (var i = 0; i < parts.Length; i++)
                    {
                        var value = first + i;
                        parts[i] = scope.Spawn(() => (long)value);
                    }

                    return parts.Sum(part => part.Join());
                });
            }

            return producers.Sum(p => p.Join());
        });

        Assert.Equal(63_999L * 64_000 / 2, total);
    });

    [Fact]
    public void Join_trees_and_spawned_items_nested_in_each_other_all_complete() => Bounded.Run(() =>
    {
        // Every third level spawns its right half into the scope and joins it; the others use Scope.Join.
        // So joins run inside items (which must not help with other threads' offers), items are joined
        // while they run elsewhere, and joiners help while thieves run their right halves.
        var leaves = new int[1 << 15];

        void Tree(Scope scope, int depth, int id)
        {
            if (depth == 0)
            {
                Interlocked.Increment(ref leaves[id]);
                return;
            }

            if (depth % 3 == 0)
            {
                var right = scope.Spawn(() => Tree(scope, depth - 1, (id * 2) + 1));
                Tree(scope, depth - 1, id * 2);
                right.Join();
            }
            else
            {
                Scope.Join(() => Tree(scope, depth - 1, id * 2), () => Tree(scope, depth - 1, (id * 2) + 1));
            }
        }

        for (var round = 0; round < 20; round++)
        {
            Array.Clear(leaves);
            Scope.Run(scope => Tree(scope, 15, 0));
            Assert.All(leaves, count => Assert.Equal(1, count));
        }
    });
}
