using System.Runtime.ExceptionServices;

namespace ScopeSafety;

public sealed partial class Scope
{
    // Set for scopes started by RunAsync: completes the returned task once the body and every item are done.
    private AsyncRun? _async;

    /// <summary>
    /// Runs the asynchronous <paramref name="body"/> with a new scope. The returned task completes after the
    /// body and all the work it spawned (also asynchronous work, past all its awaits) have finished; no thread
    /// is blocked meanwhile.
    /// </summary>
    /// <param name="body">Asynchronous code that spawns work into the scope (<see cref="SpawnAsync(Func{Task})"/>,
    /// or <see cref="Spawn(Action)"/> for synchronous work) and may <c>await</c> it.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it cancels the scope for its whole run.</param>
    /// <returns>
    /// A task that completes when the scope has finished. It faults with every failure nobody observed, all of
    /// them in <see cref="Task.Exception"/> (so <c>await</c> throws the first, like <see cref="Task.WhenAll(Task[])"/>);
    /// it is cancelled when <paramref name="cancellationToken"/> cancelled the scope, or when the body ended with
    /// the scope's cancellation.
    /// </returns>
    /// <example>
    /// <code>
    /// await Scope.RunAsync(async scope =>
    /// {
    ///     foreach (var url in urls)
    ///     {
    ///         scope.SpawnAsync(async token => pages[url] = await http.GetStringAsync(url, token));
    ///     }
    /// }, cancellationToken);
    /// </code>
    /// </example>
    public static Task RunAsync([StructuredWork] Func<Scope, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var run = new AsyncRun<object?>();
        StartAsync(run, body, cancellationToken);
        return run.Task;
    }

    /// <summary>
    /// Runs the asynchronous <paramref name="body"/> with a new scope and gives its result once the body and all
    /// the work it spawned have finished; no thread is blocked meanwhile.
    /// </summary>
    /// <typeparam name="TResult">The type of the body's result.</typeparam>
    /// <param name="body">Asynchronous code that spawns work into the scope and computes the result.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it cancels the scope for its whole run.</param>
    /// <returns>
    /// A task with the body's result, completed when the scope has finished. It faults with every failure nobody
    /// observed, and is cancelled when <paramref name="cancellationToken"/> cancelled the scope, or when the body
    /// ended with the scope's cancellation.
    /// </returns>
    public static Task<TResult> RunAsync<TResult>([StructuredWork] Func<Scope, Task<TResult>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        var run = new AsyncRun<TResult>();
        StartAsync(run, body, cancellationToken);
        return run.Task;
    }

