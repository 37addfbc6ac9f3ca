namespace ScopeSafety.Tests;

/// <summary>
/// Guarantee 7: a scope's bookkeeping stays valid until its last item is done with it; a late signal
/// from one scope never releases another scope's waiter early.
/// </summary>
public class LifetimeTests
{
    [Fact]
    public void Back_to_back_scopes_each_wait_for_their_own_last_item() => Bounded.Run(() =>
    {
        for (var i = 0; i < 20_000; i++)
        {
            var done = 0;
            Scope.Run(scope =>
            {
                scope.Spawn(() => Interlocked.Increment(ref done));
                scope.Spawn(() => Interlocked.Increment(ref done));
            });
            Assert.True(Volatile.Read(ref done) == 2, $"scope {i} returned before its items finished");
        }
    });

    [Fact]
    public void Back_to_back_scopes_whose_waiters_block_each_wait_for_their_own_item() => Bounded.Run(() =>
    {
        // The item finishes only after the waiter had time to block, so the completion signal races
        // with the next scope's waiter.
        for (var i = 0; i < 2_000; i++)
        {
            using var bodyDone = new ManualResetEventSlim();
            var done = false;
            Scope.Run(scope =>
            {
                scope.Spawn(() =>
                {
                    Bounded.Wait(bodyDone);
                    for (var spin = 0; spin < 50; spin++)
                    {
                        Thread.SpinWait(20);
                    }

                    Volatile.Write(ref done, true);
                });
                bodyDone.Set();
            });
            Assert.True(Volatile.Read(ref done), $"scope {i} returned before its item finished");
        }
    });

    [Fact]
    public void Tasks_stay_valid_after_their_scope_finished() => Bounded.Run(() =>
    {
        var failure = new InvalidOperationException("kept");
        ScopedTask<int>? ok = null;
        ScopedTask? failed = null;

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            ok = scope.Spawn(() => 3);
            ok.Join();
            failed = scope.Spawn(() => Fault.Raise(failure));
        }));

        Assert.Same(failure, Assert.Single(error.InnerExceptions));
        Assert.Equal(3, ok!.Join());
        Assert.True(failed!.IsFaulted);
        Assert.Same(failure, Assert.Throws<InvalidOperationException>(failed.Join));
    });

    [Fact]
    public void Tasks_from_many_scopes_interleaved_across_threads_all_complete_exactly_once() => Bounded.Run(() =>
    {
        var runs = 0;
        Scope.Run(outer =>
        {
            for (var t = 0; t < 8; t++)
            {
                outer.Spawn(() =>
                {
                    for (var i = 0; i < 500; i++)
                    {
                        Scope.Run(inner =>
                        {
                            inner.Spawn(() => Interlocked.Increment(ref runs));
                            inner.Spawn(() => Interlocked.Increment(ref runs)).Join();
                        });
                    }
                });
            }
        });

        Assert.Equal(8 * 500 * 2, runs);
    });
}
