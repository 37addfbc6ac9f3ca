namespace ScopeSafety;

// The thread pool runs these as workers of their scope (Scope.RunWorker): any item serves as the pool entry,
// so queueing a worker allocates nothing. The interface sits on internal subclasses so that it stays off the
// public ScopedTask surface.

// The runnable form of a ScopedTask.
internal sealed class ScopedWorkItem : ScopedTask, IThreadPoolWorkItem
{
    public ScopedWorkItem(Scope scope, Delegate work, bool isAsync, bool handleFree = false)
        : base(scope, work, isAsync, handleFree)
    {
    }

    void IThreadPoolWorkItem.Execute() => Scope.RunWorker(this);
}

// The runnable form of a ScopedTask<T>.
// <typeparam name="T">The type of the result.</typeparam>
internal sealed class ScopedWorkItem<T> : ScopedTask<T>, IThreadPoolWorkItem
{
    public ScopedWorkItem(Scope scope, Delegate work, bool isAsync)
        : base(scope, work, isAsync)
    {
    }

    void IThreadPoolWorkItem.Execute() => Scope.RunWorker(this);
}
