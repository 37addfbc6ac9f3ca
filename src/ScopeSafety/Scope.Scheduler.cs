namespace ScopeSafety;

// The scheduler behind Spawn and Go: the scope's count of unfinished work, its stack of unclaimed items with the
// drain list that pool workers move them to in batches (and the deque of the thread in Run, for its Go work), the
// pool workers that run them, and the waiting thread that helps and sleeps until the scope is done.
public sealed partial class Scope
{
    // Unfinished items plus one for the body while it runs. Zero means the scope has finished for
    // good: Spawn refuses to raise it again.
    private int _pending = 1;

    // The stack of unclaimed items, its drain list, and the body's credits; made by the first spawn.
    private SchedulerWords? _words;

    private SchedulerWords Words => Volatile.Read(ref _words) ?? MakeWords();

    private SchedulerWords MakeWords()
    {
        var made = new SchedulerWords();
        return Interlocked.CompareExchange(ref _words, made, null) ?? made;
    }

    // 1 while a worker for this scope is queued to the thread pool and has not started yet (see RunWorker).
    private int _workerQueued;

    // 1 while the thread in Run sleeps waiting for the scope; the first spawner or completer that can end
    // that wait clears it and wakes the thread, the others pay nothing.
    private int _scopeWaiterSleeping;

    // Threads blocked joining an item that runs elsewhere, plus items that an awaiter waits for unfinished;
    // completers take the gate lock only when this is non-zero. The gate is allocated only when some waiter
    // actually blocks or awaits.
    private int _itemWaiters;

    // The gate is also the table of the awaited items' completion sources (few items are ever awaited
    // unfinished, so the source lives here, not in a field of every item): one object, made on first use, for
    // the lock, the waits and the table keeps both the scope and each spawn small.
    private Dictionary<ScopedTask, TaskCompletionSource>? _gate;

    private Dictionary<ScopedTask, TaskCompletionSource> Gate =>
        LazyInitializer.EnsureInitialized(ref _gate, static () => new Dictionary<ScopedTask, TaskCompletionSource>());

    // The thread running a synchronous Run's body (null for an asynchronous scope, whose body may move between
    // threads): its Go work goes to its own deque, and its spawns from the body are counted ahead.
    private JoinWaiter? _owner;

    // Whether the body of a synchronous Run is running; written and read only by the owner.
    private bool _bodyRunning;

    private const int CreditBlock = 64;

    private void BeginBody()
    {
        _owner = JoinWaiter.Current;
        _bodyRunning = true;
    }

    // Returns the body's count and its unused credits; returns what is left (the unfinished items).
    private int EndBody()
    {
        _bodyRunning = false;
        var returned = 1;
        if (_words is { } words)
        {
            returned += words.Credits;
            words.Credits = 0;
        }

        return Interlocked.Add(ref _pending, -returned);
    }

    // A spawned item goes on the scope's shared stack, which every taker works newest first (a worker within each
    // batch it moves to the drain list): the body usually joins its items in the order it spawned them, so it finds
    // the oldest still unclaimed and runs them inline while workers take the newest. (Thieves of a deque take the
    // oldest first, exactly the items the body joins first: with the seed's chunked sum the body then mostly
    // waited.) From the body itself the count needs no interlocked operation, and nobody needs waking, because the
    // only thread that sleeps waiting for the scope is this one.
    private ScopedTask Schedule(ScopedTask task)
    {
        var spawner = JoinWaiter.CurrentOrNull;
        return Schedule(task, spawner, fromOwner: IsOwner(spawner));
    }

    // spawner: the spawning thread's record, if it has one; it gives the thread whose context the work runs in.
    private ScopedTask Schedule(ScopedTask task, JoinWaiter? spawner, bool fromOwner)
    {
        task.SetContext(ThreadContexts.Capture(spawner?.ContextsThread));
        if (fromOwner)
        {
            CountOwnSpawn();
        }
        else
        {
            CountSpawn();
        }

        Push(task);
        if (!fromOwner)
        {
            WakeScopeWaiter();
        }

        EnsureWorker(task);
        return task;
    }

