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
