using System.Runtime.ExceptionServices;

namespace ScopeSafety.Tests;

/// <summary>Guarantee 5: ExecutionContext (AsyncLocal) flows from Spawn to the work, wherever it runs.</summary>
public class ContextTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public void AsyncLocal_values_flow_from_the_scope_to_spawned_work() => Bounded.Run(() =>
    {
        Ambient.Value = "request 17";
        var seen = new string?[50];
        Scope.Run(scope =>
        {
            for (var i = 0; i < seen.Length; i++)
            {
                var index = i;
                scope.Spawn(() => seen[index] = Ambient.Value);
            }
        });

        Assert.All(seen, value => Assert.Equal("request 17", value));
    });

    [Fact]
    public void Work_sees_the_context_of_the_Spawn_call_that_started_it() => Bounded.Run(() =>
    {
        string? seenByGrandchild = null;
        Ambient.Value = "outer";
        Scope.Run(scope => scope.Spawn(s =>
        {
            Ambient.Value = "changed by the child";
            s.Spawn(() => seenByGrandchild = Ambient.Value);
        }));

        Assert.Equal("changed by the child", seenByGrandchild);
        Assert.Equal("outer", Ambient.Value);
    });

    [Fact]
    public void Scope_Join_flows_the_context_to_the_right_side() => Bounded.Run(() =>
    {
        Ambient.Value = "joined";
        string? left = null;
        string? right = null;
        Scope.Join(() => left = Ambient.Value, () => right = Ambient.Value);

        Assert.Equal("joined", left);
        Assert.Equal("joined", right);
    });
}

/// <summary>Context flow when the waiting thread itself runs the work (the pool is kept busy).</summary>
[Collection(nameof(SerialCollection))]
public class InlineContextTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public void Work_run_inline_by_the_waiter_sees_the_scope_context_and_cannot_change_the_waiters() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        var waiter = Environment.CurrentManagedThreadId;
        string? seen = null;
        var ranOn = 0;

        Ambient.Value = "waiter's value";
        Scope.Run(scope =>
        {
            var task = scope.Spawn(() =>
            {
                seen = Ambient.Value;
                ranOn = Environment.CurrentManagedThreadId;
                Ambient.Value = "set by the work";
            });

            // Change the waiter's own value after Spawn: the work must still see the value at Spawn.
            Ambient.Value = "waiter changed it later";
            task.Join();
            Assert.Equal("waiter changed it later", Ambient.Value);
        });

        Assert.Equal(waiter, ranOn);
        Assert.Equal("waiter's value", seen);
        Assert.Equal("waiter changed it later", Ambient.Value);
    });

    [Fact]
    public void Work_helped_by_Run_restores_the_waiters_context() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        Ambient.Value = "before";
        Scope.Run(scope =>
        {
            for (var i = 0; i < 10; i++)
            {
                scope.Spawn(() => Ambient.Value = "leaked?");
            }
        });

        Assert.Equal("before", Ambient.Value);
    });
}

