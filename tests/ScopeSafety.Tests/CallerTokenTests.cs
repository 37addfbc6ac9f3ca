namespace ScopeSafety.Tests;

/// <summary>Run(body, token): the caller's token cancels the scope for its whole run.</summary>
public class CallerTokenTests
{
    [Fact]
    public void The_caller_token_reaches_items_after_the_body_has_returned_and_Run_throws_OperationCanceledException() => Bounded.Run(() =>
    {
        using var cts = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        ScopedTask? item = null;
        var canceler = new Thread(() =>
        {
            Bounded.Wait(started);
            cts.Cancel();
        });
        canceler.Start();

        var error = Assert.ThrowsAny<OperationCanceledException>(() => Scope.Run(
            scope =>
            {
                item = scope.Spawn(() =>
                {
                    started.Set();
                    Bounded.Wait(scope.CancellationToken.WaitHandle);
                    scope.CancellationToken.ThrowIfCancellationRequested();
                });

                // Returns at once: the cancellation comes while Run waits for the item.
            },
            cts.Token));

        canceler.Join();
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.True(item!.IsCanceled);
    });

    [Fact]
    public void Items_not_started_when_the_caller_cancels_never_run() => Bounded.Run(() =>
    {
        using var cts = new CancellationTokenSource();
        var ran = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => Scope.Run(
            scope =>
            {
                cts.Cancel();
                for (var i = 0; i < 1000; i++)
                {
                    scope.Spawn(() => Interlocked.Increment(ref ran));
                }
            },
            cts.Token));

        Assert.Equal(0, ran);
    });

    [Fact]
    public void An_already_cancelled_token_throws_before_the_body_runs() => Bounded.Run(() =>
    {
        var ran = false;
        Assert.ThrowsAny<OperationCanceledException>(() => Scope.Run(_ => ran = true, new CancellationToken(canceled: true)));
        Assert.ThrowsAny<OperationCanceledException>(() => Scope.Run(_ => 1, new CancellationToken(canceled: true)));
        Assert.False(ran);
    });

    [Fact]
    public void A_token_that_is_never_cancelled_changes_nothing() => Bounded.Run(() =>
    {
        using var cts = new CancellationTokenSource();
        var sum = Scope.Run(
            scope =>
            {
                var parts = Enumerable.Range(0, 10).Select(i => scope.Spawn(() => i)).ToList();
                return parts.Sum(p => p.Join());
            },
            cts.Token);

        Assert.Equal(45, sum);
        cts.Cancel();
    });

    [Fact]
    public void A_failure_wins_over_the_caller_s_cancellation() => Bounded.Run(() =>
    {
        using var cts = new CancellationTokenSource();
        var thrown = new InvalidOperationException("failed");
        var error = Assert.Throws<AggregateException>(() => Scope.Run(
            scope =>
            {
                scope.Spawn(() => Fault.Raise(thrown)).Join();
            },
            cts.Token));

        Assert.Same(thrown, Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void Work_stopping_with_the_caller_s_own_token_is_a_cancellation_not_a_failure() => Bounded.Run(() =>
    {
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Scope.Run(
            scope =>
            {
                scope.Spawn(() =>
                {
                    cts.Cancel();
                    cts.Token.ThrowIfCancellationRequested();
                });
            },
            cts.Token));
    });
}
