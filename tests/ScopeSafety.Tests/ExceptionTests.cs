using System.Runtime.CompilerServices;

namespace ScopeSafety.Tests;

/// <summary>Guarantee 2: no exception is ever lost, and none is reported twice.</summary>
public class ExceptionTests
{
    [Fact]
    public void A_failure_nobody_joined_is_rethrown_by_Run_as_the_original_exception() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("item failed");

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope => scope.Spawn(() => Fault.Raise(thrown))));

        Assert.Same(thrown, Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void The_aggregated_exception_keeps_its_original_stack_trace() => Bounded.Run(() =>
    {
        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope => scope.Spawn(ThrowFromAMethodWithAName)));

        Assert.Contains(nameof(ThrowFromAMethodWithAName), Assert.Single(error.InnerExceptions).StackTrace);
    });

    [Fact]
    public void Join_rethrows_the_original_exception_with_its_original_stack_trace() => Bounded.Run(() =>
    {
        Exception? caught = null;
        Scope.Run(scope =>
        {
            var task = scope.Spawn(ThrowFromAMethodWithAName);
            caught = Assert.Throws<InvalidOperationException>(task.Join);
        });

        Assert.Equal("thrown by a named method", caught!.Message);
        Assert.Contains(nameof(ThrowFromAMethodWithAName), caught.StackTrace);
    });

    [Fact]
    public void A_failure_the_caller_handled_after_Join_is_not_reported_again() => Bounded.Run(() =>
    {
        var handled = false;
        Scope.Run(scope =>
        {
            var task = scope.Spawn(() => Fault.Raise(new InvalidOperationException("handled by the joiner")));
            try
            {
                task.Join();
            }
            catch (InvalidOperationException)
            {
                handled = true;
            }
        });

        Assert.True(handled);
    });

    [Fact]
    public void A_failure_propagated_out_of_Join_is_reported_once() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("propagated");

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            var task = scope.Spawn(() => Fault.Raise(thrown));
            task.Join();
        }));

        Assert.Same(thrown, Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void Reading_IsFaulted_does_not_take_the_failure_away_from_Run() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("only inspected");
        var sawFaulted = false;

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            var task = scope.Spawn(() => Fault.Raise(thrown));
            Assert.True(SpinWait.SpinUntil(() => task.IsCompleted, Bounded.Limit));
            sawFaulted = task.IsFaulted;
        }));

        Assert.True(sawFaulted);
        Assert.Same(thrown, Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void Every_failure_is_in_one_AggregateException_with_the_body_first() => Bounded.Run(() =>
    {
        var first = new InvalidOperationException("item 1");
        var second = new ArgumentException("item 2");
        var body = new FormatException("body");
        using var bothStarted = new CountdownEvent(2);
        using var go = new ManualResetEventSlim();
        using var bothFailed = new CountdownEvent(2);

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            // Both start before either fails: the first failure cancels the scope, which skips work not
            // started yet.
            scope.Spawn(() => Fail(first, bothStarted, go, bothFailed));
            scope.Spawn(() => Fail(second, bothStarted, go, bothFailed));
            Bounded.Wait(bothStarted);
            go.Set();
            Bounded.Wait(bothFailed);
            Fault.Raise(body);
        }));

        Assert.Same(body, error.InnerExceptions[0]);
        Assert.Equal(
            new HashSet<Exception> { body, first, second },
            error.InnerExceptions.ToHashSet());
        Assert.Equal(3, error.InnerExceptions.Count);
    });

    [Fact]
    public void A_failure_of_nested_work_reaches_the_outer_Run() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("deep");

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
            scope.Spawn(s => s.Spawn(s2 => s2.Spawn(() => Fault.Raise(thrown))))));

        Assert.Same(thrown, Assert.Single(error.InnerExceptions));
    });

    [Fact]
    public void A_failing_nested_Run_fails_the_item_that_ran_it() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("inner scope");

        var error = Assert.Throws<AggregateException>(() => Scope.Run(outer =>
            outer.Spawn(() => Scope.Run(inner => inner.Spawn(() => Fault.Raise(thrown))))));

        var innerAggregate = Assert.IsType<AggregateException>(Assert.Single(error.InnerExceptions));
        Assert.Same(thrown, Assert.Single(innerAggregate.InnerExceptions));
    });

    private static void Fail(Exception exception, CountdownEvent started, ManualResetEventSlim go, CountdownEvent failed)
    {
        started.Signal();
        Bounded.Wait(go);
        try
        {
            throw exception;
        }
        finally
        {
            failed.Signal();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromAMethodWithAName() => throw new InvalidOperationException("thrown by a named method");
}
