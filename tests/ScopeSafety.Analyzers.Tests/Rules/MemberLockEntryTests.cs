using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 between work a member leaves running and another member that takes a lock first: taking a one-slot
/// semaphore (<c>await _gate.WaitAsync()</c>, <c>_gate.Wait()</c>) or a mutex waits for the lock's holder to leave, not
/// for the work to end, so what the member does after it still runs beside the work. A semaphore the work releases is a
/// signal, and so is a one-slot semaphore whose slot the work gives back (taken before the start, released by the
/// work): waiting for it orders what follows. Each hazard beside its silent twin. The class starts at line 7.
/// </summary>
public class MemberLockEntryTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_member_that_takes_a_lock_the_work_does_not_take_races_with_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private object _connection;
            public void Start() => _ = Task.Run({|#0:LoopAsync|});
            private async Task LoopAsync()
            {
                while (true) { _connection = new object(); await Task.Delay(1000); }
            }
            public async Task SendAsync()
            {
                await _gate.WaitAsync().ConfigureAwait(false);
                try { if (_connection == null) throw new InvalidOperationException(); }
                finally { _gate.Release(); }
            }
        }
        class Counter
        {
            private readonly Mutex _mutex = new Mutex();
            private int _sent;
            public void Start() => _ = Task.Run({|#1:Loop|});
            private void Loop()
            {
                while (true) { _sent = 0; Thread.Sleep(1000); }
            }
            public void Count()
            {
                _mutex.WaitOne();
                try { _sent++; }
                finally { _mutex.ReleaseMutex(); }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_connection", "work started with Task.Run at line 11 (in Client.LoopAsync)", "Client.SendAsync at line 19", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_sent", "work started with Task.Run at line 27 (in Counter.Loop)", "Counter.Count at line 35", "also write"));

    [Fact]
    public Task A_member_under_the_lock_the_work_takes_or_after_a_signal_the_work_gives_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly SemaphoreSlim _ready = new SemaphoreSlim(0, 1);
            private object _connection;
            private object _greeting;
            public void Start()
            {
                _ = Task.Run(LoopAsync);
                _ = Task.Run(() => { _greeting = new object(); _ready.Release(); });
            }
            private async Task LoopAsync()
            {
                while (true)
                {
                    await _gate.WaitAsync();
                    try { _connection = new object(); } finally { _gate.Release(); }
                    await Task.Delay(1000);
                }
            }
            public async Task SendAsync()
            {
                await _gate.WaitAsync().ConfigureAwait(false);
                try { if (_connection == null) throw new InvalidOperationException(); }
                finally { _gate.Release(); }
            }
            public async Task<object> GreetingAsync()
            {
                await _ready.WaitAsync();
                return _greeting;
            }
        }
        class Job
        {
            private readonly SemaphoreSlim _busy = new SemaphoreSlim(1, 1);
            private int _result;
            public void Start()
            {
                _busy.Wait();
                Task.Run(() => { _result = 42; _busy.Release(); });
            }
            public int Result()
            {
                _busy.Wait();
                try { return _result; } finally { _busy.Release(); }
            }
        }
        """);
}
