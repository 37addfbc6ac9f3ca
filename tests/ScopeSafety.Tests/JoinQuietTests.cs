namespace ScopeSafety.Tests;

/// <summary>
/// Offering a right side wakes a pool thread, which costs far more than a short join. After an offer that was
/// over at once, a thread offers nothing for a short while, so a loop of tiny joins stays about as cheap as
/// calls instead of handing the pool one work item per join. Serial: it counts the pool's work items.
/// </summary>
[Collection(nameof(SerialCollection))]
public class JoinQuietTests
{
    private static int s_left;
    private static int s_right;

    [Fact]
    public void Back_to_back_tiny_joins_queue_few_pool_items() => Bounded.Run(() =>
    {
        const int Joins = 200_000;
        static void Left() => s_left++;
        static void Right() => s_right++;
        Action left = Left, right = Right;

        Scope.Join(left, right);
        var before = ThreadPool.CompletedWorkItemCount + ThreadPool.PendingWorkItemCount;
        for (var i = 0; i < Joins; i++)
        {
            Scope.Join(left, right);
        }

        var queued = ThreadPool.CompletedWorkItemCount + ThreadPool.PendingWorkItemCount - before;

        Assert.Equal(Joins + 1, s_right);

        // Offering every right side would queue one item per join (200,000); the quiet period allows one
        // offer per 25 µs of joining. A tenth of the joins leaves room for a slow machine and the pool's own
        // items.
        Assert.InRange(queued, 0, Joins / 10);
    });
}
