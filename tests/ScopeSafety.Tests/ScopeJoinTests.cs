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

    [Fact]
    public void A_recursive_join_tree_runs_on_more_than_one_thread() => Bounded.Run(() =>
    {
        // The two sides of the top join meet at a barrier, which only works if another thread took the
        // right side; then each side runs a tree of 2^11 leaves that record where they ran.
        using var topSidesMeet = new Barrier(2);
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var leaves = 0;

        void Tree(int depth)
        {
            if (depth == 0)
            {
                Interlocked.Increment(ref leaves);
                threads.TryAdd(Environment.CurrentManagedThreadId, 0);
                return;
            }

            Scope.Join(() => Tree(depth - 1), () => Tree(depth - 1));
        }

        void Side()
        {
            Assert.True(topSidesMeet.SignalAndWait(MeetingLimit), "the other side of the join never ran in parallel");
            Tree(11);
        }

        Scope.Join(Side, Side);

        Assert.Equal(1 << 12, leaves);
        Assert.True(threads.Count >= 2, $"the tree ran on {threads.Count} thread(s)");
    });

    [Fact]
    public void A_join_inside_a_left_side_whose_right_side_was_taken_offers_its_own_right_side() => Bounded.Run(() =>
    {
        // Once another thread took the outer right side, this thread has nothing on offer, so the inner
        // join must offer its right side: its two sides meet at a barrier, which needs two threads.
        using var outerRightTaken = new ManualResetEventSlim();
        using var innerSidesMeet = new Barrier(2);
        var innerThreads = new int[2];

        void Meet(int side)
        {
            innerThreads[side] = Environment.CurrentManagedThreadId;
            Assert.True(innerSidesMeet.SignalAndWait(MeetingLimit), "the inner right side was not offered");
        }

        Scope.Join(
            () =>
            {
                Bounded.Wait(outerRightTaken);
                Scope.Join(() => Meet(0), () => Meet(1));
            },
            () => outerRightTaken.Set());

        Assert.NotEqual(innerThreads[0], innerThreads[1]);
    });

    // Shorter than Bounded.Limit, so that a missing thread fails with its own message.
    private static readonly TimeSpan MeetingLimit = TimeSpan.FromSeconds(30);

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

