using System.Runtime.ExceptionServices;

namespace ScopeSafety;

/// <summary>
/// A structured-concurrency scope, after Rust's <c>std::thread::scope</c> and rayon's <c>scope</c>:
/// work spawned into it may run on other threads, and <see cref="Run(Action{Scope})"/> returns only
/// after all of it has finished. That is what lets spawned work use the caller's locals safely. In
/// asynchronous code, <see cref="RunAsync(Func{Scope, Task}, CancellationToken)"/> with
/// <see cref="SpawnAsync(Func{Task})"/> gives the same guarantees without blocking a thread.
/// </summary>
/// <remarks>
/// <para>Guarantees:</para>
/// <list type="bullet">
/// <item><description><b>Join.</b> <c>Run</c> returns or throws only after the body and every spawned
/// item (also items spawned by items) have finished, also when the body throws.</description></item>
/// <item><description><b>No lost exception.</b> A failure observed through <see cref="ScopedTask.Join"/>
/// is the caller's. Every other failure (the body's first, then the items' in the order they failed) is
/// rethrown by <c>Run</c> as one <see cref="AggregateException"/> holding the original exception objects,
/// like <c>Parallel.Invoke</c>.</description></item>
/// <item><description><b>Cancellation.</b> <see cref="CancellationToken"/> is cancelled by <see cref="Cancel"/>
/// and by the first failure. An <see cref="OperationCanceledException"/> for that token is a cancellation,
/// not a failure. Items that have not started when the scope is cancelled do not run. When the body
/// itself ends with such a cancellation (and nothing failed) <c>Run</c> rethrows it; cancelled items
/// alone do not make <c>Run</c> throw. A caller's token given to <c>Run</c>/<c>RunAsync</c> cancels the scope for
/// its whole run, and a scope it cancelled ends with <see cref="OperationCanceledException"/>.</description></item>
/// <item><description><b>A waiting thread works.</b> While <c>Run</c> waits, the waiting thread runs this
/// scope's own queued items, never unrelated work. <see cref="ScopedTask.Join"/> runs its item inline if
/// nobody has started it. A waiter blocks only on work that is running on some thread, so nested scopes
/// on a saturated thread pool do not deadlock.</description></item>
/// <item><description><b>Misuse never hangs.</b> <see cref="ScopedTask.Join"/> of the item that is running it
/// (directly, or through a cycle of items joining each other) throws <see cref="InvalidOperationException"/>.
/// Only blocking joins record what they wait for, so joins that do not block cost nothing extra.</description></item>
/// <item><description><b>Context.</b> <see cref="ExecutionContext"/> (<see cref="AsyncLocal{T}"/>) flows from
/// <c>Spawn</c> to the work, also when a waiting thread runs it inline; the waiting thread's own
/// context is restored afterwards.</description></item>
/// </list>
/// </remarks>
public sealed partial class Scope
{
    // Unfinished items plus one for the body while it runs. Zero means the scope has finished for
    // good: Spawn refuses to raise it again.
    private int _pending = 1;

    // Top of a lock-free stack of spawned items that have not been claimed yet: the scope's own queue,
    // drained by its workers and by the waiting thread. Each item is pushed exactly once and never
    // re-pushed, so the classic ABA problem cannot occur.
    private ScopedTask? _head;

    // 1 while a worker for this scope is queued to the thread pool and has not started yet (see RunWorker).
    private int _workerQueued;

    // 1 while the thread in Run sleeps waiting for the scope; the first spawner or completer that can end
    // that wait clears it and wakes the thread, the others pay nothing.
    private int _scopeWaiterSleeping;

    // Threads blocked joining an item that runs elsewhere; completers take the gate lock only when this is
    // non-zero. The gate is allocated only when some waiter actually blocks.
    private int _itemWaiters;
    private object? _gate;

    private CancellationTokenSource? _cts;

    // Cold path: faulted items in the order they failed, and failures of cancellation callbacks.
    private List<ScopedTask>? _faulted;
    private List<Exception>? _otherFailures;

    // The caller's token given to Run/RunAsync, if it can be cancelled; most scopes have none, so its state
    // lives in a separate object, which keeps the scope small.
    private readonly CallerLink? _caller;

    private Scope(CancellationToken callerToken)
    {
        if (callerToken.CanBeCanceled)
        {
            _caller = new CallerLink(callerToken);

            // Registered for the scope's whole run, not only while the body runs; removed in Finish. Runs at
            // once if the token was cancelled meanwhile.
            _caller.Registration = callerToken.UnsafeRegister(static state => ((Scope)state!).CancelByCaller(), this);
        }
    }

