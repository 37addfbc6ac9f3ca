namespace ScopeSafety.Tests;

/// <summary>Guarantee 1: Run returns only after the body and all spawned work have finished.</summary>
public class JoinGuaranteeTests
{
    [Fact]
    public void Run_returns_after_every_spawned_item_has_finished() => Bounded.Run(() =>
    {
        var finished = 0;
        Scope.Run(scope =>
        {
            for (var i = 0; i < 100; i++)
            {
                scope.Spawn(() => Interlocked.Increment(ref finished));
            }
        });

        Assert.Equal(100, finished);
    });

    [Fact]
    public void Run_waits_for_work_still_running_when_the_body_returns() => Bounded.Run(() =>
    {
        using var bodyReturning = new ManualResetEventSlim();
        var itemFinished = false;
        Scope.Run(scope =>
        {
            scope.Spawn(() =>
            {
                Bounded.Wait(bodyReturning);
                Volatile.Write(ref itemFinished, true);
            });
            bodyReturning.Set();
        });

        Assert.True(Volatile.Read(ref itemFinished));
    });

    [Fact]
    public void Run_waits_for_items_spawned_by_items() => Bounded.Run(() =>
    {
        var leaves = 0;
        Scope.Run(scope =>
        {
            scope.Spawn(s1 => s1.Spawn(s2 => s2.Spawn(() => Interlocked.Increment(ref leaves))));
        });

        Assert.Equal(1, leaves);
    });

    [Fact]
    public void Run_waits_for_items_also_when_the_body_throws() => Bounded.Run(() =>
    {
        using var itemStarted = new ManualResetEventSlim();
        using var bodyThrowing = new ManualResetEventSlim();
        var itemFinished = false;

        var error = Assert.Throws<AggregateException>(() => Scope.Run(scope =>
        {
            scope.Spawn(() =>
            {
                itemStarted.Set();
                Bounded.Wait(bodyThrowing);
                Volatile.Write(ref itemFinished, true);
            });

            // Started first: a body failure cancels the scope, and work not started by then is skipped.
            Bounded.Wait(itemStarted);
            bodyThrowing.Set();
            Fault.Raise(new InvalidOperationException("body failed"));
        }));

        Assert.True(Volatile.Read(ref itemFinished));
        Assert.Equal("body failed", Assert.Single(error.InnerExceptions).Message);
    });

    [Fact]
    public void Run_returns_the_body_result_after_the_work() => Bounded.Run(() =>
    {
        var parts = new int[4];
        var total = Scope.Run(scope =>
        {
            for (var i = 0; i < parts.Length; i++)
            {
                var index = i;
                scope.Spawn(() => parts[index] = index * 10);
            }

            return "body done";
        });

        Assert.Equal("body done", total);
        Assert.Equal(new[] { 0, 10, 20, 30 }, parts);
    });

    [Fact]
    public void Spawned_work_returns_its_result_through_Join() => Bounded.Run(() =>
    {
        var answer = Scope.Run(scope =>
        {
            var six = scope.Spawn(() => 6);
            var seven = scope.Spawn(() => 7);
            return six.Join() * seven.Join();
        });

        Assert.Equal(42, answer);
    });

    [Fact]
    public void TryGetResult_reports_the_result_only_once_the_work_is_done() => Bounded.Run(() =>
    {
        using var release = new ManualResetEventSlim();
        ScopedTask<int>? task = null;
        Scope.Run(scope =>
        {
            task = scope.Spawn(() =>
            {
                Bounded.Wait(release);
                return 5;
            });

            // Either the item is blocked on `release` or nobody has started it yet: no result either way.
            Assert.False(task.TryGetResult(out _));
            Assert.False(task.IsCompleted);
            release.Set();
        });

        Assert.True(task!.IsCompleted);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.True(task.TryGetResult(out var result));
        Assert.Equal(5, result);
    });

    [Fact]
    public void The_seed_workload_sums_borrowed_chunks_without_copying() => Bounded.Run(() =>
    {
        var numbers = Enumerable.Range(0, 5000).ToArray();
        const int chunkSize = 500;

        var total = Scope.Run(scope =>
        {
            var sums = new List<ScopedTask<long>>();
            for (var start = 0; start < numbers.Length; start += chunkSize)
            {
                // The chunk is a view of the caller's array; the scope joins before `numbers` goes away.
                var chunk = new ArraySegment<int>(numbers, start, Math.Min(chunkSize, numbers.Length - start));
                sums.Add(scope.Spawn(() =>
                {
                    long sum = 0;
                    foreach (var n in chunk)
                    {
                        sum += n;
                    }

                    return sum;
                }));
            }

            return sums.Sum(s => s.Join());
        });

        Assert.Equal(12_497_500, total);
    });
}
