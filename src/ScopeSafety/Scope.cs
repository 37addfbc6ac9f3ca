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
    private CancellationTokenSource? _cts;

    // Cold path: faulted items in the order they failed, and failures of cancellation callbacks.
    // Each a ScopedTask, or the exception of a Go that had no item.
    private List<object>? _faulted;
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
        scope.BeginBody();
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
        scope.BeginBody();
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
    /// Starts <paramref name="work"/> in the scope without a handle, like rayon's <c>scope.spawn</c> or Go's
    /// <c>errgroup.Go</c>: nobody can join it, so it costs less than <see cref="Spawn(Action)"/>. The scope
    /// still waits for it, and <see cref="Run(Action{Scope})"/> reports its failure.
    /// </summary>
    /// <param name="work">The work; it may use the caller's locals, because the scope waits for it.</param>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public void Go([StructuredWork] Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ScheduleHandleFree(work);
    }

    /// <summary>
    /// Starts <paramref name="work"/> in the scope without a handle; the work gets the scope and may spawn more
    /// into it. See <see cref="Go(Action)"/>.
    /// </summary>
    /// <param name="work">The work.</param>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public void Go([StructuredWork] Action<Scope> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ScheduleHandleFree(work);
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

    // Created on first use: most scopes never need one.
    private CancellationTokenSource Cts => LazyInitializer.EnsureInitialized(ref _cts, static () => new CancellationTokenSource());

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

    private ExceptionDispatchInfo BodyFailed(Exception e)
    {
        if (!IsOwnCancellation(e))
        {
            CancelCore();
        }

        return ExceptionDispatchInfo.Capture(e);
    }

    // A failed item, or the exception of a Go that had no item; kept in the order they failed.
    internal void RecordFault(object taskOrException)
    {
        lock (Gate)
        {
            (_faulted ??= new List<object>()).Add(taskOrException);
        }

        CancelCore();
    }

    private void Finish(ExceptionDispatchInfo? bodyError)
    {
        // The body's own count (and the counts it reserved for its spawns) goes away only now, so no item can see
        // the scope finished before this.
        if (EndBody() != 0)
        {
            HelpUntilAllCompleted();
        }

        _owner?.Deque?.ClearTaken();

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
        Volatile.Write(ref _words, null);

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
            foreach (var fault in _faulted)
            {
                if (fault is Exception exception)
                {
                    (failures ??= new List<Exception>()).Add(exception);
                }
                else if (fault is ScopedTask { IsObserved: false } task)
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
}
