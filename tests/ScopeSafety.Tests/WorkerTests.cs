namespace ScopeSafety.Tests;

/// <summary>
/// A scope's items are run by a few pool workers that take them from the scope's queue, not by one pool item
/// each. These tests hold that to the guarantees of one pool item per spawn: an item that blocks never
/// strands the items queued behind it, and as many items as the program needs can run at the same time.
/// </summary>
public class WorkerTests
{
    private static readonly TimeSpan MeetingLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public void More_items_than_cores_can_all_run_at_once() => Bounded.Run(() =>
    {
        // Every item waits at a barrier for all the others, so they must all be running together: the pool
        // has to add threads, which it does only if a worker for the scope is still queued.
        var items = Environment.ProcessorCount + 3;
        using var allMeet = new Barrier(items);
        var met = 0;

        Scope.Run(scope =>
        {
            for (var i = 0; i < items; i++)
            {
                scope.Spawn(() =>
                {
                    Assert.True(allMeet.SignalAndWait(MeetingLimit), "not every item ran at the same time");
                    Interlocked.Increment(ref met);
                });
            }
        });

        Assert.Equal(items, met);
    });

    [Fact]
    public void Items_a_worker_took_off_the_queue_together_stay_open_to_other_workers() => Bounded.Run(() =>
    {
        // The body spawns every item at once, so the first worker usually finds them all queued and moves them to
        // its drain list in one go, then blocks in the first one. The rest must still reach other workers: the body
        // waits at the same barrier, so it helps with none of them.
        var items = Environment.ProcessorCount + 3;
        using var allMeet = new Barrier(items + 1);
        var met = 0;

        Scope.Run(scope =>
        {
            for (var i = 0; i < items; i++)
            {
                scope.Spawn(() =>
                {
                    Assert.True(allMeet.SignalAndWait(MeetingLimit), "an item was held back behind a blocked one");
                    Interlocked.Increment(ref met);
                });
            }

            Assert.True(allMeet.SignalAndWait(MeetingLimit), "not every item started while the body waited");
        });

        Assert.Equal(items, met);
    });

    [Fact]
    public void An_item_that_waits_for_a_later_item_does_not_strand_it() => Bounded.Run(() =>
    {
        // Items spawned one by one, each waiting for the one after it: a worker blocked in an item must
        // never hold back the items queued behind it.
        const int Chain = 16;
        var signals = Enumerable.Range(0, Chain).Select(_ => new ManualResetEventSlim()).ToArray();
        try
        {
            Scope.Run(scope =>
            {
                for (var i = 0; i < Chain; i++)
                {
                    var index = i;
                    scope.Spawn(() =>
                    {
                        if (index + 1 < Chain)
                        {
                            Assert.True(signals[index + 1].Wait(MeetingLimit), $"item {index + 1} never ran");
                        }

                        signals[index].Set();
                    });

                    // Give the pool time to start a worker on this item before the next one is queued.
                    Thread.Sleep(1);
                }
            });

            Assert.All(signals, signal => Assert.True(signal.IsSet));
        }
        finally
        {
            foreach (var signal in signals)
            {
                signal.Dispose();
            }
        }
    });

    [Fact]
    public void Items_spawned_while_every_worker_is_busy_still_run() => Bounded.Run(() =>
    {
        // The body keeps the running items busy until it has spawned a second wave, which then has to be
        // started by workers queued while all earlier ones were occupied.
        var firstWave = Environment.ProcessorCount;
        using var release = new ManualResetEventSlim();
        var secondWaveRan = 0;

        Scope.Run(scope =>
        {
            for (var i = 0; i < firstWave; i++)
            {
                scope.Spawn(() => Bounded.Wait(release));
            }

            using var secondWaveDone = new CountdownEvent(firstWave);
            for (var i = 0; i < firstWave; i++)
            {
                scope.Spawn(() =>
                {
                    Interlocked.Increment(ref secondWaveRan);
                    secondWaveDone.Signal();
                });
            }

            // The body does not help while it waits here; only workers can run the second wave.
            Bounded.Wait(secondWaveDone);
            release.Set();
        });

        Assert.Equal(firstWave, secondWaveRan);
    });
}
