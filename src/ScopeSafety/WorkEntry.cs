namespace ScopeSafety;

// One piece of work in a thread's deque: the delegate of a Scope.Go from the thread in Run, and where it was made. It
// needs no object of its own because nobody can join it.
internal readonly struct WorkEntry(object work, GoOrigin origin)
{
    // An Action or an Action<Scope>; null in an empty slot.
    public readonly object Work = work;

    public readonly GoOrigin Origin = origin;
}

// The scope of a Go and the ExecutionContext captured at it. A scope keeps the last one it made (SchedulerWords.Origin)
// and reuses it while the context stays the same (the usual case: every Go of a body made in the body's context), so
// that an entry holds two references instead of three, and the thread running a stretch of entries switches context
// only where the origin changes (Scope.RunOwnGo).
internal sealed class GoOrigin(Scope scope, ExecutionContext? context)
{
    public readonly Scope Scope = scope;

    // Null when flow was suppressed at the Go: the work then runs in whatever context its thread has.
    public readonly ExecutionContext? Context = context;
}
