using System.Runtime.ExceptionServices;

namespace ScopeSafety.Tests;

/// <summary>Runs a scenario on its own thread and fails (instead of hanging) if it does not finish.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static void Run(Action scenario)
    {
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    scenario();
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
            },
            maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "bounded scenario",
        };
        thread.Start();
        Assert.True(thread.Join(Limit), $"The scenario did not finish within {Limit.TotalSeconds} s (deadlock?).");
        error?.Throw();
    }

    public static void Wait(WaitHandle handle) =>
        Assert.True(handle.WaitOne(Limit), "A signal the scenario depends on never came.");

    public static void Wait(ManualResetEventSlim handle) =>
        Assert.True(handle.Wait(Limit), "A signal the scenario depends on never came.");

    public static void Wait(CountdownEvent countdown) =>
        Assert.True(countdown.Wait(Limit), "A signal the scenario depends on never came.");
}

/// <summary>
/// Caps the thread pool at the core count and queues a blocking item for every worker slot, so that no
/// pool thread can run a scope's work until disposed: only the threads that wait in a scope can. The
/// blockers need not have started: they sit ahead of any later work in the pool's FIFO global queue, so
/// a worker slot that frees up takes a blocker first. The cap is process-wide: use only in
/// <see cref="SerialCollection"/>.
/// </summary>
internal sealed class SaturatedPool : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly int _oldWorkers;
    private readonly int _oldIo;

    public SaturatedPool()
    {
        ThreadPool.GetMaxThreads(out _oldWorkers, out _oldIo);
        Workers = Environment.ProcessorCount;
        Assert.True(ThreadPool.SetMaxThreads(Workers, _oldIo), "could not cap the thread pool");
        for (var i = 0; i < Workers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    _release.Wait();
                },
                null);
        }
    }

    public int Workers { get; }

    // Blockers that never got a worker slot (the test host's own pool threads may hold the capped slots
    // while they wait for this test) return at once whenever they run; nothing waits for them.
    public void Dispose()
    {
        ThreadPool.SetMaxThreads(_oldWorkers, _oldIo);
        _release.Set();
    }
}

/// <summary>Tests that change process-wide thread-pool limits; they run alone, after the others.</summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection
{
}

/// <summary>Caps the pool at the core count (without blocking it) for the duration of a test.</summary>
internal sealed class CappedPool : IDisposable
{
    private readonly int _oldWorkers;
    private readonly int _oldIo;

    public CappedPool()
        : this(Environment.ProcessorCount)
    {
    }

    public CappedPool(int workers)
    {
        ThreadPool.GetMaxThreads(out _oldWorkers, out _oldIo);
        Assert.True(ThreadPool.SetMaxThreads(Math.Max(workers, Environment.ProcessorCount), _oldIo), "could not cap the thread pool");
    }

    public void Dispose() => ThreadPool.SetMaxThreads(_oldWorkers, _oldIo);
}

/// <summary>
/// Throws from a call, so that a test can make the failure point explicit. (A lambda that only throws,
/// <c>() =&gt; throw e</c>, compiles as well since the async overloads of Spawn are gone.)
/// </summary>
internal static class Fault
{
    public static void Raise(Exception exception) => throw exception;
}

/// <summary>Runs an asynchronous scenario and fails (instead of hanging) if it does not finish in time.</summary>
internal static class BoundedAsync
{
    public static async Task Run(Func<Task> scenario)
    {
        var run = Task.Run(scenario);
        var finished = await Task.WhenAny(run, Task.Delay(Bounded.Limit));
        Assert.True(finished == run, $"The scenario did not finish within {Bounded.Limit.TotalSeconds} s (hang?).");
        await run;
    }
}

/// <summary>The body of a loop whose tenth unit fails, for the tests that a failure stops new units.</summary>
internal static class TenthFails
{
    /// <summary>
    /// Counts a unit and throws <see cref="FormatException"/> in the tenth. The others spin a few microseconds: a process's
    /// first exception takes milliseconds to throw, and units that cost nothing would let the loop's other worker run out
    /// of units before the failing one reaches its catch, whatever the loop does.
    /// </summary>
    public static void Unit(ref int started)
    {
        if (Interlocked.Increment(ref started) == 10)
        {
            throw new FormatException();
        }

        Thread.SpinWait(200);
    }
}
