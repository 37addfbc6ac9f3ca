using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace ScopeSafety;

/// <summary>
/// A piece of work started with <see cref="Scope.Spawn(Action)"/> or <see cref="Scope.SpawnAsync(Func{Task})"/>.
/// The scope always waits for it, so joining is optional; <see cref="Join"/> (or <c>await</c> in asynchronous
/// code) is how you take its outcome, and its exception, yourself.
/// </summary>
/// <remarks>
/// A failure observed through <see cref="Join"/> or <c>await</c> belongs to the caller and is not reported
/// again by <see cref="Scope.Run(Action{Scope})"/> or <see cref="Scope.RunAsync(Func{Scope, Task}, CancellationToken)"/>;
/// a failure nobody joined is. Reading <see cref="IsFaulted"/> or <see cref="Exception"/> does not observe the
/// failure. A failure cancels the scope when it happens, even if a joiner handles it later.
/// </remarks>
public class ScopedTask
{
    // The life cycle is a one-way state machine. Pending -> Running is the claim: whoever wins the
    // compare-exchange (a pool thread, a helping waiter, a Join) runs the work, exactly once. Asynchronous
    // work stays Running past its awaits, until the task it returned completes.
    private protected const int Pending = 0;
    private protected const int Running = 1;
    private protected const int RanToCompletion = 2;
    private protected const int Faulted = 3;
    private protected const int Canceled = 4;

    private const int ObservedFlag = 1;
    private const int AsyncFlag = 2;
    private const int HandleFreeFlag = 4;

    private static readonly ContextCallback s_invokeInContext = static state => ((ScopedTask)state!).Invoke();

    private readonly Scope _scope;
    // Before the claim, the ExecutionContext captured at Spawn (null when flow is suppressed; set by
    // Scope.Schedule, which knows the spawning thread, before the item is queued); from
    // the claim on, the JoinWaiter of the thread running the synchronous part of the work, for the
    // join-cycle check (null while asynchronous work is suspended: then no thread holds it on its stack). One
    // field for both keeps the per-spawn allocation small.
    private object? _contextOrRunner;
    private int _state;
    // Bit 0: the failure was observed (Join/await); bit 1: the work is asynchronous; bit 2: nobody holds a handle
    // to the item (Scope.Go from a thread other than the one in Run). Bits 1 and 2 are set once, at construction.
    private int _flags;

    // The work; while asynchronous work is suspended, the task it returned; once the item has finished, the
    // exception it ended with (an ExceptionDispatchInfo), else null, so that the closure does not outlive the
    // work. One field for the three keeps the per-spawn allocation small.
    private protected object? _work;


    // Link in the scope's stack of items that waiters may help with.
    internal ScopedTask? NextQueued;

    private protected ScopedTask(Scope scope, Delegate work, bool isAsync, bool handleFree = false)
    {
        _scope = scope;
        _work = work;
        _flags = (isAsync ? AsyncFlag : 0) | (handleFree ? HandleFreeFlag : 0);
    }

    // Records the context the work runs in (ThreadContexts.Capture on the spawning thread); before it is queued.
    internal void SetContext(ExecutionContext? context) => _contextOrRunner = context;

    internal static ScopedTask Create(Scope scope, Action work) => new ScopedWorkItem(scope, work, isAsync: false);

    internal static ScopedTask Create(Scope scope, Action<Scope> work) => new ScopedWorkItem(scope, work, isAsync: false);

    // An item for a Scope.Go from a thread other than the one in Run: no handle leaves the library, so nobody can
    // join or await it.
    internal static ScopedTask CreateHandleFree(Scope scope, Delegate work) => new ScopedWorkItem(scope, work, isAsync: false, handleFree: true);

    internal static ScopedTask CreateAsync(Scope scope, Func<Task> work) => new ScopedWorkItem(scope, work, isAsync: true);

    internal static ScopedTask CreateAsync(Scope scope, Func<CancellationToken, Task> work) => new ScopedWorkItem(scope, work, isAsync: true);

    /// <summary>Gets whether the work has finished: successfully, with an exception, or cancelled.</summary>
    public bool IsCompleted => Volatile.Read(ref _state) >= RanToCompletion;

    /// <summary>Gets whether the work ran to completion without an exception.</summary>
    public bool IsCompletedSuccessfully => Volatile.Read(ref _state) == RanToCompletion;

    /// <summary>Gets whether the work ended with an exception other than the scope's cancellation.</summary>
    public bool IsFaulted => Volatile.Read(ref _state) == Faulted;

