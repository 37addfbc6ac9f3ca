using static ScopeSafety.Analyzers.Tests.Rules.UnscopedCaptureAnalyzerSharingTests;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// The shapes that made SCOPE002–SCOPE004 cry wolf on real code, each with the hazard twin that must still be
/// reported: ordering through synchronisation objects, joins in loops and helpers, continuations, handles owned by
/// the caller, captured constants and deliberate fire-and-forget; and spawns that were missed.
/// </summary>
public class UnscopedCapturePrecisionTests
{
    // ---- happens-before through a synchronisation object ----

    public static TheoryData<string, string, string> SignalAndWait() => new()
    {
        { "var done = new ManualResetEventSlim();", "done.Set();", "done.Wait();" },
        { "var done = new ManualResetEvent(false);", "done.Set();", "done.WaitOne();" },
        { "var done = new AutoResetEvent(false);", "done.Set();", "done.WaitOne();" },
        { "var done = new CountdownEvent(1);", "done.Signal();", "done.Wait();" },
        { "var done = new SemaphoreSlim(0);", "done.Release();", "done.Wait();" },
        { "var done = new TaskCompletionSource<bool>();", "done.SetResult(true);", "done.Task.Wait();" },
        { "var done = new TaskCompletionSource<bool>();", "done.TrySetResult(true);", "_ = done.Task.Result;" },
        { "var done = new TaskCompletionSource();", "done.SetCanceled();", "done.Task.GetAwaiter().GetResult();" },
        { "var done = new TaskCompletionSource<int>();", "done.SetException(new Exception());", "((IAsyncResult)done.Task).AsyncWaitHandle.WaitOne(); done.Task.Wait();" },
        { "var done = new Barrier(2);", "done.SignalAndWait();", "done.SignalAndWait();" },
        { "var done = new ManualResetEventSlim();", "done.Set();", "if (!done.Wait(TimeSpan.FromSeconds(5))) throw new TimeoutException();" },
        { "var done = new ManualResetEvent(false);", "done.Set();", "WaitHandle.WaitAll(new WaitHandle[] { done });" },
    };

