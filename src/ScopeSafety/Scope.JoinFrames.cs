using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ScopeSafety;

public sealed partial class Scope
{
    // Whether this thread's joins read its contexts directly (ThreadContexts) rather than through the public API.
    internal static bool ReadsContextsThroughThread() => JoinStack.Current.ReadsContexts;

    // The joins running on one thread, oldest first, and the one right side this thread has on offer.
    //
    // Lazy splitting with the oldest job first (after rayon's work stealing and heartbeat scheduling): a join
    // does not publish its right side by default, it only pushes it here. A thread keeps exactly one right
    // side on offer to the pool while it has any pending; when a thief takes it, the next join publishes the
    // oldest right side still pending on this thread. The oldest is the largest piece of work left (in a
    // recursive split it is the top-most half), so a thief gets as much work as possible per steal, and a
    // join that nobody needs to split costs a push and a pop, with no interlocked operation.
    private sealed class JoinStack
    {
        [ThreadStatic]
        private static JoinStack? t_current;

        // Entries above _depth are stale and never read; they are not cleared, because the frames are this
        // thread's own reusable ones and clearing would cost a write barrier per join.
        private FrameSlot[] _frames = new FrameSlot[16];
        private int _depth;

        // Reusable frames, one per nesting depth of joins of each kind, so that a join nobody stole
        // allocates nothing once the thread has warmed up. Kept here so that a join costs one thread-static
        // access: FuncFrames<T> pools sit in _funcFrames at FuncFrames<T>.Index.
        private ActionFrame?[] _actionFrames = new ActionFrame?[8];
        private int _actionDepth;
        private object?[] _funcFrames = new object?[4];

        // Frames below this index are not Local (they were published, or are finishing), so the search for
        // the oldest pending right side starts here.
        private int _scanFrom;

        // This thread's published frame that may still be waiting for a taker, if any.
        private JoinFrame? _offered;

        // After an offer came back untaken within QuietTicks of being made, this thread publishes nothing until
        // this timestamp: publishing wakes a pool thread, which costs far more than a short join, so
        // back-to-back short joins then cost about a call each. Zero when not quiet; running a stolen right
        // side ends it (a thread was idle enough to steal).
        private long _quietUntil;

        // Joins left before the clock is read again, and how many joins apart the reads are. Reading the clock
        // costs more than a short join, so the stride doubles (up to MaxQuietStride) while the joins between two
        // reads took under a microsecond, and drops back to one when they took over four: the reads stay one to
        // a few microseconds apart, and when the joins suddenly get long, at most one stride of them passes
        // before the clock is read again.
        private int _quietChecks;
        private int _quietStride = 1;
        private long _quietReadAt;

        // The stolen frame whose right side this thread is running (the innermost one), or null: frames this
        // thread publishes meanwhile are pieces of that right side, which its owner may run while it waits.
        private JoinFrame? _root;

        // The thread this stack belongs to, for reading its contexts without a thread-static access; null where
        // they are read through the public ExecutionContext API instead (see ThreadContexts).
        private readonly Thread? _thread = ThreadContexts.ReadableThread();

        public bool ReadsContexts => _thread is not null;

        public static JoinStack Current
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => t_current ?? CreateCurrent();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static JoinStack CreateCurrent() => t_current = new JoinStack();

        // Takes this depth's reusable frame for Join(Action, Action); give it back with ReturnActionFrame.
        public ActionFrame RentActionFrame() => RentFrame(ref _actionFrames, ref _actionDepth);

        public void ReturnActionFrame() => _actionDepth--;

        // The reusable frames for Join<T1, T>.
        public FuncFrames<T> FuncFramesOf<T>()
        {
            var index = FuncFrames<T>.Index;
            if (index >= _funcFrames.Length)
            {
                Array.Resize(ref _funcFrames, Math.Max(index + 1, _funcFrames.Length * 2));
            }

            return (FuncFrames<T>)(_funcFrames[index] ??= new FuncFrames<T>());
        }

        // Pushes a join's frame (its right side already set) and makes sure this thread has work on offer.
        public int Push(JoinFrame frame)
        {
            var slot = _depth;
            if (slot == _frames.Length)
            {
                Array.Resize(ref _frames, slot * 2);
            }

            frame.BeginLocal(_thread);

            // The same frame usually sits at the same depth join after join: skipping the store when it is
            // already there saves a GC write barrier per join.
            ref var entry = ref _frames[slot].Frame;
            if (!ReferenceEquals(entry, frame))
            {
                entry = frame;
            }

            _depth = slot + 1;
            if ((_offered is null || !_offered.IsUntaken) && !IsQuiet())
            {
                OfferOldest();
            }

            return slot;
        }