    // Scope.Go: on the thread in Run, the delegate goes into that thread's deque as it is, with the context, and
    // needs no item (nobody joins it, so the order thieves take it in does not matter); elsewhere, or once thieves
    // have been seen taking from the deque while the thread kept pushing (see CountSteal), it gets an item without a
    // handle on the shared stack.
    private void ScheduleHandleFree(Delegate work)
    {
        var spawner = JoinWaiter.CurrentOrNull;
        var fromOwner = IsOwner(spawner);
        if (fromOwner && !_goViaStack)
        {
            CountOwnSpawn();
            var context = ThreadContexts.Capture(spawner!.ContextsThread);
            var words = Words;
            var origin = words.Origin;
            if (origin is null || !ReferenceEquals(origin.Context, context))
            {
                words.Origin = origin = new GoOrigin(this, context);
            }

            (spawner.Deque ??= new WorkDeque()).Push(new WorkEntry(work, origin));
            EnsureWorker(null);
        }
        else
        {
            Schedule(ScopedTask.CreateHandleFree(this, work), spawner, fromOwner);
        }
    }

    // Set once thieves have taken StealsBeforeStack entries of the deque that the thread in Run pushed while they were
    // taking; from then on its Go work goes to the shared stack (ScheduleHandleFree).
    private bool _goViaStack;

    // Steals counted towards that, by the scope's workers; a lost update only delays the switch.
    private int _stealsWhilePushing;

    internal const int StealsBeforeStack = 16;

    internal bool GoesViaStack => Volatile.Read(ref _goViaStack);

    // A thief takes one entry per steal, and reads the deque's bottom each time: while the owner keeps pushing, every
    // steal moves that word between the two cores and makes the owner's next push wait for it (flat Go at 2 cores:
    // 1.2-1.7 x Parallel.Invoke, where the shared stack, which workers take in batches, gave 0.6-0.8). Where no
    // thief keeps pace with the owner (one core; nested scopes, whose workers are busy with their own) the deque stays,
    // because it costs a Go nothing beyond the caller's closure.
    internal void CountSteal(bool pushedMeanwhile)
    {
        if (pushedMeanwhile && !_goViaStack && ++_stealsWhilePushing >= StealsBeforeStack)
        {
            Volatile.Write(ref _goViaStack, true);
        }
    }

    // Whether the thread whose record this is (JoinWaiter.CurrentOrNull) is the thread in a synchronous Run (in the
    // body, or helping after it). One thread-static read serves this test and the context capture.
    private bool IsOwner(JoinWaiter? spawner) => spawner is not null && spawner == _owner;

    // Counts a spawn from the thread in Run: from a running body out of the counts reserved ahead, else as any
    // other spawn.
    private void CountOwnSpawn()
    {
        if (!_bodyRunning)
        {
            CountSpawn();
            return;
        }

        var words = Words;
        if (words.Credits == 0)
        {
            Interlocked.Add(ref _pending, CreditBlock);
            words.Credits = CreditBlock;
        }

        words.Credits--;
    }

    // Takes an item that runner finished and counted later (ScopedTask.RunClaimed) off the scope's count: on the thread
    // in Run while its body runs, as a count reserved ahead for the next spawn (the body's own count keeps the scope
    // alive until it returns them all), so that an item the body joins inline needs no interlocked operation.
    internal void ItemFinished(JoinWaiter runner)
    {
        if (IsOwner(runner) && _bodyRunning)
        {
            Words.Credits++;
            return;
        }

        ItemsFinished(1);
    }

