using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A member's await orders it after work it leaves running only where the await can reach that work: the work's handle,
/// a signal the work gives, an object both use, or the project's own code, which may wait for anything. An await of a
/// library call on objects the work never touches (a stream the caller passed) completes without the work, as the
/// synchronous call does, so what the member does after it still runs beside the work. A caller's code after the call
/// that starts the work is read the same way, for a field's object too (SCOPE011). Each hazard beside the twins that
/// must stay silent. The class starts at line 9.
/// </summary>
public class AwaitBesideWorkTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings + """
        using System.Collections.Concurrent;
        using System.IO;

        """;

    [Fact]
    public Task A_member_mutating_after_it_awaits_a_read_of_its_own_stream_races_the_timer() => Verify.VerifyAnalyzerAsync(Usings + """
        class Cache
        {
            private readonly Dictionary<string, int> _items = new Dictionary<string, int>();
            private readonly Timer _sweep;

            public Cache() => _sweep = new Timer({|#0:Sweep|}, null, 1000, 1000);

            public async Task AddAsync(string key, Stream source)
            {
                var buffer = new byte[4];
                var read = await source.ReadAsync(buffer, 0, 4).ConfigureAwait(false);
                _items[key] = read;
            }

            private void Sweep(object state)
            {
                lock (_sweep)
                {
                    foreach (var key in _items.Keys.ToList())
                    {
                        _items.Remove(key);
                    }
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "Dictionary<string, int>", "Cache.AddAsync at line 20", "work started with new Timer at line 14 (in Cache.Sweep)", "read"));

    [Fact]
    public Task A_member_reading_after_it_awaits_a_helper_that_only_reads_a_stream_races_the_loop() => Verify.VerifyAnalyzerAsync(Usings + """
        class Tracker
        {
            private readonly List<string> _seen = new List<string>();
            private Task _loop;

            public void Start() => _loop = Task.Run({|#0:RunAsync|});

            public async Task<int> CountAsync(Stream source)
            {
                await FillAsync(source);
                return _seen.Count(name => name.Length > 0);
            }

            private static async Task FillAsync(Stream source) => await source.ReadAsync(new byte[4], 0, 4);

            private async Task RunAsync()
            {
                while (true)
                {
                    _seen.Add("x");
                    await Task.Delay(10);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_seen", "List<string>", "work started with Task.Run at line 14 (in Tracker.RunAsync)", "Tracker.CountAsync at line 19", "read"));

    // The tasks a local list collects are read one by one: reads of streams the loop never uses.
    [Fact]
    public Task A_member_reading_after_it_awaits_a_list_of_its_own_reads_races_the_loop() => Verify.VerifyAnalyzerAsync(Usings + """
        class Tracker
        {
            private readonly List<string> _seen = new List<string>();
            private Task _loop;

            public void Start() => _loop = Task.Run({|#0:RunAsync|});

            public async Task<int> CountAsync(Stream first, Stream second)
            {
                var reads = new List<Task<int>>();
                reads.Add(first.ReadAsync(new byte[1], 0, 1));
                reads.Add(second.ReadAsync(new byte[1], 0, 1));
                await Task.WhenAll(reads);
                return _seen.Count;
            }

            private async Task RunAsync()
            {
                while (true)
                {
                    _seen.Add("x");
                    await Task.Delay(10);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_seen", "List<string>", "work started with Task.Run at line 14 (in Tracker.RunAsync)", "Tracker.CountAsync at line 22", "read"));

    // The synchronous twin waits for the same task and orders nothing more.
    [Fact]
    public Task A_member_blocking_on_a_read_of_a_stream_the_loop_never_uses_races_the_loop() => Verify.VerifyAnalyzerAsync(Usings + """
        class Tracker
        {
            private readonly List<string> _seen = new List<string>();
            private Task _loop;

            public void Start() => _loop = Task.Run({|#0:RunAsync|});

            public int Count(Stream source)
            {
                var read = source.ReadAsync(new byte[4], 0, 4).Result;
                return _seen.Count + read;
            }

            private async Task RunAsync()
            {
                while (true)
                {
                    _seen.Add("x");
                    await Task.Delay(10);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_seen", "List<string>", "work started with Task.Run at line 14 (in Tracker.RunAsync)", "Tracker.Count at line 19", "read"));

    // Awaits that can reach the work: its handle, directly, configured, among others or through a helper; a semaphore it
    // releases; a completion source it completes, also one the member made and handed over for the work to complete; a
    // task the caller passes, which may be the work's.
    [Fact]
    public Task Awaits_that_reach_the_work_order_what_follows_them() => Verify.VerifyAnalyzerAsync(Usings + """
        class Tracker
        {
            private readonly List<string> _seen = new List<string>();
            private readonly SemaphoreSlim _added = new SemaphoreSlim(0);
            private readonly TaskCompletionSource<bool> _done = new TaskCompletionSource<bool>();
            private readonly ConcurrentDictionary<int, TaskCompletionSource<int>> _replies = new ConcurrentDictionary<int, TaskCompletionSource<int>>();
            private Task _loop;

            public void Start() => _loop = Task.Run(RunAsync);

            public async Task<int> AfterTheReply()
            {
                var reply = new TaskCompletionSource<int>();
                _replies[1] = reply;
                await reply.Task.WaitAsync(TimeSpan.FromSeconds(1));
                return _seen.Count;
            }

            public async Task<int> AfterTheLoop() { await _loop; return _seen.Count; }
            public async Task<int> AfterTheLoopConfigured() { await _loop.ConfigureAwait(false); return _seen.Count; }
            public async Task<int> AfterAll() { await Task.WhenAll(_loop, Task.Delay(1)); return _seen.Count; }
            public async Task<int> AfterStopping() { await StopAsync(); return _seen.Count; }
            public async Task<int> AfterTheSignal() { await _added.WaitAsync(); return _seen.Count; }
            public async Task<int> AfterTheCompletion() { await _done.Task; return _seen.Count; }
            public async Task<int> AfterTheCallersTask(Task loop) { await loop; return _seen.Count; }
            public async Task<int> AfterAListHoldingTheLoop() { var all = new List<Task>(); all.Add(_loop); await Task.WhenAll(all); return _seen.Count; }
            public int AfterBlocking() { _loop.Wait(); return _seen.Count; }

            private async Task StopAsync() => await _loop.ConfigureAwait(false);

            private async Task RunAsync()
            {
                _seen.Add("x");
                _added.Release();
                _done.SetResult(true);
                if (_replies.TryRemove(1, out var reply))
                {
                    reply.SetResult(1);
                }

                await Task.Yield();
            }
        }
        """);

    // A library call on an object the work uses too, also through a local that holds it, may be how the work hands its
    // results over (a stream it writes).
    [Fact]
    public Task An_await_on_an_object_the_work_writes_orders_what_follows_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Relay
        {
            private readonly List<string> _seen = new List<string>();
            private readonly Stream _pipe;
            private Thread _thread;

            public Relay(Stream pipe) => _pipe = pipe;

            public void Start()
            {
                _thread = new Thread(Pump);
                _thread.Start();
            }

            public async Task<int> NextAsync()
            {
                var buffer = new byte[1];
                await _pipe.ReadAsync(buffer, 0, 1);
                return _seen.Count;
            }

            public async Task<int> NextThroughALocalAsync()
            {
                var pipe = _pipe;
                await pipe.ReadAsync(new byte[1], 0, 1);
                return _seen.Count;
            }

            private void Pump()
            {
                _seen.Add("x");
                _pipe.WriteByte(1);
            }
        }
        """);

    // A delegate or an overridable method of the project may run code that waits for the work.
    [Fact]
    public Task An_await_of_a_delegate_or_an_overridable_method_orders_what_follows_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Tracker
        {
            private readonly List<string> _seen = new List<string>();
            private readonly Func<Task> _flush;
            private Task _loop;

            public Tracker(Func<Task> flush) => _flush = flush;

            public void Start() => _loop = Task.Run(RunAsync);

            public async Task<int> AfterTheFlush() { await _flush(); return _seen.Count; }
            public async Task<int> AfterTheHook() { await OnStoppingAsync(); return _seen.Count; }

            protected virtual Task OnStoppingAsync() => Task.CompletedTask;

            private async Task RunAsync()
            {
                _seen.Add("x");
                await Task.Yield();
            }
        }
        """);

    // SCOPE011 against the code a caller runs after the call that starts the work (SCOPE010's case 5, for an object a
    // field holds): the caller clearing the list the loop fills, after an await that cannot reach the loop; before the
    // call, or after a wait for the loop, it is silent.
    [Fact]
    public Task A_caller_clearing_the_list_after_the_call_that_starts_the_loop_races_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Feed
        {
            private readonly List<string> _seen = new List<string>();
            private Task _loop;

            public async Task OpenAsync(Stream source)
            {
                Start();
                await source.FlushAsync();
                _seen.Clear();
            }

            private void Start() => _loop = Task.Run({|#0:RunAsync|});

            private async Task RunAsync()
            {
                while (true)
                {
                    _seen.Add("x");
                    await Task.Delay(10);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_seen", "List<string>", "work started with Task.Run at line 21 (in Feed.RunAsync)", "Feed.OpenAsync at line 18 (after it calls Start at line 16)", "also mutate"));

    [Fact]
    public Task A_caller_clearing_the_list_before_the_call_or_after_waiting_for_the_loop_is_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Feed
        {
            private readonly List<string> _seen = new List<string>();
            private Task _loop;

            public void Open()
            {
                _seen.Clear();
                Start();
            }

            public async Task ReopenAsync()
            {
                Start();
                await _loop;
                _seen.Clear();
            }

            private void Start() => _loop = Task.Run(RunAsync);

            private async Task RunAsync()
            {
                _seen.Add("x");
                await Task.Delay(10);
            }
        }
        """);
}