    /// <summary>
    /// Gets whether the work was cancelled: it threw an <see cref="OperationCanceledException"/> for the
    /// scope's token (or the caller's token given to <c>Run</c>/<c>RunAsync</c>), or it had not started yet
    /// when the scope was cancelled and so never ran.
    /// </summary>
    public bool IsCanceled => Volatile.Read(ref _state) == Canceled;

    /// <summary>
    /// Gets the exception the work failed with (the original object, not wrapped), or <see langword="null"/>
    /// when it has not failed (yet) or was cancelled. Reading it does not observe the failure: only
    /// <see cref="Join"/> and <c>await</c> take it over from the scope.
    /// </summary>
    public Exception? Exception => IsFaulted ? Failure!.SourceException : null;

    internal Scope Scope => _scope;

    /// <summary>
    /// Waits for the work to finish and rethrows its exception, if any, with its original stack trace.
    /// If the work has not started yet, it runs on the calling thread; if it is running elsewhere, the
    /// calling thread blocks until it is done. In asynchronous code, <c>await</c> the task instead.
    /// </summary>
    /// <exception cref="OperationCanceledException">The work was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The work is joining itself, directly or through a cycle of
    /// joins between work items, which could never finish.</exception>
    public void Join()
    {
        Wait();
        ThrowIfNotSuccessful();
    }

    /// <summary>Gets an awaiter, so that asynchronous code can <c>await</c> the work without blocking a thread.</summary>
    /// <returns>An awaiter whose result is the work's outcome: nothing, or its exception.</returns>
    public ScopedTaskAwaiter GetAwaiter() => new(this);

