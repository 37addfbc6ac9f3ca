namespace ScopeSafety.Tests;

/// <summary>Guarantee 9: a spawn allocates its ScopedTask and nothing else of ours.</summary>
[Collection(nameof(SerialCollection))]
public class AllocationTests
{
    private static readonly Action Work = static () => Interlocked.Increment(ref s_counter);
    private static int s_counter;

    [Fact]
    public void A_spawn_allocates_only_its_task() => Bounded.Run(() =>
    {
        const int Spawns = 10_000;
        var taskSize = SizeOfOneTask();

        // The pool's queue may grow (on the spawning thread) while it catches up; that is not ours, so
        // take the best of a few rounds: an allocation made by every spawn would show up in every round.
        var fewest = long.MaxValue;
        for (var round = 0; round < 6; round++)
        {
            Scope.Run(scope =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < Spawns; i++)
                {
                    scope.Spawn(Work);
                }

                fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / Spawns);
            });
        }

        Assert.InRange(fewest, taskSize, taskSize + 8);
    });

    [Fact]
    public void A_Go_from_the_thread_in_Run_allocates_no_item() => Bounded.Run(() =>
    {
        // The delegate goes into the thread's deque as it is: what is left per scope is the pool entry of its
        // workers and the scheduler's words (the body's reserved counts), each made once (and the deque, made once per
        // thread); an item per Go would be 5,600 bytes. Take the best of several rounds.
        const int Items = 100;
        var fewest = long.MaxValue;
        for (var round = 0; round < 20; round++)
        {
            Scope.Run(scope =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < Items; i++)
                {
                    scope.Go(Work);
                }

                fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            });
        }

        Assert.True(fewest <= 160, $"{Items} Go calls allocated {fewest} bytes");
    });

    [Fact]
    public void A_spawned_item_is_56_bytes_on_a_64_bit_runtime()
    {
        // Object header, method table, and five fields: the scope, the context-or-runner, the work-or-failure, the
        // queue link, the state and flags (an awaiter's completion source lives in the scope). Growing it costs
        // every spawn.
        var expected = Environment.Is64BitProcess ? 56 : SizeOfOneTask();
        Assert.Equal(expected, SizeOfOneTask());
    }

    [Fact]
    public void Joins_under_an_untaken_offer_do_not_allocate() => Bounded.Run(() =>
    {
        // With the pool kept busy the outer right side is never taken, so every nested join runs inline.
        // The trees' delegates are made up front: one per level, each joining two of the level below.
        using var pool = new SaturatedPool();
        var actions = new Action[11];
        var funcs = new Func<int>[11];
        actions[0] = static () => { };
        funcs[0] = static () => 1;
        for (var level = 1; level < actions.Length; level++)
        {
            var action = actions[level - 1];
            var func = funcs[level - 1];
            actions[level] = () => Scope.Join(action, action);
            funcs[level] = () =>
            {
                var (left, right) = Scope.Join(func, func);
                return left + right;
            };
        }

        long allocated = -1;
        var leaves = 0;
        Scope.Join(
            () =>
            {
                // The first join at each depth makes this thread's reusable frame for that depth; after that
                // no join allocates.
                actions[10]();
                funcs[10]();
                var before = GC.GetAllocatedBytesForCurrentThread();
                actions[10]();
                leaves = funcs[10]();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            },
            static () => { });

        Assert.Equal(1 << 10, leaves);
        Assert.Equal(0, allocated);
    });

    private static long SizeOfOneTask()
    {
        long size = 0;
        Scope.Run(scope =>
        {
            ScopedTask.Create(scope, Work);
            var before = GC.GetAllocatedBytesForCurrentThread();
            ScopedTask.Create(scope, Work);
            size = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        Assert.InRange(size, 24, 128);
        return size;
    }
}
