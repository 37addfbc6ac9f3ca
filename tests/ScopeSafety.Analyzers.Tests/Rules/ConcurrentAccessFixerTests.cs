using InterlockedFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.InterlockedFixer>;
using LockFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockSharedObjectFixer>;
using LockFieldFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockFieldFixer>;
using VolatileFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.VolatileFlagFixer>;
using TypeLockFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.TakeTheTypesLockFixer>;
using CopyFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LoopVariableCopyFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// The SCOPE010–012 fixes: each test shows the racing code and what the fix writes. The harness also checks that the
/// fixed code compiles, that no diagnostic of the fixed id is left, and Fix All in every scope.
/// </summary>
public class ConcurrentAccessFixerTests
{
    // ---- SCOPE010: Interlocked ----------------------------------------------------------------------------

    // ---- events raised on another thread -------------------------------------------------------------------

    [Fact]
    public Task A_process_output_and_error_builder_gets_a_lock_on_both_sides() => LockFix.VerifyCodeFixAsync("""
        using System.Diagnostics;
        using System.Text;

        class Runner
        {
            static string Run(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) => {|SCOPE011:output|}.AppendLine(e.Data);
                p.ErrorDataReceived += (s, e) => output.AppendLine(e.Data);
                p.Start();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                return output.ToString();
            }
        }
        """, """
        using System.Diagnostics;
        using System.Text;

        class Runner
        {
            static string Run(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) =>
                {
                    lock (output)
                    {
                        output.AppendLine(e.Data);
                    }
                };
                p.ErrorDataReceived += (s, e) =>
                {
                    lock (output)
                    {
                        output.AppendLine(e.Data);
                    }
                };
                p.Start();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                return output.ToString();
            }
        }
        """);

    [Fact]
    public Task A_Ctrl_C_flag_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class Loop
        {
            static bool stop;

            static void WaitForCtrlC()
            {
                Console.CancelKeyPress += (s, e) => { {|SCOPE010:stop|} = true; e.Cancel = true; };
                while (!stop)
                {
                    Thread.Sleep(100);
                }
            }
        }
        """, """
        using System;
        using System.Threading;

        class Loop
        {
            static volatile bool stop;

