namespace ScopeSafety;

// One piece of work in a thread's deque: the delegate of a Scope.Go from the thread in Run, with its scope and the
// context captured at the Go. It needs no object of its own because nobody can join it.
internal readonly struct WorkEntry(object work, Scope scope, ExecutionContext? context)
{
    // An Action or an Action<Scope>; a ScopedTask when RunQueuedItems wraps an item of the shared stack; null in an
    // empty slot.
    public readonly object Work = work;

    public readonly Scope Scope = scope;

    // The ExecutionContext captured at the Go (null when flow was suppressed).
    public readonly ExecutionContext? Context = context;
}
