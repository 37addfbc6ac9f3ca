namespace ScopeSafety.Tests;

/// <summary>Guarantee 8: rayon's join; a join nobody stole runs inline without allocating.</summary>
public class ScopeJoinTests
{
    private static readonly Action Left = static () => Interlocked.Increment(ref s_left);
    private static readonly Action Right = static () => Interlocked.Increment(ref s_right);
    private static readonly Action Nested = static () => Scope.Join(Left, Right);
    private static readonly Func<int> LeftValue = static () => 1;
    private static readonly Func<int> RightValue = static () => 2;
    private static int s_left;
    private static int s_right;

    internal static int Fib(int n)
    {
        if (n < 2)
        {
            return n;
        }

        var (a, b) = Scope.Join(() => Fib(n - 1), () => Fib(n - 2));
        return a + b;
    }

    [Fact]
    public void Join_runs_both_sides_and_returns_both_results() => Bounded.Run(() =>
    {
        var (left, right) = Scope.Join(() => "left", () => 2);

        Assert.Equal("left", left);
        Assert.Equal(2, right);
    });

    [Fact]
    public void Recursive_joins_compute_fibonacci() => Bounded.Run(() => Assert.Equal(6765, Fib(20)));

    [Fact]
    public void Both_sides_have_finished_when_Join_returns() => Bounded.Run(() =>
    {
        for (var i = 0; i < 10_000; i++)
        {
            var left = false;
            var right = false;
            Scope.Join(() => left = true, () => right = true);
            Assert.True(left && right, $"iteration {i}");
        }
    });

    [Fact]
    public void A_single_failing_side_is_rethrown_as_is() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("right");
        var leftRan = false;

        var error = Assert.Throws<InvalidOperationException>(() => Scope.Join(() => leftRan = true, () => throw thrown));

        Assert.Same(thrown, error);
        Assert.True(leftRan);
    });

    [Fact]
    public void The_right_side_still_runs_when_the_left_side_throws() => Bounded.Run(() =>
    {
        var thrown = new InvalidOperationException("left");
        var rightRan = false;

        var error = Assert.Throws<InvalidOperationException>(() => Scope.Join(() => throw thrown, () => rightRan = true));

        Assert.Same(thrown, error);
        Assert.True(rightRan);
    });

    [Fact]
    public void Two_failing_sides_are_thrown_together_left_first() => Bounded.Run(() =>
    {
        var left = new InvalidOperationException("left");
        var right = new ArgumentException("right");

        var error = Assert.Throws<AggregateException>(() => Scope.Join(() => throw left, () => throw right));

        Assert.Equal(new Exception[] { left, right }, error.InnerExceptions);
    });

    [Fact]
    public void Failures_deep_in_recursive_joins_all_reach_the_caller() => Bounded.Run(() =>
    {
        // A binary tree of joins with 2^12 leaves; every 100th leaf throws. Frames are reused at every
        // depth and some right sides are stolen, yet each failure must surface exactly once.
        var leavesRun = 0;

        void Tree(int depth, int id)
        {
            if (depth == 0)
            {
                Interlocked.Increment(ref leavesRun);
                if (id % 100 == 0)
                {
                    throw new InvalidOperationException(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                return;
            }

            Scope.Join(() => Tree(depth - 1, id * 2), () => Tree(depth - 1, (id * 2) + 1));
        }

        var error = Record.Exception(() => Tree(12, 0));

        var failedLeaves = Flatten(error!).Select(e => int.Parse(e.Message, System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(0, 1 << 12).Where(id => id % 100 == 0), failedLeaves);
        Assert.Equal(1 << 12, leavesRun);
    });

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten) : [e];

    [Fact]
    public void A_join_nobody_stole_does_not_allocate() => Bounded.Run(() =>
    {
        static void JoinMany(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Scope.Join(Left, Right);
                Scope.Join(LeftValue, RightValue);
                Scope.Join(Nested, Right);
            }
        }

        JoinMany(20_000);

        // A stolen join may allocate in the pool's queue, so take the best of a few rounds: any allocation
        // made by every join would show up in every round.
        var fewest = long.MaxValue;
        for (var round = 0; round < 5 && fewest > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            JoinMany(1_000);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    });
}
