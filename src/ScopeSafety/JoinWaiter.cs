using System.Text;

namespace ScopeSafety;

// One per thread that has run scoped work: what the thread is blocked on, so that a joiner can tell whether
// its wait would close a cycle. Written only on the blocking (slow) path.
internal sealed class JoinWaiter
{
    [ThreadStatic]
    private static JoinWaiter? t_current;

    private ScopedTask? _waitingFor;

    // The innermost work running synchronously on this thread's stack right now (a joiner runs items inline, so
    // there may be more further down): a ScopedTask, or the delegate of a Go, which has no item; null when none.
    // Only this thread writes it; a joiner closing a cycle reads it to name the work.
    public object? Running;

    public static JoinWaiter Current => t_current ??= new JoinWaiter();

    // Puts back the work that Running named before this thread ran some inline. Storing the constant null needs no GC
    // write barrier, and null is the usual value: a worker, or the thread in Run after its body, runs nothing else.
    public void RestoreRunning(object? outer)
    {
        if (outer is null)
        {
            Running = null;
        }
        else
        {
            Running = outer;
        }
    }

    // This thread, for reading its contexts without a thread-static access (see ThreadContexts); null where they are
    // read through the public ExecutionContext API.
    public readonly Thread? ContextsThread = ThreadContexts.ReadableThread();

    // This thread's record if it has one; a thread without one owns no scope.
    public static JoinWaiter? CurrentOrNull => t_current;

    // The deque of the Go work this thread starts in the scopes it runs; made on the first such Go.
    public WorkDeque? Deque;

    // The work and scope of the Go that this thread is about to run in its captured context (see Scope.RunGo):
    // carried here so that ExecutionContext.Run needs no state object per call.
    public object? GoWork;
    public Scope? GoScope;

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

    // The message for a join of target that BeginWait found would never end. It names the items of the cycle, in
    // the order they wait for each other, starting with the one joining here.
    public string DescribeCycle(ScopedTask target)
    {
        var joiner = Running;
        if (target == joiner)
        {
            return $"A work item cannot join itself: it would wait for its own end forever (item {Name(target)}).";
        }

        // The items this join waits for, one per hop. The chain ends with the joiner itself when it closes through
        // joins alone, or with an item further down this thread's stack that ran the joiner inline.
        var cycle = new List<object?> { joiner };
        ClosesCycle(target, cycle);
        var closedByJoin = cycle.Count > 1 && cycle[^1] == joiner;
        if (closedByJoin)
        {
            cycle.RemoveAt(cycle.Count - 1);
        }

        var text = new StringBuilder(
            $"This join would close a cycle of {cycle.Count} work items joining each other, which could never finish: item 1 ({Name(joiner)})");
        for (var i = 1; i < cycle.Count; i++)
        {
            text.Append(i == 1 ? " joins" : ", which waits for").Append($" item {i + 1} ({Name(cycle[i])})");
        }

        text.Append(closedByJoin
            ? ", which waits for item 1."
            : ", which waits for item 1 because item 1 runs inside it, further down the same thread's stack (a join ran it inline).");
        return text.ToString();
    }

    // The work's method (a lambda's name contains the method that wrote it), to tell the user which items these are.
    private static string Name(object? work) =>
        ((work as ScopedTask)?.Work ?? work as Delegate) is { } method ? $"{method.Method.DeclaringType?.Name}.{method.Method.Name}" : "unknown work";

    // Walks the chain of joins from target: the item, the thread running it, the item that thread waits for, and so
    // on. True when the chain comes back to this thread. chain, when given, receives the items walked.
    private bool ClosesCycle(ScopedTask target, List<object?>? chain = null)
    {
        var item = target;

        // Each hop moves to another blocked thread; more hops than that would mean the chain changed under us.
        for (var hops = 0; hops < 1024; hops++)
        {
            if (item.IsCompleted)
            {
                return false;
            }

            chain?.Add(item);
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
