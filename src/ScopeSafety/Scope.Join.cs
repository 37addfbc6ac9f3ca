using System.Runtime.ExceptionServices;

namespace ScopeSafety;

public sealed partial class Scope
{
    /// <summary>
    /// Runs <paramref name="left"/> and <paramref name="right"/>, possibly in parallel, and returns when
    /// both have finished (rayon's <c>join</c>). <paramref name="left"/> runs on the calling thread;
    /// <paramref name="right"/> may be offered to idle pool threads and, if none took it, runs on the
    /// calling thread too, without allocating.
    /// </summary>
    /// <param name="left">Work run on the calling thread.</param>
    /// <param name="right">Work that another thread may take.</param>
    /// <remarks>
    /// <para>
    /// The right side is offered to other threads only when that can help: when the calling thread has no
    /// offered right side of an enclosing join that is still waiting for a taker. Otherwise the thread
    /// already has work on offer for idle threads, so this join runs <paramref name="left"/> then
    /// <paramref name="right"/> itself, at about the cost of two calls. Once the enclosing right side is
    /// taken, the next join on this thread offers its own. So each thread keeps at most one untaken offer,
    /// which keeps idle threads fed while deep recursive joins stay cheap.
    /// </para>
    /// <para>
    /// Both sides always run. If one side throws, its exception is rethrown as is (original stack trace);
    /// if both throw, an <see cref="AggregateException"/> holds the two, left first.
    /// <paramref name="right"/> runs in the <see cref="ExecutionContext"/> captured on entry, so it sees the
    /// same <see cref="AsyncLocal{T}"/> values whichever thread runs it, and its own changes to them do not
    /// reach the caller; <paramref name="left"/> is a plain call.
    /// </para>
    /// </remarks>
    public static void Join([StructuredWork] Action left, [StructuredWork] Action right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var outer = JoinFrame.Offered;
        if (outer is not null && outer.IsUntaken)
        {
            JoinInline(left, right);
            return;
        }

        var frames = JoinFrames<ActionFrame>.Enter(out var frame);
        try
        {
            frame.Right = right;
            frame.Publish();
            JoinFrame.Offered = frame;
            Exception? leftError = null;
            try
            {
                left();
            }
            catch (Exception e)
            {
                leftError = e;
            }

            // This join's offer is over: if the right side runs here, the enclosing offer governs its joins.
            JoinFrame.Offered = outer;
            var rightError = frame.Finish();
            frame.Right = null;
            ThrowJoinErrors(leftError, rightError);
        }
        finally
        {
            JoinFrame.Offered = outer;
            JoinFrames<ActionFrame>.Exit(frames);
        }
    }

    /// <summary>
    /// Computes <paramref name="left"/> and <paramref name="right"/>, possibly in parallel, and returns both
    /// results (rayon's <c>join</c>). See <see cref="Join(Action, Action)"/> for when the right side is
    /// offered to other threads, and for exceptions and context.
    /// </summary>
    /// <typeparam name="T1">The type of the left result.</typeparam>
    /// <typeparam name="T2">The type of the right result.</typeparam>
    /// <param name="left">Work run on the calling thread.</param>
    /// <param name="right">Work that another thread may take.</param>
    /// <returns>Both results.</returns>
    public static (T1 Left, T2 Right) Join<T1, T2>([StructuredWork] Func<T1> left, [StructuredWork] Func<T2> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var outer = JoinFrame.Offered;
        if (outer is not null && outer.IsUntaken)
        {
            return JoinInline(left, right);
        }

        var frames = JoinFrames<FuncFrame<T2>>.Enter(out var frame);
        try
        {
            frame.Right = right;
            frame.Publish();
            JoinFrame.Offered = frame;
            T1 leftResult = default!;
            Exception? leftError = null;
            try
            {
                leftResult = left();
            }
            catch (Exception e)
            {
                leftError = e;
            }

            JoinFrame.Offered = outer;
            var rightError = frame.Finish();
            var rightResult = frame.TakeResult();
            ThrowJoinErrors(leftError, rightError);
            return (leftResult, rightResult);
        }
        finally
        {
            JoinFrame.Offered = outer;
            JoinFrames<FuncFrame<T2>>.Exit(frames);
        }
    }

    // Both sides on this thread, with no queueing and no interlocked operation.
    private static void JoinInline(Action left, Action right)
    {
        var entry = ExecutionContext.Capture();
        Exception? leftError = null;
        try
        {
            left();
        }
        catch (Exception e)
        {
            leftError = e;
        }

        var afterLeft = EnterRightContext(entry);
        Exception? rightError = null;
        try
        {
            right();
        }
        catch (Exception e)
        {
            rightError = e;
        }

        LeaveRightContext(entry, afterLeft);
        ThrowJoinErrors(leftError, rightError);
    }

    // Both sides on this thread, with no queueing and no interlocked operation.
    private static (T1 Left, T2 Right) JoinInline<T1, T2>(Func<T1> left, Func<T2> right)
    {
        var entry = ExecutionContext.Capture();
        T1 leftResult = default!;
        Exception? leftError = null;
        try
        {
            leftResult = left();
        }
        catch (Exception e)
        {
            leftError = e;
        }

        var afterLeft = EnterRightContext(entry);
        T2 rightResult = default!;
        Exception? rightError = null;
        try
        {
            rightResult = right();
        }
        catch (Exception e)
        {
            rightError = e;
        }

        LeaveRightContext(entry, afterLeft);
        ThrowJoinErrors(leftError, rightError);
        return (leftResult, rightResult);
    }