        // Runs the right side of the join in slot unless a thief took it, else waits for the thief; then
        // pops the frame. Returns the right side's exception, if any.
        public Exception? Finish(JoinFrame frame, int slot)
        {
            try
            {
                var error = frame.Finish(_thread, out var untaken);
                if (untaken)
                {
                    // Nobody took the offer before this thread got back to it. If that was soon after it was
                    // made, offering was not worth waking a pool thread: the joins here are too short for the
                    // moment. A taken offer never quiets the thread, whatever its size: some thread was hungry,
                    // and the next offer is the oldest, largest piece of work pending here.
                    var now = Stopwatch.GetTimestamp();
                    if (now - frame.PublishedAt < QuietTicks)
                    {
                        _quietUntil = now + QuietTicks;
                        _quietReadAt = now;
                        _quietChecks = _quietStride;
                    }
                }

                if (ReferenceEquals(_offered, frame))
                {
                    Volatile.Write(ref _offered, null);
                }

                return error;
            }
            finally
            {
                _depth = slot;
                if (_scanFrom > slot)
                {
                    _scanFrom = slot;
                }
            }
        }

        private static readonly long QuietTicks = Stopwatch.Frequency / 40_000; // 25 µs
        private static readonly long MicrosecondTicks = Math.Max(1, Stopwatch.Frequency / 1_000_000);
        private const int MaxQuietStride = 64;

        // Whether this thread is in a quiet period; the clock is read only every _quietStride joins.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool IsQuiet() => _quietUntil != 0 && (--_quietChecks > 0 || IsQuietByClock());

        private bool IsQuietByClock()
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = now - _quietReadAt;
            if (elapsed < MicrosecondTicks)
            {
                _quietStride = Math.Min(_quietStride * 2, MaxQuietStride);
            }
            else if (elapsed > 4 * MicrosecondTicks)
            {
                _quietStride = 1;
            }

            _quietReadAt = now;
            _quietChecks = _quietStride;
            if (now < _quietUntil)
            {
                return true;
            }

            _quietUntil = 0;
            return false;
        }

        // Publishes the oldest right side still pending on this thread, if any.
        private void OfferOldest()
        {
            for (var i = _scanFrom; i < _depth; i++)
            {
                var candidate = _frames[i].Frame!;
                if (candidate.IsLocal)
                {
                    _scanFrom = i + 1;
                    Volatile.Write(ref _offered, candidate);
                    candidate.Publish(_root, _thread);
                    return;
                }
            }

            _scanFrom = _depth;
            Volatile.Write(ref _offered, null);
        }

        // While this thread waits for the thief of its right side, it runs pieces of that right side which the
        // thief offers (leapfrogging, as in Cilk and TBB), instead of leaving its core idle. Only such pieces:
        // they are work that would have run on this thread anyway had nobody stolen the right side, so this
        // never runs unrelated work inside the caller's locks or below its stack. And only a thread that runs
        // no scoped item does so, as a waiter of a scope never runs an item that could join one further down.
        // Returns whether it ran something.
        public bool TryHelp(JoinFrame stolen)
        {
            if (_depth >= MaxHelpDepth || JoinWaiter.Current.Running is not null || stolen.Thief is not { } thief)
            {
                return false;
            }

            if (Volatile.Read(ref thief._offered) is { } piece && piece.TryStealPieceOf(stolen))
            {
                piece.RunStolen();
                return true;
            }

            return false;
        }

        // Helping nests a stolen join on top of the waiting one; past this depth the thread only waits.
        private const int MaxHelpDepth = 256;

        // A thief runs a stolen right side as if it had nothing else on this thread: what this thread had on
        // offer, and the frames below, belong to the work it interrupted, if any.
        public (JoinFrame? Offered, int ScanFrom, JoinFrame? Root) EnterStolen(JoinFrame stolen)
        {
            var saved = (_offered, _scanFrom, _root);
            Volatile.Write(ref _offered, null);
            _scanFrom = _depth;
            _root = stolen;
            _quietUntil = 0;
            return saved;
        }