    private protected void Wait()
    {
        if (IsCompleted)
        {
            return;
        }

        if (TryClaim())
        {
            // The item's count goes back through the scope, which on the thread in Run keeps it without an
            // interlocked operation while the body runs (Scope.ItemFinished).
            var runner = JoinWaiter.Current;
            if (RunClaimed(runner, countLater: true))
            {
                _scope.ItemFinished(runner);
                return;
            }

            if (IsCompleted)
            {
                return;
            }
        }

        // It is running on another thread (or suspended at an await), so blocking waits only on running
        // work. The joiner does not run the scope's other items meanwhile: one of them could join the very
        // item this thread is running further down its stack (a = Spawn(() => b.Join()); c = Spawn(() =>
        // a.Join())), a deadlock the program would not have without the helping.
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
                // Only this bit changes after construction, so a plain read-modify-write loses nothing.
                Volatile.Write(ref _flags, Volatile.Read(ref _flags) | ObservedFlag);
                Failure!.Throw();
                return;
            default:
                Failure?.Throw();

                throw new OperationCanceledException(_scope.CancellationToken);
        }
    }

    internal bool IsPending => Volatile.Read(ref _state) == Pending;

    // The exception the item ended with; read only once it has finished (the state is published after it).
    private ExceptionDispatchInfo? Failure => _work as ExceptionDispatchInfo;

    internal void ThrowIfNotSuccessfulAfterCompletion() => ThrowIfNotSuccessful();

    internal bool IsObserved => (Volatile.Read(ref _flags) & ObservedFlag) != 0;

    // Whether the work returns a task that the item waits for (SpawnAsync).
    private protected bool IsAsync => (_flags & AsyncFlag) != 0;

    internal JoinWaiter? Runner => Volatile.Read(ref _contextOrRunner) as JoinWaiter;

    // The work, until it is done (only to name the item in a join-cycle message).
    internal Delegate? Work => _work as Delegate;

    // A task that completes when the work has finished; made only for an awaiter that must wait. Its source lives
    // in the scope (Scope.CompletionOf), not in a field of every item: few items are ever awaited unfinished.
    internal Task CompletionTask
    {
        get
        {
            if (IsCompleted)
            {
                return Task.CompletedTask;
            }

            var completion = _scope.CompletionOf(this);

            // CompletionOf announces the awaiter, and Complete publishes the state before it looks for awaiters
            // (FenceBeforeRecheck orders the two sides): either it finds this source, or we see the state here and
            // complete the source ourselves, which also takes it out of the scope's table.
            FenceBeforeRecheck();
            if (IsCompleted)
            {
                _scope.ItemCompleted(this);
            }

            return completion.Task;
        }
    }

    // Called by a thread that has announced that it waits for this item (Scope.BlockItem) or awaits it
    // (CompletionTask), before it checks the state again. Complete publishes a synchronous item's state and then
    // looks for waiters with no fence in between (a fence there would cost every item); so the waiter makes every
    // thread of the process pass a full barrier instead: either the completer then sees the waiter, or the waiter
    // sees the state. Only a waiter that found the item running elsewhere gets here. An asynchronous item completes
    // through ItemsFinished, whose interlocked decrement is the completer's fence.
    internal void FenceBeforeRecheck()
    {
        if (!IsAsync)
        {
            Interlocked.MemoryBarrierProcessWide();
        }
    }

    internal bool TryClaim() =>
        Volatile.Read(ref _state) == Pending &&
        Interlocked.CompareExchange(ref _state, Running, Pending) == Pending;

    // Claims an item just taken off a queue, which only one thread can take. An item without a handle cannot be
    // claimed by a Join meanwhile, so it needs no compare-exchange.
    internal bool TryTake()
    {
        if (IsHandleFree)
        {
            _state = Running;
            return true;
        }

        return TryClaim();
    }

    // Whether nobody can join or await the item (Scope.Go): then no thread ever waits for this item alone.
    private bool IsHandleFree => (_flags & HandleFreeFlag) != 0;

    // Runs claimed work in the context captured at Spawn and publishes its outcome. With countLater, an item
    // that finishes before this returns leaves its count in the scope to the caller, which returns a batch of
    // them at once (Scope.ItemsFinished) instead of one contended decrement per item; returns whether it did.
    // runner: the calling thread's JoinWaiter (a worker looks it up once, not once per item).
    internal bool RunClaimed(JoinWaiter runner, bool countLater = false)
    {
        if (_scope.IsCancellationRequested)
        {
            return Complete(Canceled, null, countLater);
        }

        var context = _contextOrRunner as ExecutionContext;
        _contextOrRunner = runner;
        var outer = runner.Running;
        runner.Running = this;
        try
        {
            if (context is null)
            {
                Invoke();
            }
            else if (runner.ContextsThread is { } thread)
            {
                // Also restores the running thread's own context afterwards, which matters when a
                // waiter runs the work inline.
                var saved = ThreadContexts.Enter(thread, context);
                try
                {
                    Invoke();
                }
                finally
                {
                    ThreadContexts.Leave(thread, saved);
                }
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
            runner.RestoreRunning(outer);
            return Failed(e, countLater);
        }

        runner.RestoreRunning(outer);
        return Invoked(countLater);
    }

    // Runs claimed work as RunClaimed does, as one of a stretch of items that a thread takes off its scope's queue one
    // after another (Scope.RunItems): the stretch puts the thread's contexts and running-work record back when it ends,
    // so this only switches to the item's context where the thread's differs. The item's count is left to the caller;
    // returns whether it finished.
    internal bool RunClaimedInStretch(JoinWaiter runner, in WorkStretch stretch)
    {
        if (_scope.IsCancellationRequested)
        {
            return Complete(Canceled, null, countLater: true);
        }

        var context = _contextOrRunner as ExecutionContext;
        _contextOrRunner = runner;
        runner.Running = this;
        try
        {
            stretch.Switch(stretch.TargetOf(context));
            Invoke();
        }
        catch (Exception e)
        {
            return Failed(e, countLater: true);
        }

        return Invoked(countLater: true);
    }

    private bool Failed(Exception e, bool countLater) =>
        Complete(_scope.IsOwnCancellation(e) ? Canceled : Faulted, ExceptionDispatchInfo.Capture(e), countLater);

    // Publishes the outcome of work whose delegate returned: its end, or, for asynchronous work, the task it returned
    // once that completes. Returns countLater when the item finished here.
    private bool Invoked(bool countLater)
    {
        if (!IsAsync)
        {
            return Complete(RanToCompletion, null, countLater);
        }

        var task = (Task)_work!;
        if (task.IsCompleted)
        {
            CompleteFrom(task);
            return false;
        }

        // Suspended: no thread holds the work on its stack until the task completes.
        Volatile.Write(ref _contextOrRunner, null);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnAwaitedTaskCompleted);
        return false;
    }

    private void OnAwaitedTaskCompleted() => CompleteFrom((Task)_work!);

    // Publishes the outcome of the task that asynchronous work returned.
    private void CompleteFrom(Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            TakeResult(task);
            Complete(RanToCompletion, null);
            return;
        }

        if (task.IsFaulted && task.Exception!.InnerExceptions.Count > 1)
        {
            // Several failures (Task.WhenAll inside the work): keep them all rather than only the first.
            Complete(Faulted, ExceptionDispatchInfo.Capture(task.Exception));
            return;
        }

        try
        {
            // Rethrows the original exception object, with its stack trace.
            task.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Complete(_scope.IsOwnCancellation(e) ? Canceled : Faulted, ExceptionDispatchInfo.Capture(e));
            return;
        }

        Complete(RanToCompletion, null);
    }

    // Returns countLater: whether the item's count in the scope is left to the caller.
    private bool Complete(int state, ExceptionDispatchInfo? exception, bool countLater = false)
    {
        _work = exception;
        _contextOrRunner = null;
        if (state == Faulted)
        {
            // Recorded before the item counts as finished, so Run cannot miss it.
            _scope.RecordFault(this);
        }

        // No fence between publishing the state and looking for waiters and awaiters: a waiter makes every thread
        // pass one instead, after announcing itself (FenceBeforeRecheck), which is rare where a fence here was paid by
        // every item. An asynchronous item's fence is the interlocked decrement that ItemsFinished begins with.
        Volatile.Write(ref _state, state);
        if (countLater && IsHandleFree)
        {
            // Nobody waits for this item alone: the scope learns of it from the batch count.
            return true;
        }

        if (!countLater)
        {
            _scope.ItemsFinished(1);
        }

        _scope.ItemCompleted(this);
        return countLater;
    }

    // Calls the work and keeps its result; asynchronous work leaves the task it returned in _work.
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
            case Func<Task> asyncWork:
                _work = asyncWork() ?? throw NullTask();
                break;
            case Func<CancellationToken, Task> asyncWithToken:
                _work = asyncWithToken(_scope.CancellationToken) ?? throw NullTask();
                break;
        }
    }

    // Keeps the result of the successful task that asynchronous work returned.
    private protected virtual void TakeResult(Task task)
    {
    }

    private protected static InvalidOperationException NullTask() =>
        new("The asynchronous work returned null instead of a task.");
}

