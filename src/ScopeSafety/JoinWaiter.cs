namespace ScopeSafety;

// One per thread that has run scoped work: what the thread is blocked on, so that a joiner can tell whether
// its wait would close a cycle. Written only on the blocking (slow) path.
internal sealed class JoinWaiter
{
    [ThreadStatic]
    private static JoinWaiter? t_current;

    private ScopedTask? _waitingFor;

    // How many items run synchronously on this thread's stack right now (a waiter runs items inline). Only
    // this thread reads or writes it.
    public int ItemsRunning;

    public static JoinWaiter Current => t_current ??= new JoinWaiter();

    public ScopedTask? WaitingFor => Volatile.Read(ref _waitingFor);

    // Records that this thread is about to block on target and checks whether that
    // closes a cycle of joins: target runs on a thread that waits for an item running on a thread that
    // waits … for an item on this thread's stack, so that none of them can ever finish.
    // True when the wait would never end.
    public bool BeginWait(ScopedTask target)
    {
        // Full fence: of two threads closing a cycle at once, at least one sees the other's record.
        Interlocked.Exchange(ref _waitingFor, target);

        // The chain is read without locks while it may change, so a cycle counts only if a second walk finds
        // it again: items on the chain that are still unfinished then were unfinished all along, and a thread
        // stops waiting for an item only once it has finished, so each link held the whole time.
        return ClosesCycle(target) && ClosesCycle(target);
    }

    public void EndWait() => Volatile.Write(ref _waitingFor, null);

    private bool ClosesCycle(ScopedTask target)
    {
        var item = target;

        // Each hop moves to another blocked thread; more hops than that would mean the chain changed under us.
        for (var hops = 0; hops < 1024; hops++)
        {
            if (item.IsCompleted)
            {
                return false;
            }

            var runner = item.Runner;
            if (runner is null)
            {
                return false;
            }

            if (runner == this)
            {
                return true;
            }

            var next = runner.WaitingFor;
            if (next is null)
            {
                return false;
            }

            item = next;
        }

        return false;
    }
}