    private void CountSpawn()
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
                return;
            }

            pending = seen;
        }
    }

    // Makes sure that a worker will come for the item just pushed: queues one unless one is already queued
    // and has not started yet (that one will find the item). So the pool gets one entry per burst of spawns,
    // not one per spawn, and any item of the scope serves as the entry, which allocates nothing.
    private void EnsureWorker(ScopedTask? item)
    {
        // Read after the push, which is a full fence; RunWorker clears the flag with one before it looks at
        // the stack, so either the worker sees the item or we see the flag cleared.
        if (Volatile.Read(ref _workerQueued) == 0)
        {
            // Every item is a ScopedWorkItem; cast here, on the rare path, so that a spawn pays no interface check.
            // A Go from the thread in Run has no item: then the scope's own carrier is the entry, made once.
            QueueWorker(item is null ? Carrier : (IThreadPoolWorkItem)item);
        }
    }

    // Queues a worker with carrier as its pool entry, unless one is queued and has not started yet.
    private void QueueWorker(IThreadPoolWorkItem carrier)
    {
        if (Interlocked.CompareExchange(ref _workerQueued, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(carrier, preferLocal: true);
        }
    }

    // The pool entry of the scope's workers when there is no item at hand (see EnsureWorker); at most one worker is
    // queued at a time, so one object serves them all.
    private WorkerCarrier? _carrier;

    private WorkerCarrier Carrier => _carrier ??= new WorkerCarrier(this);

    private sealed class WorkerCarrier(Scope scope) : IThreadPoolWorkItem
    {
        public void Execute() => scope.RunWorker(this);
    }

    // A pool thread working for the scope: it runs queued items until none is left. As it starts it queues
    // the next worker if items are waiting, so that the scope's workers grow with the pool's idle threads
    // (like Parallel.For's replicas), and so that one item that blocks never strands the others: while
    // unclaimed items exist, a worker that has not started yet is always queued, and the pool adds threads
    // for it when all of its threads are blocked.
    internal void RunWorker(IThreadPoolWorkItem carrier)
    {
        Interlocked.Exchange(ref _workerQueued, 0);
        if (HasQueuedItems || _owner?.Deque is { HasItems: true })
        {
            QueueWorker(carrier);
        }

        RunQueuedItems(isOwner: false);
    }

    // Runs the scope's queued work on this thread until none is left; returns whether there was any: Go work from the
    // deque of the thread in Run, and items from the scope's shared stack and its drain list, in stretches of context
    // (RunItems; a pool worker takes its items from the drain list, refilled from the stack in one exchange). The owner (that thread, helping after the
    // body) takes this scope's entries of its own deque newest first (RunOwnGo); a pool worker takes the oldest of the owner's
    // deque, which may belong to an outer scope of the owner's: a pool thread has nothing on its stack that such work
    // could wait for. A worker tries the deque first, so that while the owner fills it the worker does not read the
    // stack's cache line, where the owner's reserved counts change with every Go (SchedulerWords). The work of this scope that finishes
    // here goes back to its count in one batch at the end, not one contended decrement each: until then the scope
    // counts it as unfinished, which only delays its end, and this thread was still running, so the scope
    // could not have ended before anyway.
    private bool RunQueuedItems(bool isOwner)
    {
        var deque = _owner?.Deque;
        JoinWaiter? runner = null;
        var finished = 0;
        var ran = false;
        while (true)
        {
            if (deque is not null)
            {
                if (isOwner)
                {
                    runner ??= JoinWaiter.Current;
                    var own = RunOwnGo(deque, runner);
                    if (own != 0)
                    {
                        ran = true;
                        finished += own;
                    }
                }
                else if (deque.Steal(out var entry, out var pushedMeanwhile))
                {
                    CountSteal(pushedMeanwhile);
                    runner ??= JoinWaiter.Current;
                    ran = true;
                    finished += RunGo(entry, runner, own: entry.Origin.Scope == this);
                    continue;
                }
            }

            var bottom = deque?.Bottom ?? 0;
            if (_words is { } words && NextClaimed(words, isOwner, deque, bottom) is { } item)
            {
                runner ??= JoinWaiter.Current;
                ran = true;
                finished += RunItems(words, item, isOwner, deque, bottom, runner);
                continue;
            }

            break;
        }

        if (finished != 0)
        {
            ItemsFinished(finished);
        }

        return ran;
    }

    // Runs the Go work of this scope that the thread in Run (runner) pushed to its own deque, newest first, in one
    // stretch (WorkStretch), where RunGo enters and leaves a context around each entry. Returns how many entries it
    // took; their count is left to the caller.
    private int RunOwnGo(WorkDeque deque, JoinWaiter runner)
    {
        if (!deque.PopOwn(this, out var entry))
        {
            return 0;
        }

        if (runner.ContextsThread is not { } thread)
        {
            var count = 0;
            do
            {
                count += RunGo(entry, runner, own: true);
            }
            while (deque.PopOwn(this, out entry));
            return count;
        }

        var finished = 0;
        var stretch = new WorkStretch(runner, thread);
        GoOrigin? origin = null;
        ExecutionContext? target = null;
        try
        {
            do
            {
                finished++;
                if (IsCancellationRequested)
                {
                    continue;
                }

                if (entry.Origin != origin)
                {
                    origin = entry.Origin;
                    target = stretch.TargetOf(origin.Context);
                }

                // Marks the thread as running scoped work and names the work, as RunGo does.
                runner.Running = entry.Work;
                try
                {
                    stretch.Switch(target);
                    InvokeGo(entry.Work, this);
                }
                catch (Exception e) when (!IsOwnCancellation(e))
                {
                    RecordFault(e);
                }
                catch (Exception)
                {
                    // The scope's own cancellation: the work stopped as asked.
                }
            }
            while (deque.PopOwn(this, out entry));
        }
        finally
        {
            stretch.End();
        }

        return finished;
    }

    // Runs item, which this thread claimed, and the items it claims after it off the scope's shared queue, one after
    // another, in one stretch (WorkStretch, ScopedTask.RunClaimedInStretch) as RunOwnGo runs Go work. Returns how many
    // items finished; their count is left to the caller.
    private static int RunItems(SchedulerWords words, ScopedTask item, bool isOwner, WorkDeque? deque, long bottom, JoinWaiter runner)
    {
        if (runner.ContextsThread is not { } thread)
        {
            var count = 0;
            do
            {
                if (item.RunClaimed(runner, countLater: true))
                {
                    count++;
                }
            }
            while ((item = NextClaimed(words, isOwner, deque, bottom)!) is not null);
            return count;
        }

        var finished = 0;
        var stretch = new WorkStretch(runner, thread);
        try
        {
            do
            {
                if (item.RunClaimedInStretch(runner, stretch))
                {
                    finished++;
                }
            }
            while ((item = NextClaimed(words, isOwner, deque, bottom)!) is not null);
        }
        finally
        {
            stretch.End();
        }

        return finished;
    }

    // The next item of the scope's shared queue that this thread claims (newest first for the thread in Run; a pool
    // worker's as TakeForWorker gives them), passing over those a Join claimed while they were queued; null when the
    // queue is empty, or when Go work waits in the deque of the thread in Run, which the caller takes first: for that
    // thread, work pushed since bottom was read (what was there then belongs to outer scopes, as RunOwnGo left it);
    // for a pool worker, any entry it could steal.
    private static ScopedTask? NextClaimed(SchedulerWords words, bool isOwner, WorkDeque? deque, long bottom)
    {
        while (deque is null || !(isOwner ? deque.Bottom != bottom : deque.HasItems))
        {
            var item = isOwner ? PopFirst(ref words.Stack) ?? PopFirst(ref words.Drain) : TakeForWorker(words);
            if (item is null)
            {
                return null;
            }

            if (item.TryTake())
            {
                return item;
            }
        }

        return null;
    }

    // Runs the delegate of a Go from the thread in Run, as an item would run it: not once its scope is cancelled,
    // in the context captured at the Go, a failure recorded for Run to report. With own, its count is left to the
    // caller (this returns 1); else it is taken off its scope's count here.
    private static int RunGo(in WorkEntry entry, JoinWaiter runner, bool own)
    {
        var scope = entry.Origin.Scope;
        var context = entry.Origin.Context;
        if (!scope.IsCancellationRequested)
        {
            // Marks the thread as running scoped work, as RunClaimed does, so that it does not help a stolen join
            // (see JoinFrames.TryHelp); the delegate also names the work in a join-cycle message.
            var outer = runner.Running;
            runner.Running = entry.Work;
            try
            {
                if (context is null)
                {
                    InvokeGo(entry.Work, scope);
                }
                else if (runner.ContextsThread is { } thread)
                {
                    var saved = ThreadContexts.Enter(thread, context);
                    try
                    {
                        InvokeGo(entry.Work, scope);
                    }
                    finally
                    {
                        ThreadContexts.Leave(thread, saved);
                    }
                }
                else if (entry.Work is Action action)
                {
                    ExecutionContext.Run(context, s_runAction, action);
                }
                else
                {
                    runner.GoWork = entry.Work;
                    runner.GoScope = scope;
                    ExecutionContext.Run(context, s_runGo, runner);
                }
            }
            catch (Exception e) when (!scope.IsOwnCancellation(e))
            {
                scope.RecordFault(e);
            }
            catch (Exception)
            {
                // The scope's own cancellation: the work stopped as asked.
            }
            finally
            {
                runner.RestoreRunning(outer);
            }
        }

        if (own)
        {
            return 1;
        }

        scope.ItemsFinished(1);
        return 0;
    }

    private static readonly ContextCallback s_runAction = static action => ((Action)action!)();

    // The callback for a Go of an Action<Scope>: the runner carries the work and its scope, so that nothing is
    // allocated per call.
    private static readonly ContextCallback s_runGo = static state =>
    {
        var runner = (JoinWaiter)state!;
        var work = runner.GoWork!;
        var scope = runner.GoScope!;
        runner.GoWork = null;
        runner.GoScope = null;
        InvokeGo(work, scope);
    };

    private static void InvokeGo(object work, Scope scope)
    {
        if (work is Action action)
        {
            action();
        }
        else
        {
            ((Action<Scope>)work)(scope);
        }
    }

    // Called by every item exactly once, after its outcome is published (with a full fence in between):
    // wakes the threads blocked joining some item and completes the item's awaiters, if there are any. Also
    // called by an awaiter that finds the item finished after announcing itself (see CompletionTask): whichever
    // of the two comes second finds the source gone, and a spurious pulse only makes the waiters re-check.
    internal void ItemCompleted(ScopedTask item)
    {
        if (Volatile.Read(ref _itemWaiters) == 0)
        {
            return;
        }

        TaskCompletionSource? completion;
        var gate = Gate;
        lock (gate)
        {
            Monitor.PulseAll(gate);
            if (!gate.Remove(item, out completion))
            {
                return;
            }

            Interlocked.Decrement(ref _itemWaiters);
        }

        completion.TrySetResult();
    }

    // The completion source that awaiters of item wait on, made by the first of them. Announced with a full fence
    // (the increment) before the caller re-checks the item's state: see ItemCompleted for the other side.
    internal TaskCompletionSource CompletionOf(ScopedTask item)
    {
        var gate = Gate;
        lock (gate)
        {
            if (!gate.TryGetValue(item, out var completion))
            {
                // Continuations run on the pool, never inline inside the thread that finishes the work, which may
                // be a waiter helping a scope or joining another item.
                completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                gate.Add(item, completion);
                Interlocked.Increment(ref _itemWaiters);
            }

            return completion;
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
        var words = Words;
        var head = Volatile.Read(ref words.Stack);
        while (true)
        {
            if (head is not null && !head.IsPending)
            {
                // Stale: already claimed (a Join ran it inline). Dropping it here keeps the stack short, so that
                // finished items are not kept alive (and promoted by the GC) until Run ends.
                var below = head.NextQueued;
                var popped = Interlocked.CompareExchange(ref words.Stack, below, head);
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
            var seen = Interlocked.CompareExchange(ref words.Stack, task, head);
            if (seen == head)
            {
                return;
            }

            head = seen;
        }
    }

    // Whether the scope's shared queue holds items (a hint: some may already be claimed by a join).
    private bool HasQueuedItems =>
        Volatile.Read(ref _words) is { } words && (Volatile.Read(ref words.Stack) is not null || Volatile.Read(ref words.Drain) is not null);

    // A pool worker's next item from the shared queue: from the drain list, and once that is empty, from everything
    // spawned since, moved there in one exchange. Newest first within each batch, like the stack.
    private static ScopedTask? TakeForWorker(SchedulerWords words)
    {
        if (PopFirst(ref words.Drain) is { } item)
        {
            return item;
        }

        if (Volatile.Read(ref words.Stack) is null)
        {
            return null;
        }

        MoveToDrain(words);
        return PopFirst(ref words.Drain);
    }

    // Moves every item on the stack to the front of the drain list.
    private static void MoveToDrain(SchedulerWords words)
    {
        var batch = Interlocked.Exchange(ref words.Stack, null);
        if (batch is null || Interlocked.CompareExchange(ref words.Drain, batch, null) is null)
        {
            return;
        }

        // Another worker filled the drain list meanwhile (rare, and then this batch is short): put this batch in
        // front of it. No one else can reach the batch yet, so walking it is safe.
        var last = batch;
        while (last.NextQueued is { } below)
        {
            last = below;
        }

        var drain = Volatile.Read(ref words.Drain);
        while (true)
        {
            last.NextQueued = drain;
            var seen = Interlocked.CompareExchange(ref words.Drain, batch, drain);
            if (seen == drain)
            {
                return;
            }

            drain = seen;
        }
    }

    // Takes the first item of a list of queued items (the scope's stack, or its drain list). Each item is handed out
    // exactly once: only the compare-exchange that moves the list past it hands it out, and a list never comes back to
    // an item it has moved past (items are pushed once; a batch moves to the drain list once). A taker that moved past
    // the first item may have cleared its link already; then this exchange fails.
    private static ScopedTask? PopFirst(ref ScopedTask? top)
    {
        var first = Volatile.Read(ref top);
        var failures = 0;
        while (first is not null)
        {
            var seen = Interlocked.CompareExchange(ref top, first.NextQueued, first);
            if (seen == first)
            {
                first.NextQueued = null;
                return first;
            }

            // Another taker won: back off a little, longer each time, so that many takers of one list do not all keep
            // retrying on the same cache line (on the stack, the spawner's pushes need it too).
            Thread.SpinWait(1 << Math.Min(++failures, 6));
            first = Volatile.Read(ref top);
        }

        return null;
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
            if (RunQueuedItems(isOwner: true))
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
                throw new InvalidOperationException(waiter.DescribeCycle(target));
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
                if (Volatile.Read(ref _pending) == 0 || HasQueuedItems)
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

        // Announce the waiter before re-checking; completers publish the state before reading _itemWaiters, and
        // FenceBeforeRecheck orders the two sides, so one of the two always sees the other.
        Interlocked.Increment(ref _itemWaiters);
        try
        {
            target.FenceBeforeRecheck();
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