            static void WaitForCtrlC()
            {
                Console.CancelKeyPress += (s, e) => { stop = true; e.Cancel = true; };
                while (!stop)
                {
                    Thread.Sleep(100);
                }
            }
        }
        """);

    [Fact]
    public Task Interlocked_is_not_offered_for_a_line_count_the_method_reads_while_the_handler_runs() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System;
        using System.Diagnostics;

        class Runner
        {
            static int Run(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                var count = 0;
                p.OutputDataReceived += (s, e) => {|SCOPE010:count|}++;
                p.Start();
                p.BeginOutputReadLine();
                Console.WriteLine(count);
                p.WaitForExit();
                return count;
            }
        }
        """);

    // A reentrancy guard given back by a plain store: the race reported is on the flag, and making that store atomic
    // removes it (the guarded count was never reported).
    [Fact]
    public Task A_guard_flag_given_back_by_a_plain_store_is_given_back_with_Interlocked() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Sender
        {
            private int _busy;
            private int _sent;
            private Timer _timer;

            public void Start() => _timer = new Timer(_ =>
            {
                if (Interlocked.Exchange(ref {|SCOPE010:_busy|}, 1) == 0)
                {
                    try { _sent++; }
                    finally { _busy = 0; }
                }
            }, null, 1000, 1000);
        }
        """, """
        using System.Threading;

        class Sender
        {
            private int _busy;
            private int _sent;
            private Timer _timer;

            public void Start() => _timer = new Timer(_ =>
            {
                if (Interlocked.Exchange(ref _busy, 1) == 0)
                {
                    try { _sent++; }
                    finally { Interlocked.Exchange(ref _busy, 0); }
                }
            }, null, 1000, 1000);
        }
        """);

    // ---- SCOPE010: lock a new private object around a field ------------------------------------------------

    // Two runs of one work item that only store the field: a lock would order the stores, and which lands last would
    // still race, so no lock is offered.
    [Fact]
    public Task Runs_that_only_store_a_field_get_no_lock() => LockFieldFix.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class Register
        {
            private string _address;

            public string Address => _address;

            public void Start(string[] brokers)
            {
                foreach (var broker in brokers)
                {
                    Task.Run(() =>
                    {
                        System.Console.WriteLine(broker);
                        {|SCOPE010:_address|} = broker;
                    });
                }
            }
        }
        """);

    [Fact]
    public Task Two_spawns_updating_a_field_get_a_private_lock_object() => LockFieldFix.VerifyCodeFixAsync("""
        using System;
        using ScopeSafety;

        class Totals
        {
            private decimal _sum;

            public decimal Add(decimal[] values)
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { foreach (var v in values) {|SCOPE010:_sum|} += v; });
                    scope.Spawn(() =>
                    {
                        foreach (var v in values)
                        {
                            _sum -= v / 2;
                        }
                    });
                });
                return _sum;
            }
        }
        """, """
        using System;
        using ScopeSafety;

        class Totals
        {
            private decimal _sum;
            private readonly object _sumLock = new object();

            public decimal Add(decimal[] values)
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { foreach (var v in values) { lock (_sumLock) { _sum += v; } } });
                    scope.Spawn(() =>
                    {
                        foreach (var v in values)
                        {
                            lock (_sumLock)
                            {
                                _sum -= v / 2;
                            }
                        }
                    });
                });
                return _sum;
            }
        }
        """);

    [Fact]
    public Task The_locked_program_still_counts_every_update() => new LockFieldFix.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using System.Threading.Tasks;

            Console.WriteLine(new Tally().Run());

            class Tally
            {
                private long _count;

                public long Run()
                {
                    var a = Task.Run(() => { for (var i = 0; i < 100000; i++) {|SCOPE010:_count|} += 2; });
                    var b = Task.Run(() => { for (var i = 0; i < 100000; i++) _count += 3; });
                    Task.WaitAll(a, b);
                    return _count;
                }
            }
            """,
        FixedCode = """
            using System;
            using System.Threading.Tasks;

            Console.WriteLine(new Tally().Run());

            class Tally
            {
                private long _count;
                private readonly object _countLock = new object();

                public long Run()
                {
                    var a = Task.Run(() => { for (var i = 0; i < 100000; i++) { lock (_countLock) { _count += 2; } } });
                    var b = Task.Run(() => { for (var i = 0; i < 100000; i++) { lock (_countLock) { _count += 3; } } });
                    Task.WaitAll(a, b);
                    return _count;
                }
            }
            """,
        ExpectedOutput = "500000\n",
    }.RunAsync();

    [Fact]
    public Task A_field_of_another_object_gets_no_private_lock() => LockFieldFix.VerifyNoCodeFixAsync("""
        using System;
        using ScopeSafety;

        class Totals
        {
            private decimal _sum;

            public void Add(Totals other)
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|SCOPE010:_sum|} += 1);
                    scope.Spawn(() => { _sum += 2; other._sum += 3; });
                });
            }
        }
        """);

    // ---- SCOPE010: volatile flag ----------------------------------------------------------------------------

    [Fact]
    public Task A_flag_set_by_the_method_and_polled_by_a_thread_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Poller
        {
            private bool _stop;

            public void Run()
            {
                var worker = new Thread(() => { while (!{|SCOPE010:_stop|}) Thread.Sleep(1); });
                worker.Start();
                Thread.Sleep(10);
                _stop = true;
                worker.Join();
            }
        }
        """, """
        using System.Threading;

        class Poller
        {
            private volatile bool _stop;

            public void Run()
            {
                var worker = new Thread(() => { while (!_stop) Thread.Sleep(1); });
                worker.Start();
                Thread.Sleep(10);
                _stop = true;
                worker.Join();
            }
        }
        """);

    // Technitium's TunnelProxy: both copy loops' continuations call Dispose, which tests the flag, disposes, then sets it.
    // Volatile would make each access whole, not the test and the set one step: both runs could still pass the test.
    [Fact]
    public Task A_flag_a_function_tests_to_leave_and_sets_later_is_not_made_volatile() => VolatileFix.VerifyNoCodeFixAsync(
        Tunnel("bool", "{|SCOPE010:Dispose()|}", "return;"));

    // The twin: a test that does not leave is no guard, and the flag is only set and polled.
    [Fact]
    public Task A_flag_tested_without_leaving_and_set_later_becomes_volatile() => VolatileFix.VerifyCodeFixAsync(
        Tunnel("bool", "{|SCOPE010:Dispose()|}", "System.Console.WriteLine(\"again\");"),
        Tunnel("volatile bool", "Dispose()", "System.Console.WriteLine(\"again\");"));

    private static string Tunnel(string type, string dispose, string whenDisposed) => $$"""
        using System.Threading.Tasks;

        class Tunnel
        {
            private {{type}} _disposed;

            public bool IsBroken => _disposed;

            public void Start(Task a, Task b)
            {
                _ = a.ContinueWith(t => {{dispose}});
                _ = b.ContinueWith(t => {{dispose}});
            }

            public void Dispose()
            {
                if (_disposed)
                    {{whenDisposed}}

                _disposed = true;
            }
        }
        """;

    // A field with no modifiers, in a file indented with tabs and ending its lines with CRLF: the keyword takes the
    // field's indentation, and no other line changes.
    [Fact]
    public Task A_flag_with_no_modifiers_becomes_volatile_in_the_file_s_own_layout() => VolatileFix.VerifyCodeFixAsync(
        "using System.Threading;\r\n\r\nclass Poller\r\n{\r\n\tint _count;\r\n\tbool _stop;\r\n\r\n\tpublic void Run()\r\n\t{\r\n\t\tvar worker = new Thread(() => { while (!{|SCOPE010:_stop|}) Thread.Sleep(1); });\r\n\t\tworker.Start();\r\n\t\tThread.Sleep(10);\r\n\t\t_stop = true;\r\n\t\tworker.Join();\r\n\t}\r\n}\r\n",
        "using System.Threading;\r\n\r\nclass Poller\r\n{\r\n\tint _count;\r\n\tvolatile bool _stop;\r\n\r\n\tpublic void Run()\r\n\t{\r\n\t\tvar worker = new Thread(() => { while (!_stop) Thread.Sleep(1); });\r\n\t\tworker.Start();\r\n\t\tThread.Sleep(10);\r\n\t\t_stop = true;\r\n\t\tworker.Join();\r\n\t}\r\n}\r\n");

    // A file that mixes LF and CRLF (mostly LF): the fix changes its one line, not the CRLF lines to LF.
    [Fact]
    public Task A_flag_in_a_file_of_mixed_line_endings_becomes_volatile_and_no_other_line_changes() => VolatileFix.VerifyCodeFixAsync(
        "using System.Threading;\n\nclass Poller\n{\n    private bool _stop;\n\n    public void Run()\r\n    {\r\n        var worker = new Thread(() => { while (!{|SCOPE010:_stop|}) Thread.Sleep(1); });\n        worker.Start();\n        Thread.Sleep(10);\r\n        _stop = true;\n        worker.Join();\n    }\n}\n",
        "using System.Threading;\n\nclass Poller\n{\n    private volatile bool _stop;\n\n    public void Run()\r\n    {\r\n        var worker = new Thread(() => { while (!_stop) Thread.Sleep(1); });\n        worker.Start();\n        Thread.Sleep(10);\r\n        _stop = true;\n        worker.Join();\n    }\n}\n");

    [Fact]
    public Task A_counter_field_is_not_made_volatile() => VolatileFix.VerifyNoCodeFixAsync("""
        using System.Threading;

        class Poller
        {
            private int _ticks;

            public void Run()
            {
                var worker = new Thread(() => { for (var i = 0; i < 10; i++) {|SCOPE010:_ticks|}++; });
                worker.Start();
                _ticks++;
                worker.Join();
            }
        }
        """);

    [Fact]
    public Task A_lock_object_the_work_replaces_is_not_made_volatile() => VolatileFix.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class Counter
        {
            private object _sync = new object();
            private int _count;

            public void Run() => Parallel.For(0, 100, i =>
            {
                lock (_sync)
                {
                    {|SCOPE010:_sync|} = new object();
                    _count++;
                }
            });
        }
        """);

    [Fact]
    public Task Two_spawns_incrementing_a_field_both_become_Interlocked() => InterlockedFix.VerifyCodeFixAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            private long _count;

            long Count()
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) {|SCOPE010:_count|}++; });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) _count += 2; });
                });
                return _count;
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            private long _count;

            long Count()
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref _count); });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Add(ref _count, 2); });
                });
                return _count;
            }
        }
        """);

    [Fact]
    public Task Two_spawns_incrementing_a_counter_both_become_Interlocked() => InterlockedFix.VerifyCodeFixAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    // two halves
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) {|SCOPE010:counter|}++; });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                });
                return counter;
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    // two halves
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task A_write_beside_one_already_through_Interlocked_becomes_Interlocked_and_the_other_stays() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref {|SCOPE010:counter|}); });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) counter++; });
                });
                return counter;
            }
        }
        """, """
        using System.Threading;
        using ScopeSafety;

        class C
        {
            long Count()
            {
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                    scope.Spawn(() => { for (var i = 0; i < 1000; i++) Interlocked.Increment(ref counter); });
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task Parallel_ForEach_compound_assignments_become_Interlocked_Add() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            int Net(int[] items)
            {
                int net = 0;
                Parallel.ForEach(items, x =>
                {
                    if (x > 0) {|SCOPE010:net|} += x; else net -= x * 2;
                });
                return net;
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            int Net(int[] items)
            {
                int net = 0;
                Parallel.ForEach(items, x =>
                {
                    if (x > 0) Interlocked.Add(ref net, x); else Interlocked.Add(ref net, -(x * 2));
                });
                return net;
            }
        }
        """);

    [Fact]
    public Task A_postfix_increment_whose_value_is_used_keeps_its_value() => InterlockedFix.VerifyCodeFixAsync("""
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            void M()
            {
                int next = 0;
                Scope.Run(scope =>
                {
                    var a = scope.Spawn(() => {|SCOPE010:next|}++);
                    var b = scope.Spawn(() => next--);
                    Console.WriteLine(a.Join() + b.Join());
                });
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            void M()
            {
                int next = 0;
                Scope.Run(scope =>
                {
                    var a = scope.Spawn(() => Interlocked.Increment(ref next) - 1);
                    var b = scope.Spawn(() => Interlocked.Decrement(ref next) + 1);
                    Console.WriteLine(a.Join() + b.Join());
                });
            }
        }
        """);

    [Fact]
    public Task A_plain_store_becomes_Exchange() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                long last = 0;
                Parallel.For(0, items.Length, i => {|SCOPE010:last|} = items[i]);
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                long last = 0;
                Parallel.For(0, items.Length, i => Interlocked.Exchange(ref last, items[i]));
            }
        }
        """);

    [Fact]
    public Task A_read_modify_write_store_gets_no_fix() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                long product = 1;
                Parallel.ForEach(items, x => {|SCOPE010:product|} = product * x);
            }
        }
        """);

    [Fact]
    public Task A_race_with_the_scope_body_gets_no_Interlocked_fix() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void M()
            {
                int total = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|SCOPE010:total|}++);
                    Console.WriteLine(total);
                });
            }
        }
        """);

    [Fact]
    public Task A_double_gets_no_Interlocked_fix() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(double[] items)
            {
                double sum = 0;
                Parallel.ForEach(items, x => {|SCOPE010:sum|} += x);
            }
        }
        """);

    [Fact]
    public Task Fix_all_converts_every_race_of_the_document() => new InterlockedFix.Test
    {
        TestCode = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(int[] items)
                {
                    int hits = 0;
                    long sum = 0;
                    Parallel.ForEach(items, x => { {|SCOPE010:hits|}++; {|SCOPE010:sum|} += x; });
                    var a = Task.Run(() => {|SCOPE010:hits|}--);
                    var b = Task.Run(() => hits--);
                    Task.WaitAll(a, b);
                }
            }
            """,
        FixedCode = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                void M(int[] items)
                {
                    int hits = 0;
                    long sum = 0;
                    Parallel.ForEach(items, x => { Interlocked.Increment(ref hits); Interlocked.Add(ref sum, x); });
                    var a = Task.Run(() => Interlocked.Decrement(ref hits) + 1);
                    var b = Task.Run(() => Interlocked.Decrement(ref hits) + 1);
                    Task.WaitAll(a, b);
                }
            }
            """,
    }.RunAsync();

    // The fix sees the work the analyzer saw: here a method .editorconfig lists as structured.
    [Fact]
    public Task Work_of_a_method_listed_in_editorconfig_becomes_Interlocked() => new InterlockedFix.Test
    {
        TestCode = """
            using System;

            static class Batch
            {
                public static void RunAll(params Action[] work) { foreach (var w in work) w(); }
            }

            class C
            {
                long Count()
                {
                    long counter = 0;
                    Batch.RunAll(() => {|SCOPE010:counter|}++, () => counter++);
                    return counter;
                }
            }
            """,
        FixedCode = """
            using System;
            using System.Threading;

            static class Batch
            {
                public static void RunAll(params Action[] work) { foreach (var w in work) w(); }
            }

            class C
            {
                long Count()
                {
                    long counter = 0;
                    Batch.RunAll(() => Interlocked.Increment(ref counter), () => Interlocked.Increment(ref counter));
                    return counter;
                }
            }
            """,
        EditorConfig = "root = true\n[*.cs]\nscopesafety.structured_methods = M:Batch.RunAll(System.Action[])\n",
    }.RunAsync();

    [Fact]
    public Task Top_level_statements_get_every_write_converted_as_a_method_does() => new InterlockedFix.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using System.Threading.Tasks;

            int count = 0;
            var a = Task.Run(() => {|SCOPE010:count|}++);
            var b = Task.Run(() => count++);
            Task.WaitAll(a, b);
            Console.WriteLine(count);
            """,
        FixedCode = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            int count = 0;
            var a = Task.Run(() => Interlocked.Increment(ref count) - 1);
            var b = Task.Run(() => Interlocked.Increment(ref count) - 1);
            Task.WaitAll(a, b);
            Console.WriteLine(count);
            """,
        ExpectedOutput = "2\n",
    }.RunAsync();

    [Fact]
    public Task A_CRLF_file_keeps_its_line_endings() => InterlockedFix.VerifyCodeFixAsync(
        "using ScopeSafety;\r\n\r\nclass C\r\n{\r\n    void M()\r\n    {\r\n        int n = 0;\r\n        Scope.Run(scope =>\r\n        {\r\n            scope.Spawn(() => {|SCOPE010:n|}++);\r\n            scope.Spawn(() => n++);\r\n        });\r\n    }\r\n}\r\n",
        "using System.Threading;\r\nusing ScopeSafety;\r\n\r\nclass C\r\n{\r\n    void M()\r\n    {\r\n        int n = 0;\r\n        Scope.Run(scope =>\r\n        {\r\n            scope.Spawn(() => Interlocked.Increment(ref n));\r\n            scope.Spawn(() => Interlocked.Increment(ref n));\r\n        });\r\n    }\r\n}\r\n");

    // ---- SCOPE012: per-iteration copy ---------------------------------------------------------------------

    [Fact]
    public Task A_for_variable_captured_by_a_spawn_gets_a_per_iteration_copy() => CopyFix.VerifyCodeFixAsync("""
        using ScopeSafety;

        class C
        {
            void M(int[] seen)
            {
                Scope.Run(scope =>
                {
                    for (int i = 0; i < seen.Length; i++)
                    {
                        // one item per slot
                        scope.Spawn(() => seen[{|SCOPE012:i|}] = i * i);
                    }
                });
            }
        }
        """, """
        using ScopeSafety;

        class C
        {
            void M(int[] seen)
            {
                Scope.Run(scope =>
                {
                    for (int i = 0; i < seen.Length; i++)
                    {
                        // one item per slot
                        var iCopy = i;
                        scope.Spawn(() => seen[iCopy] = iCopy * iCopy);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task A_loop_without_braces_gets_a_block_for_the_copy() => CopyFix.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var iCopy = -1;
                for (int i = 0; i < 4; i++)
                    _ = Task.Run(() => Console.WriteLine({|SCOPE012:i|} + iCopy));
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var iCopy = -1;
                for (int i = 0; i < 4; i++)
                {
                    var iCopy2 = i;
                    _ = Task.Run(() => Console.WriteLine(iCopy2 + iCopy));
                }
            }
        }
        """);

    [Fact]
    public Task Work_that_writes_the_loop_variable_gets_no_copy() => CopyFix.VerifyNoCodeFixAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                for (int i = 0; i < 4; i++)
                {
                    new Thread(() => { if ({|SCOPE012:i|} > 2) i = 0; }).Start();
                }
            }
        }
        """);

    [Fact]
    public Task A_CRLF_file_keeps_its_line_endings_when_the_copy_is_added() => CopyFix.VerifyCodeFixAsync(
        "using System;\r\nusing System.Threading.Tasks;\r\n\r\nclass C\r\n{\r\n    void M()\r\n    {\r\n        for (int i = 0; i < 4; i++)\r\n        {\r\n            Task.Run(() => Console.WriteLine({|SCOPE012:i|}));\r\n        }\r\n    }\r\n}\r\n",
        "using System;\r\nusing System.Threading.Tasks;\r\n\r\nclass C\r\n{\r\n    void M()\r\n    {\r\n        for (int i = 0; i < 4; i++)\r\n        {\r\n            var iCopy = i;\r\n            Task.Run(() => Console.WriteLine(iCopy));\r\n        }\r\n    }\r\n}\r\n");

    // ---- SCOPE011: lock ------------------------------------------------------------------------------------

    // A use that is the body of an if on the if's own line: the lock gets braces of its own, so that it does not start
    // on the if's line and open its block below it.
    [Fact]
    public Task A_use_on_the_line_of_its_if_is_locked_in_braces_of_its_own() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            int M(int[] numbers)
            {
                var evens = new List<int>();
                Parallel.ForEach(numbers, n =>
                {
                    var half = n / 2;
                    if (half * 2 == n) {|SCOPE011:evens|}.Add(n);
                });
                return evens.Count;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            int M(int[] numbers)
            {
                var evens = new List<int>();
                Parallel.ForEach(numbers, n =>
                {
                    var half = n / 2;
                    if (half * 2 == n)
                    {
                        lock (evens)
                        {
                            evens.Add(n);
                        }
                    }
                });
                return evens.Count;
            }
        }
        """);

    [Fact]
    public Task List_Add_from_spawns_is_locked_on_the_list() => LockFix.VerifyCodeFixAsync("""
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        class C
        {
            int M()
            {
                var results = new List<int>();
                Scope.Run(scope =>
                {
                    for (var w = 0; w < 4; w++)
                    {
                        scope.Spawn(() =>
                        {
                            for (var i = 0; i < 100; i++)
                                {|SCOPE011:results|}.Add(i); // keep
                        });
                    }
                });
                return results.Count;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        class C
        {
            int M()
            {
                var results = new List<int>();
                Scope.Run(scope =>
                {
                    for (var w = 0; w < 4; w++)
                    {
                        scope.Spawn(() =>
                        {
                            for (var i = 0; i < 100; i++)
                                lock (results)
                                {
                                    results.Add(i);
                                } // keep
                        });
                    }
                });
                return results.Count;
            }
        }
        """);

    [Fact]
    public Task An_expression_lambda_of_Parallel_For_gets_a_block_with_the_lock() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                var squares = new Dictionary<int, int>();
                Parallel.For(0, items.Length, i => {|SCOPE011:squares|}[i] = items[i] * items[i]);
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                var squares = new Dictionary<int, int>();
                Parallel.For(0, items.Length, i =>
                {
                    lock (squares)
                    {
                        squares[i] = items[i] * items[i];
                    }
                });
            }
        }
        """);

    [Fact]
    public Task The_scope_body_read_is_locked_too() => LockFix.VerifyCodeFixAsync("""
        using System;
        using System.Text;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var log = new StringBuilder();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|SCOPE011:log|}.Append("item"));
                    Console.WriteLine(log.Length);
                });
            }
        }
        """, """
        using System;
        using System.Text;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var log = new StringBuilder();
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        lock (log)
                        {
                            log.Append("item");
                        }
                    });
                    lock (log)
                    {
                        Console.WriteLine(log.Length);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task A_list_held_by_a_shared_object_is_locked_through_its_holder() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Report
        {
            public List<string> Lines = new List<string>();
        }

        class C
        {
            void M(Report report, string[] names)
            {
                Parallel.ForEach(names, name => {|SCOPE011:report.Lines|}.Add(name));
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Report
        {
            public List<string> Lines = new List<string>();
        }

        class C
        {
            void M(Report report, string[] names)
            {
                Parallel.ForEach(names, name =>
                {
                    lock (report)
                    {
                        report.Lines.Add(name);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task A_queue_used_inside_the_methods_of_its_holder_gets_no_lock_at_the_call() => LockFix.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class Buffer
        {
            private readonly Queue<int> _elements = new Queue<int>();
            public void Put(int item) => _elements.Enqueue(item);
            public int Take() => _elements.Dequeue();
        }

        class C
        {
            void M(Buffer buffer)
            {
                var producer = new Thread(() => {|SCOPE011:buffer.Put(1)|});
                var consumer = new Thread(() => buffer.Take());
                producer.Start();
                consumer.Start();
                producer.Join();
                consumer.Join();
            }
        }
        """);

    [Fact]
    public Task A_reassigned_list_gets_no_lock() => LockFix.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                var list = new List<int>();
                Parallel.ForEach(items, x => {|SCOPE011:list|}.Add(x));
                list = new List<int>();
            }
        }
        """);

    [Fact]
    public Task A_dictionary_only_set_by_the_items_becomes_a_ConcurrentDictionary() => new LockFix.Test
    {
        TestCode = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                int M(int[] items)
                {
                    var squares = new Dictionary<int, long>();
                    Parallel.ForEach(items, x => {|SCOPE011:squares|}[x] = (long)x * x);
                    return squares.Count + squares.Keys.Sum();
                }
            }
            """,
        FixedCode = """
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            class C
            {
                int M(int[] items)
                {
                    var squares = new ConcurrentDictionary<int, long>();
                    Parallel.ForEach(items, x => squares[x] = (long)x * x);
                    return squares.Count + squares.Keys.Sum();
                }
            }
            """,
        CodeActionEquivalenceKey = ScopeSafety.CodeFixes.LockSharedObjectFixer.ConcurrentCollectionKey,
    }.RunAsync();

    [Fact]
    public Task A_read_then_write_in_one_item_gets_no_concurrent_collection() => new LockFix.Test
    {
        TestCode = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                void M(int[] items)
                {
                    var counts = new Dictionary<int, int>();
                    Parallel.ForEach(items, x => { counts.TryGetValue(x, out var c); {|SCOPE011:counts|}[x] = c + 1; });
                }
            }
            """,
        FixedCode = """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            class C
            {
                void M(int[] items)
                {
                    var counts = new Dictionary<int, int>();
                    Parallel.ForEach(items, x => { counts.TryGetValue(x, out var c); {|SCOPE011:counts|}[x] = c + 1; });
                }
            }
            """,
        CodeActionEquivalenceKey = ScopeSafety.CodeFixes.LockSharedObjectFixer.ConcurrentCollectionKey,
    }.RunAsync();

    [Fact]
    public Task A_queue_only_enqueued_by_the_items_becomes_a_ConcurrentQueue() => new LockFix.Test
    {
        TestCode = """
            using System.Collections.Generic;
            using ScopeSafety;

            class C
            {
                int M(int[] items)
                {
                    Queue<string> log = new Queue<string>();
                    Scope.Run(scope =>
                    {
                        foreach (var x in items)
                        {
                            scope.Spawn(() => {|SCOPE011:log|}.Enqueue("item " + x));
                        }
                    });
                    return log.Count;
                }
            }
            """,
        FixedCode = """
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using ScopeSafety;

            class C
            {
                int M(int[] items)
                {
                    ConcurrentQueue<string> log = new ConcurrentQueue<string>();
                    Scope.Run(scope =>
                    {
                        foreach (var x in items)
                        {
                            scope.Spawn(() => log.Enqueue("item " + x));
                        }
                    });
                    return log.Count;
                }
            }
            """,
        CodeActionEquivalenceKey = ScopeSafety.CodeFixes.LockSharedObjectFixer.ConcurrentCollectionKey,
    }.RunAsync();

    // ---- SCOPE010/011: work left running against the type's other members -----------------------------------

    // A counter the work bumps and a property shows: every write in the type becomes Interlocked; the property's plain
    // read sees a whole int.
    [Fact]
    public Task A_counter_a_thread_started_as_a_method_bumps_and_a_property_shows_becomes_Interlocked() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Pump
        {
            private volatile bool _running = true;
            private int _processed;

            public int Processed => _processed;

            public void Start() => new Thread({|SCOPE010:Loop|}).Start();

            public void Reset() => _processed = 0;

            private void Loop()
            {
                while (_running)
                {
                    _processed++;
                    Thread.Sleep(1);
                }
            }
        }
        """, """
        using System.Threading;

        class Pump
        {
            private volatile bool _running = true;
            private int _processed;

            public int Processed => _processed;

            public void Start() => new Thread(Loop).Start();

            public void Reset() => Interlocked.Exchange(ref _processed, 0);

            private void Loop()
            {
                while (_running)
                {
                    Interlocked.Increment(ref _processed);
                    Thread.Sleep(1);
                }
            }
        }
        """);

    // An error code that each side stores and then tests (dotnet/iot's UnixSoundDevice: _errorNum = snd_pcm_…();
    // ThrowIfError(…);, from the recording thread and from the volume setters): a side means to read back its own store,
    // which the other side's store in between replaces, atomic or not. Interlocked would end the report and leave that.
    [Fact]
    public Task Interlocked_is_not_offered_for_a_code_each_side_stores_and_reads_back() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading;

        class Device
        {
            private int _error;
            private Thread _recorder;

            public void StartRecording()
            {
                _recorder = new Thread({|SCOPE010:Record|});
                _recorder.Start();
            }

            public void SetVolume(int volume)
            {
                _error = Native(volume);
                ThrowIfError();
            }

            private void Record()
            {
                for (var i = 0; i < 100; i++)
                {
                    _error = Native(i);
                    ThrowIfError();
                }
            }

            private void ThrowIfError()
            {
                if (_error < 0)
                {
                    throw new InvalidOperationException("error " + _error);
                }
            }

            private static int Native(int value) => value - 50;
        }
        """);

    [Fact]
    public Task The_Interlocked_counter_program_still_counts_every_bump() => new InterlockedFix.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using System.Threading;

            var pump = new Pump();
            pump.Start();
            pump.Wait();
            Console.WriteLine(pump.Processed);

            class Pump
            {
                private int _processed;
                private Thread _thread;

                public int Processed => _processed;

                public void Start()
                {
                    _thread = new Thread({|SCOPE010:Loop|});
                    _thread.Start();
                }

                public void Wait() => _thread.Join();

                private void Loop()
                {
                    for (var i = 0; i < 100000; i++) _processed++;
                }
            }
            """,
        FixedCode = """
            using System;
            using System.Threading;

            var pump = new Pump();
            pump.Start();
            pump.Wait();
            Console.WriteLine(pump.Processed);

            class Pump
            {
                private int _processed;
                private Thread _thread;

                public int Processed => _processed;

                public void Start()
                {
                    _thread = new Thread(Loop);
                    _thread.Start();
                }

                public void Wait() => _thread.Join();

                private void Loop()
                {
                    for (var i = 0; i < 100000; i++) Interlocked.Increment(ref _processed);
                }
            }
            """,
        ExpectedOutput = "100000\n",
    }.RunAsync();

    // A long's plain read may tear on a 32-bit process, and x = x * 2 would stay a lost update: no Interlocked fix.
    [Fact]
    public Task A_long_counter_or_a_doubling_of_the_counter_gets_no_Interlocked_fix() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System.Threading;

        class Frames
        {
            private volatile bool _running = true;
            private long _frames;

            public long Count => _frames;

            public void Start() => new Thread({|SCOPE010:Loop|}).Start();

            private void Loop()
            {
                while (_running) _frames++;
            }
        }

        class Doubler
        {
            private volatile bool _running = true;
            private int _value = 1;

            public int Value => _value;

            public void Start() => new Thread({|SCOPE010:Loop|}).Start();

            private void Loop()
            {
                while (_running) _value = _value * 2;
            }
        }
        """);

    // Work started as a method (new Thread(Loop)) is reported at the method's name: the field is the one the other side's
    // access names. The thread's callee sets the port; the property only reads it.
    [Fact]
    public Task A_flag_polled_by_a_thread_started_as_a_method_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Peer
        {
            private volatile bool _running;
            private int _port;
            private Thread _thread;

            public int Port => _port;

            public void Start()
            {
                _running = true;
                _thread = new Thread({|SCOPE010:Loop|});
                _thread.Start();
            }

            public void Stop() => _running = false;

            private void Loop()
            {
                while (_running) { Rebind(); Thread.Sleep(1); }
            }

            private void Rebind() => _port = 5;
        }
        """, """
        using System.Threading;

        class Peer
        {
            private volatile bool _running;
            private volatile int _port;
            private Thread _thread;

            public int Port => _port;

            public void Start()
            {
                _running = true;
                _thread = new Thread(Loop);
                _thread.Start();
            }

            public void Stop() => _running = false;

            private void Loop()
            {
                while (_running) { Rebind(); Thread.Sleep(1); }
            }

            private void Rebind() => _port = 5;
        }
        """);

    // An object field that a member disposes, or clears, while the work uses the object: the race is about the
    // object's lifetime, which volatile does not order. Replacing the object without disposing it keeps the fix.
    [Theory]
    [InlineData("public void Reopen() { _writer.Dispose(); _writer = new StringWriter(); }")]
    [InlineData("public void Close() => _writer = null;")]
    public Task An_object_field_a_member_disposes_or_clears_is_not_made_volatile(string member) =>
        VolatileFix.VerifyNoCodeFixAsync(LoggerWith(member, "{|SCOPE010:Loop|}", ""));

    [Fact]
    public Task An_object_field_a_member_replaces_becomes_volatile() => VolatileFix.VerifyCodeFixAsync(
        LoggerWith("public void Reopen() => _writer = new StringWriter();", "{|SCOPE010:Loop|}", ""),
        LoggerWith("public void Reopen() => _writer = new StringWriter();", "Loop", "volatile "));

    private static string LoggerWith(string member, string loop, string modifier) => $$"""
        using System.IO;
        using System.Threading;

        class Logger
        {
            private {{modifier}}TextWriter _writer = new StringWriter();
            private Thread _thread;

            public void Start()
            {
                _thread = new Thread({{loop}});
                _thread.Start();
            }

            {{member}}

            private void Loop()
            {
                while (true) { _writer.WriteLine("tick"); Thread.Sleep(10); }
            }
        }
        """;

    // The member reaches the flag through a method it calls: the report names that call, and the field comes from the
    // analyzer's Field property.
    [Fact]
    public Task A_flag_a_member_sets_through_a_helper_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Client
        {
            private bool _stopping;

            public void Start() => new Thread({|SCOPE010:Loop|}).Start();

            public void Stop() => StopInternal();

            private void StopInternal() => _stopping = true;

            private void Loop()
            {
                while (!_stopping) Thread.Sleep(1);
            }
        }
        """, """
        using System.Threading;

        class Client
        {
            private volatile bool _stopping;

            public void Start() => new Thread(Loop).Start();

            public void Stop() => StopInternal();

            private void StopInternal() => _stopping = true;

            private void Loop()
            {
                while (!_stopping) Thread.Sleep(1);
            }
        }
        """);

    // Start sets the flag before it starts the thread, so only Stop stores while the loop polls: volatile is offered. A
    // Start that sets it after the start races with the loop's first test, which volatile would not order.
    [Fact]
    public Task A_flag_set_before_the_start_and_cleared_by_Stop_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Worker
        {
            private bool _running;

            public void Start()
            {
                _running = true;
                new Thread({|SCOPE010:Loop|}).Start();
            }

            public void Stop() => _running = false;

            private void Loop()
            {
                while (_running) Thread.Sleep(1);
            }
        }
        """, """
        using System.Threading;

        class Worker
        {
            private volatile bool _running;

            public void Start()
            {
                _running = true;
                new Thread(Loop).Start();
            }

            public void Stop() => _running = false;

            private void Loop()
            {
                while (_running) Thread.Sleep(1);
            }
        }
        """);

    [Fact]
    public Task A_flag_set_after_the_start_is_not_made_volatile() => VolatileFix.VerifyNoCodeFixAsync("""
        using System.Threading;

        class Worker
        {
            private bool _running;

            public void Start()
            {
                new Thread({|SCOPE010:Loop|}).Start();
                _running = true;
            }

            public void Stop() => _running = false;

            private void Loop()
            {
                while (_running) Thread.Sleep(1);
            }
        }
        """);

    // The callback reads the field that the creating line stores the timer in: it may run before the store, volatile or
    // not, so volatile is not offered.
    [Fact]
    public Task A_field_that_stores_the_works_own_timer_is_not_made_volatile() => VolatileFix.VerifyNoCodeFixAsync("""
        using System.Threading;

        class Reconnector
        {
            private Timer _retry;

            public void OnError() => _retry = new Timer({|SCOPE010:Retry|}, null, 0, Timeout.Infinite);

            private void Retry(object state) => _retry?.Dispose();
        }
        """);

    // The member sets the flag and the work clears it after acting on it: a set that lands between the work's test and its
    // clear is lost whether or not the field is volatile, so volatile is not offered.
    [Fact]
    public Task A_flag_the_work_clears_after_a_member_set_it_is_not_made_volatile() => VolatileFix.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading;

        class Peer
        {
            private bool _flush;
            private Thread _thread;

            public void Flush() => _flush = true;

            public void Start()
            {
                _thread = new Thread({|SCOPE010:Loop|});
                _thread.Start();
            }

            private void Loop()
            {
                while (true)
                {
                    if (_flush) Console.WriteLine("flush");
                    _flush = false;
                    Thread.Sleep(1);
                }
            }
        }

        class LambdaPeer
        {
            private bool _flush;

            public void Flush() => _flush = true;

            public void Start() => new Thread(() =>
            {
                while (true)
                {
                    if ({|SCOPE010:_flush|}) Console.WriteLine("flush");
                    _flush = false;
                }
            }).Start();
        }
        """);

    [Fact]
    public Task A_flag_a_stop_method_clears_while_the_thread_polls_it_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Worker
        {
            private bool _running = true;
            private Thread _thread;

            public Worker()
            {
                _thread = new Thread(() => { while ({|SCOPE010:_running|}) Thread.Sleep(1); });
                _thread.Start();
            }

            public void Stop()
            {
                _running = false;
                _thread.Join();
            }
        }
        """, """
        using System.Threading;

        class Worker
        {
            private volatile bool _running = true;
            private Thread _thread;

            public Worker()
            {
                _thread = new Thread(() => { while (_running) Thread.Sleep(1); });
                _thread.Start();
            }

            public void Stop()
            {
                _running = false;
                _thread.Join();
            }
        }
        """);

    [Fact]
    public Task A_list_an_add_method_fills_while_a_loop_drains_it_gets_a_lock_on_both_sides() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Inbox
        {
            private readonly List<int> _items = new List<int>();

            public void Start()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        {|SCOPE011:_items|}.Clear();
                    }
                });
            }

            public void Add(int item)
            {
                _items.Add(item);
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Inbox
        {
            private readonly List<int> _items = new List<int>();

            public void Start()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        lock (_items)
                        {
                            _items.Clear();
                        }
                    }
                });
            }

            public void Add(int item)
            {
                lock (_items)
                {
                    _items.Add(item);
                }
            }
        }
        """);

    // ---- SCOPE010/011: a finalizer against another member of its type --------------------------------------

    [Fact]
    public Task A_finalizer_and_a_constructor_counting_instances_both_become_Interlocked() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Block
        {
            static int count;

            public Block()
            {
                count++;
            }

            ~Block()
            {
                {|SCOPE010:count|}--;
            }

            public static int Live => Volatile.Read(ref count);
        }
        """, """
        using System.Threading;

        class Block
        {
            static int count;

            public Block()
            {
                Interlocked.Increment(ref count);
            }

            ~Block()
            {
                Interlocked.Decrement(ref count);
            }

            public static int Live => Volatile.Read(ref count);
        }
        """);

    [Fact]
    public Task A_finalizer_whose_write_is_in_a_called_Dispose_gets_no_Interlocked_fix() => InterlockedFix.VerifyNoCodeFixAsync("""
        using System;

        class Resource
        {
            static int live;

            public Resource() => live++;

            ~Resource() => {|SCOPE010:Dispose(false)|};

            void Dispose(bool disposing) => live--;
        }
        """);

    [Fact]
    public Task A_static_flag_read_by_a_finalizer_and_set_by_a_method_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System;

        class Handle
        {
            static bool tracing;

            public static void Trace(bool on) => tracing = on;

            ~Handle()
            {
                if ({|SCOPE010:tracing|})
                {
                    Console.WriteLine("finalized");
                }
            }
        }
        """, """
        using System;

        class Handle
        {
            static volatile bool tracing;

            public static void Trace(bool on) => tracing = on;

            ~Handle()
            {
                if (tracing)
                {
                    Console.WriteLine("finalized");
                }
            }
        }
        """);

    // ---- types declared thread-safe -------------------------------------------------------------------------

    [Fact]
    public Task A_closed_flag_of_a_thread_safe_type_becomes_volatile() => VolatileFix.VerifyCodeFixAsync("""
        using System;
        using ScopeSafety;

        [ThreadSafe]
        public class Channel
        {
            private bool _closed;

            public void Close() => {|SCOPE010:_closed|} = true;

            public void Send(int value)
            {
                if (_closed)
                {
                    throw new InvalidOperationException("closed");
                }
            }
        }
        """, """
        using System;
        using ScopeSafety;

        [ThreadSafe]
        public class Channel
        {
            private volatile bool _closed;

            public void Close() => _closed = true;

            public void Send(int value)
            {
                if (_closed)
                {
                    throw new InvalidOperationException("closed");
                }
            }
        }
        """);

    [Fact]
    public Task A_check_then_update_of_a_thread_safe_type_gets_no_Interlocked_fix() => InterlockedFix.VerifyNoCodeFixAsync("""
        using ScopeSafety;

        [ThreadSafe]
        public class Account
        {
            private int _balance;

            public void Deposit(int amount) => {|SCOPE010:_balance|} += amount;

            public bool Withdraw(int amount)
            {
                if (_balance < amount)
                {
                    return false;
                }

                _balance -= amount;
                return true;
            }
        }
        """);

    [Fact]
    public Task A_list_of_a_thread_safe_type_gets_no_lock_on_one_side_only() => LockFix.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using ScopeSafety;

        [ThreadSafe]
        public class Registry
        {
            private readonly List<string> _names = new List<string>();

            public void Add(string name) => {|SCOPE011:_names|}.Add(name);

            public int Count => _names.Count;
        }
        """);

    [Fact]
    public Task An_unlocked_reset_of_a_thread_safe_type_takes_the_lock_its_other_uses_take() => TypeLockFix.VerifyCodeFixAsync("""
        using ScopeSafety;

        [ThreadSafe]
        public class Counter
        {
            private readonly object _gate = new object();
            private int _count;

            public void Add()
            {
                lock (_gate)
                {
                    _count++;
                }
            }

            public int Count
            {
                get
                {
                    lock (_gate)
                    {
                        return _count;
                    }
                }
            }

            public void Reset() => {|SCOPE010:_count|} = 0;
        }
        """, """
        using ScopeSafety;

        [ThreadSafe]
        public class Counter
        {
            private readonly object _gate = new object();
            private int _count;

            public void Add()
            {
                lock (_gate)
                {
                    _count++;
                }
            }

            public int Count
            {
                get
                {
                    lock (_gate)
                    {
                        return _count;
                    }
                }
            }

            public void Reset()
            {
                lock (_gate)
                {
                    _count = 0;
                }
            }
        }
        """);

    [Fact]
    public Task An_unlocked_insert_and_a_property_of_a_thread_safe_type_take_its_lock() => TypeLockFix.VerifyCodeFixAsync("""
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        [ThreadSafe]
        public class Subscribers
        {
            private readonly List<Action> _handlers = new List<Action>();

            public void Add(Action handler)
            {
                lock (this)
                {
                    _handlers.Add(handler);
                }
            }

            public void AddFirst(Action handler)
            {
                Console.WriteLine("first");
                {|SCOPE011:_handlers|}.Insert(0, handler);
                Console.WriteLine(_handlers.Count);
            }

            public int Count => _handlers.Count;
        }
        """, """
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        [ThreadSafe]
        public class Subscribers
        {
            private readonly List<Action> _handlers = new List<Action>();

            public void Add(Action handler)
            {
                lock (this)
                {
                    _handlers.Add(handler);
                }
            }

            public void AddFirst(Action handler)
            {
                Console.WriteLine("first");
                lock (this)
                {
                    _handlers.Insert(0, handler);
                    Console.WriteLine(_handlers.Count);
                }
            }

            public int Count
            {
                get
                {
                    lock (this)
                    {
                        return _handlers.Count;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task A_check_then_act_of_a_thread_safe_type_gets_no_lock_on_its_pieces() => TypeLockFix.VerifyNoCodeFixAsync("""
        using ScopeSafety;

        [ThreadSafe]
        public class Account
        {
            private readonly object _gate = new object();
            private int _balance;

            public void Deposit(int amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                }
            }

            public bool Withdraw(int amount)
            {
                if (_balance < amount)
                {
                    return false;
                }

                {|SCOPE010:_balance|} -= amount;
                return true;
            }
        }
        """);

    [Fact]
    public Task Uses_under_two_different_locks_get_no_fix() => TypeLockFix.VerifyNoCodeFixAsync("""
        using ScopeSafety;

        [ThreadSafe]
        public class Tally
        {
            private readonly object _a = new object();
            private readonly object _b = new object();
            private int _n;

            public void One() { lock (_a) { _n++; } }

            public void Two() { lock (_b) { _n++; } }

            public void Reset() => {|SCOPE010:_n|} = 0;
        }
        """);

    [Fact]
    public Task A_use_under_Monitor_Enter_counts_as_locked_and_only_the_unlocked_one_takes_the_lock() => TypeLockFix.VerifyCodeFixAsync("""
        using System.Threading;
        using ScopeSafety;

        [ThreadSafe]
        public class Counter
        {
            private readonly object _gate = new object();
            private long _count;

            public void Add()
            {
                Monitor.Enter(_gate);
                try
                {
                    _count++;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }

            public long Count
            {
                get { lock (_gate) { return _count; } }
            }

            public void Reset()
            {
                {|SCOPE010:_count|} = 0;
            }
        }
        """, """
        using System.Threading;
        using ScopeSafety;

        [ThreadSafe]
        public class Counter
        {
            private readonly object _gate = new object();
            private long _count;

            public void Add()
            {
                Monitor.Enter(_gate);
                try
                {
                    _count++;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }

            public long Count
            {
                get { lock (_gate) { return _count; } }
            }

            public void Reset()
            {
                lock (_gate)
                {
                    _count = 0;
                }
            }
        }
        """);

    // The lock fix of the test above in a file indented with tabs and ending its lines with CRLF: what the fix writes
    // takes the file's layout, not the machine's (the host lays out again whatever a fix leaves marked or elastic).
    [Fact]
    public Task A_private_lock_object_in_a_file_of_tabs_and_CRLF_keeps_the_file_s_layout() => LockFieldFix.VerifyCodeFixAsync("using System;\r\nusing ScopeSafety;\r\n\r\nclass Totals\r\n{\r\n\tprivate decimal _sum;\r\n\r\n\tpublic decimal Add(decimal[] values)\r\n\t{\r\n\t\tScope.Run(scope =>\r\n\t\t{\r\n\t\t\tscope.Spawn(() => { foreach (var v in values) {|SCOPE010:_sum|} += v; });\r\n\t\t\tscope.Spawn(() =>\r\n\t\t\t{\r\n\t\t\t\tforeach (var v in values)\r\n\t\t\t\t{\r\n\t\t\t\t\t_sum -= v / 2;\r\n\t\t\t\t}\r\n\t\t\t});\r\n\t\t});\r\n\t\treturn _sum;\r\n\t}\r\n}\r\n\r\n", "using System;\r\nusing ScopeSafety;\r\n\r\nclass Totals\r\n{\r\n\tprivate decimal _sum;\r\n\tprivate readonly object _sumLock = new object();\r\n\r\n\tpublic decimal Add(decimal[] values)\r\n\t{\r\n\t\tScope.Run(scope =>\r\n\t\t{\r\n\t\t\tscope.Spawn(() => { foreach (var v in values) { lock (_sumLock) { _sum += v; } } });\r\n\t\t\tscope.Spawn(() =>\r\n\t\t\t{\r\n\t\t\t\tforeach (var v in values)\r\n\t\t\t\t{\r\n\t\t\t\t\tlock (_sumLock)\r\n\t\t\t\t\t{\r\n\t\t\t\t\t\t_sum -= v / 2;\r\n\t\t\t\t\t}\r\n\t\t\t\t}\r\n\t\t\t});\r\n\t\t});\r\n\t\treturn _sum;\r\n\t}\r\n}\r\n\r\n");
}
