namespace ScopeSafety;

// What a thread keeps while it runs pieces of scoped work one after another (Scope.RunOwnGo for Go work, Scope.RunItems
// for spawned items): its contexts and its running-work record, saved once at the start and put back once at the end
// (End), where running each piece inside ExecutionContext.Run, or between Enter and Leave, cost a small piece about a
// tenth of its time at 1 core. Before each piece the thread switches only what differs from the context the piece
// captured (Switch), so a change one piece makes is undone before the next starts.
internal readonly struct WorkStretch
{
    private readonly JoinWaiter _runner;
    private readonly object? _outer;
    private readonly Thread _thread;
    private readonly ThreadContexts.Saved _saved;

    public WorkStretch(JoinWaiter runner, Thread thread)
    {
        _runner = runner;
        _outer = runner.Running;
        _thread = thread;
        _saved = ThreadContexts.Save(thread);
    }

    // The context, as a thread stores it, that a piece which captured context runs in: the captured one, or the thread's
    // own from the start of the stretch when flow was suppressed where the piece was started (null), as a piece run on
    // its own would run in whatever context its thread has.
    public ExecutionContext? TargetOf(ExecutionContext? captured) =>
        captured is null ? _saved.Execution : ThreadContexts.StoredOf(captured);

    // Gives the thread target (from TargetOf) and the synchronization context the stretch started with.
    public void Switch(ExecutionContext? target) => ThreadContexts.Switch(_thread, target, _saved.Synchronization);

    // Puts back the running-work record and the contexts.
    public void End()
    {
        _runner.RestoreRunning(_outer);
        ThreadContexts.Leave(_thread, _saved);
    }
}
