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