    private CancellationToken CallerToken => _caller?.Token ?? default;

    // The caller's token (cancels the scope for its whole run), its registration, and whether it cancelled.
    private sealed class CallerLink(CancellationToken token)
    {
        public readonly CancellationToken Token = token;
        public CancellationTokenRegistration Registration;
        public int Canceled;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and returns after the body and all the work it
    /// spawned have finished.
    /// </summary>
    /// <param name="body">Code that spawns work into the scope.</param>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the
    /// failure; holds every such exception.</exception>
    /// <exception cref="OperationCanceledException">The body ended with the scope's cancellation.</exception>
    public static void Run([StructuredWork] Action<Scope> body) => Run(body, CancellationToken.None);

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope whose token the caller's <paramref name="cancellationToken"/>
    /// cancels for the scope's whole run (not only while the body runs), and returns after the body and all the
    /// work it spawned have finished.
    /// </summary>
    /// <param name="body">Code that spawns work into the scope.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it cancels the scope.</param>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the
    /// failure; holds every such exception.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (then
    /// the body does not start, or the scope was cancelled while it ran), or the body ended with the scope's
    /// cancellation.</exception>
    public static void Run([StructuredWork] Action<Scope> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        cancellationToken.ThrowIfCancellationRequested();
        var scope = new Scope(cancellationToken);
        ExceptionDispatchInfo? bodyError = null;
        try
        {
            body(scope);
        }
        catch (Exception e)
        {
            bodyError = scope.BodyFailed(e);
        }

        scope.Finish(bodyError);
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and returns its result after the body and all the
    /// work it spawned have finished.
    /// </summary>
    /// <typeparam name="TResult">The type of the body's result.</typeparam>
    /// <param name="body">Code that spawns work into the scope and computes the result.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the
    /// failure; holds every such exception.</exception>
    /// <exception cref="OperationCanceledException">The body ended with the scope's cancellation.</exception>
    public static TResult Run<TResult>([StructuredWork] Func<Scope, TResult> body) => Run(body, CancellationToken.None);

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope whose token the caller's <paramref name="cancellationToken"/>
    /// cancels for the scope's whole run, and returns its result after the body and all the work it spawned
    /// have finished.
    /// </summary>
    /// <typeparam name="TResult">The type of the body's result.</typeparam>
    /// <param name="body">Code that spawns work into the scope and computes the result.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it cancels the scope.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the
    /// failure; holds every such exception.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (then
    /// the body does not start, or the scope was cancelled while it ran), or the body ended with the scope's
    /// cancellation.</exception>
    public static TResult Run<TResult>([StructuredWork] Func<Scope, TResult> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        cancellationToken.ThrowIfCancellationRequested();
        var scope = new Scope(cancellationToken);
        ExceptionDispatchInfo? bodyError = null;
        TResult result = default!;
        try
        {
            result = body(scope);
        }
        catch (Exception e)
        {
            bodyError = scope.BodyFailed(e);
        }

        scope.Finish(bodyError);
        return result;
    }

    /// <summary>
    /// Gets the scope's cancellation token: cancelled by <see cref="Cancel"/> and by the first failure
    /// of the body or of spawned work. Work should pass it on or poll it to stop early.
    /// </summary>
    public CancellationToken CancellationToken => Cts.Token;

    /// <summary>
    /// Cancels the scope: its <see cref="CancellationToken"/> is cancelled and spawned items that have
    /// not started yet will not run. Running work is not interrupted; <c>Run</c> still waits for it.
    /// </summary>
    public void Cancel() => CancelCore();

    /// <summary>
    /// Starts <paramref name="work"/> in the scope; it may run on another thread at once.
    /// </summary>
    /// <param name="work">The work; it may use the caller's locals, because the scope waits for it.</param>
    /// <returns>The spawned work, which may be joined.</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask Spawn([StructuredWork] Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Schedule(ScopedTask.Create(this, work));
    }

    /// <summary>
    /// Starts <paramref name="work"/> in the scope; the work gets the scope and may spawn more into it.
    /// </summary>
    /// <param name="work">The work.</param>
    /// <returns>The spawned work, which may be joined.</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask Spawn([StructuredWork] Action<Scope> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Schedule(ScopedTask.Create(this, work));
    }

