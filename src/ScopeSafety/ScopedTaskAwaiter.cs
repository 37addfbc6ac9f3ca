using System.Runtime.CompilerServices;

namespace ScopeSafety;

/// <summary>
/// Awaits a <see cref="ScopedTask"/> without blocking a thread: <c>await task</c> resumes when the work has
/// finished and rethrows its exception, which then belongs to the awaiting code (the scope does not report it
/// again). Like awaiting a <see cref="Task"/>, it resumes on the captured <see cref="SynchronizationContext"/>,
/// if any, and flows the <see cref="ExecutionContext"/>.
/// </summary>
public readonly struct ScopedTaskAwaiter : ICriticalNotifyCompletion
{
    private readonly ScopedTask _task;

    internal ScopedTaskAwaiter(ScopedTask task) => _task = task;

    /// <summary>Gets whether the work has finished.</summary>
    public bool IsCompleted => _task.IsCompleted;

    /// <summary>Rethrows the work's exception, if any; call only once the work has finished.</summary>
    /// <exception cref="OperationCanceledException">The work was cancelled.</exception>
    public void GetResult() => _task.ThrowIfNotSuccessfulAfterCompletion();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _task.CompletionTask.GetAwaiter().OnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _task.CompletionTask.GetAwaiter().UnsafeOnCompleted(continuation);
}

/// <summary>
/// Awaits a <see cref="ScopedTask{T}"/> without blocking a thread: <c>await task</c> gives the work's result or
/// rethrows its exception. See <see cref="ScopedTaskAwaiter"/>.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
public readonly struct ScopedTaskAwaiter<T> : ICriticalNotifyCompletion
{
    private readonly ScopedTask<T> _task;

    internal ScopedTaskAwaiter(ScopedTask<T> task) => _task = task;

    /// <summary>Gets whether the work has finished.</summary>
    public bool IsCompleted => _task.IsCompleted;

    /// <summary>Returns the result or rethrows the work's exception; call only once the work has finished.</summary>
    /// <returns>The work's result.</returns>
    /// <exception cref="OperationCanceledException">The work was cancelled.</exception>
    public T GetResult() => _task.GetResultAfterCompletion();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _task.CompletionTask.GetAwaiter().OnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _task.CompletionTask.GetAwaiter().UnsafeOnCompleted(continuation);
}
