using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace ScopeSafety;

/// <summary>
/// A piece of work started with <see cref="Scope.Spawn(Action)"/>. The scope always waits for it, so
/// joining is optional; <see cref="Join"/> is how you take its outcome (and its exception) yourself.
/// </summary>
/// <remarks>
/// A failure observed through <see cref="Join"/> belongs to the caller of <see cref="Join"/> and is
/// not reported again by <see cref="Scope.Run(Action{Scope})"/>; a failure nobody joined is.
/// Reading <see cref="IsFaulted"/> does not observe the failure. A failure cancels the scope when it
/// happens, even if a joiner handles it later.
/// </remarks>
public class ScopedTask : IThreadPoolWorkItem
{
    // The life cycle is a one-way state machine. Pending -> Running is the claim: whoever wins the
    // compare-exchange (a pool thread, a helping waiter, a Join) runs the work, exactly once.
    private protected const int Pending = 0;
    private protected const int Running = 1;
    private protected const int RanToCompletion = 2;
    private protected const int Faulted = 3;
    private protected const int Canceled = 4;

    private static readonly ContextCallback s_invokeInContext = static state => ((ScopedTask)state!).Invoke();

    private readonly Scope _scope;
    private ExecutionContext? _context;
    private int _state;
    private int _observed;
    private ExceptionDispatchInfo? _exception;

    // The work; cleared when it is done so that the closure does not outlive it.
    private protected Delegate? _work;

    // Link in the scope's stack of items that waiters may help with.
    internal ScopedTask? NextQueued;

    private protected ScopedTask(Scope scope, Delegate work)
    {
        _scope = scope;
        _work = work;
        _context = ExecutionContext.Capture();
    }

    internal static ScopedTask Create(Scope scope, Action work) => new(scope, work);

    internal static ScopedTask Create(Scope scope, Action<Scope> work) => new(scope, work);

    /// <summary>Gets whether the work has finished: successfully, with an exception, or cancelled.</summary>
    public bool IsCompleted => Volatile.Read(ref _state) >= RanToCompletion;

    /// <summary>Gets whether the work ran to completion without an exception.</summary>
    public bool IsCompletedSuccessfully => Volatile.Read(ref _state) == RanToCompletion;

    /// <summary>Gets whether the work ended with an exception other than the scope's cancellation.</summary>
    public bool IsFaulted => Volatile.Read(ref _state) == Faulted;

    /// <summary>
    /// Gets whether the work was cancelled: it threw an <see cref="OperationCanceledException"/> for the
    /// scope's token, or it had not started yet when the scope was cancelled and so never ran.
    /// </summary>
    public bool IsCanceled => Volatile.Read(ref _state) == Canceled;

    internal Scope Scope => _scope;

    /// <summary>
    /// Waits for the work to finish and rethrows its exception, if any, with its original stack trace.
    /// If the work has not started yet, it runs on the calling thread; if it is running elsewhere, the
    /// calling thread blocks until it is done.
    /// </summary>
    /// <exception cref="OperationCanceledException">The work was cancelled.</exception>
    public void Join()
    {
        Wait();
        ThrowIfNotSuccessful();
    }

    private protected void Wait()
    {
        if (IsCompleted)
        {
            return;
        }

        if (TryClaim())
        {
            RunClaimed();
            return;
        }

        // It is running on another thread, so blocking waits only on running work. The joiner does not
        // run the scope's other items meanwhile: one of them could join the very item this thread is
        // running further down its stack (a = Spawn(() => b.Join()); c = Spawn(() => a.Join())), a
        // deadlock the program would not have without the helping.
        _scope.WaitUntilCompleted(this);
    }

    private protected void ThrowIfNotSuccessful()
    {
        switch (Volatile.Read(ref _state))
        {
            case RanToCompletion:
                return;
            case Faulted:
                // Handing the exception to the caller makes it the caller's; Run will not report it again.
                Volatile.Write(ref _observed, 1);
                _exception!.Throw();
                return;
            default:
                if (_exception is not null)
                {
                    _exception.Throw();
                }

                throw new OperationCanceledException(_scope.CancellationToken);
        }
    }

    internal bool IsPending => Volatile.Read(ref _state) == Pending;

    internal bool IsObserved => Volatile.Read(ref _observed) != 0;

    internal Exception? Exception => _exception?.SourceException;

    void IThreadPoolWorkItem.Execute()
    {
        // The same item is both in the pool's queue and in the scope's help stack; the entry that
        // loses the claim is stale and does nothing.
        if (TryClaim())
        {
            RunClaimed();
        }
    }

    internal bool TryClaim() =>
        Volatile.Read(ref _state) == Pending &&
        Interlocked.CompareExchange(ref _state, Running, Pending) == Pending;

    // Runs claimed work in the context captured at Spawn and publishes its outcome.
    internal void RunClaimed()
    {
        if (_scope.IsCancellationRequested)
        {
            Complete(Canceled, null);
            return;
        }

        try
        {
            var context = _context;
            if (context is null)
            {
                Invoke();
            }
            else
            {
                // Also restores the running thread's own context afterwards, which matters when a
                // waiter runs the work inline.
                ExecutionContext.Run(context, s_invokeInContext, this);
            }
        }
        catch (Exception e)
        {
            Complete(_scope.IsOwnCancellation(e) ? Canceled : Faulted, ExceptionDispatchInfo.Capture(e));
            return;
        }

        Complete(RanToCompletion, null);
    }

    private void Complete(int state, ExceptionDispatchInfo? exception)
    {
        _work = null;
        _context = null;
        _exception = exception;
        if (state == Faulted)
        {
            // Recorded before the item counts as finished, so Run cannot miss it.
            _scope.RecordFault(this);
        }

        Volatile.Write(ref _state, state);
        _scope.ItemFinished();
    }

    // Calls the work and keeps its result.
    private protected virtual void Invoke()
    {
        switch (_work)
        {
            case Action action:
                action();
                break;
            case Action<Scope> withScope:
                withScope(_scope);
                break;
        }
    }
}

/// <summary>
/// A piece of work started with <see cref="Scope.Spawn{T}(Func{T})"/> that produces a result.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
public sealed class ScopedTask<T> : ScopedTask
{
    private T _result = default!;

    internal ScopedTask(Scope scope, Func<T> work)
        : base(scope, work)
    {
    }

    /// <summary>
    /// Waits for the work to finish and returns its result, or rethrows its exception with its original
    /// stack trace. If the work has not started yet, it runs on the calling thread.
    /// </summary>
    /// <exception cref="OperationCanceledException">The work was cancelled.</exception>
    public new T Join()
    {
        Wait();
        ThrowIfNotSuccessful();
        return _result;
    }

    /// <summary>Gets the result if the work has already run to completion, without waiting.</summary>
    /// <param name="result">The result, or the default value when this returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the work ran to completion.</returns>
    public bool TryGetResult([MaybeNullWhen(false)] out T result)
    {
        if (IsCompletedSuccessfully)
        {
            result = _result;
            return true;
        }

        result = default;
        return false;
    }

    private protected override void Invoke() => _result = ((Func<T>)_work!)();
}
