using System.Runtime.ExceptionServices;

namespace ScopeSafety;

public sealed partial class Scope
{
    /// <summary>
    /// Runs <paramref name="left"/> and <paramref name="right"/>, possibly in parallel, and returns when
    /// both have finished (rayon's <c>join</c>). <paramref name="left"/> runs on the calling thread;
    /// <paramref name="right"/> is offered to idle pool threads and, if none took it, runs on the calling
    /// thread too, without allocating.
    /// </summary>
    /// <param name="left">Work run on the calling thread.</param>
    /// <param name="right">Work that another thread may take.</param>
    /// <remarks>
    /// Both sides always run. If one side throws, its exception is rethrown as is (original stack trace);
    /// if both throw, an <see cref="AggregateException"/> holds the two, left first.
    /// <paramref name="right"/> runs in the <see cref="ExecutionContext"/> captured on entry, so it sees the
    /// same <see cref="AsyncLocal{T}"/> values whichever thread runs it; <paramref name="left"/> is a plain call.
    /// </remarks>
    public static void Join([StructuredWork] Action left, [StructuredWork] Action right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var frames = JoinFrames<ActionFrame>.Enter(out var frame);
        try
        {
            frame.Right = right;
            frame.Publish();
            Exception? leftError = null;
            try
            {
                left();
            }
            catch (Exception e)
            {
                leftError = e;
            }

            var rightError = frame.Finish();
            frame.Right = null;
            ThrowJoinErrors(leftError, rightError);
        }
        finally
        {
            JoinFrames<ActionFrame>.Exit(frames);
        }
    }

    /// <summary>
    /// Computes <paramref name="left"/> and <paramref name="right"/>, possibly in parallel, and returns both
    /// results (rayon's <c>join</c>). See <see cref="Join(Action, Action)"/> for threads and exceptions.
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
        var frames = JoinFrames<FuncFrame<T2>>.Enter(out var frame);
        try
        {
            frame.Right = right;
            frame.Publish();
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

            var rightError = frame.Finish();
            var rightResult = frame.TakeResult();
            ThrowJoinErrors(leftError, rightError);
            return (leftResult, rightResult);
        }
        finally
        {
            JoinFrames<FuncFrame<T2>>.Exit(frames);
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

    /// <summary>
    /// A per-thread stack of reusable join frames, indexed by nesting depth, so that a join that nobody
    /// stole allocates nothing once the thread has warmed up.
    /// </summary>
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

    /// <summary>
    /// The right-hand side of one join, published to the thread pool. The frame is reused for later joins
    /// at the same depth, so the pool's queue may hold stale entries for it: a stale entry that finds the
    /// frame pending simply steals the current job (which is equivalent to a fresh steal), and one that
    /// finds it idle does nothing. Pending -> Stolen (thief) and Pending -> Idle (owner, inline) are the
    /// only claims, by compare-exchange, so the right side runs exactly once.
    /// </summary>
    private abstract class JoinFrame : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int PendingState = 1;
        private const int Stolen = 2;
        private const int Done = 3;

        private static readonly ContextCallback s_runRight = static state => ((JoinFrame)state!).InvokeRight();

        private int _state;
        private ExecutionContext? _context;
        private Exception? _error;

        protected abstract void InvokeRight();

        public void Publish()
        {
            _context = ExecutionContext.Capture();
            _error = null;
            Volatile.Write(ref _state, PendingState);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        /// <summary>Runs the right side inline unless it was stolen, else waits for the thief.</summary>
        /// <returns>The right side's exception, if any.</returns>
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

            RunRight();

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