    // An inline right side must see what an offered one sees: the context captured on entry, not values
    // the left side set. Contexts are immutable, so comparing references is enough, and nothing happens
    // in the usual case where the left side changed nothing.
    // Returns the context to go back to after the right side.
    private static ExecutionContext? EnterRightContext(ExecutionContext? entry)
    {
        var afterLeft = ExecutionContext.Capture();
        if (entry is not null && afterLeft is not null && !ReferenceEquals(entry, afterLeft))
        {
            ExecutionContext.Restore(entry);
        }

        return afterLeft;
    }

    // Undoes the right side's context changes, as ExecutionContext.Run would.
    private static void LeaveRightContext(ExecutionContext? entry, ExecutionContext? afterLeft)
    {
        // Without a captured context (flow suppressed) the right side ran in the current one, as offered work
        // does, and there is nothing to undo.
        if (entry is not null && afterLeft is not null && !ReferenceEquals(ExecutionContext.Capture(), afterLeft))
        {
            ExecutionContext.Restore(afterLeft);
        }
    }

    private static void ThrowJoinErrors(Exception? left, Exception? right)
    {
        if (left is not null && right is not null)
        {
            throw new AggregateException(left, right);
        }

        var single = left ?? right;
        if (single is not null)
        {
            ExceptionDispatchInfo.Throw(single);
        }
    }

    // A per-thread stack of reusable join frames, indexed by the nesting depth of offered joins, so that a
    // join that nobody stole allocates nothing once the thread has warmed up.
    private static class JoinFrames<TFrame>
        where TFrame : JoinFrame, new()
    {
        [ThreadStatic]
        private static TFrame[]? t_frames;

        [ThreadStatic]
        private static int t_depth;

        public static int Enter(out TFrame frame)
        {
            var frames = t_frames ??= new TFrame[4];
            var depth = t_depth;
            if (depth == frames.Length)
            {
                Array.Resize(ref frames, depth * 2);
                t_frames = frames;
            }

            frame = frames[depth] ??= new TFrame();
            t_depth = depth + 1;
            return depth;
        }

        public static void Exit(int depth) => t_depth = depth;
    }

    // The right-hand side of one join, published to the thread pool. The frame is reused for later joins
    // at the same depth, so the pool's queue may hold stale entries for it: a stale entry that finds the
    // frame pending simply steals the current job (which is equivalent to a fresh steal), and one that
    // finds it idle does nothing. Pending -> Stolen (thief) and Pending -> Idle (owner, inline) are the
    // only claims, by compare-exchange, so the right side runs exactly once.
    private abstract class JoinFrame : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int PendingState = 1;
        private const int Stolen = 2;
        private const int Done = 3;

        private static readonly ContextCallback s_runRight = static state => ((JoinFrame)state!).InvokeRight();

        [ThreadStatic]
        private static JoinFrame? t_offered;

        private int _state;
        private ExecutionContext? _context;
        private Exception? _error;

        // The innermost join on this thread whose right side was offered to other threads and whose left
        // side is still running, if any.
        public static JoinFrame? Offered
        {
            get => t_offered;
            set => t_offered = value;
        }

        // Whether the offered right side still waits for a taker. Read by the owner only.
        public bool IsUntaken => Volatile.Read(ref _state) == PendingState;

        protected abstract void InvokeRight();

        public void Publish()
        {
            _context = ExecutionContext.Capture();
            _error = null;
            Volatile.Write(ref _state, PendingState);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        // Runs the right side inline unless it was stolen, else waits for the thief.
        // Returns the right side's exception, if any.
        public Exception? Finish()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, PendingState) == PendingState)
            {
                RunRight();
            }
            else
            {
                WaitForThief();
                Volatile.Write(ref _state, Idle);
            }

            _context = null;
            var error = _error;
            _error = null;
            return error;
        }

        void IThreadPoolWorkItem.Execute()
        {
            if (Volatile.Read(ref _state) != PendingState ||
                Interlocked.CompareExchange(ref _state, Stolen, PendingState) != PendingState)
            {
                return;
            }

            // The thief starts afresh: whatever this thread had on offer is not an enclosing join of this work.
            var offered = t_offered;
            t_offered = null;
            RunRight();
            t_offered = offered;

            // Done is set under the lock: the owner may reuse this frame as soon as it sees Done, and the
            // only thing we touch afterwards is this monitor, where a pulse is harmless to any later
            // waiter because waiters re-check their condition.
            lock (this)
            {
                Volatile.Write(ref _state, Done);
                Monitor.PulseAll(this);
            }
        }

        private void RunRight()
        {
            try
            {
                var context = _context;
                if (context is null)
                {
                    InvokeRight();
                }
                else
                {
                    ExecutionContext.Run(context, s_runRight, this);
                }
            }
            catch (Exception e)
            {
                _error = e;
            }
        }

        private void WaitForThief()
        {
            // The thief is running the right side right now, so blocking here waits only on running work.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _state) != Done)
            {
                if (spinner.NextSpinWillYield)
                {
                    lock (this)
                    {
                        while (Volatile.Read(ref _state) != Done)
                        {
                            Monitor.Wait(this);
                        }
                    }

                    return;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    private sealed class ActionFrame : JoinFrame
    {
        public Action? Right;

        protected override void InvokeRight() => Right!();
    }

    private sealed class FuncFrame<T> : JoinFrame
    {
        public Func<T>? Right;
        private T _result = default!;

        public T TakeResult()
        {
            var result = _result;
            _result = default!;
            Right = null;
            return result;
        }

        protected override void InvokeRight() => _result = Right!();
    }
}
