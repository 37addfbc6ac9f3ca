using System.Runtime.InteropServices;

namespace ScopeSafety;

// The words of a scope's scheduler that a thread writes for every item, kept off the cache lines that other threads
// use for every item. While the thread in Run spawns and a pool worker takes, the spawner writes Stack and Credits
// for every spawn, and the worker writes Drain for every item it takes and reads the scope's fields as it runs and
// completes each one. When those shared a cache line, every spawn had to fetch the line back from the worker's core
// first: spawning 10,000 small items took three times as long at 2 cores as at 1 (about 200 ns a spawn instead of
// 65). Stack, Credits and Origin share a line (one thread writes them; a worker reads Stack only once per batch), and
// at least 64 bytes lie between them and Drain. A scope makes this object at its first spawn (Scope.Words), so that a
// scope that spawns nothing does not allocate it, and so that it does not share a line with the scope's own fields;
// its neighbours in memory are what the spawning thread allocated just before and after it (the first item and its
// closure), which nobody writes per item.
[StructLayout(LayoutKind.Explicit)]
internal sealed class SchedulerWords
{
    private const int Gap = 64;

    // Top of a lock-free stack of spawned items that have not been claimed yet: the scope's own queue, pushed by
    // every spawner and moved off in batches by workers (see Scope.Push and Scope.MoveToDrain). Each item is pushed
    // exactly once and never re-pushed, so the classic ABA problem cannot occur.
    [FieldOffset(0)]
    public ScopedTask? Stack;

    // Counts in the scope's count of unfinished work (_pending) that the body's thread holds for no unfinished item:
    // added ahead of its spawns and not used yet, or left by items it finished inline (Scope.ItemFinished). So a spawn
    // or an inline join from the body needs no interlocked operation of its own: while the body runs, its own count
    // keeps _pending above zero, and these keep it above the true number of unfinished items until the body ends and
    // returns them. Only the thread in Run touches it.
    [FieldOffset(8)]
    public int Credits;

    // Where the thread in Run made its last Go (see GoOrigin): read by each of its Go calls, written when the context
    // at the Go changes. Only the thread in Run touches it, so it shares that thread's line.
    [FieldOffset(16)]
    public GoOrigin? Origin;

    // Items that a pool worker moved off Stack all at once, newest first: pool workers take them from here, one
    // compare-exchange on this word each. So a worker touches Stack once per batch instead of once per item, and the
    // spawning thread, which pushes onto Stack, no longer fights it for that word on every spawn. The batch is not
    // held privately: every taker sees it here, so one item that blocks never strands the others behind it.
    [FieldOffset(Gap + 16)]
    public ScopedTask? Drain;
}
