namespace ScopeSafety.Tests;

/// <summary>
/// Guarantee 6: a waiting thread runs its own scope's queued work (never unrelated work), so nested
/// scopes on a saturated or capped thread pool complete instead of deadlocking.
/// </summary>
[Collection(nameof(SerialCollection))]
public class HelpingTests
{
    [Fact]
    public void Run_completes_on_a_fully_blocked_pool_because_the_waiting_thread_runs_the_work() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        var waiter = Environment.CurrentManagedThreadId;
        var ranOn = new int[100];

        Scope.Run(scope =>
        {
            for (var i = 0; i < ranOn.Length; i++)
            {
                var index = i;
                scope.Spawn(() => ranOn[index] = Environment.CurrentManagedThreadId);
            }
        });

        Assert.All(ranOn, thread => Assert.Equal(waiter, thread));
    });

    [Fact]
    public void A_nested_Run_does_not_run_the_outer_scopes_queued_work() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        var innerRan = false;
        var outerWorkDoneDuringInnerRun = true;
        var outerWorkRan = false;

        Scope.Run(outer =>
        {
            var outerWork = outer.Spawn(() => outerWorkRan = true);
            Scope.Run(inner => inner.Spawn(() => innerRan = true));

            // The inner waiter could have claimed outerWork (nobody else can run it), but it is not its work.
            outerWorkDoneDuringInnerRun = outerWork.IsCompleted;
        });

        Assert.True(innerRan);
        Assert.False(outerWorkDoneDuringInnerRun);
        Assert.True(outerWorkRan);
    });

    [Fact]
    public void Join_runs_work_nobody_has_started_on_the_calling_thread() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        var joiner = Environment.CurrentManagedThreadId;

        var (result, ranOn) = Scope.Run(scope =>
        {
            var task = scope.Spawn(() => (6 * 7, Environment.CurrentManagedThreadId));
            return task.Join();
        });

        Assert.Equal(42, result);
        Assert.Equal(joiner, ranOn);
    });

    [Fact]
    public void Join_of_running_work_does_not_take_queued_work_that_may_depend_on_the_joiner() => Bounded.Run(() =>
    {
        // a joins b; c joins a. If a's thread, while waiting for b, ran c, then c would wait for a, which
        // is suspended below c on that same thread: a deadlock the program itself does not have.
        using var pool = new SaturatedPool();
        using var bRunning = new ManualResetEventSlim();
        using var releaseB = new ManualResetEventSlim();
        using var aJoiningB = new ManualResetEventSlim();

        var result = Scope.Run(scope =>
        {
            var b = scope.Spawn(() =>
            {
                bRunning.Set();
                Bounded.Wait(releaseB);
                return 1;
            });
            var bThread = new Thread(() => b.Join());
            bThread.Start();
            Bounded.Wait(bRunning);

            var a = scope.Spawn(() =>
            {
                aJoiningB.Set();
                return b.Join() + 1;
            });
            var aThread = new Thread(() => a.Join());
            aThread.Start();
            Bounded.Wait(aJoiningB);

            var c = scope.Spawn(() => a.Join() + 1);
            releaseB.Set();
            var answer = c.Join();
            aThread.Join();
            bThread.Join();
            return answer;
        });

        Assert.Equal(3, result);
    });

    [Fact]
    public void Nested_scopes_ten_levels_deep_complete_on_a_pool_capped_at_the_core_count() => Bounded.Run(() =>
    {
        using var pool = new CappedPool();
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
                var left = scope.Spawn(() => Level(depth - 1));
                var right = scope.Spawn(() => Level(depth - 1));
                left.Join();
                right.Join();
            });
        }

        Level(10);

        Assert.Equal(1 << 10, leaves);
    });

    [Fact]
    public void Nested_scopes_complete_even_when_every_pool_thread_is_blocked() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
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
                scope.Spawn(() => Level(depth - 1));
                scope.Spawn(() => Level(depth - 1));
                scope.Spawn(() => Level(depth - 1));
            });
        }

        Level(8);

        Assert.Equal(6561, leaves);
    });

    [Fact]
    public void Recursive_spawn_trees_complete_on_a_capped_pool() => Bounded.Run(() =>
    {
        using var pool = new CappedPool();
        var nodes = 0;

        void Node(Scope scope, int depth)
        {
            Interlocked.Increment(ref nodes);
            if (depth > 0)
            {
                scope.Spawn(s => Node(s, depth - 1));
                scope.Spawn(s => Node(s, depth - 1));
            }
        }

        Scope.Run(scope => Node(scope, 14));

        Assert.Equal((1 << 15) - 1, nodes);
    });

    [Fact]
    public void Scope_Join_recursion_completes_on_a_fully_blocked_pool() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();

        Assert.Equal(610, ScopeJoinTests.Fib(15));
    });

    [Fact]
    public void Scope_Join_recursion_completes_on_a_capped_pool() => Bounded.Run(() =>
    {
        using var pool = new CappedPool();

        Assert.Equal(6765, ScopeJoinTests.Fib(20));
    });
}