/// <summary>
/// A piece of work started with <see cref="Scope.Spawn{T}(Func{T})"/> or <see cref="Scope.SpawnAsync{T}(Func{Task{T}})"/>
/// that produces a result.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
public class ScopedTask<T> : ScopedTask
{
    private T _result = default!;

    // Internal: nobody outside the library derives from it, so the members that run the work stay hidden.
    internal ScopedTask(Scope scope, Delegate work, bool isAsync)
        : base(scope, work, isAsync)
    {
    }

    internal static ScopedTask<T> Create(Scope scope, Func<T> work) => new ScopedWorkItem<T>(scope, work, isAsync: false);

    internal static ScopedTask<T> Create(Scope scope, Func<Scope, T> work) => new ScopedWorkItem<T>(scope, work, isAsync: false);

    internal static ScopedTask<T> CreateAsync(Scope scope, Func<Task<T>> work) => new ScopedWorkItem<T>(scope, work, isAsync: true);

    internal static ScopedTask<T> CreateAsync(Scope scope, Func<CancellationToken, Task<T>> work) => new ScopedWorkItem<T>(scope, work, isAsync: true);

    /// <summary>
    /// Waits for the work to finish and returns its result, or rethrows its exception with its original
    /// stack trace. If the work has not started yet, it runs on the calling thread. In asynchronous code,
    /// <c>await</c> the task instead.
    /// </summary>
    /// <exception cref="OperationCanceledException">The work was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The work is joining itself, directly or through a cycle of
    /// joins between work items, which could never finish.</exception>
    public new T Join()
    {
        Wait();
        ThrowIfNotSuccessful();
        return _result;
    }

    /// <summary>Gets an awaiter, so that asynchronous code can <c>await</c> the work without blocking a thread.</summary>
    /// <returns>An awaiter whose result is the work's result, or its exception.</returns>
    public new ScopedTaskAwaiter<T> GetAwaiter() => new(this);

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

    internal T GetResultAfterCompletion()
    {
        ThrowIfNotSuccessful();
        return _result;
    }

    private protected override void Invoke()
    {
        // The kind is a flag, not the delegate's type: through variance a Func<Task<object>> is also a Func<object>.
        if (IsAsync)
        {
            _work = _work switch
            {
                Func<Task<T>> asyncWork => asyncWork(),
                Func<CancellationToken, Task<T>> asyncWithToken => asyncWithToken(Scope.CancellationToken),
                _ => null,
            } ?? throw NullTask();
            return;
        }

        _result = _work is Func<Scope, T> withScope ? withScope(Scope) : ((Func<T>)_work!)();
    }

    private protected override void TakeResult(Task task) => _result = ((Task<T>)task).Result;
}
