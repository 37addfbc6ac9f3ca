using System.Runtime.InteropServices;

namespace ScopeSafety;

// A thread's own work-stealing deque (Chase and Lev), where a thread puts the work it starts with Scope.Go in the
// scopes it runs (Scope.Run on this thread): WorkEntry values, so that a Go needs no object of its own. The owner pushes and pops at the bottom with plain writes and one fence;
// thieves (pool workers of those scopes) take the oldest item at the top with a compare-exchange, on another
// cache line. So the spawning thread and a worker do not hand every item over through one contended word.
// Items of several scopes share the deque when scopes nest on the thread: the owner pops only the scope it
// waits for; a thief, which has nothing of its own on its stack, takes whatever is oldest.
internal sealed class WorkDeque
{
    private const int InitialCapacity = 32;

    // Above this, an emptied deque goes back to the initial size, so that one burst does not pin a large array
    // to the thread for good.
    private const int KeptCapacity = 1 << 16;

    private Indices _indices;

    // Power-of-two ring of items; index i lives at i & (Length - 1). Replaced (never changed in place for
    // live indices) when it grows, so that a thief reading an old array still reads the right item.
    private WorkEntry[] _items = new WorkEntry[InitialCapacity];

    // The owner's last reading of Top, for the capacity check, so that a push does not read the thieves'
    // cache line every time.
    private long _topSeen;

    // Slots below this index have been cleared after thieves took their items (see ClearTaken).
    private long _clearedTo;

    // Top (thieves) and Bottom (owner) on separate cache lines.
    [StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
    private struct Indices
    {
        private const int CacheLine = 64;

        [FieldOffset(CacheLine)]
        public long Top;

        // The bottom that the last successful thief read; thieves only (see Steal).
        [FieldOffset(CacheLine + 8)]
        public long BottomAtLastSteal;

        [FieldOffset(2 * CacheLine)]
        public long Bottom;
    }

    // The owner's push. The bottom is published with a full fence, so that what the owner reads next (whether a
    // worker is queued) cannot be read before the item is visible: the other half of that handshake is in
    // Scope.RunWorker.
    public void Push(in WorkEntry entry)
    {
        var bottom = _indices.Bottom;
        var items = _items;
        if (bottom - _topSeen >= items.Length)
        {
            // Reads the top again: thieves may have made room.
            ClearTaken(bottom, items);
            if (bottom - _topSeen >= items.Length)
            {
                items = Grow(bottom, items);
            }
        }

        items[bottom & (items.Length - 1)] = entry;
        Interlocked.Exchange(ref _indices.Bottom, bottom + 1);
    }

    // The index the owner pushes at next; it changes only with the owner's pushes and pops.
    public long Bottom => Volatile.Read(ref _indices.Bottom);

    // Whether a thief would find something now (a hint: it may change at once).
    public bool HasItems => Volatile.Read(ref _indices.Top) < Volatile.Read(ref _indices.Bottom);

    // The owner takes the newest entry if it belongs to scope; false when there is none. One at a time, never a private batch: work that blocks until other work runs must not hold
    // that work back where no other thread can take it. Stops at an entry of another scope, which belongs to a
    // scope further down this thread's stack.
    public bool PopOwn(Scope scope, out WorkEntry taken)
    {
        taken = default;
        var bottom = _indices.Bottom;
        var items = _items;
        var mask = items.Length - 1;
        if (bottom <= _topSeen)
        {
            return false;
        }

        var newest = items[(bottom - 1) & mask];
        if (newest.Work is null || newest.Origin.Scope != scope)
        {
            if (bottom <= Volatile.Read(ref _indices.Top))
            {
                ClearTaken(bottom, items);
            }

            return false;
        }

        var newBottom = bottom - 1;
        Interlocked.Exchange(ref _indices.Bottom, newBottom);
        var top = Volatile.Read(ref _indices.Top);
        _topSeen = top;
        if (top < newBottom)
        {
            // Thieves can only take the entry at top, below this one.
            items[newBottom & mask] = default;
            taken = newest;
            return true;
        }

        var won = false;
        if (top == newBottom)
        {
            // The last entry: a thief may be taking it too, and the compare-exchange on top decides.
            if (Interlocked.CompareExchange(ref _indices.Top, top + 1, top) == top)
            {
                won = true;
                taken = newest;
                items[newBottom & mask] = default;
            }

            top++;
        }

        // Empty now: bottom meets top again.
        Volatile.Write(ref _indices.Bottom, top);
        return won;
    }

    // A thief takes the oldest entry; false when the deque is empty. Retries only while other thieves win. The
    // entry's fields are read before the compare-exchange and are whole when it succeeds: the owner writes that
    // slot again only for an index that the thief's success has put below top. pushedMeanwhile: the owner pushed
    // since the last successful steal, so the owner was pushing while thieves were taking.
    public bool Steal(out WorkEntry taken, out bool pushedMeanwhile)
    {
        pushedMeanwhile = false;
        var failures = 0;
        while (true)
        {
            var top = Volatile.Read(ref _indices.Top);
            var bottom = Volatile.Read(ref _indices.Bottom);
            if (top >= bottom)
            {
                taken = default;
                return false;
            }

            var items = Volatile.Read(ref _items);
            taken = items[top & (items.Length - 1)];
            if (Interlocked.CompareExchange(ref _indices.Top, top + 1, top) == top)
            {
                pushedMeanwhile = bottom > _indices.BottomAtLastSteal;
                _indices.BottomAtLastSteal = bottom;
                return taken.Work is not null;
            }

            // Another thief won (or the owner took the last entry): back off a little, longer each time.
            Thread.SpinWait(1 << Math.Min(++failures, 6));
        }
    }

    // Owner only: forgets the items that thieves have taken, so that the deque, which lives as long as its
    // thread, does not keep finished items (and their results) alive.
    public void ClearTaken() => ClearTaken(_indices.Bottom, _items);

    private void ClearTaken(long bottom, WorkEntry[] items)
    {
        var top = Volatile.Read(ref _indices.Top);
        _topSeen = top;

        // Slots of indices below top are taken; one at or above bottom - Length may not be reused yet by a later
        // index, so clearing it cannot erase a live item. A thief that still reads a cleared slot loses its
        // compare-exchange, because top has passed that index.
        var from = Math.Max(_clearedTo, bottom - items.Length);
        var to = Math.Min(top, bottom);
        for (var i = from; i < to; i++)
        {
            items[i & (items.Length - 1)] = default;
        }

        if (to > _clearedTo)
        {
            _clearedTo = to;
        }

        if (top == bottom && items.Length > KeptCapacity)
        {
            // Empty: no thief can take anything until the next push, which publishes the new array first.
            Volatile.Write(ref _items, new WorkEntry[InitialCapacity]);
        }
    }

    private WorkEntry[] Grow(long bottom, WorkEntry[] items)
    {
        var grown = new WorkEntry[items.Length * 2];
        for (var i = _topSeen; i < bottom; i++)
        {
            grown[i & (grown.Length - 1)] = items[i & (items.Length - 1)];
        }

        Volatile.Write(ref _items, grown);
        return grown;
    }
}
