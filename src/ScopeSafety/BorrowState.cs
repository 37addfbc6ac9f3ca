namespace ScopeSafety;

// What every borrow taken from one Scope.Run over a span or ref shares: whether that run is
// still going (after it returns the memory may be gone, so .Span/.Value must refuse),
// and which address ranges are handed to spawned work right now (Rust's shared-xor-mutable rule,
// checked at Spawn).
internal sealed class BorrowState
{
    private const string EndedMessage =
        "The borrow has ended: its Scope.Run has returned, so the memory it pointed to may be gone. Use a borrow only inside the Scope.Run that created it.";

    // Written once, at the end of Run; read by every .Span, so it must be a plain field read.
    private volatile bool _ended;

    // Slices handed to spawned work and not known to be finished; guarded by itself. Entries are
    // dropped lazily when the count has doubled since the last sweep, so a sweep is amortised O(1).
    private List<SliceClaim>? _claims;
    private int _sweepAt = 16;

    internal BorrowState(Scope scope) => Scope = scope;

    // The scope of the Run that created the borrow.
    internal Scope Scope { get; }

    internal bool HasEnded => _ended;

    internal void End() => _ended = true;

    internal void ThrowIfEnded()
    {
        if (_ended)
        {
            ThrowEnded();
        }
    }

    internal static void ThrowEnded() => throw new InvalidOperationException(EndedMessage);

    // Records that spawned work is about to use the bytes [start, end);
    // refuses when that would let a writer run beside any other user of an overlapping range.
    internal SliceClaim Claim(nuint start, nuint end, bool writable, int elementSize)
    {
        ThrowIfEnded();
        var claim = new SliceClaim(start, end, writable);
        var claims = Volatile.Read(ref _claims);
        if (claims is null)
        {
            var created = new List<SliceClaim>();
            claims = Interlocked.CompareExchange(ref _claims, created, null) ?? created;
        }

        lock (claims)
        {
            if (claims.Count >= _sweepAt)
            {
                claims.RemoveAll(static c => !c.InUse);
                _sweepAt = Math.Max(16, 2 * claims.Count);
            }

            if (start < end)
            {
                foreach (var other in claims)
                {
                    if ((writable || other.Writable) && other.Start < end && start < other.End && other.InUse)
                    {
                        throw Overlap(claim, other, elementSize);
                    }
                }
            }

            claims.Add(claim);
        }

        return claim;
    }

    private static InvalidOperationException Overlap(SliceClaim wanted, SliceClaim held, int elementSize)
    {
        // Ranges are reported as element offsets relative to the lower start: addresses mean nothing to a user.
        var origin = Math.Min(wanted.Start, held.Start);
        string Describe(SliceClaim c) =>
            $"{(c.Writable ? "writable" : "read-only")} elements [{(c.Start - origin) / (nuint)elementSize}, {(c.End - origin) / (nuint)elementSize})";
        return new InvalidOperationException(
            $"Cannot spawn work over the {Describe(wanted)}: work spawned earlier over the overlapping {Describe(held)} may still be running. " +
            "A writable slice must not overlap any slice other work may use at the same time (read-only slices may overlap each other). " +
            "Join that work first, or split the data into disjoint slices.");
    }
}

// A byte range handed to one piece of spawned work.
internal sealed class SliceClaim
{
    private volatile bool _released;

    internal SliceClaim(nuint start, nuint end, bool writable)
    {
        Start = start;
        End = end;
        Writable = writable;
    }

    internal nuint Start { get; }

    internal nuint End { get; }

    internal bool Writable { get; }

    private ScopedTask? _task;

    // The work using the range; null while Spawn is still scheduling it.
    internal ScopedTask? Task
    {
        get => Volatile.Read(ref _task);
        set => Volatile.Write(ref _task, value);
    }

    // In use until the work has run; a task the scope skipped (cancelled before it started) never
    // runs its release, so its completion counts too.
    internal bool InUse => !_released && Task is not { IsCompleted: true };

    internal void Release() => _released = true;
}