    /// <summary>
    /// Starts <paramref name="work"/> in the scope; join the returned task to get its result.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work.</param>
    /// <returns>The spawned work, whose <see cref="ScopedTask{T}.Join"/> returns the result.</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask<T> Spawn<T>([StructuredWork] Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var task = ScopedTask<T>.Create(this, work);
        Schedule(task);
        return task;
    }

    /// <summary>
    /// Starts <paramref name="work"/> in the scope; the work gets the scope, may spawn more into it, and
    /// computes a result. Join the returned task to get the result.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The work.</param>
    /// <returns>The spawned work, whose <see cref="ScopedTask{T}.Join"/> returns the result.</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask<T> Spawn<T>([StructuredWork] Func<Scope, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var task = ScopedTask<T>.Create(this, work);
        Schedule(task);
        return task;
    }

    internal bool IsCancellationRequested => Volatile.Read(ref _cts)?.IsCancellationRequested == true;

    private CancellationTokenSource Cts
    {
        get
        {
            var cts = Volatile.Read(ref _cts);
            if (cts is null)
            {
                // Created on first use: most scopes never need one.
                var created = new CancellationTokenSource();
                cts = Interlocked.CompareExchange(ref _cts, created, null) ?? created;
            }

            return cts;
        }
    }

    // An exception is a cancellation when it carries this scope's cancelled token.
    internal bool IsOwnCancellation(Exception e) =>
        e is OperationCanceledException oce &&
        ((Volatile.Read(ref _cts) is { IsCancellationRequested: true } cts && oce.CancellationToken == cts.Token) ||
         (_caller is { } caller && caller.Token.IsCancellationRequested && oce.CancellationToken == caller.Token));

    private void CancelByCaller()
    {
        Volatile.Write(ref _caller!.Canceled, 1);
        CancelCore();
    }

    private void CancelCore()
    {
        try
        {
            Cts.Cancel();
        }
        catch (Exception e)
        {
            // A throwing cancellation callback is a failure like any other; it must not be lost.
            lock (Gate)
            {
                (_otherFailures ??= new List<Exception>()).Add(e);
            }
        }
    }

    private object Gate
    {
        get
        {
            var gate = Volatile.Read(ref _gate);
            if (gate is null)
            {
                var created = new object();
                gate = Interlocked.CompareExchange(ref _gate, created, null) ?? created;
            }

            return gate;
        }
    }

    private ExceptionDispatchInfo BodyFailed(Exception e)
    {
        if (!IsOwnCancellation(e))
        {
            CancelCore();
        }

        return ExceptionDispatchInfo.Capture(e);
    }

    internal void RecordFault(ScopedTask task)
    {
        lock (Gate)
        {
            (_faulted ??= new List<ScopedTask>()).Add(task);
        }

        CancelCore();
    }

    private ScopedTask Schedule(ScopedTask task)
    {
        // Count the item before anyone can see it; refuse once the count has reached zero, because
        // then Run has returned (or is returning) and would not wait for it.
        var pending = Volatile.Read(ref _pending);
        while (true)
        {
            if (pending == 0)
            {
                throw new InvalidOperationException(
                    "The scope has finished: Spawn is only allowed while Scope.Run is running (in its body or in work spawned into it).");
            }

            var seen = Interlocked.CompareExchange(ref _pending, pending + 1, pending);
            if (seen == pending)
            {
                break;
            }

            pending = seen;
        }

        Push(task);
        WakeScopeWaiter();
        EnsureWorker((IThreadPoolWorkItem)task);
        return task;
    }

    // Makes sure that a worker will come for the item just pushed: queues one unless one is already queued
    // and has not started yet (that one will find the item). So the pool gets one entry per burst of spawns,
    // not one per spawn, and any item of the scope serves as the entry, which allocates nothing.
    private void EnsureWorker(IThreadPoolWorkItem carrier)
    {
        // Read after the push, which is a full fence; RunWorker clears the flag with one before it looks at
        // the stack, so either the worker sees the item or we see the flag cleared.
        if (Volatile.Read(ref _workerQueued) == 0 && Interlocked.CompareExchange(ref _workerQueued, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(carrier, preferLocal: true);
        }
    }

    // A pool thread working for the scope: it runs queued items until none is left. As it starts it queues
    // the next worker if items are waiting, so that the scope's workers grow with the pool's idle threads
    // (like Parallel.For's replicas), and so that one item that blocks never strands the others: while
    // unclaimed items exist, a worker that has not started yet is always queued, and the pool adds threads
    // for it when all of its threads are blocked.
    internal void RunWorker(IThreadPoolWorkItem carrier)
    {
        Interlocked.Exchange(ref _workerQueued, 0);
        if (Volatile.Read(ref _head) is not null)
        {
            EnsureWorker(carrier);
        }

        RunQueuedItems();
    }

    // Runs the scope's queued items on this thread until none is left; returns whether there were any. The
    // items that finish here go back to the scope's count in one batch at the end, not one contended
    // decrement each: until then the scope counts them as unfinished, which only delays its end, and this
    // thread was still running, so the scope could not have ended before anyway.
    private bool RunQueuedItems()
    {
        var item = TryPop();
        if (item is null)
        {
            return false;
        }

        var finished = 0;
        var runner = JoinWaiter.Current;
        do
        {
            if (item.TryClaim() && item.RunClaimed(runner, countLater: true))
            {
                finished++;
            }

            item = TryPop();
        }
        while (item is not null);

        if (finished != 0)
        {
            ItemsFinished(finished);
        }

        return true;
    }

    // Called by every item exactly once, after its outcome is published (with a full fence in between):
    // wakes the threads blocked joining some item, if any.
    internal void ItemCompleted()
    {
        if (Volatile.Read(ref _itemWaiters) != 0)
        {
            PulseGate();
        }
    }

    // Takes count finished items off the scope's count, after their outcomes are published.
    internal void ItemsFinished(int count)
    {
        // Nothing here is pooled or torn down by Run: after the decrement this only reads fields of
        // this scope object, which stays alive as long as we reference it.
        if (Interlocked.Add(ref _pending, -count) != 0)
        {
            return;
        }

        WakeScopeWaiter();
        if (_async is not null)
        {
            // An asynchronous scope has no thread waiting for it: whoever finishes last completes it.
            FinishAsync();
        }
    }

    // Wakes the thread in Run if it sleeps. Called after a change that can end its wait (an item pushed,
    // the count reaching zero), with a full fence in between.
    private void WakeScopeWaiter()
    {
        if (Volatile.Read(ref _scopeWaiterSleeping) != 0 && Interlocked.Exchange(ref _scopeWaiterSleeping, 0) != 0)
        {
            PulseGate();
        }
    }

    private void PulseGate()
    {
        var gate = Gate;
        lock (gate)
        {
            Monitor.PulseAll(gate);
        }
    }

    private void Push(ScopedTask task)
    {
        var head = Volatile.Read(ref _head);
        while (true)
        {
            if (head is not null && !head.IsPending)
            {
                // Stale: already claimed (a Join ran it inline). Dropping it here keeps the stack short, so that
                // finished items are not kept alive (and promoted by the GC) until Run ends.
                var below = head.NextQueued;
                var popped = Interlocked.CompareExchange(ref _head, below, head);
                if (popped == head)
                {
                    head.NextQueued = null;
                    head = below;
                }
                else
                {
                    head = popped;
                }

                continue;
            }

            task.NextQueued = head;
            var seen = Interlocked.CompareExchange(ref _head, task, head);
            if (seen == head)
            {
                return;
            }

            head = seen;
        }
    }

    private ScopedTask? TryPop()
    {
        var head = Volatile.Read(ref _head);
        var failures = 0;
        while (head is not null)
        {
            var seen = Interlocked.CompareExchange(ref _head, head.NextQueued, head);
            if (seen == head)
            {
                head.NextQueued = null;
                return head;
            }

            // Another worker won: back off a little, longer each time, so that many workers on one stack do
            // not all keep retrying on the same cache line (the spawner's pushes need it too).
            Thread.SpinWait(1 << Math.Min(++failures, 6));
            head = Volatile.Read(ref _head);
        }

        return null;
    }

    private void Finish(ExceptionDispatchInfo? bodyError)
    {
        // The body's own count goes away only now, so no item can see the scope finished before this.
        if (Interlocked.Decrement(ref _pending) != 0)
        {
            HelpUntilAllCompleted();
        }

        var failures = TakeOutcome(bodyError, null, out var cancellation);
        if (failures is not null)
        {
            throw new AggregateException(failures);
        }

        cancellation?.Throw();
    }

    // Collects what the scope ends with once every item has finished: the failures nobody observed (the
    // body's first, then the items' in the order they failed), else the cancellation to rethrow, if any.
    private List<Exception>? TakeOutcome(ExceptionDispatchInfo? bodyError, List<Exception>? moreBodyFailures, out ExceptionDispatchInfo? cancellation)
    {
        // After this no callback of the caller's token runs any more (Dispose waits for a running one).
        _caller?.Registration.Dispose();

        // Drop stale help entries (items the pool ran) so the scope does not keep them alive.
        Volatile.Write(ref _head, null);

        List<Exception>? failures = null;
        cancellation = null;
        if (bodyError is not null)
        {
            if (IsOwnCancellation(bodyError.SourceException))
            {
                cancellation = bodyError;
            }
            else
            {
                (failures ??= new List<Exception>()).Add(bodyError.SourceException);
            }
        }

        if (moreBodyFailures is not null)
        {
            (failures ??= new List<Exception>()).AddRange(moreBodyFailures);
        }

        // All items are done, so nothing writes these lists any more.
        if (_faulted is not null)
        {
            foreach (var task in _faulted)
            {
                if (!task.IsObserved)
                {
                    (failures ??= new List<Exception>()).Add(task.Exception!);
                }
            }
        }

        if (Volatile.Read(ref _otherFailures) is not null)
        {
            // Locked: Cancel() on an escaped scope may still add to it from another thread.
            lock (Gate)
            {
                (failures ??= new List<Exception>()).AddRange(_otherFailures!);
            }
        }

        if (failures is null && cancellation is null && _caller is { } caller && Volatile.Read(ref caller.Canceled) != 0)
        {
            // Like Parallel.ForEach: a run the caller cancelled ends with the caller's cancellation, even if
            // every item that started finished.
            cancellation = ExceptionDispatchInfo.Capture(
                new OperationCanceledException("The scope was cancelled by the caller's token.", caller.Token));
        }

        return failures;
    }

    // Waits until every item has finished, running this scope's queued items meanwhile. Blocks only when
    // no item is left to claim, that is, only on work that is running on some thread. Helping is safe
    // here: no item of this scope can be suspended further down this thread's stack, because the body
    // has returned.
    private void HelpUntilAllCompleted()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            if (RunQueuedItems())
            {
                spinner = default;
            }

            if (Volatile.Read(ref _pending) == 0)
            {
                return;
            }

            if (!spinner.NextSpinWillYield)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            BlockScope();
            spinner = default;
        }
    }

    // Waits for an item that some other thread has claimed and is running.
    internal void WaitUntilCompleted(ScopedTask target)
    {
        var spinner = default(SpinWait);
        while (!target.IsCompleted)
        {
            if (spinner.NextSpinWillYield)
            {
                BlockUnlessCycle(target);
                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    // Blocks until target has finished, unless this thread itself holds it (directly, or
    // through a chain of joiners blocked on each other): then the wait could never end.
    private void BlockUnlessCycle(ScopedTask target)
    {
        var waiter = JoinWaiter.Current;
        try
        {
            if (waiter.BeginWait(target))
            {
                throw new InvalidOperationException(target.Runner == waiter
                    ? "A work item cannot join itself: it would wait for its own end forever."
                    : "This join would close a cycle of work items joining each other, which could never finish.");
            }

            BlockItem(target);
        }
        finally
        {
            waiter.EndWait();
        }
    }

    // Sleeps until the scope is done or an item is queued that this thread can help with.
    private void BlockScope()
    {
        var gate = Gate;
        lock (gate)
        {
            while (true)
            {
                // Announce the sleep before each re-check (a full fence): spawners and completers change the
                // state before they read the flag, so one of the two always sees the other. Re-armed on every
                // round because a waker clears it.
                Interlocked.Exchange(ref _scopeWaiterSleeping, 1);
                if (Volatile.Read(ref _pending) == 0 || Volatile.Read(ref _head) is not null)
                {
                    break;
                }

                Monitor.Wait(gate);
            }
        }

        Volatile.Write(ref _scopeWaiterSleeping, 0);
    }

    // Sleeps until target, which runs on another thread, has finished.
    private void BlockItem(ScopedTask target)
    {
        var gate = Gate;

        // Announce the waiter before re-checking; completers publish the state before reading _itemWaiters
        // (both sides use full fences), so one of the two always sees the other.
        Interlocked.Increment(ref _itemWaiters);
        try
        {
            lock (gate)
            {
                while (!target.IsCompleted)
                {
                    Monitor.Wait(gate);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _itemWaiters);
        }
    }
}
