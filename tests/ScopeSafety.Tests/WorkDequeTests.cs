namespace ScopeSafety.Tests;

/// <summary>The thread's work-stealing deque behind <see cref="Scope.Go(Action)"/>: nothing lost, nothing taken twice.</summary>
public class WorkDequeTests
{
    [Fact]
    public void Every_entry_is_taken_exactly_once_by_the_owner_or_a_thief() => Bounded.Run(() =>
    {
        const int Entries = 300_000;
        var scope = AScope();
        var taken = new int[Entries];
        var work = Enumerable.Range(0, Entries).Select(i => (Action)(() => Interlocked.Increment(ref taken[i]))).ToArray();
        var deque = new WorkDeque();
        var ownerDone = 0;
        var thieves = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            while (Volatile.Read(ref ownerDone) == 0 || deque.HasItems)
            {
                if (deque.Steal(out var entry, out var _))
                {
                    ((Action)entry.Work)();
                }
            }
        })).ToArray();
        foreach (var thief in thieves)
        {
            thief.Start();
        }

        // Bursts of pushes and pops of random length: the owner and the thieves meet at the last entry again and
        // again, and the ring grows and wraps while thieves read it.
        var random = new Random(17);
        var next = 0;
        while (next < Entries)
        {
            for (var burst = random.Next(1, 300); burst > 0 && next < Entries; burst--)
            {
                deque.Push(new WorkEntry(work[next++], new GoOrigin(scope, null)));
            }

            for (var pops = random.Next(0, 300); pops > 0 && deque.PopOwn(scope, out var entry); pops--)
            {
                ((Action)entry.Work)();
            }
        }

        while (deque.PopOwn(scope, out var entry))
        {
            ((Action)entry.Work)();
        }

        Volatile.Write(ref ownerDone, 1);
        foreach (var thief in thieves)
        {
            thief.Join();
        }

        Assert.All(taken, count => Assert.Equal(1, count));
    });

    [Fact]
    public void The_owner_pops_only_the_scope_it_waits_for()
    {
        // An inner scope's entries sit above the outer scope's: the inner Run takes its own and stops at the outer's,
        // which thieves (or the outer Run) take.
        var outer = AScope();
        var inner = AScope();
        var deque = new WorkDeque();
        Action nothing = () => { };
        deque.Push(new WorkEntry(nothing, new GoOrigin(outer, null)));
        deque.Push(new WorkEntry(nothing, new GoOrigin(inner, null)));
        deque.Push(new WorkEntry(nothing, new GoOrigin(inner, null)));

        Assert.False(deque.PopOwn(outer, out _));
        Assert.True(deque.PopOwn(inner, out var first));
        Assert.Same(inner, first.Origin.Scope);
        Assert.True(deque.PopOwn(inner, out _));
        Assert.False(deque.PopOwn(inner, out _));
        Assert.True(deque.Steal(out var oldest, out _));
        Assert.Same(outer, oldest.Origin.Scope);
        Assert.False(deque.HasItems);
    }

    [Fact]
    public void A_steal_tells_whether_the_owner_pushed_since_the_last_steal()
    {
        // What Scope counts to move a Go-heavy body off its deque: thieves keeping pace with an owner that is still
        // pushing.
        var scope = AScope();
        var deque = new WorkDeque();
        Action nothing = () => { };
        deque.Push(new WorkEntry(nothing, new GoOrigin(scope, null)));
        deque.Push(new WorkEntry(nothing, new GoOrigin(scope, null)));

        Assert.True(deque.Steal(out _, out var pushedBeforeFirst));
        Assert.True(pushedBeforeFirst);
        Assert.True(deque.Steal(out _, out var pushedBetween));
        Assert.False(pushedBetween);

        deque.Push(new WorkEntry(nothing, new GoOrigin(scope, null)));
        Assert.True(deque.Steal(out _, out var pushedAgain));
        Assert.True(pushedAgain);
        Assert.False(deque.Steal(out _, out var fromEmpty));
        Assert.False(fromEmpty);
    }

    private static Scope AScope()
    {
        Scope? scope = null;
        Scope.Run(s => scope = s);
        return scope!;
    }
}
