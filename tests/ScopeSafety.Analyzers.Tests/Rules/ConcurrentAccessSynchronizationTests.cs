using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using ScopeSafety.Analyzers.Concurrency;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 over the orderings the synchronisation objects give (shared with SCOPE002–004 through
/// Flow/SignalObjects): an event Set, a countdown Signal, a semaphore Release, a completed TaskCompletionSource,
/// and Monitor.Enter/Exit. Each safe shape beside the hazard it must still report.
/// </summary>
public class ConcurrentAccessSynchronizationTests
{
    private static string Program(string body) => ConcurrentAccessAnalyzerTests.Program(body);

    private static string AsyncProgram(string body) => ConcurrentAccessAnalyzerTests.Usings + """
        class C
        {
            async Task M(int[] items)
            {
        BODY
            }
        }
        """.Replace("BODY", body);

    // ---- ManualResetEvent(Slim) / AutoResetEvent -------------------------------------------------------------

    [Fact]
    public Task A_spawn_that_writes_then_sets_an_event_the_scope_body_waits_for_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var done = new ManualResetEventSlim(false);
                var x = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { x = 42; done.Set(); });
                    done.Wait();
                    Console.WriteLine(x);
                    x = 1;
                });
        """));

    [Fact]
    public Task The_scope_body_reading_before_the_wait_races() => Verify.VerifyAnalyzerAsync(Program("""
                var done = new ManualResetEventSlim(false);
                var x = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { {|#0:x|} = 42; done.Set(); });
                    Console.WriteLine(x);
                    done.Wait();
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("x", "work started with Scope.Spawn at line 15", "the scope body at line 16", "read"));

    [Fact]
    public Task A_spawn_writing_after_it_sets_the_event_races() => Verify.VerifyAnalyzerAsync(Program("""
                var done = new ManualResetEventSlim(false);
                var x = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { done.Set(); {|#0:x|} = 42; });
                    done.Wait();
                    Console.WriteLine(x);
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_wait_that_may_be_skipped_or_times_out_unchecked_orders_nothing() => Verify.VerifyAnalyzerAsync(Program("""
                var done = new ManualResetEventSlim(false);
                var x = 0;
                var y = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { {|#0:x|} = 42; done.Set(); });
                    if (items.Length > 0) done.Wait();
                    Console.WriteLine(x);
                });
                var other = new ManualResetEventSlim(false);
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { {|#1:y|} = 42; other.Set(); });
                    other.Wait(100);
                    Console.WriteLine(y);
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0),
        Verify.Diagnostic("SCOPE010").WithLocation(1));

    [Fact]
    public Task An_event_created_set_orders_nothing() => Verify.VerifyAnalyzerAsync(Program("""
                var done = new ManualResetEventSlim(true);
                var x = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { {|#0:x|} = 42; done.Set(); });
                    done.Wait();
                    Console.WriteLine(x);
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task An_event_set_by_several_items_orders_none_of_them_after_one_wait() => Verify.VerifyAnalyzerAsync(Program("""
                var first = new ManualResetEventSlim(false);
                var x = 0;
                var y = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { {|#0:x|} = 1; first.Set(); });
                    scope.Spawn(() => { {|#1:y|} = 2; first.Set(); });
                    first.Wait();
                    Console.WriteLine(x + y);
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("x", "work started with Scope.Spawn at line 16", "the scope body at line 19", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1));

    [Fact]
    public Task An_event_set_by_one_item_only_orders_it_after_the_wait() => Verify.VerifyAnalyzerAsync(Program("""
                var first = new ManualResetEventSlim(false);
                var second = new ManualResetEventSlim(false);
                var x = 0;
                var y = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { x = 1; first.Set(); });
                    scope.Spawn(() => { y = 2; second.Set(); });
                    first.Wait();
                    second.Wait();
                    Console.WriteLine(x + y);
                });
        """));

    [Fact]
    public Task The_body_writing_then_releasing_an_item_that_waits_first_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var go = new ManualResetEventSlim(false);
                var config = 0;
                var settings = new Dictionary<string, int>();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { go.Wait(); Console.WriteLine(config + settings.Count); });
                    config = 5;
                    settings["retries"] = 3;
                    go.Set();
                });
        """));

    [Fact]
    public Task The_body_writing_after_it_releases_the_item_races() => Verify.VerifyAnalyzerAsync(Program("""
                var go = new ManualResetEventSlim(false);
                var config = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { go.Wait(); Console.WriteLine({|#0:config|}); });
                    go.Set();
                    config = 5;
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("config", "the scope body at line 17", "work started with Scope.Spawn at line 15", "read"));

    [Fact]
    public Task A_list_filled_before_a_Set_in_finally_and_read_after_WaitOne_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var list = new List<int>();
                var done = new ManualResetEvent(false);
                Task.Run(() =>
                {
                    try
                    {
                        foreach (var item in items) list.Add(item);
                    }
                    finally
                    {
                        done.Set();
                    }
                });
                done.WaitOne();
                Console.WriteLine(list.Count);
        """));

    [Fact]
    public Task A_list_read_before_WaitOne_races() => Verify.VerifyAnalyzerAsync(Program("""
                var list = new List<int>();
                var done = new ManualResetEvent(false);
                Task.Run(() =>
                {
                    try
                    {
                        foreach (var item in items) {|#0:list|}.Add(item);
                    }
                    finally
                    {
                        done.Set();
                    }
                });
                Console.WriteLine(list.Count);
                done.WaitOne();
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task Two_unscoped_items_handing_over_through_an_event_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var ready = new AutoResetEvent(false);
                var a = Task.Run(() => { count = 10; ready.Set(); });
                var b = Task.Run(() => { ready.WaitOne(); count++; });
                Task.WaitAll(a, b);
        """));

    [Fact]
    public Task Two_unscoped_items_without_the_wait_race() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var ready = new AutoResetEvent(false);
                var a = Task.Run(() => { {|#0:count|} = 10; ready.Set(); });
                var b = Task.Run(() => { count++; ready.WaitOne(); });
                Task.WaitAll(a, b);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with Task.Run at line 13", "work started with Task.Run at line 14", "also write"));

    [Fact]
    public Task An_item_waiting_only_in_a_branch_still_races() => Verify.VerifyAnalyzerAsync(Program("""
                var count = 0;
                var ready = new ManualResetEventSlim(false);
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { {|#0:count|} = 10; ready.Set(); });
                    scope.Spawn(() => { if (items.Length > 0) ready.Wait(); count++; });
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // ---- CountdownEvent ----------------------------------------------------------------------------------

    [Fact]
    public Task Items_signalling_a_countdown_are_ordered_before_the_wait_but_not_with_each_other() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>();
                var countdown = new CountdownEvent(items.Length);
                foreach (var item in items)
                {
                    Task.Run(() => { {|#0:results|}.Add(item * 2); countdown.Signal(); });
                }

                countdown.Wait();
                Console.WriteLine(results.Count);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Task.Run at line 15", "another run of the same work", "also mutate"));

    [Fact]
    public Task Items_adding_under_a_lock_then_signalling_a_countdown_do_not_race_with_the_read_after_the_wait() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>();
                var gate = new object();
                var countdown = new CountdownEvent(items.Length);
                foreach (var item in items)
                {
                    Task.Run(() => { lock (gate) results.Add(item * 2); countdown.Signal(); });
                }

                countdown.Wait();
                Console.WriteLine(results.Count);
        """));

    [Fact]
    public Task A_read_before_the_countdown_wait_races() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>();
                var gate = new object();
                var countdown = new CountdownEvent(items.Length);
                foreach (var item in items)
                {
                    Task.Run(() => { lock (gate) {|#0:results|}.Add(item * 2); countdown.Signal(); });
                }

                Console.WriteLine(results.Count);
                countdown.Wait();
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    // ---- TaskCompletionSource ----------------------------------------------------------------------------

    [Fact]
    public Task Writes_before_SetResult_and_reads_after_waiting_for_the_task_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var list = new List<int>();
                var tcs = new TaskCompletionSource<bool>();
                var x = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { list.Add(1); x = 5; tcs.SetResult(true); });
                    tcs.Task.Wait();
                    Console.WriteLine(list.Count + x);
                });
        """));

    [Fact]
    public Task Writes_before_SetResult_and_reads_after_awaiting_the_task_do_not_race() => Verify.VerifyAnalyzerAsync(AsyncProgram("""
                var list = new List<int>();
                var tcs = new TaskCompletionSource<bool>();
                _ = Task.Run(() => { list.Add(1); tcs.TrySetResult(true); });
                await tcs.Task;
                Console.WriteLine(list.Count);
        """));

    [Fact]
    public Task A_read_before_awaiting_the_completion_source_races() => Verify.VerifyAnalyzerAsync(AsyncProgram("""
                var list = new List<int>();
                var tcs = new TaskCompletionSource<bool>();
                _ = Task.Run(() => { {|#0:list|}.Add(1); tcs.TrySetResult(true); });
                Console.WriteLine(list.Count);
                await tcs.Task;
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    // ---- SemaphoreSlim ------------------------------------------------------------------------------------

    [Fact]
    public Task A_semaphore_of_one_used_as_a_mutex_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new SemaphoreSlim(1, 1);
                var count = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { gate.Wait(); try { count++; } finally { gate.Release(); } });
                    scope.Spawn(() => { gate.Wait(); try { count++; } finally { gate.Release(); } });
                });
        """));

    [Fact]
    public Task An_awaited_WaitAsync_mutex_in_async_items_does_not_race() => Verify.VerifyAnalyzerAsync(AsyncProgram("""
                var gate = new SemaphoreSlim(1, 1);
                var cache = new Dictionary<int, string>();
                var a = Task.Run(async () =>
                {
                    await gate.WaitAsync();
                    try { cache[1] = "one"; }
                    finally { gate.Release(); }
                });
                var b = Task.Run(async () =>
                {
                    await gate.WaitAsync().ConfigureAwait(false);
                    try { cache[2] = "two"; }
                    finally { gate.Release(); }
                });
                await Task.WhenAll(a, b);
        """));

    // A library's own shorthand for ConfigureAwait(false) (Hazelcast's CfAwait, Foundatio's AnyContext) is awaited as
    // ConfigureAwait is.
    [Fact]
    public Task A_WaitAsync_mutex_awaited_through_a_shorthand_for_ConfigureAwait_does_not_race() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class TaskExtensions
        {
            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable CfAwait(this Task task) => task.ConfigureAwait(false);
            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable<T> CfAwait<T>(this Task<T> task) => task.ConfigureAwait(false);
        }

        class Runner
        {
            public static async Task Run()
            {
                var gate = new SemaphoreSlim(1, 1);
                var done = false;
                async Task Consume()
                {
                    await gate.WaitAsync().CfAwait();
                    try { done = true; }
                    finally { gate.Release(); }
                }

                await Task.WhenAll(Task.Run(Consume), Task.Run(Consume)).CfAwait();
            }
        }
        """);

    [Fact]
    public Task A_timed_WaitAsync_whose_result_is_ignored_is_no_mutex() => Verify.VerifyAnalyzerAsync(AsyncProgram("""
                var gate = new SemaphoreSlim(1, 1);
                var cache = new Dictionary<int, string>();
                var a = Task.Run(async () =>
                {
                    await gate.WaitAsync(100);
                    try { {|#0:cache|}[1] = "one"; }
                    finally { gate.Release(); }
                });
                var b = Task.Run(async () =>
                {
                    await gate.WaitAsync();
                    try { cache[2] = "two"; }
                    finally { gate.Release(); }
                });
                await Task.WhenAll(a, b);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0));

    [Fact]
    public Task A_semaphore_of_several_permits_lets_the_items_race() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new SemaphoreSlim(2);
                var count = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { gate.Wait(); try { {|#0:count|}++; } finally { gate.Release(); } });
                    scope.Spawn(() => { gate.Wait(); try { count++; } finally { gate.Release(); } });
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    [Fact]
    public Task A_semaphore_released_after_the_write_orders_the_body_after_its_wait() => Verify.VerifyAnalyzerAsync(Program("""
                var signal = new SemaphoreSlim(0);
                var map = new Dictionary<int, int>();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { map[1] = 1; signal.Release(); });
                    signal.Wait();
                    Console.WriteLine(map.Count);
                });
        """));

    // ---- Barrier -----------------------------------------------------------------------------------------

    [Fact]
    public Task Phases_separated_by_a_barrier_do_not_race_but_writes_in_one_phase_do() => Verify.VerifyAnalyzerAsync(Program("""
                var barrier = new Barrier(2);
                var left = 0;
                var right = 0;
                var both = 0;
                Parallel.Invoke(
                    () => { left = 1; barrier.SignalAndWait(); Console.WriteLine(right); {|#0:both|}++; },
                    () => { right = 2; barrier.SignalAndWait(); Console.WriteLine(left); both++; });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0));

    // ---- Monitor.Enter / Exit ----------------------------------------------------------------------------

    [Fact]
    public Task Monitor_Enter_and_Exit_on_the_lock_object_count_as_the_lock() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        Monitor.Enter(gate);
                        try { counter++; }
                        finally { Monitor.Exit(gate); }
                    });
                    scope.Spawn(() =>
                    {
                        var taken = false;
                        try
                        {
                            Monitor.Enter(gate, ref taken);
                            counter++;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(gate);
                        }
                    });
                    scope.Spawn(() => { lock (gate) counter++; });
                });
        """));

    [Fact]
    public Task Monitor_on_another_object_or_TryEnter_is_no_common_lock() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                var other = new object();
                long counter = 0;
                long tries = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        Monitor.Enter(other);
                        try { {|#0:counter|}++; }
                        finally { Monitor.Exit(other); }
                    });
                    scope.Spawn(() => { lock (gate) counter++; });
                    scope.Spawn(() =>
                    {
                        var taken = false;
                        try
                        {
                            Monitor.TryEnter(gate, ref taken);
                            {|#1:tries|}++;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(gate);
                        }
                    });
                    scope.Spawn(() => { lock (gate) tries++; });
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0),
        Verify.Diagnostic("SCOPE010").WithLocation(1));

    // ---- reads through Volatile and Interlocked; a synchronized method run as the work ------------------------

    [Fact]
    public Task A_Volatile_Read_beside_a_plain_read_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var stopped = false;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { while (!Volatile.Read(ref stopped)) Thread.Sleep(1); });
                    scope.Spawn(() => Console.WriteLine(stopped));
                });
        """));

    [Fact]
    public Task A_Volatile_Read_beside_a_locked_write_races_as_a_read() => Verify.VerifyAnalyzerAsync(Program("""
                string combined = "";
                var gate = new object();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { lock (gate) {|#0:combined|} += "a"; });
                    scope.Spawn(() => Console.WriteLine(Volatile.Read(ref combined)));
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("combined", "work started with Scope.Spawn at line 15", "work started with Scope.Spawn at line 16", "read"));

    [Fact]
    public Task An_Interlocked_Read_beside_a_plain_read_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                long total = 5;
                Parallel.Invoke(
                    () => Console.WriteLine(Interlocked.Read(ref total)),
                    () => Console.WriteLine(total));
        """));

    // A helper of the project's own that only hands its ref parameter to Interlocked or Volatile is atomic for its callers.
    [Fact]
    public Task A_place_passed_to_a_helper_that_only_uses_it_atomically_does_not_race() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class Flags
        {
            public static bool ZeroToOne(ref this int value) => Interlocked.CompareExchange(ref value, 1, 0) == 0;
            public static void Clear(ref int value) => Volatile.Write(ref value, 0);
            public static bool Claim(ref int value) => value.ZeroToOne();
            public static bool Plain(ref int value)
            {
                if (Interlocked.CompareExchange(ref value, 1, 0) != 0) return false;
                value = 2;
                return true;
            }
        }

        class Connection
        {
            private int _shut;
            private int _marked;

            public void Start()
            {
                new Thread(Shutdown).Start();
                new Thread(Shutdown).Start();
                new Thread({|#0:Mark|}).Start();
                new Thread(Mark).Start();
            }

            private void Shutdown()
            {
                if (!_shut.ZeroToOne() && !Flags.Claim(ref _shut)) return;
                Flags.Clear(ref _shut);
            }

            private void Mark() => Flags.Plain(ref _marked);
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_marked", "work started with new Thread at line 29 (in Connection.Mark)", "work started with new Thread at line 30 (in Connection.Mark)", "also write"));

    [Fact]
    public Task Two_threads_running_a_synchronized_method_do_not_race() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Counter
        {
            private int _count;

            public void Start()
            {
                new Thread(Count).Start();
                new Thread(Count).Start();
            }

            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
            private void Count() => _count++;
        }
        """);

    // ---- a try-enter holds the lock where the code knows it succeeded ------------------------------------------

    [Fact]
    public Task Monitor_TryEnter_in_the_condition_holds_the_lock_in_its_branch() => Verify.VerifyAnalyzerAsync(Program("""
                var total = 0;
                var gate = new object();
                Parallel.For(0, 100, i =>
                {
                    if (Monitor.TryEnter(gate, 50))
                    {
                        try
                        {
                            total += i;
                        }
                        finally
                        {
                            Monitor.Exit(gate);
                        }
                    }
                });
        """));

    [Fact]
    public Task An_update_in_the_branch_where_TryEnter_failed_races() => Verify.VerifyAnalyzerAsync(Program("""
                var total = 0;
                var gate = new object();
                Parallel.For(0, 100, i =>
                {
                    if (Monitor.TryEnter(gate, 50))
                    {
                        Monitor.Exit(gate);
                    }
                    else
                    {
                        {|#0:total|} += i;
                    }
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Parallel.For at line 13", "another run of the same work", "also write"));

    [Fact]
    public Task A_TryEnter_flag_checked_by_an_early_return_holds_the_lock_below() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = new List<int>();
                var gate = new object();
                Parallel.For(0, 100, i =>
                {
                    var taken = false;
                    try
                    {
                        Monitor.TryEnter(gate, 50, ref taken);
                        if (!taken)
                        {
                            return;
                        }

                        seen.Add(i);
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(gate);
                    }
                });
        """));

    [Fact]
    public Task An_add_above_the_early_return_races() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = new List<int>();
                var gate = new object();
                Parallel.For(0, 100, i =>
                {
                    var taken = false;
                    try
                    {
                        {|#0:seen|}.Add(i);
                        Monitor.TryEnter(gate, 50, ref taken);
                        if (!taken)
                        {
                            return;
                        }
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(gate);
                    }
                });
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("seen", "List<int>", "work started with Parallel.For at line 13", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_timed_semaphore_wait_and_TryEnterWriteLock_hold_their_locks_where_they_succeeded() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Cache
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private int _hits;
            private int _misses;

            public async Task RunAsync()
            {
                await Task.WhenAll(Task.Run(HitAsync), Task.Run(HitAsync), Task.Run(Miss), Task.Run(Miss));
            }

            private async Task HitAsync()
            {
                if (!await _gate.WaitAsync(100))
                {
                    throw new TimeoutException();
                }

                try
                {
                    _hits++;
                }
                finally
                {
                    _gate.Release();
                }
            }

            private void Miss()
            {
                if (_rw.TryEnterWriteLock(100))
                {
                    try { _misses++; } finally { _rw.ExitWriteLock(); }
                }
            }
        }
        """);

    // A timer callback that waits for a one-slot semaphore with a timeout, keeps the answer in a local and returns when it
    // timed out (through ConfigureAwait, or a project's shorthand for it), then releases through a helper in each branch:
    // the ticks that get past the test run one at a time, also in the method they call. The twin never waits.
    [Fact]
    public Task A_timed_semaphore_wait_kept_in_a_local_holds_the_semaphore_below_the_test_that_leaves() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class TaskExtensions
        {
            public static System.Runtime.CompilerServices.ConfiguredTaskAwaitable<T> CAF<T>(this Task<T> task) => task.ConfigureAwait(false);
        }

        class Cleaner
        {
            private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1);
            private readonly Queue<int> _queue = new Queue<int>();
            private int _laps;
            private Timer _timer;

            public void Start() => _timer = new Timer(OnTick, null, 0, 1000);

            private async void OnTick(object state)
            {
                var entered = await _mutex.WaitAsync(TimeSpan.FromSeconds(1)).CAF();
                if (!entered)
                {
                    return;
                }

                try
                {
                    await Process().ConfigureAwait(false);
                    ReleaseMutex();
                }
                catch (Exception)
                {
                    ReleaseMutex();
                }
            }

            private async Task Process()
            {
                _laps++;
                _queue.Enqueue(_laps);
                await Task.Delay(10).ConfigureAwait(false);
            }

            private void ReleaseMutex() => _mutex.Release();
        }

        class Sweeper
        {
            private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1);
            private int _laps;
            private Timer _timer;

            public void Start() => _timer = new Timer({|#0:OnTick|}, null, 0, 1000);

            private async void OnTick(object state)
            {
                bool entered = await _mutex.WaitAsync(1000).ConfigureAwait(false);
                if (entered)
                {
                    _laps++;
                }

                _laps++;
                if (entered) _mutex.Release();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_laps", "work started with new Timer at line 56 (in Sweeper.OnTick)", "another run of the same work", "read"));

    // Worker threads started in a constructor that first wait for an event the constructor creates closed and never
    // sets: only a member called once the object exists can let them through, so what the constructor stores after the
    // start comes first. The twin's constructor sets the event itself after the start, before its store.
    [Fact]
    public Task Worker_threads_held_at_an_event_only_a_later_call_sets_see_what_the_constructor_stores_after_the_start() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Dispatcher
        {
            private readonly AutoResetEvent _go = new AutoResetEvent(false);
            private readonly Thread _thread;
            private AutoResetEvent _finished;
            private Action _work;

            public Dispatcher()
            {
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
                _finished = new AutoResetEvent(false);
            }

            public void Dispatch(Action work)
            {
                _work = work;
                _go.Set();
                _finished.WaitOne();
            }

            private void Loop()
            {
                while (true)
                {
                    _go.WaitOne();
                    _work();
                    _finished.Set();
                }
            }
        }

        class EagerDispatcher
        {
            private readonly AutoResetEvent _go = new AutoResetEvent(false);
            private readonly Thread _thread;
            private AutoResetEvent _finished;

            public EagerDispatcher()
            {
                _thread = new Thread({|#0:Loop|}) { IsBackground = true };
                _thread.Start();
                _go.Set();
                _finished = new AutoResetEvent(false);
            }

            private void Loop()
            {
                _go.WaitOne();
                _finished.Set();
            }
        }

        class KickedDispatcher
        {
            private readonly AutoResetEvent _go = new AutoResetEvent(false);
            private readonly Thread _thread;
            private AutoResetEvent _finished;

            public KickedDispatcher()
            {
                _thread = new Thread({|#1:Loop|}) { IsBackground = true };
                _thread.Start();
                Kick();
                _finished = new AutoResetEvent(false);
            }

            private void Kick() => _go.Set();

            private void Loop()
            {
                _go.WaitOne();
                _finished.Set();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_finished", "the method at line 50", "work started with new Thread at line 47 (in EagerDispatcher.Loop)", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_finished", "the method at line 71", "work started with new Thread at line 68 (in KickedDispatcher.Loop)", "read"));

    // "Caller must lock": a private helper whose every call in the file holds the lock (directly or through another
    // such helper) runs under it, so its store of the timer is ordered with the callback that takes the lock. The twin
    // has one caller that does not lock.
    [Fact]
    public Task A_private_helper_every_caller_of_which_holds_the_lock_runs_under_it() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Connection
        {
            private readonly object _mu = new object();
            private Timer _ping;
            private int _state;

            public void Connect()
            {
                lock (_mu)
                {
                    Init();
                }
            }

            public void Reconnect()
            {
                lock (_mu)
                {
                    _state = 2;
                    Init();
                }
            }

            // Caller must lock.
            private void Init()
            {
                _state = 1;
                StartPing();
            }

            // Caller must lock.
            private void StartPing() => _ping = new Timer(OnPing, null, 0, Timeout.Infinite);

            private void OnPing(object state)
            {
                lock (_mu)
                {
                    if (_state == 1 && _ping != null)
                    {
                        _ping.Change(100, Timeout.Infinite);
                    }
                }
            }
        }

        class Session
        {
            private readonly object _mu = new object();
            private Timer _ping;

            public void Connect()
            {
                lock (_mu)
                {
                    StartPing();
                }
            }

            public void Restart() => StartPing();

            private void StartPing() => _ping = new Timer({|#0:OnPing|}, null, 0, Timeout.Infinite);

            private void OnPing(object state)
            {
                lock (_mu)
                {
                    _ping?.Change(100, Timeout.Infinite);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_ping", "the method at line 67", "work started with new Timer at line 67 (in Session.OnPing)", "read"));

    // ---- a flag taken atomically is a try-lock -----------------------------------------------------------------------

    // The reentrancy guard of a timer callback: a tick that finds the last one still running returns, so the ticks that
    // get past the test run one at a time.
    [Fact]
    public Task A_timer_callback_that_returns_while_its_last_tick_runs_does_not_race_with_itself() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Flusher
        {
            private int _busy;
            private int _flushed;
            private Timer _timer;

            public void Start() => _timer = new Timer(OnTick, null, 1000, 1000);

            private void OnTick(object state)
            {
                if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return;
                try { _flushed++; }
                finally { Volatile.Write(ref _busy, 0); }
            }
        }

        class Sender
        {
            private int _busy;
            private int _sent;
            private Timer _timer;

            public void Start() => _timer = new Timer(OnTick, null, 1000, 1000);

            private void OnTick(object state)
            {
                if (Interlocked.Exchange(ref _busy, 1) == 0)
                {
                    try { _sent++; }
                    finally { Interlocked.Exchange(ref _busy, 0); }
                }
            }
        }

        class Resetter
        {
            private int _resetting;
            private readonly LinkedList<string> _hosts = new LinkedList<string>();

            public void Start()
            {
                new Thread(Reset).Start();
                new Thread(Reset).Start();
            }

            private void Reset()
            {
                if (Interlocked.Increment(ref _resetting) != 1)
                {
                    Interlocked.Decrement(ref _resetting);
                    return;
                }

                _hosts.AddLast(_hosts.First.Value);
                _hosts.RemoveFirst();
                Interlocked.Decrement(ref _resetting);
            }
        }
        """);

    [Fact]
    public Task An_update_after_the_flag_is_written_back_or_behind_the_wrong_test_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Early
        {
            private int _busy;
            private int _count;
            private Timer _timer;

            public void Start() => _timer = new Timer({|#0:OnTick|}, null, 1000, 1000);

            private void OnTick(object state)
            {
                if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return;
                Volatile.Write(ref _busy, 0);
                _count++;
            }
        }

        class Inverted
        {
            private int _busy;
            private int _count;
            private Timer _timer;

            public void Start() => _timer = new Timer({|#1:OnTick|}, null, 1000, 1000);

            private void OnTick(object state)
            {
                if (Interlocked.CompareExchange(ref _busy, 1, 0) == 0) return;
                _count++;
                Volatile.Write(ref _busy, 0);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "work started with new Timer at line 13 (in Early.OnTick)", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_count", "work started with new Timer at line 29 (in Inverted.OnTick)", "another run of the same work", "also write"));

    // A plain store gives the flag back without ordering the guarded writes before it (on Arm they may land after it),
    // so the flag is the race reported, once, and not the count it guards.
    [Fact]
    public Task A_flag_given_back_by_a_plain_store_is_the_race_reported() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Sender
        {
            private int _busy;
            private int _sent;
            private Timer _timer;

            public void Start() => _timer = new Timer({|#0:OnTick|}, null, 1000, 1000);

            private void OnTick(object state)
            {
                if (Interlocked.Exchange(ref _busy, 1) == 0)
                {
                    try { _sent++; }
                    finally { _busy = 0; }
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_busy", "work started with new Timer at line 13 (in Sender.OnTick)", "another run of the same work", "read"));

    // A sink starts one flush at a time: the call that takes the flag starts the work and the work gives the flag back
    // as its last step, so no other run starts before this one is done.
    [Fact]
    public Task Work_started_by_the_thread_that_took_a_flag_and_giving_it_back_last_does_not_race_with_its_next_run() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Sink
        {
            private int _flushing;
            private int _batches;

            public void Emit()
            {
                if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
                {
                    Task.Run(() =>
                    {
                        try { _batches++; }
                        finally { Volatile.Write(ref _flushing, 0); }
                    });
                }
            }

            public void EmitMany()
            {
                for (var i = 0; i < 10; i++) Emit();
            }
        }

        class Scanner
        {
            private readonly object _gate = new object();
            private bool _scanning;
            private int _scans;

            public void Touch()
            {
                var start = false;
                lock (_gate)
                {
                    if (_scanning == false) _scanning = start = true;
                }

                if (start)
                {
                    new Thread(() =>
                    {
                        _scans++;
                        lock (_gate) _scanning = false;
                    }).Start();
                }
            }

            public void TouchMany()
            {
                for (var i = 0; i < 10; i++) Touch();
            }
        }

        class Loader
        {
            private readonly object _gate = new object();
            private bool _loading;
            private int _loads;

            public void Load()
            {
                bool start;
                lock (_gate)
                {
                    if (_loading) start = false;
                    else start = _loading = true;
                }

                if (start)
                {
                    Task.Run(() =>
                    {
                        _loads++;
                        lock (_gate) _loading = false;
                    });
                }
            }

            public void LoadMany()
            {
                for (var i = 0; i < 10; i++) Load();
            }
        }

        class Pump
        {
            private readonly object _gate = new object();
            private bool _running;
            private int _pumped;

            public void Kick()
            {
                lock (_gate)
                {
                    if (_running) return;
                    _running = true;
                }

                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try { _pumped++; }
                    finally { lock (_gate) _running = false; }
                });
            }

            public void KickMany()
            {
                for (var i = 0; i < 3; i++) Kick();
            }
        }
        """);

    [Fact]
    public Task Work_whose_flag_is_given_back_early_by_it_or_its_starter_or_that_repeats_races_with_its_next_run() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Starter
        {
            private int _flushing;
            private int _batches;

            public void Emit()
            {
                if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
                {
                    try { Task.Run(() => { {|#0:_batches|}++; }); }
                    finally { Volatile.Write(ref _flushing, 0); }
                }
            }

            public void EmitMany()
            {
                for (var i = 0; i < 10; i++) Emit();
            }
        }

        class Early
        {
            private int _flushing;
            private int _batches;

            public void Emit()
            {
                if (Interlocked.CompareExchange(ref _flushing, 1, 0) != 0) return;
                Task.Run(() =>
                {
                    Volatile.Write(ref _flushing, 0);
                    {|#1:_batches|}++;
                });
            }

            public void EmitMany()
            {
                for (var i = 0; i < 10; i++) Emit();
            }
        }

        class Periodic
        {
            private int _flushing;
            private int _batches;
            private Timer _timer;

            public void Emit()
            {
                if (Interlocked.CompareExchange(ref _flushing, 1, 0) != 0) return;
                _timer = new Timer(_ => { {|#2:_batches|}++; Volatile.Write(ref _flushing, 0); }, null, 100, 100);
            }
        }
                class Unclaimed
        {
            private readonly object _gate = new object();
            private bool _running;
            private int _pumped;

            public void Kick()
            {
                lock (_gate)
                {
                    if (_running) return;
                }

                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try { {|#3:_pumped|}++; }
                    finally { lock (_gate) _running = false; }
                });
            }

            public void KickMany()
            {
                for (var i = 0; i < 3; i++) Kick();
            }
        }

        class UnlockedClaim
        {
            private bool _loading;
            private int _loads;

            public void Load()
            {
                var start = false;
                if (!_loading) _loading = start = true;
                if (start)
                {
                    Task.Run(() => { {|#4:_loads|}++; {|#6:_loading|} = false; });
                }
            }

            public void LoadMany()
            {
                for (var i = 0; i < 10; i++) Load();
            }
        }

        class ForcedStart
        {
            private readonly object _gate = new object();
            private bool _loading;
            private int _loads;

            public void Load(bool force)
            {
                var start = false;
                lock (_gate)
                {
                    if (!_loading) _loading = start = true;
                }

                if (force) start = true;
                if (start)
                {
                    Task.Run(() => { {|#5:_loads|}++; lock (_gate) _loading = false; });
                }
            }

            public void LoadMany()
            {
                for (var i = 0; i < 10; i++) Load(i == 5);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_batches", "work started with Task.Run at line 16", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_batches", "work started with Task.Run at line 35", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("_batches", "work started with new Timer at line 57", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(3).WithArguments("_pumped", "work started with ThreadPool.QueueUserWorkItem at line 73", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(4).WithArguments("_loads", "work started with Task.Run at line 97", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(6).WithArguments("_loading", "work started with Task.Run at line 97", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(5).WithArguments("_loads", "work started with Task.Run at line 124", "another run of the same work", "also write"));

    // ---- the first test of a double-checked lock ---------------------------------------------------------------------

    [Fact]
    public Task The_unlocked_first_test_of_a_double_checked_lock_does_not_race_with_the_writes_under_that_lock() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Pool
        {
            private readonly object _gate = new object();
            private readonly List<object> _all = new List<object>();
            private bool _started;

            public void Start()
            {
                new Thread(Grow).Start();
                new Thread(Grow).Start();
            }

            private void Grow()
            {
                if (_started == false)
                    lock (_gate)
                        if (_started == false)
                            _started = true;

                var limit = Environment.ProcessorCount;
                if (limit > 1 && _all.Count < limit)
                {
                    lock (_gate)
                    {
                        if (_all.Count < limit)
                        {
                            _all.Add(new object());
                        }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task A_first_test_not_repeated_under_the_lock_or_a_write_outside_it_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Pool
        {
            private readonly object _gate = new object();
            private readonly List<object> _all = new List<object>();

            public void Start()
            {
                new Thread({|#0:Grow|}).Start();
                new Thread(Grow).Start();
            }

            private void Grow()
            {
                if (_all.Count < 10)
                    lock (_gate)
                        _all.Add(new object());
            }
        }

        class Switch
        {
            private readonly object _gate = new object();
            private bool _on;

            public void Start()
            {
                new Thread({|#1:Flip|}).Start();
                new Thread(Flip).Start();
            }

            private void Flip()
            {
                if (_on == false)
                    lock (_gate)
                        if (_on == false)
                            _on = true;
                _on = false;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_all", "List<object>", "work started with new Thread at line 14 (in Pool.Grow)", "work started with new Thread at line 15 (in Pool.Grow)", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_on", "work started with new Thread at line 33 (in Switch.Flip)", "work started with new Thread at line 34 (in Switch.Flip)", "also write"));

    // Written the other way round: a test that leaves early, then a lock that tests the same again (in either sense).
    [Fact]
    public Task An_early_exit_tested_again_under_the_lock_that_follows_does_not_race_with_the_writes_under_that_lock() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Inbox
        {
            private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
            private readonly object[] _items = new object[64];
            private int _size;

            public void Start() => new Thread(Drain).Start();

            public void Enqueue(object item)
            {
                _lock.EnterWriteLock();
                try
                {
                    _items[_size++] = item;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }

            private void Drain()
            {
                while (true)
                {
                    TryDequeue(out _);
                }
            }

            private bool TryDequeue(out object item)
            {
                if (_size == 0)
                {
                    item = null;
                    return false;
                }

                _lock.EnterWriteLock();
                try
                {
                    if (_size == 0)
                    {
                        item = null;
                        return false;
                    }

                    item = _items[--_size];
                    return true;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }
        }

        class Registry
        {
            private readonly object _gate = new object();
            private bool _disposed;
            private bool _loaded;

            public void Start()
            {
                new Thread(Load).Start();
                new Thread(Load).Start();
            }

            private void Load()
            {
                if (_loaded) return;
                if (Environment.ProcessorCount == 0) return;
                lock (_gate)
                {
                    if (!_loaded)
                    {
                        _loaded = true;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task An_early_exit_that_the_lock_does_not_test_again_still_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Registry
        {
            private readonly object _gate = new object();
            private bool _loaded;
            private int _count;

            public void Start()
            {
                new Thread({|#0:Load|}).Start();
                new Thread(Load).Start();
            }

            private void Load()
            {
                if (_loaded) return;
                lock (_gate)
                {
                    _count++;
                    _loaded = true;
                }
            }
        }

        class Flag
        {
            private readonly object _gate = new object();
            private bool _set;

            public void Start()
            {
                new Thread({|#1:Set|}).Start();
                new Thread(Set).Start();
            }

            private void Set()
            {
                if (_set) return;
                lock (_gate)
                {
                    if (_set) return;
                    _set = true;
                }

                _set = false;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_loaded", "work started with new Thread at line 15 (in Registry.Load)", "work started with new Thread at line 16 (in Registry.Load)", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_set", "work started with new Thread at line 37 (in Flag.Set)", "work started with new Thread at line 38 (in Flag.Set)", "also write"));

    // ---- a plain test before the swap of the same flag; a test whether the running thread owns a field ----------------

    // Test and test-and-set: the plain first test only spares the swap; a late value sends the thread to the swap, which
    // reads the flag again atomically, or away as if the swap had failed.
    [Fact]
    public Task A_plain_test_that_only_decides_whether_to_swap_the_same_flag_does_not_race_with_the_swap() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Banner
        {
            private int _written;
            private int _lines;

            public void Start()
            {
                new Thread(WriteOnce).Start();
                new Thread(WriteOnce).Start();
            }

            private void WriteOnce()
            {
                if (_written > 0 || Interlocked.CompareExchange(ref _written, 1, 0) != 0) return;
                _lines++;
            }
        }

        class Flusher
        {
            private int _busy;
            private int _flushed;
            private Timer _timer;

            public void Start() => _timer = new Timer(OnTick, null, 1000, 1000);

            private void OnTick(object state)
            {
                if (_busy == 0 && Interlocked.Exchange(ref _busy, 1) == 0)
                {
                    try { _flushed++; }
                    finally { Volatile.Write(ref _busy, 0); }
                }
            }
        }
        """);

    [Fact]
    public Task A_plain_test_of_a_flag_not_followed_by_its_swap_still_races_with_the_swap() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Banner
        {
            private int _written;
            private int _other;

            public void Start()
            {
                new Thread({|#0:WriteOnce|}).Start();
                new Thread(WriteOnce).Start();
            }

            private void WriteOnce()
            {
                if (_written > 0 || Interlocked.CompareExchange(ref _other, 1, 0) != 0) return;
                Interlocked.Exchange(ref _written, 1);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_written", "work started with new Thread at line 14 (in Banner.WriteOnce)", "work started with new Thread at line 15 (in Banner.WriteOnce)", "read"));

    [Fact]
    public Task A_guard_that_leaves_right_before_the_statement_that_swaps_the_flag_does_not_race_with_the_swap() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Cache
        {
            private int _scanning;
            private int _scans;
            private Timer _timer;

            public void Start() => _timer = new Timer(OnTick, null, 100, 100);

            private void OnTick(object state)
            {
                if (_scanning > 0)
                {
                    return;
                }

                if (Interlocked.CompareExchange(ref _scanning, 1, 0) == 0)
                {
                    try { _scans++; }
                    finally { Interlocked.Exchange(ref _scanning, 0); }
                }
            }
        }
        """);

    [Fact]
    public Task A_guard_with_other_work_between_it_and_the_swap_still_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Cache
        {
            private int _scanning;
            private int _scans;
            private Timer _timer;

            public void Start() => _timer = new Timer({|#0:OnTick|}, null, 100, 100);

            private void OnTick(object state)
            {
                if (_scanning > 0)
                {
                    return;
                }

                Console.WriteLine(_scanning);
                if (Interlocked.CompareExchange(ref _scanning, 1, 0) == 0)
                {
                    try { _scans++; }
                    finally { Interlocked.Exchange(ref _scanning, 0); }
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_scanning", "work started with new Timer at line 13 (in Cache.OnTick)", "another run of the same work", "read"));

    // A reentrancy guard: only the thread itself ever stores its own id, and a thread always sees its own writes, so the
    // test is exact whatever the other threads store meanwhile (their own ids, or zero).
    [Fact]
    public Task A_test_whether_the_running_thread_owns_a_field_does_not_race_with_owners_storing_themselves() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class Log
        {
            private static readonly object Gate = new object();
            private static int _initialising;
            private static Thread _writer;

            public static void Start()
            {
                new Thread(Write).Start();
                new Thread(Write).Start();
            }

            private static void Write()
            {
                if (_initialising > 0 && _initialising == Thread.CurrentThread.ManagedThreadId) return;
                if (_writer == Thread.CurrentThread) return;
                lock (Gate)
                {
                    _initialising = Environment.CurrentManagedThreadId;
                    _writer = Thread.CurrentThread;
                    Console.WriteLine("configured");
                    _writer = null;
                    _initialising = 0;
                }
            }
        }
        """);

    [Fact]
    public Task A_test_for_a_free_field_or_one_owned_by_a_thread_another_thread_named_still_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        static class Free
        {
            private static readonly object Gate = new object();
            private static int _owner;

            public static void Start()
            {
                new Thread({|#0:Enter|}).Start();
                new Thread(Enter).Start();
            }

            private static void Enter()
            {
                if (_owner == 0 || _owner == Environment.CurrentManagedThreadId) Console.WriteLine("mine");
                lock (Gate) _owner = Environment.CurrentManagedThreadId;
            }
        }

        static class HandedOver
        {
            private static readonly object Gate = new object();
            private static int _owner;

            public static void Start(Thread next)
            {
                new Thread({|#1:Run|}).Start(next);
                new Thread(Run).Start(next);
            }

            private static void Run(object next)
            {
                if (_owner == Environment.CurrentManagedThreadId) Console.WriteLine("mine");
                lock (Gate) _owner = ((Thread)next).ManagedThreadId;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0),
        Verify.Diagnostic("SCOPE010").WithLocation(1));

    // ---- the last run of a counted work item ---------------------------------------------------------------------

    // DotNetty's DefaultChannelGroupCompletionSource: every continuation counts itself under the lock, and only the one
    // that sees the total reads the counts, after the lock: every other run counted (and wrote) before it.
    [Fact]
    public Task A_count_under_a_lock_lets_the_last_run_read_what_every_run_wrote_before_counting() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Group
        {
            private readonly object _gate = new object();
            private int _succeeded, _failed;

            public Group(Task[] futures)
            {
                foreach (var future in futures)
                {
                    future.ContinueWith(t =>
                    {
                        bool last;
                        lock (_gate)
                        {
                            if (t.IsFaulted) _failed++; else _succeeded++;
                            last = _succeeded + _failed == futures.Length;
                        }

                        if (last && _failed > 0)
                        {
                            Console.WriteLine(_failed);
                        }
                    });
                }
            }
        }
        """);

    [Fact]
    public Task A_flag_computed_after_the_lock_or_a_write_after_the_count_still_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Group
        {
            private readonly object _gate = new object();
            private int _succeeded, _failed, _seen;

            public Group(Task[] futures)
            {
                foreach (var future in futures)
                {
                    future.ContinueWith(t =>
                    {
                        lock (_gate)
                        {
                            if (t.IsFaulted) {|#0:_failed|}++; else {|#2:_succeeded|}++;
                        }

                        var last = _succeeded + _failed == futures.Length;
                        if (last)
                        {
                            Console.WriteLine(_failed);
                        }
                    });
                }
            }

            public void Watch(Task[] futures)
            {
                foreach (var future in futures)
                {
                    future.ContinueWith(t =>
                    {
                        bool last;
                        lock (_gate)
                        {
                            _succeeded++;
                            last = _succeeded == futures.Length;
                        }

                        {|#1:_seen|}++;
                        if (last)
                        {
                            Console.WriteLine(_seen);
                        }
                    });
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_failed", "work started with Task.ContinueWith at line 16", "another run of the same work", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("_succeeded", "work started with Task.ContinueWith at line 16", "another run of the same work", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_seen", "work started with Task.ContinueWith at line 36", "another run of the same work", "also write"));

    [Fact]
    public Task The_run_that_counts_down_to_zero_or_up_to_the_total_reads_after_every_run() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Totals
        {
            private readonly object _gate = new object();
            private int _pending, _done, _sum, _count;

            public void Down(int[] parts)
            {
                _pending = parts.Length;
                foreach (var part in parts)
                {
                    Task.Run(() =>
                    {
                        lock (_gate) _sum += part;
                        if (Interlocked.Decrement(ref _pending) != 0)
                        {
                            return;
                        }

                        Console.WriteLine(_sum);
                        _sum = 0;
                    });
                }
            }

            public void Up(int[] parts)
            {
                foreach (var part in parts)
                {
                    Task.Run(() =>
                    {
                        lock (_gate) _count += part;
                        if (Interlocked.Increment(ref _done) == parts.Length)
                        {
                            Console.WriteLine(_count);
                        }
                    });
                }
            }
        }
        """);

    [Fact]
    public Task A_read_after_the_last_runs_block_or_before_a_count_that_stops_early_still_races() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Totals
        {
            private readonly object _gate = new object();
            private int _pending, _sum;

            public void Down(int[] parts)
            {
                _pending = parts.Length;
                foreach (var part in parts)
                {
                    Task.Run(() =>
                    {
                        lock (_gate) {|#0:_sum|} += part;
                        if (Interlocked.Decrement(ref _pending) == 1)
                        {
                            Console.WriteLine(_sum);
                        }
                    });
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_sum", "work started with Task.Run at line 17", "another run of the same work", "read"));

    [Fact]
    public Task Two_threads_running_one_method_count_on_one_counter_and_only_the_one_counting_to_zero_reads() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Pair
        {
            private readonly object _gate = new object();
            private int _pending = 2, _sum, _early = 2, _total;

            public void Start()
            {
                new Thread(Work).Start();
                new Thread(Work).Start();
                new Thread({|#0:Early|}).Start();
                new Thread(Early).Start();
            }

            private void Work()
            {
                lock (_gate) _sum++;
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    Console.WriteLine(_sum);
                }
            }

            private void Early()
            {
                lock (_gate) _total++;
                if (Interlocked.Decrement(ref _early) == 1)
                {
                    Console.WriteLine(_total);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_total", "work started with new Thread at line 16 (in Pair.Early)", "work started with new Thread at line 17 (in Pair.Early)", "read"));

    // ---- Task.WhenAny naming the work ------------------------------------------------------------------------------

    [Fact]
    public Task A_field_read_where_WhenAny_names_the_work_does_not_race_and_one_read_after_a_timeout_does() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class Probe
        {
            private int _result;

            public async Task<int> ReadAsync()
            {
                var work = Task.Run(() => { _result = 42; });
                if (await Task.WhenAny(work, Task.Delay(1000)).ConfigureAwait(false) == work)
                {
                    return _result;
                }

                return -1;
            }

            public async Task<int> ReadLateAsync()
            {
                var work = Task.Run(() => { {|#0:_result|} = 42; });
                if (await Task.WhenAny(work, Task.Delay(1000)) == work)
                {
                    return 0;
                }

                return _result;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_result", "work started with Task.Run at line 24", "the method at line 30", "read"));

    // System.Linq.Dynamic's ClassFactory (a thread-safety violation TSVD found): the counter is written only with the reader
    // upgraded to the writer lock, the cache's Add after the downgrade, under the reader lock alone.
    [Fact]
    public Task A_reader_upgraded_to_the_writer_lock_excludes_the_other_writers_until_it_downgrades() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        public class ClassFactory
        {
            private readonly Dictionary<string, Type> _classes = new Dictionary<string, Type>();
            private readonly ReaderWriterLock _rw = new ReaderWriterLock();
            private int _count;

            public void Warm() => Parallel.For(0, 10, i => {|#0:Get("k" + i)|});

            private Type Get(string key)
            {
                _rw.AcquireReaderLock(Timeout.Infinite);
                try
                {
                    if (!_classes.TryGetValue(key, out var type))
                    {
                        type = Create();
                        _classes.Add(key, type);
                    }

                    return type;
                }
                finally
                {
                    _rw.ReleaseReaderLock();
                }
            }

            private Type Create()
            {
                LockCookie cookie = _rw.UpgradeToWriterLock(Timeout.Infinite);
                try
                {
                    var name = "C" + (_count + 1);
                    _count++;
                    return typeof(object);
                }
                finally
                {
                    _rw.DowngradeFromWriterLock(ref cookie);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_classes", "Dictionary<string, Type>", "work started with Parallel.For at line 13 (in ClassFactory.Get)", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_cache_filled_with_the_reader_upgraded_to_the_writer_lock_is_safe() => Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        public class ClassFactory
        {
            private readonly Dictionary<string, Type> _classes = new Dictionary<string, Type>();
            private readonly ReaderWriterLock _rw = new ReaderWriterLock();
            private int _count;

            public void Warm() => Parallel.For(0, 10, i => Get("k" + i));

            private Type Get(string key)
            {
                _rw.AcquireReaderLock(Timeout.Infinite);
                try
                {
                    if (_classes.TryGetValue(key, out var type))
                    {
                        return type;
                    }

                    var cookie = _rw.UpgradeToWriterLock(Timeout.Infinite);
                    try
                    {
                        if (!_classes.TryGetValue(key, out type))
                        {
                            _count++;
                            type = typeof(object);
                            _classes.Add(key, type);
                        }

                        return type;
                    }
                    finally
                    {
                        _rw.DowngradeFromWriterLock(ref cookie);
                    }
                }
                finally
                {
                    _rw.ReleaseReaderLock();
                }
            }
        }
        """);
}
