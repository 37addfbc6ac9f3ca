namespace ScopeSafety.Tests;

/// <summary>
/// <see cref="Scope.Go(Action)"/>, the spawn without a handle, and the spawning thread's own deque that holds its
/// work: every piece runs once, the scope waits for it, failures are reported, and none is stranded.
/// </summary>
public class GoTests
{
    private static readonly TimeSpan MeetingLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Run_waits_for_every_item_started_with_Go() => Bounded.Run(() =>
    {
        const int Items = 200_000;
        var ran = new int[Items];
        Scope.Run(scope =>
        {
            for (var i = 0; i < Items; i++)
            {
                var index = i;
                scope.Go(() => Interlocked.Increment(ref ran[index]));
            }
        });

        Assert.All(ran, count => Assert.Equal(1, count));
    });

    [Fact]
    public void Go_items_may_start_more_work_in_the_scope() => Bounded.Run(() =>
    {
        var count = 0;
        Scope.Run(scope =>
        {
            for (var i = 0; i < 100; i++)
            {
                scope.Go(s =>
                {
                    for (var j = 0; j < 1_000; j++)
                    {
                        s.Go(() => Interlocked.Increment(ref count));
                    }
                });
            }
        });

        Assert.Equal(100_000, count);
    });

    [Fact]
    public void Go_work_of_many_small_scopes_on_many_threads_runs_exactly_once() => Bounded.Run(() =>
    {
        // Small scopes on many threads at once, their deques shared by nested scopes and robbed by workers that
        // run whatever is oldest: work that ran twice, or not at all, shows up as a cell counted other than once.
        const int Rows = 2_000;
        const int Columns = 64;
        var cells = new int[Rows * Columns];
        Scope.Run(scope =>
        {
            for (var i = 0; i < Rows; i++)
            {
                var row = i;
                scope.Go(() => Scope.Run(inner =>
                {
                    for (var j = 0; j < Columns; j++)
                    {
                        var cell = row * Columns + j;
                        inner.Go(() => Interlocked.Increment(ref cells[cell]));
                    }
                }));
            }
        });

        Assert.All(cells, count => Assert.Equal(1, count));
    });