    [Theory]
    [MemberData(nameof(SignalAndWait))]
    public async Task Work_that_writes_then_signals_is_ordered_before_the_wait(string declaration, string release, string acquire)
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                DECLARATION
                _ = Task.Run(() =>
                {
                    result = 42;
                    RELEASE
                });
                ACQUIRE
                Console.WriteLine(result);
            """.Replace("DECLARATION", declaration).Replace("RELEASE", release).Replace("ACQUIRE", acquire)));
    }

    /// <summary>The wait the rule counts in each ACQUIRE above: the report hands it to the fix (AdditionalLocations[2]).</summary>
    private static readonly Dictionary<string, string> CountedWait = new()
    {
        ["done.Wait();"] = "done.Wait()",
        ["done.WaitOne();"] = "done.WaitOne()",
        ["done.Task.Wait();"] = "done.Task.Wait()",
        ["_ = done.Task.Result;"] = "done.Task.Result",
        ["done.Task.GetAwaiter().GetResult();"] = "done.Task.GetAwaiter().GetResult()",
        ["((IAsyncResult)done.Task).AsyncWaitHandle.WaitOne(); done.Task.Wait();"] = "done.Task.Wait()",
        ["done.SignalAndWait();"] = "done.SignalAndWait()",
        ["if (!done.Wait(TimeSpan.FromSeconds(5))) throw new TimeoutException();"] = "done.Wait(TimeSpan.FromSeconds(5))",
        ["WaitHandle.WaitAll(new WaitHandle[] { done });"] = "WaitHandle.WaitAll(new WaitHandle[] { done })",
    };

    [Theory]
    [MemberData(nameof(SignalAndWait))]
    public async Task Reading_before_the_wait_is_still_reported(string declaration, string release, string acquire)
    {
        var wait = CountedWait[acquire];
        acquire = acquire.Replace(wait, "{|#3:" + wait + "|}", StringComparison.Ordinal);
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                DECLARATION
                _ = {|#1:Task.Run(() =>
                {
                    {|#0:result|} = 42;
                    RELEASE
                })|};
                Console.WriteLine({|#2:result|});
                ACQUIRE
            """.Replace("DECLARATION", declaration).Replace("RELEASE", release).Replace("ACQUIRE", acquire)),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2).WithLocation(3)
                .WithArguments("result", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_signal_in_a_finally_covers_the_try_block_and_a_write_after_the_signal_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var done = new ManualResetEventSlim();
                new Thread(() =>
                {
                    try { result = 42; }
                    finally { done.Set(); }
                }).Start();
                done.Wait();
                Console.WriteLine(result);

                int late = 0;
                var signalled = new ManualResetEventSlim();
                {|#1:new Thread(() =>
                {
                    signalled.Set();
                    {|#0:late|} = 42;
                })|}.Start();
                signalled.Wait();
                Console.WriteLine({|#2:late|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("late", "work started with new Thread", "the method", "read"));
    }

    [Fact]
    public async Task A_local_function_run_by_method_group_that_writes_then_signals_is_ordered_before_the_wait()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                TimeSpan? elapsed = null;
                var allDone = new ManualResetEvent(false);
                void Callback()
                {
                    elapsed = TimeSpan.FromSeconds(1);
                    allDone.Set();
                }

                new Thread(Callback).Start();
                if (!allDone.WaitOne(TimeSpan.FromSeconds(5))) throw new TimeoutException();
                Console.WriteLine(elapsed);

                int late = 0;
                var signalled = new ManualResetEvent(false);
                void Late()
                {
                    signalled.Set();
                    late = 1;
                }

                {|#1:new Thread({|#0:Late|})|}.Start();
                signalled.WaitOne();
                Console.WriteLine({|#2:late|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("late", "work started with new Thread", "the method", "read"));
    }

    [Fact]
    public async Task Waiting_on_another_object_orders_nothing()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var done = new ManualResetEventSlim();
                var other = new ManualResetEventSlim();
                _ = {|#1:Task.Run(() =>
                {
                    {|#0:result|} = 42;
                    done.Set();
                })|};
                other.Wait();
                Console.WriteLine({|#2:result|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("result", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_discarded_timed_wait_orders_nothing()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var done = new ManualResetEventSlim();
                _ = {|#1:Task.Run(() =>
                {
                    {|#0:result|} = 42;
                    done.Set();
                })|};
                done.Wait(100);
                Console.WriteLine({|#2:result|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("result", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task Awaiting_a_completion_source_or_a_semaphore_orders_the_work_before_the_await()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task M()
                {
                    int result = 0;
                    var tcs = new TaskCompletionSource<int>();
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        result = 42;
                        tcs.SetResult(1);
                    });
                    await tcs.Task;
                    Console.WriteLine(result);

                    int other = 0;
                    var gate = new SemaphoreSlim(0);
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        other = 42;
                        gate.Release();
                    });
                    await gate.WaitAsync();
                    Console.WriteLine(other);
                }
            }
            """);
    }

    [Fact]
    public async Task A_disposable_event_waited_before_it_is_disposed_is_not_reported_and_one_disposed_first_is()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                using (var done = new ManualResetEventSlim())
                {
                    _ = Task.Run(() => done.Set());
                    done.Wait();
                }

                var early = new ManualResetEventSlim();
                _ = {|#1:Task.Run(() => {|#0:early|}.Set())|};
                {|#2:early.Dispose()|};
            """),
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("early", "Task.Run"));
    }

    [Fact]
    public async Task An_event_held_in_a_field_is_matched_by_symbol()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly ManualResetEventSlim _done = new ManualResetEventSlim();
                private readonly ManualResetEventSlim _other = new ManualResetEventSlim();

                void M()
                {
                    int result = 0;
                    _ = Task.Run(() => { result = 1; _done.Set(); });
                    _done.Wait();
                    Console.WriteLine(result);

                    int missed = 0;
                    _ = {|#1:Task.Run(() => { {|#0:missed|} = 1; _done.Set(); })|};
                    _other.Wait();
                    Console.WriteLine({|#2:missed|});
                }
            }
            """,
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("missed", "work started with Task.Run", "the method", "read"));
    }

    // One model of synchronisation objects for SCOPE002 and SCOPE010: an event created set lets the wait through before
    // the work signals it, so the wait orders nothing.
    [Fact]
    public async Task A_wait_on_an_event_created_set_is_no_join()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var done = new ManualResetEventSlim(false);
                _ = Task.Run(() => { result = 1; done.Set(); });
                done.Wait();
                Console.WriteLine(result);

                int early = 0;
                var open = new ManualResetEventSlim(true);
                _ = {|#1:Task.Run(() => { {|#0:early|} = 1; open.Set(); })|};
                open.Wait();
                Console.WriteLine({|#2:early|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("early", "work started with Task.Run", "the method", "read"));
    }

    // ---- joins in loops and helpers ----

    public static TheoryData<string, string, string> LoopJoins() => new()
    {
        { "var tasks = new Task[3];", "tasks[i] = Task.Run(() => total++);", "for (int i = 0; i < tasks.Length; i++) tasks[i].Wait();" },
        { "var tasks = new List<Task>();", "tasks.Add(Task.Run(() => total++));", "for (int i = 0; i < tasks.Count; i++) tasks[i].Wait();" },
        { "var threads = new List<Thread>();", "var t = new Thread(() => total++); t.Start(); threads.Add(t);", "foreach (var thread in threads) thread.Join();" },
        { "var threads = new List<Thread>();", "var t = new Thread(() => total++); t.Start(); threads.Add(t);", "threads.ForEach(t => t.Join());" },
        { "var tasks = new List<Task>();", "tasks.Add(Task.Run(() => total++));", "Task.WaitAll([.. tasks]);" },
        { "var tasks = new List<Task>();", "tasks.Add(Task.Run(() => total++));", "Task.WaitAll(tasks.ToArray());" },
        { "var tasks = new List<Task>();", "tasks.Add(Task.Run(() => total++));", "Task.WhenAll(tasks).Wait();" },
        { "var tasks = new List<Task>();", "tasks.Add(Task.Run(() => total++));", "Parallel.Invoke(() => Task.WaitAll(tasks.ToArray()));" },
        { "var tasks = new Task[3];", "tasks[i] = Task.Run(() => total++);", "Helpers.Run(() => { foreach (var t in tasks) t.Wait(); });" },
    };

    [Theory]
    [MemberData(nameof(LoopJoins))]
    public async Task Work_joined_by_a_loop_or_a_helper_is_joined(string declaration, string spawn, string join)
    {
        // Only the overlap of the loop's own runs is reported: the read after the join is ordered.
        var source = Usings + """
            static class Helpers
            {
                public static void Run(Action action) => action();
            }

            class C
            {
                void M()
                {
                    int total = 0;
                    DECLARATION
                    for (int i = 0; i < 3; i++)
                    {
                        SPAWN
                    }

                    JOIN
                    Console.WriteLine(total);
                }
            }
            """.Replace("DECLARATION", declaration).Replace("SPAWN", spawn).Replace("JOIN", join);
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(source);
        Assert.All(diagnostics, d => Assert.Contains("another run of the same work", d.GetMessage(), StringComparison.Ordinal));
        Assert.DoesNotContain(diagnostics, d => d.Id == "SCOPE004");
    }

    [Fact]
    public async Task A_loop_that_joins_only_the_first_element_is_not_a_join()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var other = new Task[2];
                other[1] = Task.Run(() => { });
                other[0] = {|#3:Task.Run(() => {|#2:result|} = 2)|};
                other[1].Wait();
                Console.WriteLine({|#4:result|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(2).WithLocation(3).WithLocation(4)
                .WithArguments("result", "work started with Task.Run", "the method", "read"));
        // (An element waited outside a loop may be another one: no join is claimed for the array.)
    }

    [Fact]
    public async Task Awaiting_WhenAll_of_a_list_built_in_a_loop_is_a_join_and_a_read_before_it_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task M(int[] items)
                {
                    var results = new int[items.Length];
                    var tasks = new List<Task>();
                    foreach (var item in items)
                    {
                        var index = item;
                        tasks.Add(Task.Run(() => results[index] = index));
                    }

                    await Task.WhenAll(tasks);
                    Console.WriteLine(results.Sum());

                    int last = 0;
                    var more = new List<Task>();
                    foreach (var item in items)
                    {
                        more.Add({|#1:Task.Run(() => {|#0:last|} = item)|});
                    }

                    Console.WriteLine({|#2:last|});
                    await Task.WhenAll(more);
                }
            }
            """,
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("last", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task Handles_handed_to_a_method_of_a_local_object_are_joined_there_and_a_list_of_them_is_still_followed()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class Connection
            {
                public void WaitAll(Task[] tasks) => Task.WaitAll(tasks);
            }

            class C
            {
                void M(string prefix)
                {
                    var conn = new Connection();
                    var all = new List<Task<string>>();
                    foreach (var i in Enumerable.Range(0, 3))
                    {
                        var t = Task.Delay(1).ContinueWith(async _ => { await Task.Yield(); return prefix + i; });
                        all.Add(t.Unwrap());
                    }

                    conn.WaitAll(all.ToArray());
                }
            }
            """);
    }

    [Fact]
    public async Task A_join_inside_a_lambda_run_later_is_no_join()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var task = {|#1:Task.Run(() => {|#0:result|} = 1)|};
                Action later = () => task.Wait();
                Console.WriteLine({|#2:result|});
                later();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("result", "work started with Task.Run", "the method", "read"));
    }

    // ---- continuations, handles owned elsewhere, constants, fire-and-forget ----

    [Fact]
    public async Task An_awaited_chain_of_continuations_joins_the_first_task()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task M()
                {
                    int result = 0;
                    var first = Task.Run(() => result = 1);
                    await first.ContinueWith(_ => result++).ContinueWith(_ => result++);
                    Console.WriteLine(result);
                }
            }
            """);
    }

    [Fact]
    public async Task A_continuation_that_is_not_awaited_leaves_the_task_unjoined()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int result = 0;
                var first = {|#1:Task.Run(() => {|#0:result|} = 1)|};
                _ = first.ContinueWith(_ => { });
                Console.WriteLine({|#2:result|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("result", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_task_added_to_the_callers_list_or_a_field_is_the_owners_to_join()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private readonly List<Task> _pending = new List<Task>();
                private Timer? _timer;

                void M(List<Task> tasks, string name)
                {
                    tasks.Add(Task.Run(() => Console.WriteLine(name)));
                    _pending.Add(Task.Run(() => Console.WriteLine(name)));
                    _timer = new Timer(_ => Console.WriteLine(name), null, 0, 1000);
                }

                void Unowned(string name)
                {
                    var tasks = new List<Task>();
                    tasks.Add({|#1:Task.Run(() => Console.WriteLine({|#0:name|}))|});
                }
            }
            """,
            Verify.Diagnostic("SCOPE004").WithLocation(0).WithLocation(1).WithArguments("'name'", "Task.Run"));
    }

    [Fact]
    public async Task A_task_stored_in_a_field_is_still_reported_when_the_method_touches_the_local_after_the_spawn()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private Task? _work;

                void M()
                {
                    int count = 0;
                    _work = Task.Run(() => count = 1);

                    int seen = 0;
                    _work = {|#1:Task.Run(() => {|#0:seen|} = 1)|};
                    Console.WriteLine({|#2:seen|});
                }
            }
            """,
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("seen", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_captured_constant_is_never_a_shared_variable()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                const int Limit = 10;
                int count = 0;
                Task.Run(() => Console.WriteLine(Limit));
                Task.Run(() => Console.WriteLine({|SCOPE004:count|}));
            """));
    }

    // StackExchange.Redis TestBase: a latch counted down by every run opens only after the last run's decrement, so
    // the wait follows every run's work; counting down to 1 lets the wait go while one run still works.
    [Fact]
    public async Task A_countdown_latch_opened_by_the_last_run_orders_every_run_and_one_opened_early_does_not()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int pending = 2, total = 0;
                object gate = new();
                using var done = new ManualResetEventSlim();
                void Work()
                {
                    lock (gate) total++;
                    if (Interlocked.Decrement(ref pending) == 0)
                    {
                        total *= 2;
                        done.Set();
                    }
                }
                var a = new Thread(Work);
                var b = new Thread(Work);
                a.Start(); b.Start();
                done.Wait();
                Console.WriteLine(total);
            """));

        var early = await AnalyzerRun.DiagnosticsAsync(Program("""
                int pending = 2, total = 0;
                object gate = new();
                using var done = new ManualResetEventSlim();
                void Work()
                {
                    lock (gate) total++;
                    if (Interlocked.Decrement(ref pending) == 1) done.Set();
                }
                var a = new Thread(Work);
                var b = new Thread(Work);
                a.Start(); b.Start();
                done.Wait();
                Console.WriteLine(total);
            """));
        Assert.Contains(early, d => d.Id == "SCOPE002" && d.GetMessage().StartsWith("'total'", StringComparison.Ordinal));
        Assert.Contains(early, d => d.Id == "SCOPE003" && d.GetMessage().StartsWith("'done'", StringComparison.Ordinal));
    }

    // The same model as SCOPE010 decides whether two runs of the work overlap at a captured local: the run that counts
    // the others down reads what each wrote before counting, and a read above the count still races.
    [Fact]
    public async Task The_last_run_of_repeated_work_reads_a_captured_total_after_every_run_and_an_early_read_races()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int remaining = 4, total = 0;
                object gate = new();
                for (var i = 0; i < 4; i++)
                {
                    var k = i;
                    Task.Run(() =>
                    {
                        lock ({|SCOPE004:gate|}) total += k;
                        if (Interlocked.Decrement(ref remaining) == 0)
                        {
                            Console.WriteLine(total);
                        }
                    });
                }
            """));

        var early = await AnalyzerRun.DiagnosticsAsync(Program("""
                int remaining = 4, total = 0;
                object gate = new();
                for (var i = 0; i < 4; i++)
                {
                    var k = i;
                    Task.Run(() =>
                    {
                        lock (gate) total += k;
                        Console.WriteLine(total);
                        Interlocked.Decrement(ref remaining);
                    });
                }
            """));
        Assert.Contains(early, d => d.Id == "SCOPE002" && d.GetMessage().StartsWith("'total'", StringComparison.Ordinal));
    }

    // Task.WhenAny and Task.WaitAny name the task that finished: the branch that the answer lets through runs after it
    // (ParallelChecker's TaskWhenAny and TaskWaitAny), while the timeout's branch still runs beside the work.
    [Fact]
    public async Task The_branch_where_WhenAny_or_WaitAny_names_the_work_runs_after_it_and_the_timeouts_branch_does_not()
    {
        var quiet = await AnalyzerRun.DiagnosticsAsync(Program("""
                int first = 0, second = 0;
                var a = Task.Run(() => { first = 1; });
                var b = Task.Run(() => { second = 2; });
                if (Task.WaitAny(a, b) == 0)
                {
                    first++;
                }
                else
                {
                    second++;
                }

                int result = 0;
                var work = Task.Run(() => { result = 42; });
                if (Task.WhenAny(work, Task.Delay(1000)).Result == work)
                {
                    Console.WriteLine(result);
                }

                int other = 0;
                var more = Task.Run(() => { other = 42; });
                var winner = Task.WhenAny(more, Task.Delay(1000)).GetAwaiter().GetResult();
                if (winner != more)
                {
                    throw new TimeoutException();
                }

                Console.WriteLine(other);
            """));
        Assert.DoesNotContain(quiet, d => d.Id == "SCOPE002");

        var racing = await AnalyzerRun.DiagnosticsAsync(Program("""
                int result = 0;
                var work = Task.Run(() => { result = 42; });
                var delay = Task.Delay(1000);
                if (Task.WhenAny(work, delay).Result == delay)
                {
                    Console.WriteLine(result);
                }

                int other = 0;
                var more = Task.Run(() => { other = 42; });
                if (Task.WhenAny(more, Task.Delay(1000)).Result != more)
                {
                    Console.WriteLine("late");
                }

                Console.WriteLine(other);
            """));
        Assert.Contains(racing, d => d.Id == "SCOPE002" && d.GetMessage().StartsWith("'result'", StringComparison.Ordinal));
        Assert.Contains(racing, d => d.Id == "SCOPE002" && d.GetMessage().StartsWith("'other'", StringComparison.Ordinal));
    }

    // The latch is any test only the last run passes: counting up to the total opens it after every run too.
    [Fact]
    public async Task A_latch_opened_by_the_run_that_counts_up_to_the_total_orders_every_run()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int finished = 0, total = 0;
                object gate = new();
                using var done = new ManualResetEventSlim();
                void Work()
                {
                    lock (gate) total++;
                    if (Interlocked.Increment(ref finished) == 2)
                    {
                        done.Set();
                    }
                }
                var a = new Thread(Work);
                var b = new Thread(Work);
                a.Start(); b.Start();
                done.Wait();
                Console.WriteLine(total);
            """));
    }

    // log4net's SimpleTelnetClient: a primary-constructor parameter used in a member is a field of this, not stack
    // state; the same values as parameters of the method itself are captured locals.
    [Fact]
    public async Task A_primary_constructor_parameter_is_not_stack_state_and_a_method_parameter_is()
    {
        await Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;

            sealed class Client(Action<string> received, int port)
            {
                public void Run() => Task.Run(() => received(port.ToString()));

                public void Run(Action<string> callback, int number) => Task.Run(() => {|SCOPE004:callback|}(number.ToString()));
            }
            """);
    }

    [Fact]
    public async Task An_explicitly_discarded_fire_and_forget_is_not_reported_and_its_twin_writing_a_local_is()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var message = "started";
                _ = Task.Run(() => Console.WriteLine(message));
                _ = ThreadPool.QueueUserWorkItem(_ => Console.WriteLine(message));
                _ = Task.Run(() => Console.WriteLine(message)).ContinueWith(t => Console.WriteLine(message + t.Status));

                int count = 0;
                _ = {|#1:Task.Run(() => {|#0:count|}++)|};
                Console.WriteLine({|#2:count|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    // var _ = Task.Run(…): a local named _ that nothing reads is the discard of code written before C# 7's. Read, it is
    // a handle like any other.
    [Fact]
    public async Task A_local_named_underscore_that_nothing_reads_discards_the_work_and_its_read_twin_does_not()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var message = "started";
                var _ = Task.Run(() => Console.WriteLine(message));
            """));
        await Verify.VerifyAnalyzerAsync(Program("""
                var message = "started";
                var _ = Task.Run(() => Console.WriteLine({|SCOPE004:message|}));
                Console.WriteLine(_.Status);
            """));
    }

    [Fact]
    public async Task SCOPE004_is_hidden_by_default()
    {
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Hidden, Descriptors.UnscopedWorkNotJoined.DefaultSeverity);
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(Program("""
                var message = "started";
                Task.Run(() => Console.WriteLine(message));
            """));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SCOPE004", diagnostic.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Hidden, diagnostic.Severity);
    }

    // ---- spawns that were missed ----

    [Fact]
    public async Task New_task_started_later_is_a_spawn_that_starts_at_Start()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var task = {|#1:new Task(() => {|#0:count|}++)|};
                count = 5;
                task.Start();
                Console.WriteLine({|#2:count|});
                task.Wait();
                Console.WriteLine(count);
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with new Task", "the method", "read"));
    }

    [Fact]
    public async Task New_task_run_synchronously_is_no_spawn()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var task = new Task(() => count++);
                task.RunSynchronously();
                Console.WriteLine(count);
            """));
    }

    // Waiting for the outer task of StartNew(async …) as if it were the work is SCOPE024's report; here the wait is taken
    // as the join its fix (.Unwrap()) makes it, so the symptom is not reported a second time.
    [Fact]
    public async Task Waiting_for_StartNew_of_an_async_lambda_is_left_to_SCOPE024()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Task.Factory.StartNew(async () => { await Task.Yield(); count++; }).Wait();
                Console.WriteLine(count);

                int unwrapped = 0;
                Task.Factory.StartNew(async () => { await Task.Yield(); unwrapped++; }).Unwrap().Wait();
                Console.WriteLine(unwrapped);
            """));
    }

    // Taking the inner task deliberately (Result) keeps the model exact: the work ends when the inner task is waited.
    [Fact]
    public async Task A_read_before_the_inner_task_of_a_deliberate_Task_of_Task_is_waited_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var outer = {|#1:Task.Factory.StartNew(async () => { await Task.Yield(); {|#0:count|}++; })|};
                var inner = outer.Result;
                Console.WriteLine({|#2:count|});
                inner.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Factory.StartNew", "the method", "read"));
    }

    [Fact]
    public async Task A_spawn_inside_a_lambda_that_writes_a_local_of_the_outer_method_is_reported_there()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action start = () => {|#1:Task.Run(() => {|#0:count|}++)|};
                start();
                Console.WriteLine({|#2:count|});

                int joined = 0;
                Action startAndWait = () => Task.Run(() => joined++).Wait();
                startAndWait();
                Console.WriteLine(joined);
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    // ---- messages ----

    // Work started in a lambda the method passes on (not a work item of this function, so no SCOPE010 pair).
    [Fact]
    public async Task The_message_names_the_other_work_when_it_is_the_other_writer()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var first = {|#1:Task.Run(() => {|#0:count|}++)|};
                new List<int> { 1 }.ForEach(_ => Task.Run(() => {|#2:count|}--).Wait());
                first.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "work started with Task.Run at line 24", "write"));
    }

    // ---- a continuation that cannot be cancelled ends after its task ----

    // Waits for a delay on a linked source through a continuation whose own token is TOKEN; the delay's use of the
    // source (#0) is at line 12.
    private static string WaitForStart(string token) => """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Host
        {
            async Task WaitForStart(CancellationToken stopping, CancellationToken started)
            {
                using var combined = CancellationTokenSource.CreateLinkedTokenSource(stopping, started);
                await Task.Delay(Timeout.InfiniteTimeSpan, {|#0:combined.Token|})
                    .ContinueWith(_ => { }, TOKEN, TaskContinuationOptions.OnlyOnCanceled, TaskScheduler.Default)
                    .ConfigureAwait(false);
            }
        }
        """.Replace("TOKEN", token);

    [Theory]
    [InlineData("CancellationToken.None")]
    [InlineData("default")]
    public Task Awaiting_a_continuation_no_token_can_cancel_waits_for_its_task(string token) => Verify.VerifyAnalyzerAsync(WaitForStart(token));

    [Fact]
    public Task Awaiting_a_continuation_its_own_token_may_cancel_first_does_not() => Verify.VerifyAnalyzerAsync(WaitForStart("stopping"),
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithArguments("combined", "Task.Delay"));
}
