namespace ScopeSafety.Tests;

/// <summary>
/// <see cref="Scope.For"/>, the parallel loop over a range of indices: every index runs once, the loop returns after the
/// last, failures come back wrapped and stop new indices, and loops nest.
/// </summary>
public class ForTests
{
    [Fact]
    public void Every_index_runs_exactly_once() => Bounded.Run(() =>
    {
        foreach (var count in new[] { 1, 2, 3, 17, 64, 1_000, 100_003 })
        {
            var ran = new int[count];
            Scope.For(0, count, i => Interlocked.Increment(ref ran[i]));
            Assert.All(ran, times => Assert.Equal(1, times));
        }
    });

    [Fact]
    public void The_range_may_start_anywhere_and_end_at_the_largest_int() => Bounded.Run(() =>
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        Scope.For(int.MaxValue - 5, int.MaxValue, seen.Add);
        Assert.Equal(Enumerable.Range(int.MaxValue - 5, 5), seen.OrderBy(i => i));

        var negative = new System.Collections.Concurrent.ConcurrentBag<int>();
        Scope.For(-3, 2, negative.Add);
        Assert.Equal(new[] { -3, -2, -1, 0, 1 }, negative.OrderBy(i => i));
    });

    [Fact]
    public void An_empty_or_reversed_range_runs_nothing() => Bounded.Run(() =>
    {
        var calls = 0;
        Scope.For(5, 5, _ => calls++);
        Scope.For(5, 2, _ => calls++);
        Assert.Equal(0, calls);
        Assert.Throws<ArgumentNullException>(() => Scope.For(0, 1, null!));
    });

    [Fact]
    public void The_loop_returns_after_every_index_has_finished() => Bounded.Run(() =>
    {
        var finished = 0;
        Scope.For(0, 16, _ =>
        {
            Thread.Sleep(5);
            Interlocked.Increment(ref finished);
        });

        Assert.Equal(16, Volatile.Read(ref finished));
    });

    [Fact]
    public void A_failing_index_surfaces_as_AggregateException_and_stops_new_indices() => Bounded.Run(() =>
    {
        var started = 0;
        var error = Assert.Throws<AggregateException>(() => Scope.For(0, 1_000_000, i => TenthFails.Unit(ref started)));

        Assert.All(error.InnerExceptions, e => Assert.IsType<FormatException>(e));
        Assert.True(started < 1_000_000, $"{started} indices started after the failure.");

        // A single index fails the same way.
        var single = Assert.Throws<AggregateException>(() => Scope.For(0, 1, _ => throw new InvalidOperationException()));
        Assert.IsType<InvalidOperationException>(Assert.Single(single.InnerExceptions));
    });

    [Fact]
    public void Loops_nest_and_each_cell_runs_once() => Bounded.Run(() =>
    {
        const int Rows = 64, Columns = 64;
        var cells = new int[Rows * Columns];
        Scope.For(0, Rows, row => Scope.For(0, Columns, column => Interlocked.Increment(ref cells[row * Columns + column])));
        Assert.All(cells, times => Assert.Equal(1, times));
    });

    [Fact]
    public void The_loop_runs_inside_a_scope_item_and_the_scope_waits_for_it() => Bounded.Run(() =>
    {
        var sums = new long[8];
        Scope.Run(scope =>
        {
            for (var k = 0; k < sums.Length; k++)
            {
                var slot = k;
                scope.Spawn(() => Scope.For(0, 1_000, i => Interlocked.Add(ref sums[slot], i)));
            }
        });

        Assert.All(sums, sum => Assert.Equal(499_500, sum));
    });
}