    [Fact]
    public void A_failed_Go_item_is_reported_by_Run_and_cancels_the_scope() => Bounded.Run(() =>
    {
        var canceled = false;
        using var running = new ManualResetEventSlim();
        var failure = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            scope.Go(() =>
            {
                running.Set();

                // Waits until the failure has cancelled the scope: the token tells every item.
                canceled = scope.CancellationToken.WaitHandle.WaitOne(MeetingLimit);
            });

            // Only once that item runs (a worker takes it from this thread's deque), so that the failure cannot
            // cancel it before it starts.
            Bounded.Wait(running);
            scope.Go(() => throw new FormatException("bad input"));
        }));

        Assert.IsType<FormatException>(Assert.Single(failure.InnerExceptions));
        Assert.True(canceled);
    });

    [Fact]
    public void Go_items_that_wait_for_each_other_all_run_at_once() => Bounded.Run(() =>
    {
        // Every item waits at a barrier for all the others: none may sit where only a blocked thread could take it.
        var items = Environment.ProcessorCount + 3;
        using var allMeet = new Barrier(items);
        var met = 0;
        Scope.Run(scope =>
        {
            for (var i = 0; i < items; i++)
            {
                scope.Go(() =>
                {
                    Assert.True(allMeet.SignalAndWait(MeetingLimit), "not every item ran at the same time");
                    Interlocked.Increment(ref met);
                });
            }
        });

        Assert.Equal(items, met);
    });

    [Fact]
    public void The_body_may_block_on_an_item_it_just_started() => Bounded.Run(() =>
    {
        // The item sits in the spawning thread's own deque while that thread blocks outside the library: a pool
        // worker must take it from there.
        for (var round = 0; round < 200; round++)
        {
            using var done = new ManualResetEventSlim();
            Scope.Run(scope =>
            {
                scope.Go(done.Set);
                Bounded.Wait(done);
            });
        }
    });

    [Fact]
    public void An_inner_body_may_start_work_in_the_outer_scope() => Bounded.Run(() =>
    {
        // The inner scope's items and the outer scope's item share the thread's deque: the inner Run waits only
        // for its own, and the outer Run for the item the inner body started.
        var inner = 0;
        var outer = 0;
        Scope.Run(outerScope =>
        {
            Scope.Run(innerScope =>
            {
                for (var i = 0; i < 1_000; i++)
                {
                    innerScope.Go(() => Interlocked.Increment(ref inner));
                }

                outerScope.Go(() => Interlocked.Increment(ref outer));
                for (var i = 0; i < 1_000; i++)
                {
                    innerScope.Spawn(() => Interlocked.Increment(ref inner));
                }
            });

            Assert.Equal(2_000, Volatile.Read(ref inner));
        });

        Assert.Equal(1, outer);
    });

    [Fact]
    public void Go_and_Spawn_from_the_body_mix_with_joins_in_spawn_order() => Bounded.Run(() =>
    {
        // The seed's shape: parts spawned in order and joined in order, with Go work beside them in the deque.
        var parts = new List<ScopedTask<long>>();
        var goRan = 0;
        var total = 0L;
        Scope.Run(scope =>
        {
            for (var i = 0; i < 64; i++)
            {
                var part = i;
                parts.Add(scope.Spawn(() => (long)part * part));
                scope.Go(() => Interlocked.Increment(ref goRan));
            }

            foreach (var part in parts)
            {
                total += part.Join();
            }
        });

        Assert.Equal(Enumerable.Range(0, 64).Sum(i => (long)i * i), total);
        Assert.Equal(64, goRan);
    });

    [Fact]
    public void Go_in_an_asynchronous_scope_is_waited_for() => Bounded.Run(() =>
    {
        var count = 0;
        Scope.RunAsync(async scope =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                scope.Go(() => Interlocked.Increment(ref count));
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        }).GetAwaiter().GetResult();

        Assert.Equal(1_000, count);
    });

    [Fact]
    public void Go_work_sees_the_context_of_the_Go_and_leaves_the_runner_s_own() => Bounded.Run(() =>
    {
        var value = new AsyncLocal<string?>();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string?>();
        Scope.Run(scope =>
        {
            value.Value = "at the Go";
            for (var i = 0; i < 100; i++)
            {
                scope.Go(() =>
                {
                    seen.Add(value.Value);
                    value.Value = "changed by the work";
                });
            }

            value.Value = "after the Go";
        });

        // The thread in Run ran most of the work itself; the changes the work made stayed in the work.
        Assert.Equal("after the Go", value.Value);
        Assert.All(seen, text => Assert.Equal("at the Go", text));
        Assert.Equal(100, seen.Count);
    });

    [Fact]
    public void Go_work_of_the_body_still_runs_once_in_its_context_after_it_moves_to_the_shared_stack() => Bounded.Run(() =>
    {
        // Once thieves have kept pace with the body's pushes, its Go work goes to the scope's shared stack instead of
        // the deque; the switch is forced here (steals counted as the workers count them), so that both halves are
        // sure to take their own path, whatever the machine's cores do.
        const int Items = 20_000;

        // The count: only steals of entries pushed while thieves were taking, and only up to the threshold. No Go
        // here, so no worker counts along.
        Scope.Run(scope =>
        {
            scope.CountSteal(pushedMeanwhile: false);
            for (var steal = 0; steal < Scope.StealsBeforeStack - 1; steal++)
            {
                scope.CountSteal(pushedMeanwhile: true);
            }

            Assert.False(scope.GoesViaStack);
            scope.CountSteal(pushedMeanwhile: true);
            Assert.True(scope.GoesViaStack);
        });

        var ran = new int[Items];
        var value = new AsyncLocal<string?>();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string?>();
        Scope.Run(scope =>
        {
            // The first half goes to the deque unless workers already kept pace with it.
            for (var i = 0; i < Items / 2; i++)
            {
                var index = i;
                scope.Go(() => Interlocked.Increment(ref ran[index]));
            }

            for (var steal = 0; steal < Scope.StealsBeforeStack; steal++)
            {
                scope.CountSteal(pushedMeanwhile: true);
            }

            Assert.True(scope.GoesViaStack);
            value.Value = "at the Go";
            for (var i = Items / 2; i < Items; i++)
            {
                var index = i;
                scope.Go(() =>
                {
                    Interlocked.Increment(ref ran[index]);
                    seen.Add(value.Value);
                });
            }

            value.Value = "after the Go";
        });

        Assert.All(ran, count => Assert.Equal(1, count));
        Assert.Equal(Items / 2, seen.Count);
        Assert.All(seen, text => Assert.Equal("at the Go", text));

        // A failure on that path is reported by Run like any other.
        var failure = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            for (var steal = 0; steal < Scope.StealsBeforeStack; steal++)
            {
                scope.CountSteal(pushedMeanwhile: true);
            }

            scope.Go(() => throw new FormatException("bad input"));
        }));
        Assert.IsType<FormatException>(Assert.Single(failure.InnerExceptions));
    });

    [Fact]
    public void Go_work_that_has_not_started_when_the_scope_is_cancelled_does_not_run() => Bounded.Run(() =>
    {
        var ran = 0;
        Scope.Run(scope =>
        {
            scope.Cancel();
            for (var i = 0; i < 100; i++)
            {
                scope.Go(() => Interlocked.Increment(ref ran));
            }
        });

        Assert.Equal(0, ran);
    });

    [Fact]
    public void Go_after_the_scope_has_finished_throws() => Bounded.Run(() =>
    {
        Scope? escaped = null;
        Scope.Run(scope => escaped = scope);
        Assert.Throws<InvalidOperationException>(() => escaped!.Go(() => { }));
    });
}