/// <summary>
/// Lazy splitting: while this thread's offered right side waits for a taker, nested joins run both sides
/// on this thread. The pool is kept busy so that no offer is ever taken.
/// </summary>
[Collection(nameof(SerialCollection))]
public class ScopeJoinInlineTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public void Joins_under_an_untaken_offer_run_on_the_calling_thread_without_queueing() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        var caller = Environment.CurrentManagedThreadId;
        var leavesElsewhere = 0;
        var leaves = 0;
        long queued = 0;

        void Tree(int depth)
        {
            if (depth == 0)
            {
                leaves++;
                leavesElsewhere += Environment.CurrentManagedThreadId == caller ? 0 : 1;
                return;
            }

            Scope.Join(() => Tree(depth - 1), () => Tree(depth - 1));
        }

        Scope.Join(
            () =>
            {
                var before = ThreadPool.PendingWorkItemCount;
                Tree(10);
                queued = ThreadPool.PendingWorkItemCount - before;
            },
            static () => { });

        Assert.Equal(1 << 10, leaves);
        Assert.Equal(0, leavesElsewhere);

        // Offering every right side would queue 1023 items; the process may queue a few of its own meanwhile.
        Assert.InRange(queued, long.MinValue, 8);
    });

    [Fact]
    public void An_inline_right_side_sees_the_context_of_the_join_and_cannot_change_the_callers() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        string? seenByRight = null;
        string? afterInnerJoin = null;

        Ambient.Value = "entry";
        Scope.Join(
            () =>
            {
                Scope.Join(
                    () => Ambient.Value = "set by left",
                    () =>
                    {
                        seenByRight = Ambient.Value;
                        Ambient.Value = "set by right";
                    });
                afterInnerJoin = Ambient.Value;
            },
            static () => { });

        // The same as when another thread runs the right side: it sees the context captured on entry,
        // and only the left side, a plain call, changes the caller's.
        Assert.Equal("entry", seenByRight);
        Assert.Equal("set by left", afterInnerJoin);
    });

    [Fact]
    public void Inline_joins_report_failures_like_offered_ones() => Bounded.Run(() =>
    {
        using var pool = new SaturatedPool();
        var left = new InvalidOperationException("left");
        var right = new ArgumentException("right");
        Exception? both = null;
        Exception? single = null;
        var rightRanAfterLeftFailed = false;

        Scope.Join(
            () =>
            {
                both = Record.Exception(() => Scope.Join<int, int>(() => throw left, () => throw right));
                single = Record.Exception(() => Scope.Join(() => Fault.Raise(left), () => rightRanAfterLeftFailed = true));
            },
            static () => { });

        Assert.Equal(new Exception[] { left, right }, Assert.IsType<AggregateException>(both).InnerExceptions);
        Assert.Same(left, single);
        Assert.True(rightRanAfterLeftFailed);
    });

    [Fact]
    public void When_the_offer_is_taken_the_oldest_pending_right_side_is_offered_next() => Bounded.Run(() =>
    {
        // Three nested joins. While the outer right side waits for a taker (the pool is blocked), the middle
        // join keeps its right side on this thread. Once the outer one is taken, the innermost join must
        // offer the middle right side, the larger and older piece of work, not its own.
        var pool = new SaturatedPool();
        try
        {
            var caller = Environment.CurrentManagedThreadId;
            using var outerTaken = new ManualResetEventSlim();
            using var middleRan = new ManualResetEventSlim();
            var middleThread = 0;
            var innerThread = 0;

            Scope.Join(
                () => Scope.Join(
                    () =>
                    {
                        pool.Dispose();
                        Bounded.Wait(outerTaken);
                        Scope.Join(
                            () => Assert.True(middleRan.Wait(MeetingLimit), "the oldest pending right side was not offered"),
                            () => innerThread = Environment.CurrentManagedThreadId);
                    },
                    () =>
                    {
                        middleThread = Environment.CurrentManagedThreadId;
                        middleRan.Set();
                    }),
                () => outerTaken.Set());

            Assert.NotEqual(caller, middleThread);
            Assert.Equal(caller, innerThread);
        }
        finally
        {
            pool.Dispose();
        }
    });

    [Fact]
    public void A_joiner_waiting_for_its_thief_runs_the_pieces_of_its_right_side_the_thief_offers() => Bounded.Run(() =>
    {
        // The right side, once taken, splits itself with a join whose left half waits for its right half.
        // The pool is then blocked, so only this thread, waiting for its thief, can run that right half.
        var joiner = Environment.CurrentManagedThreadId;
        using var rightTaken = new ManualResetEventSlim();
        using var poolBlocked = new ManualResetEventSlim();
        using var pieceOffered = new ManualResetEventSlim();
        using var pieceRan = new ManualResetEventSlim();
        var pieceThread = 0;
        SaturatedPool? pool = null;
        try
        {
            Scope.Join(
                () =>
                {
                    Bounded.Wait(rightTaken);
                    pool = new SaturatedPool();
                    poolBlocked.Set();
                    Bounded.Wait(pieceOffered);
                },
                () =>
                {
                    rightTaken.Set();
                    Bounded.Wait(poolBlocked);
                    Scope.Join(
                        () =>
                        {
                            pieceOffered.Set();
                            Assert.True(pieceRan.Wait(MeetingLimit), "the waiting joiner did not run the piece");
                        },
                        () =>
                        {
                            pieceThread = Environment.CurrentManagedThreadId;
                            pieceRan.Set();
                        });
                });
        }
        finally
        {
            pool?.Dispose();
        }

        Assert.Equal(joiner, pieceThread);
    });

    [Fact]
    public void A_joiner_waiting_for_its_thief_never_runs_other_joins_work() => Bounded.Run(() =>
    {
        // While this thread waits for its thief, another thread offers the right side of an unrelated join
        // and nothing else can take it (the pool is blocked). This thread must leave it alone: it could be
        // holding a lock that the other work takes, and Monitor would let it in.
        var joiner = Environment.CurrentManagedThreadId;
        using var rightTaken = new ManualResetEventSlim();
        using var otherOffered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var otherRightThread = 0;
        SaturatedPool? pool = null;
        Thread? other = null;
        try
        {
            Scope.Join(
                () =>
                {
                    Bounded.Wait(rightTaken);
                    pool = new SaturatedPool();
                    other = new Thread(() =>
                    {
                        Scope.Join(
                            () =>
                            {
                                otherOffered.Set();
                                Thread.Sleep(300);
                            },
                            () => otherRightThread = Environment.CurrentManagedThreadId);
                        release.Set();
                    });
                    other.Start();
                    Bounded.Wait(otherOffered);
                },
                () =>
                {
                    rightTaken.Set();
                    Bounded.Wait(release);
                });
        }
        finally
        {
            pool?.Dispose();
            other?.Join(Bounded.Limit);
        }

        Assert.NotEqual(0, otherRightThread);
        Assert.NotEqual(joiner, otherRightThread);
    });

    private static readonly TimeSpan MeetingLimit = TimeSpan.FromSeconds(30);
}