        public void LeaveStolen((JoinFrame? Offered, int ScanFrom, JoinFrame? Root) saved)
        {
            Volatile.Write(ref _offered, saved.Offered);
            _scanFrom = saved.ScanFrom;
            _root = saved.Root;
        }
    }

    // The right-hand side of one join. Local: only the owner knows it (a plain field write claims it back).
    // Published: queued to the thread pool; the owner (reclaim, run inline) and a thief (steal) race for it
    // by compare-exchange, so the right side runs exactly once. The frame is reused for later joins, so the
    // pool's queue may hold stale entries for it: a stale entry that finds the frame published simply steals
    // the current job (which is equivalent to a fresh steal), and one that finds it in any other state does
    // nothing. The state's low bits are the phase, the others count publications, so that a helper that
    // looked at one publication cannot steal a later one (see TryStealPieceOf).
    private abstract class JoinFrame : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int Local = 1;
        private const int Published = 2;
        private const int Stolen = 3;
        private const int Done = 4;
        private const int PhaseMask = 7;
        private const int OnePublication = 8;

        private static readonly ContextCallback s_runRight = static state => ((JoinFrame)state!).InvokeRight();

        private int _state;

        // The context the right side runs in when a thief runs it: what ExecutionContext.Capture returned on
        // entry. Set when the frame is published, or on entry where the owner's contexts are read through the
        // public API (no owner thread is given then).
        private ExecutionContext? _context;

        // The owner's execution context on entry, as the thread stores it (ThreadContexts): the owner runs an
        // unstolen right side in it.
        private ExecutionContext? _entry;

        private Exception? _error;

        // The stolen frame whose right side was running on the publishing thread when this was published.
        private JoinFrame? _root;

        // The thread running this frame's right side after a steal, for its owner to help.
        private JoinStack? _thief;

        // Read by the owner only: only the owner moves a frame out of Local.
        public bool IsLocal => (_state & PhaseMask) == Local;

        // Whether the published right side still waits for a taker. Read by the owner only.
        public bool IsUntaken => (Volatile.Read(ref _state) & PhaseMask) == Published;

        public JoinStack? Thief => Volatile.Read(ref _thief);

        protected abstract void InvokeRight();

        public void BeginLocal(Thread? owner)
        {
            if (owner is not null)
            {
                // Usually the default context, stored as null, and Finish left null here: skip the write barrier.
                var entry = ThreadContexts.ExecutionContextOf(owner);
                if (!ReferenceEquals(_entry, entry))
                {
                    _entry = entry;
                }
            }
            else
            {
                _context = ExecutionContext.Capture();
            }

            _error = null;
            _state = (_state & ~PhaseMask) | Local;
        }

        // When the frame was last published; read by the owner only.
        public long PublishedAt { get; private set; }

        public void Publish(JoinFrame? root, Thread? owner)
        {
            PublishedAt = Stopwatch.GetTimestamp();
            _root = root;
            if (owner is not null)
            {
                _context = ThreadContexts.CaptureOf(_entry);
            }

            Volatile.Write(ref _state, unchecked((_state & ~PhaseMask) + OnePublication) | Published);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        // Runs the right side inline unless it was stolen, else waits for the thief.
        // Returns the right side's exception, if any.
        // untaken: the right side was offered and nobody took it.
        public Exception? Finish(Thread? owner, out bool untaken)
        {
            untaken = false;

            // Only the owner changes the publication count, so it is stable here.
            var publication = _state & ~PhaseMask;
            if ((_state & PhaseMask) == Local)
            {
                _state = publication | Idle;
                RunInline(owner);
            }
            else if (Interlocked.CompareExchange(ref _state, publication | Idle, publication | Published) == (publication | Published))
            {
                untaken = true;
                RunInline(owner);
            }
            else
            {
                WaitForThief();
                _thief = null;
                Volatile.Write(ref _state, publication | Idle);
            }

            _root = null;
            _context = null;

            // Not kept for the next join at this depth: the context may hold large AsyncLocal values.
            if (_entry is not null)
            {
                _entry = null;
            }

            var error = _error;
            _error = null;
            return error;
        }

        void IThreadPoolWorkItem.Execute()
        {
            if (TrySteal())
            {
                RunStolen();
            }
        }

        private bool TrySteal()
        {
            var state = Volatile.Read(ref _state);
            return (state & PhaseMask) == Published &&
                Interlocked.CompareExchange(ref _state, (state & ~PhaseMask) | Stolen, state) == state;
        }

        // Steals this frame only if it is still the publication made while root's right side was running on the
        // publishing thread, that is, a piece of root's right side. The root is read after the state and the
        // steal compares the whole state, publication count included, so a later publication cannot be taken.
        public bool TryStealPieceOf(JoinFrame root)
        {
            var state = Volatile.Read(ref _state);
            return (state & PhaseMask) == Published &&
                ReferenceEquals(Volatile.Read(ref _root), root) &&
                Interlocked.CompareExchange(ref _state, (state & ~PhaseMask) | Stolen, state) == state;
        }

        public void RunStolen()
        {
            var stack = JoinStack.Current;
            Volatile.Write(ref _thief, stack);
            var saved = stack.EnterStolen(this);
            try
            {
                RunRight();
            }
            finally
            {
                stack.LeaveStolen(saved);
            }

            // Done is set under the lock: the owner may reuse this frame as soon as it sees Done, and the
            // only thing we touch afterwards is this monitor, where a pulse is harmless to any later
            // waiter because waiters re-check their condition.
            lock (this)
            {
                Volatile.Write(ref _state, (_state & ~PhaseMask) | Done);
                Monitor.PulseAll(this);
            }
        }

        // Runs the right side in the context captured on entry, on the owner's thread or a thief's alike, and keeps
        // its exception. ExecutionContext.Run reads the thread once and puts the runner's own context back
        // afterwards; comparing captures before and after instead would read it twice.
        private void RunRight()
        {
            try
            {
                var context = _context;
                if (context is null)
                {
                    // Flow was suppressed on entry: the right side runs in the runner's context, as offered work does.
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

        // Runs the right side on its owner's thread in the context of the owner on entry, and puts back the
        // owner's contexts afterwards, as ExecutionContext.Run would, but reading them from the owner's Thread.
        private void RunInline(Thread? owner)
        {
            if (owner is null)
            {
                RunRight();
                return;
            }

            var saved = ThreadContexts.Enter(owner, _entry);
            try
            {
                InvokeRight();
            }
            catch (Exception e)
            {
                _error = e;
            }

            ThreadContexts.Leave(owner, saved);
        }

        private void WaitForThief()
        {
            // The thief is running the right side right now, so blocking here waits only on running work.
            // Until then this thread runs other threads' offers, if it can.
            var stack = JoinStack.Current;
            var spinner = default(SpinWait);
            while ((Volatile.Read(ref _state) & PhaseMask) != Done)
            {
                if (stack.TryHelp(this))
                {
                    spinner = default;
                    continue;
                }

                if (spinner.NextSpinWillYield)
                {
                    lock (this)
                    {
                        while ((Volatile.Read(ref _state) & PhaseMask) != Done)
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

    // An element of JoinStack's array: a struct, so that storing a frame needs no array covariance check.
    private struct FrameSlot
    {
        public JoinFrame? Frame;
    }

    // One thread's reusable frames for joins whose right side returns T, by nesting depth.
    private sealed class FuncFrames<T>
    {
        // This result type's place in JoinStack's table of pools, the same on every thread.
        public static readonly int Index = Interlocked.Increment(ref s_funcFrameTypes) - 1;

        private FuncFrame<T>?[] _frames = new FuncFrame<T>?[4];
        private int _depth;

        public FuncFrame<T> Rent() => RentFrame(ref _frames, ref _depth);

        public void Return() => _depth--;
    }

    private static int s_funcFrameTypes;

    // Takes the reusable frame for the next nesting depth from a per-thread pool, making it on first use.
    private static TFrame RentFrame<TFrame>(ref TFrame?[] frames, ref int depth)
        where TFrame : JoinFrame, new()
    {
        var index = depth;
        if (index == frames.Length)
        {
            Array.Resize(ref frames, index * 2);
        }

        depth = index + 1;
        return frames[index] ??= new TFrame();
    }

    private sealed class FuncFrame<T> : JoinFrame
    {
        public Func<T>? Right;
        private T _result = default!;

        public T TakeResult()
        {
            var result = _result;
            _result = default!;
            return result;
        }

        protected override void InvokeRight() => _result = Right!();
    }
}
