namespace ScopeSafety.Tests;

/// <summary>Misuse never hangs: joining oneself, or closing a cycle of joins, throws InvalidOperationException.</summary>
public class JoinCycleTests
{
    [Fact]
    public void A_work_item_joining_itself_throws_InvalidOperationException() => Bounded.Run(() =>
    {
        using var assigned = new ManualResetEventSlim();
        ScopedTask? self = null;
        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            self = scope.Spawn(() =>
            {
                Bounded.Wait(assigned);
                self!.Join();
            });
            assigned.Set();
        }));

        var inner = Assert.IsType<InvalidOperationException>(Assert.Single(error.InnerExceptions));
        Assert.Contains("itself", inner.Message);
    });

    [Fact]
    public void A_work_item_with_a_result_joining_itself_throws_InvalidOperationException() => Bounded.Run(() =>
    {
        using var assigned = new ManualResetEventSlim();
        ScopedTask<int>? self = null;
        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            self = scope.Spawn(() =>
            {
                Bounded.Wait(assigned);
                return self!.Join() + 1;
            });
            assigned.Set();
        }));

        Assert.IsType<InvalidOperationException>(Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void Two_items_joining_each_other_do_not_hang_the_one_closing_the_cycle_throws() => Bounded.Run(() =>
    {
        using var assigned = new ManualResetEventSlim();
        using var bothRunning = new CountdownEvent(2);
        ScopedTask? a = null;
        ScopedTask? b = null;
        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            // Both are running (on two threads) before either joins, so neither can run the other inline.
            a = scope.Spawn(() =>
            {
                Bounded.Wait(assigned);
                bothRunning.Signal();
                Bounded.Wait(bothRunning);
                b!.Join();
            });
            b = scope.Spawn(() =>
            {
                Bounded.Wait(assigned);
                bothRunning.Signal();
                Bounded.Wait(bothRunning);
                a!.Join();
            });
            assigned.Set();
        }));

        Assert.All(error.InnerExceptions, e => Assert.IsType<InvalidOperationException>(e));
        Assert.Contains(error.InnerExceptions, e => e.Message.Contains("cycle", StringComparison.Ordinal));
    });

    [Fact]
    public void A_join_that_would_run_an_item_inline_which_joins_its_joiner_throws() => Bounded.Run(() =>
    {
        // a runs b inline (b had not started), and b joins a, which is further down the same stack.
        using var assigned = new ManualResetEventSlim();
        using var pool = new ManualResetEventSlim();
        ScopedTask? a = null;
        ScopedTask? b = null;
        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            a = scope.Spawn(() =>
            {
                Bounded.Wait(assigned);
                b!.Join();
            });
            b = scope.Spawn(() =>
            {
                Bounded.Wait(assigned);
                a!.Join();
            });
            assigned.Set();
        }));

        Assert.All(error.InnerExceptions, e => Assert.IsType<InvalidOperationException>(e));
    });

    [Fact]
    public void A_two_item_cycle_is_named_by_both_items_whichever_thread_runs_the_inner_one() => Bounded.Run(() =>
    {
        // First spawns Second and joins it; Second joins First. Second runs either inline inside First's join
        // (one thread) or on another worker (two threads): either way the two items join each other, and the
        // message names both rather than calling it a self-join.
        ScopedTask? first = null;
        ScopedTask? second = null;
        using var firstAssigned = new ManualResetEventSlim();
        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            void First()
            {
                Bounded.Wait(firstAssigned);
                second = scope.Spawn(Second);
                second.Join();
            }

            void Second() => first!.Join();

            first = scope.Spawn(First);
            firstAssigned.Set();
        }));

        Assert.All(error.InnerExceptions, e =>
        {
            var message = Assert.IsType<InvalidOperationException>(e).Message;
            Assert.DoesNotContain("itself", message);
            Assert.Contains("cycle of 2 work items", message);
            Assert.Contains("First", message);
            Assert.Contains("Second", message);
        });
    });

    [Fact]
    public void Chains_of_joins_without_a_cycle_never_throw() => Bounded.Run(() =>
    {
        for (var round = 0; round < 200; round++)
        {
            var total = Scope.Run(scope =>
            {
                var chain = new ScopedTask<int>[16];
                chain[0] = scope.Spawn(() => 1);
                for (var i = 1; i < chain.Length; i++)
                {
                    var previous = chain[i - 1];
                    chain[i] = scope.Spawn(() =>
                    {
                        Thread.SpinWait(50);
                        return previous.Join() + 1;
                    });
                }

                // Joined from the far end, while the others may run on other threads and join each other.
                return chain[^1].Join();
            });

            Assert.Equal(16, total);
        }
    });
}
