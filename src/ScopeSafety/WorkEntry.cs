namespace ScopeSafety;

// One piece of work in a thread's deque: a spawned item (a ScopedTask, which carries its own context), or the
// delegate of a Scope.Go from the thread in Run with the context captured at the Go, which needs no object of its
// own because nobody can join it. The scope is kept beside the work so that the owner can tell whose it is
// without touching the item.
internal readonly struct WorkEntry(object work, Scope scope, ExecutionContext? context)
{
    // A ScopedTask, an Action or an Action<Scope>; null in an empty slot.
    public readonly object Work = work;

    public readonly Scope Scope = scope;

    // For a delegate: the ExecutionContext captured at the Go (null when flow was suppressed).
    public readonly ExecutionContext? Context = context;

    // A spawned item that no longer waits to run: a Join elsewhere ran it inline.
    public bool IsStale => Work is ScopedTask { IsPending: false };
}
