namespace ScopeSafety.Tests;

/// <summary>Guarantee 3: cancellation by Cancel() and by the first failure; cancellations are not failures.</summary>
public class CancellationTests
{
    [Fact]
    public void Cancel_cancels_the_scope_token() => Bounded.Run(() =>
    {
        var cancelledInside = false;
        Scope.Run(scope =>
        {
            var token = scope.CancellationToken;
            Assert.False(token.IsCancellationRequested);
            scope.Cancel();
            cancelledInside = token.IsCancellationRequested;
        });

        Assert.True(cancelledInside);
    });

    [Fact]
    public void Work_not_started_when_the_scope_is_cancelled_never_runs_and_its_Join_throws_OperationCanceledException() => Bounded.Run(() =>
    {
        var ran = false;
        ScopedTask? task = null;
        Scope.Run(scope =>
        {
            scope.Cancel();
            task = scope.Spawn(() => ran = true);
            var canceled = Assert.Throws<OperationCanceledException>(task.Join);
            Assert.Equal(scope.CancellationToken, canceled.CancellationToken);
        });

        Assert.False(ran);
        Assert.True(task!.IsCanceled);
        Assert.False(task.IsFaulted);
    });

    [Fact]
    public void Work_that_stops_with_the_scope_token_is_cancelled_not_failed() => Bounded.Run(() =>
    {
        using var started = new ManualResetEventSlim();
        ScopedTask? task = null;

        // No AggregateException: the item's OperationCanceledException carries the scope's own token.
        Scope.Run(scope =>
        {
            task = scope.Spawn(() =>
            {
                started.Set();
                Bounded.Wait(scope.CancellationToken.WaitHandle);
                scope.CancellationToken.ThrowIfCancellationRequested();
            });
            Bounded.Wait(started);
            scope.Cancel();
            Assert.Throws<OperationCanceledException>(task.Join);
        });

        Assert.True(task!.IsCanceled);
    });

    [Fact]
    public void The_first_failure_cancels_the_token_for_the_siblings() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("first failure");
        using var siblingWaiting = new ManualResetEventSlim();
        var siblingSawCancellation = false;

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            scope.Spawn(() =>
            {
                siblingWaiting.Set();
                Bounded.Wait(scope.CancellationToken.WaitHandle);
                siblingSawCancellation = true;
                scope.CancellationToken.ThrowIfCancellationRequested();
            });
            Bounded.Wait(siblingWaiting);
            scope.Spawn(() => Fault.Raise(thrown));
        }));

        // The sibling's cancellation is not a failure: only the first failure is reported.
        Assert.True(siblingSawCancellation);
        Assert.Same(thrown, Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void A_body_failure_cancels_the_token_for_running_work() => Bounded.Run(() =>
    {
        using var itemWaiting = new ManualResetEventSlim();
        var itemSawCancellation = false;

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            scope.Spawn(() =>
            {
                itemWaiting.Set();
                itemSawCancellation = scope.CancellationToken.WaitHandle.WaitOne(Bounded.Limit);
            });
            Bounded.Wait(itemWaiting);
            Fault.Raise(new InvalidOperationException("body failure"));
        }));

        Assert.True(itemSawCancellation);
        Assert.IsType<InvalidOperationException>(Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void An_OperationCanceledException_for_another_token_is_a_failure() => Bounded.Run(() =>
    {
        using var other = new CancellationTokenSource();
        other.Cancel();

        var error = Assert.Throws<AggregateException>(() =>
            Scope.Run(scope => scope.Spawn(() => other.Token.ThrowIfCancellationRequested())));

        var canceled = Assert.IsType<OperationCanceledException>(Assert.Single(error.InnerExceptions));
        Assert.Equal(other.Token, canceled.CancellationToken);
    });

    [Fact]
    public void A_body_that_stops_with_the_scope_token_makes_Run_throw_OperationCanceledException() => Bounded.Run(() =>
    {
        var error = Assert.Throws<OperationCanceledException>(() => Scope.Run<int>(scope =>
        {
            scope.Cancel();
            scope.CancellationToken.ThrowIfCancellationRequested();
            return 1;
        }));

        Assert.True(error.CancellationToken.IsCancellationRequested);
    });

    [Fact]
    public void Cancelled_items_alone_do_not_make_Run_throw() => Bounded.Run(() =>
    {
        var result = Scope.Run(scope =>
        {
            scope.Cancel();
            scope.Spawn(() => { });
            scope.Spawn(() => scope.CancellationToken.ThrowIfCancellationRequested());
            return "completed";
        });

        Assert.Equal("completed", result);
    });

    [Fact]
    public void A_throwing_cancellation_callback_is_reported_not_lost() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("callback");

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            scope.CancellationToken.Register(() => throw thrown);
            scope.Cancel();
        }));

        var fromCancel = Assert.IsType<AggregateException>(Assert.Single(error.InnerExceptions));
        Assert.Same(thrown, Assert.Single(fromCancel.InnerExceptions));
    });
}