/// <summary>
/// The right side of a join runs in the context of the join's entry, and spawned work in the context of its spawn,
/// whichever thread runs them, and their own changes to the contexts never reach the thread that ran them. Run once
/// with the contexts read through the thread (the default) and once through the public API.
/// </summary>
public abstract class RunInContextTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    // Runs a test on a thread that reads its contexts the way the variant under test does.
    protected abstract void OnJoiningThread(Action test);

    // Whether the joins see a context saved under suppressed flow, which the public API cannot capture.
    protected abstract bool RestoresUnderSuppressedFlow { get; }

    [Fact]
    public void A_stolen_right_side_sees_the_context_of_the_join_not_the_one_its_left_side_set() => Bounded.Run(() => OnJoiningThread(() =>
    {
        using var rightTaken = new ManualResetEventSlim();
        string? seenByRight = null;

        Ambient.Value = "entry";
        Scope.Join(
            () =>
            {
                Ambient.Value = "set by left";
                Bounded.Wait(rightTaken);
            },
            () =>
            {
                seenByRight = Ambient.Value;
                rightTaken.Set();
            });

        Assert.Equal("entry", seenByRight);
        Assert.Equal("set by left", Ambient.Value);
    }));

    [Fact]
    public void A_right_side_offered_after_its_left_side_changed_the_context_sees_the_context_of_its_join() => Bounded.Run(() => OnJoiningThread(() =>
    {
        // Three nested joins, the pool blocked until the outer right side is offered: the middle right side is
        // offered only later, by the innermost join, after the middle left side changed the context.
        var pool = new SaturatedPool();
        try
        {
            using var outerTaken = new ManualResetEventSlim();
            using var middleRan = new ManualResetEventSlim();
            string? seenByMiddleRight = null;
            var caller = Environment.CurrentManagedThreadId;
            var middleThread = caller;

            Ambient.Value = "entry";
            Scope.Join(
                () => Scope.Join(
                    () =>
                    {
                        Ambient.Value = "set by the middle left side";
                        pool.Dispose();
                        Bounded.Wait(outerTaken);
                        Scope.Join(() => Bounded.Wait(middleRan), static () => { });
                    },
                    () =>
                    {
                        seenByMiddleRight = Ambient.Value;
                        middleThread = Environment.CurrentManagedThreadId;
                        middleRan.Set();
                    }),
                () => outerTaken.Set());

            Assert.NotEqual(caller, middleThread);
            Assert.Equal("entry", seenByMiddleRight);
        }
        finally
        {
            pool.Dispose();
        }
    }));

    [Fact]
    public void Under_suppressed_flow_a_stolen_right_side_runs_in_the_thieves_context() => Bounded.Run(() => OnJoiningThread(() =>
    {
        using var rightTaken = new ManualResetEventSlim();
        string? seenByRight = "not run";

        Ambient.Value = "entry";
        using (ExecutionContext.SuppressFlow())
        {
            Scope.Join(
                () => Bounded.Wait(rightTaken),
                () =>
                {
                    seenByRight = Ambient.Value;
                    rightTaken.Set();
                });
        }

        Assert.Null(seenByRight);
    }));

    [Fact]
    public void Under_suppressed_flow_an_inline_right_side_sees_the_callers_context() => Bounded.Run(() => OnJoiningThread(() =>
    {
        using var pool = new SaturatedPool();
        string? seenByRight = null;

        Ambient.Value = "entry";
        using (ExecutionContext.SuppressFlow())
        {
            Scope.Join(
                static () => { },
                () =>
                {
                    seenByRight = Ambient.Value;
                    Ambient.Value = "set by right";
                });

            Assert.True(ExecutionContext.IsFlowSuppressed());
            Assert.Equal(RestoresUnderSuppressedFlow ? "entry" : "set by right", Ambient.Value);
        }

        Assert.Equal("entry", seenByRight);
    }));

    [Fact]
    public void An_inline_right_side_cannot_change_the_callers_synchronization_context() => Bounded.Run(() => OnJoiningThread(() =>
    {
        using var pool = new SaturatedPool();
        var callers = new SynchronizationContext();
        SynchronizationContext? seenByRight = null;
        SynchronizationContext.SetSynchronizationContext(callers);
        try
        {
            Scope.Join(
                static () => { },
                () =>
                {
                    seenByRight = SynchronizationContext.Current;
                    SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
                });

            Assert.Same(callers, seenByRight);
            Assert.Same(callers, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }));

    [Fact]
    public void Work_run_by_the_thread_in_Run_sees_the_context_of_its_spawn_and_cannot_change_the_threads() => Bounded.Run(() => OnJoiningThread(() =>
    {
        using var pool = new SaturatedPool();
        var seen = new List<string?>();
        var callers = new SynchronizationContext();
        SynchronizationContext? seenSynchronization = null;
        SynchronizationContext.SetSynchronizationContext(callers);
        try
        {
            Ambient.Value = "at the spawns";
            Scope.Run(scope =>
            {
                scope.Go(() =>
                {
                    seen.Add(Ambient.Value);
                    Ambient.Value = "set by the Go";
                    SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
                });
                scope.Go(s =>
                {
                    seen.Add(Ambient.Value);
                    Ambient.Value = "set by the Go of an Action<Scope>";
                });
                var spawned = scope.Spawn(() =>
                {
                    seen.Add(Ambient.Value);
                    seenSynchronization = SynchronizationContext.Current;
                    Ambient.Value = "set by the Spawn";
                });
                Ambient.Value = "changed after the spawns";
                spawned.Join();
                Assert.Equal("changed after the spawns", Ambient.Value);
                Assert.Same(callers, SynchronizationContext.Current);
            });

            Assert.Equal(["at the spawns", "at the spawns", "at the spawns"], seen);
            Assert.Same(callers, seenSynchronization);
            Assert.Equal("changed after the spawns", Ambient.Value);
            Assert.Same(callers, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }));

    [Fact]
    public void Go_work_the_thread_in_Run_takes_one_after_another_each_starts_in_the_context_of_its_own_Go() =>
        EachWorkTakenInOneStretchStartsInTheContextOfItsStart(static (scope, work) => scope.Go(work), static (scope, work) => scope.Go(work));

    [Fact]
    public void Spawned_items_the_thread_in_Run_takes_one_after_another_each_start_in_the_context_of_their_own_Spawn() =>
        EachWorkTakenInOneStretchStartsInTheContextOfItsStart(static (scope, work) => scope.Spawn(work), static (scope, work) => scope.Spawn(work));

    // The thread in Run runs the work it takes after its body (Go work from its deque, spawned items from the scope's
    // queue) in one stretch and switches context only where it differs: work that changes the context must not hand
    // the change to the next work, nor keep it on the thread. start and startWithScope start work in the scope.
    private void EachWorkTakenInOneStretchStartsInTheContextOfItsStart(Action<Scope, Action> start, Action<Scope, Action<Scope>> startWithScope) =>
        Bounded.Run(() => OnJoiningThread(() =>
        {
            // No pool thread takes any of it: the thread in Run runs it all.
            using var pool = new SaturatedPool();
            var callers = new SynchronizationContext();
            var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, (string? Value, SynchronizationContext? Synchronization)>();
            SynchronizationContext.SetSynchronizationContext(callers);
            try
            {
                Ambient.Value = "first";
                Scope.Run(scope =>
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var name = $"first {i}";
                        start(scope, () =>
                        {
                            seen[name] = (Ambient.Value, SynchronizationContext.Current);
                            Ambient.Value = $"changed by {name}";
                            SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
                        });
                    }

                    Ambient.Value = "second";
                    startWithScope(scope, s =>
                    {
                        seen["second"] = (Ambient.Value, SynchronizationContext.Current);
                        Ambient.Value = "changed by second";
                    });
                    Ambient.Value = "third";
                    using (ExecutionContext.SuppressFlow())
                    {
                        start(scope, () => seen["unflowed"] = (Ambient.Value, SynchronizationContext.Current));
                    }

                    Ambient.Value = "after the body started its work";
                });

                Assert.Equal(5, seen.Count);
                Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(("first", callers), seen[$"first {i}"]));
                Assert.Equal(("second", callers), seen["second"]);

                // Flow suppressed where it was started: the work runs in whatever context the thread in Run has when
                // it takes the work, its body's last.
                Assert.Equal(("after the body started its work", callers), seen["unflowed"]);
                Assert.Equal("after the body started its work", Ambient.Value);
                Assert.Same(callers, SynchronizationContext.Current);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        }));

    [Fact]
    public void An_inline_right_side_raises_the_change_notifications_of_the_values_it_changes() => Bounded.Run(() => OnJoiningThread(() =>
    {
        using var pool = new SaturatedPool();
        var changes = new List<(string? Previous, string? Current, bool ByContext)>();
        var watched = new AsyncLocal<string?>(change => changes.Add((change.PreviousValue, change.CurrentValue, change.ThreadContextChanged)));

        watched.Value = "entry";
        Scope.Join(static () => { }, () => watched.Value = "set by right");

        Assert.Equal("entry", watched.Value);
        Assert.Equal(
            [("entry" as string, "set by right" as string, false), ("set by right", "entry", true)],
            changes.Skip(1));
    }));
}

/// <summary>Contexts read directly from the thread, the default wherever the runtime allows it.</summary>
[Collection(nameof(SerialCollection))]
public class DirectRunInContextTests : RunInContextTests
{
    protected override bool RestoresUnderSuppressedFlow => true;

    protected override void OnJoiningThread(Action test)
    {
        Assert.True(Scope.ReadsContextsThroughThread(), "this runtime's contexts are not read directly");
        test();
    }
}

/// <summary>A thread started while the AppContext switch kept it to the public API.</summary>
[Collection(nameof(SerialCollection))]
public class PublicApiRunInContextTests : RunInContextTests
{
    protected override bool RestoresUnderSuppressedFlow => false;

    protected override void OnJoiningThread(Action test)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                // The switch is read by a thread's first join or scope, which these are.
                AppContext.SetSwitch(ThreadContexts.PublicApiSwitch, true);
                var direct = Scope.ReadsContextsThroughThread();
                Scope.Run(static _ => { });
                AppContext.SetSwitch(ThreadContexts.PublicApiSwitch, false);
                Assert.False(direct, "the switch was not honoured");
                test();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