    /// <summary>
    /// Starts asynchronous <paramref name="work"/> in the scope; the scope waits for the task it returns, past
    /// all its awaits. Use it inside <see cref="RunAsync(Func{Scope, Task}, CancellationToken)"/>.
    /// </summary>
    /// <param name="work">The asynchronous work; it may use the caller's locals, because the scope waits for it.</param>
    /// <returns>The spawned work, which may be awaited (or joined).</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask SpawnAsync([StructuredWork] Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Schedule(ScopedTask.CreateAsync(this, work));
    }

    /// <summary>
    /// Starts asynchronous <paramref name="work"/> in the scope and hands it the scope's
    /// <see cref="CancellationToken"/>, which the first failure, <see cref="Cancel"/> and the caller's token cancel.
    /// </summary>
    /// <param name="work">The asynchronous work; it gets the scope's token.</param>
    /// <returns>The spawned work, which may be awaited (or joined).</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask SpawnAsync([StructuredWork] Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Schedule(ScopedTask.CreateAsync(this, work));
    }

    /// <summary>
    /// Starts asynchronous <paramref name="work"/> that computes a result; <c>await</c> the returned task to get it.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The asynchronous work.</param>
    /// <returns>The spawned work; <c>await</c> gives its result or its exception.</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask<T> SpawnAsync<T>([StructuredWork] Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var task = ScopedTask<T>.CreateAsync(this, work);
        Schedule(task);
        return task;
    }

    /// <summary>
    /// Starts asynchronous <paramref name="work"/> that computes a result and hands it the scope's
    /// <see cref="CancellationToken"/>.
    /// </summary>
    /// <typeparam name="T">The type of the result.</typeparam>
    /// <param name="work">The asynchronous work; it gets the scope's token.</param>
    /// <returns>The spawned work; <c>await</c> gives its result or its exception.</returns>
    /// <exception cref="InvalidOperationException">The scope has already finished.</exception>
    public ScopedTask<T> SpawnAsync<T>([StructuredWork] Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var task = ScopedTask<T>.CreateAsync(this, work);
        Schedule(task);
        return task;
    }

    private static void StartAsync(AsyncRun run, Delegate body, CancellationToken cancellationToken)
    {
        var scope = new Scope(cancellationToken);
        scope._async = run;
        Task? bodyTask;
        try
        {
            // The body runs on the caller's thread up to its first await, like any async method.
            bodyTask = body is Func<Scope, Task> plain ? plain(scope) : run.InvokeBody(body, scope);
            if (bodyTask is null)
            {
                throw new InvalidOperationException("The body of Scope.RunAsync returned null instead of a task.");
            }
        }
        catch (Exception e)
        {
            scope.BodyFinished(scope.BodyFailed(e), null);
            return;
        }

        if (bodyTask.IsCompleted)
        {
            scope.OnBodyTaskCompleted(bodyTask);
        }
        else
        {
            bodyTask.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => scope.OnBodyTaskCompleted(bodyTask));
        }
    }

    private void OnBodyTaskCompleted(Task bodyTask)
    {
        if (bodyTask.IsCompletedSuccessfully)
        {
            _async!.TakeResult(bodyTask);
            BodyFinished(null, null);
            return;
        }

        if (bodyTask.IsFaulted && bodyTask.Exception!.InnerExceptions.Count > 1)
        {
            // Several failures at once (Task.WhenAll in the body): each one is reported, none is lost.
            CancelCore();
            BodyFinished(null, new List<Exception>(bodyTask.Exception.InnerExceptions));
            return;
        }

        try
        {
            // Rethrows the original exception object (also an OperationCanceledException with its token).
            bodyTask.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            BodyFinished(BodyFailed(e), null);
            return;
        }

        BodyFinished(null, null);
    }

    private void BodyFinished(ExceptionDispatchInfo? error, List<Exception>? failures)
    {
        _async!.BodyError = error;
        _async.BodyFailures = failures;

        // The body's own count; the interlocked decrement publishes the fields above to whoever finishes last.
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            FinishAsync();
        }
    }

    // Called exactly once, by whoever brought the count to zero: everything has finished.
    private void FinishAsync()
    {
        var run = _async!;
        var failures = TakeOutcome(run.BodyError, run.BodyFailures, out var cancellation);
        if (failures is not null)
        {
            run.Fail(failures);
        }
        else if (cancellation is not null)
        {
            run.Cancel(cancellation.SourceException is OperationCanceledException oce ? oce.CancellationToken : CallerToken);
        }
        else
        {
            run.Succeed();
        }
    }

    // The completion side of one RunAsync.
    private abstract class AsyncRun
    {
        // How the body ended, for whoever finishes the scope last.
        public ExceptionDispatchInfo? BodyError;
        public List<Exception>? BodyFailures;

        public abstract Task? InvokeBody(Delegate body, Scope scope);

        public abstract void TakeResult(Task bodyTask);

        public abstract void Fail(List<Exception> failures);

        public abstract void Cancel(CancellationToken token);

        public abstract void Succeed();
    }

    private sealed class AsyncRun<TResult> : AsyncRun
    {
        // The scope ends on whichever thread finishes last, maybe inside a waiter's Join or a helping loop;
        // the caller's continuation must not run there.
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TResult _result = default!;

        public Task<TResult> Task => _completion.Task;

        public override Task? InvokeBody(Delegate body, Scope scope) => ((Func<Scope, Task<TResult>>)body)(scope);

        public override void TakeResult(Task bodyTask)
        {
            if (bodyTask is Task<TResult> withResult)
            {
                _result = withResult.Result;
            }
        }

        public override void Fail(List<Exception> failures) => _completion.TrySetException(failures);

        public override void Cancel(CancellationToken token) => _completion.TrySetCanceled(token);

        public override void Succeed() => _completion.TrySetResult(_result);
    }
}
