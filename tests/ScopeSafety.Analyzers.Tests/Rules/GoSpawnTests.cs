using static ScopeSafety.Analyzers.Tests.Rules.AsyncWorkInSynchronousScopeTests;
using static ScopeSafety.Analyzers.Tests.Rules.ConcurrentAccessAnalyzerTests;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using VerifyAsyncWork = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.AsyncWorkInSynchronousScopeAnalyzer,
    ScopeSafety.CodeFixes.AsyncWorkInSynchronousScopeFixer>;
using VerifyBlocking = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.BlockingScopeInAsyncCodeAnalyzer>;
using VerifyEscape = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ScopeEscapeAnalyzer>;
using BorrowFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ScopeEscapeAnalyzer,
    ScopeSafety.CodeFixes.BorrowThroughScopeFixer>;
using CopyFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LoopVariableCopyFixer>;
using InterlockedFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.InterlockedFixer>;
using LockFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockSharedObjectFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// <c>scope.Go(work)</c> is a spawn without a handle: its work runs beside the rest of the scope body and the scope's
/// other items until <c>Scope.Run</c> returns, and nobody can join it. Each hazard is reported as for a
/// <c>scope.Spawn</c> whose handle is discarded, beside its safe twin; the fixes of the Spawn form apply to it too.
/// Line numbers in the messages count from the top of <see cref="ConcurrentAccessAnalyzerTests.Program"/>'s text (the
/// method body starts at line 11).
/// </summary>
public class GoSpawnTests
{
    // ---- SCOPE010: Go items, the scope body, Spawn and Scope.Join ---------------------------------------------

    [Fact]
    public Task Two_Go_items_incrementing_one_counter_race() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Go(() => { for (var i = 0; i < 1000; i++) {|#0:counter|}++; });
                    scope.Go(() => { for (var i = 0; i < 1000; i++) counter++; });
                });
                Console.WriteLine(counter);
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Go at line 14", "work started with Scope.Go at line 15", "also write"));

    [Fact]
    public Task Two_Go_items_incrementing_through_Interlocked_or_under_one_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                long counter = 0;
                long locked = 0;
                Scope.Run(scope =>
                {
                    scope.Go(() => { Interlocked.Increment(ref counter); lock (gate) locked++; });
                    scope.Go(() => { Interlocked.Increment(ref counter); lock (gate) { locked++; } });
                });
                Console.WriteLine(counter + locked);
        """));

    [Fact]
    public Task A_Go_item_races_with_the_scope_body_after_the_call() => Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                Scope.Run(scope =>
                {
                    scope.Go(() => { foreach (var x in items) {|#0:total|} += x; });
                    Console.WriteLine(total);
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("total", "work started with Scope.Go at line 14", "the scope body at line 15", "read"));

    [Fact]
    public Task The_scope_body_writing_while_a_Go_item_reads_races() => Verify.VerifyAnalyzerAsync(Program("""
                var limit = 10;
                Scope.Run(scope =>
                {
                    scope.Go(() => Console.WriteLine({|#0:limit|}));
                    limit = 20;
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("limit", "the scope body at line 15", "work started with Scope.Go at line 14", "read"));

    [Fact]
    public Task A_Go_item_s_result_read_after_Scope_Run_returned_or_written_before_the_call_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                Scope.Run(scope =>
                {
                    total = items.Length;
                    scope.Go(() => { foreach (var x in items) total += x; });
                });
                Console.WriteLine(total);
        """));

    [Fact]
    public Task Joining_a_Spawn_item_does_not_finish_a_Go_item() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                Scope.Run(scope =>
                {
                    scope.Go(() => {|#0:counter|}++);
                    scope.Spawn(() => counter++).Join();
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Go at line 14", "work started with Scope.Spawn at line 15", "also write"));

    [Fact]
    public Task A_Spawn_item_joined_before_the_Go_call_does_not_race_with_its_item() => Verify.VerifyAnalyzerAsync(Program("""
                long counter = 0;
                Scope.Run(scope =>
                {
                    var first = scope.Spawn(() => counter++);
                    first.Join();
                    scope.Go(() => counter++);
                });
        """));

    [Fact]
    public Task A_Go_item_races_with_a_Scope_Join_after_the_call() => Verify.VerifyAnalyzerAsync(Program("""
                long sum = 0;
                Scope.Run(scope =>
                {
                    scope.Go(() => {|#0:sum|}++);
                    Scope.Join(() => sum++, () => { });
                });
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("sum", "work started with Scope.Go at line 14", "work started with Scope.Join at line 15", "also write"));

    [Fact]
    public Task A_Scope_Join_before_the_Go_call_does_not_race_with_its_item() => Verify.VerifyAnalyzerAsync(Program("""
                long sum = 0;
                Scope.Run(scope =>
                {
                    Scope.Join(() => sum++, () => { });
                    scope.Go(() => sum++);
                });
        """));

    // ---- SCOPE011: a Go call in a loop starts many items ------------------------------------------------------

    [Fact]
    public Task List_Add_from_Go_items_started_in_a_loop_races() => Verify.VerifyAnalyzerAsync(Program("""
                var results = new List<int>();
                Scope.Run(scope =>
                {
                    for (var w = 0; w < 4; w++)
                    {
                        scope.Go(() => { for (var i = 0; i < 10000; i++) {|#0:results|}.Add(i); });
                    }
                });
                Console.WriteLine(results.Count);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("results", "List<int>", "work started with Scope.Go at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task A_concurrent_collection_or_a_locked_list_filled_by_Go_items_does_not_race() => Verify.VerifyAnalyzerAsync(Program("""
                var bag = new System.Collections.Concurrent.ConcurrentBag<int>();
                var list = new List<int>();
                Scope.Run(scope =>
                {
                    for (var w = 0; w < 4; w++)
                    {
                        scope.Go(() => { bag.Add(1); lock (list) list.Add(1); });
                    }
                });
                Console.WriteLine(bag.Count + list.Count);
        """));

    // ---- SCOPE012: for loop variables -------------------------------------------------------------------------

    [Fact]
    public Task A_for_variable_captured_by_a_Go_item_is_reported() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = new int[4];
                Scope.Run(scope =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        scope.Go(() => seen[{|#0:i|} % 4] = i);
                    }
                });
        """),
        Verify.Diagnostic("SCOPE012").WithLocation(0).WithArguments("i", "work started with Scope.Go at line 16"));

    [Fact]
    public Task A_per_iteration_copy_or_a_foreach_variable_captured_by_a_Go_item_is_not_reported() => Verify.VerifyAnalyzerAsync(Program("""
                var seen = new int[4];
                Scope.Run(scope =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        var copy = i;
                        scope.Go(() => seen[copy] = copy);
                    }

                    foreach (var x in items)
                    {
                        scope.Go(() => Console.WriteLine(x));
                    }
                });
        """));

    // ---- SCOPE023: async work handed to Go --------------------------------------------------------------------

    [Fact]
    public Task An_async_lambda_handed_to_Go_is_an_error_and_becomes_a_SpawnAsync_statement() => VerifyAsyncWork.VerifyCodeFixAsync(
        Code("""
                    Scope.Run(scope =>
                    {
                        scope.Go({|SCOPE023:async () => { await Task.Yield(); done = 1; }|});
                    });
            """),
        Code("""
                    Scope.Run(scope =>
                    {
                        scope.SpawnAsync(async () => { await Task.Yield(); done = 1; });
                    });
            """));

    [Fact]
    public Task The_message_names_Go() => VerifyAsyncWork.VerifyAnalyzerAsync(
        Code("""
                    Scope.Run(scope => scope.Go({|#0:(Action)(async () => { await Task.Yield(); done = 1; })|}));
            """),
        VerifyAsyncWork.Diagnostic("SCOPE023").WithLocation(0).WithArguments("An async lambda", "Scope.Go", "SpawnAsync"));

    [Fact]
    public Task Synchronous_work_handed_to_Go_is_fine() => VerifyAsyncWork.VerifyAnalyzerAsync(Code("""
                    Scope.Run(scope =>
                    {
                        scope.Go(() => done = 1);
                        scope.Go(Work);
                        scope.Go(s => s.Go(Work));
                    });
            """));

    [Fact]
    public Task Go_work_whose_value_is_a_task_is_an_error_but_a_block_that_discards_the_task_is_not() => VerifyAsyncWork.VerifyAnalyzerAsync(Code("""
                    Scope.Run(scope =>
                    {
                        scope.Go({|#0:() => Task.Delay(10)|});
                        scope.Go({|#1:s => Task.Delay(10)|});
                        scope.Go(() => { _ = Task.Delay(10); });
                    });
            """),
        VerifyAsyncWork.Diagnostic("SCOPE023").WithLocation(0).WithArguments("Work returning a task", "Scope.Go", "SpawnAsync"),
        VerifyAsyncWork.Diagnostic("SCOPE023").WithLocation(1).WithArguments("Work returning a task", "Scope.Go", "SpawnAsync"));

    [Fact]
    public Task An_async_lambda_taking_the_scope_handed_to_Go_is_an_error_without_a_fix() => VerifyAsyncWork.VerifyCodeFixAsync(
        Code("""
                    Scope.Run(scope => scope.Go({|SCOPE023:async s => { await Task.Yield(); done = 1; }|}));
            """),
        Code("""
                    Scope.Run(scope => scope.Go({|SCOPE023:async s => { await Task.Yield(); done = 1; }|}));
            """));

    [Fact]
    public Task The_fixed_Go_program_waits_for_the_async_work() => new VerifyAsyncWork.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            var done = 0;
            Scope.Run(scope =>
            {
                scope.Go({|SCOPE023:async () => { await Task.Delay(20); done = 42; }|});
            });
            Console.WriteLine(done);
            """,
        FixedCode = """
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            var done = 0;
            Scope.Run(scope =>
            {
                scope.SpawnAsync(async () => { await Task.Delay(20); done = 42; });
            });
            Console.WriteLine(done);
            """,
        ExpectedOutput = "42\n",
    }.RunAsync();

    // ---- SCOPE021: blocking inside synchronous Go work --------------------------------------------------------

    [Fact]
    public Task Join_inside_synchronous_Go_work_of_an_async_scope_is_fine_but_not_in_the_async_body() => VerifyBlocking.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task M()
            {
                await Scope.RunAsync(async scope =>
                {
                    var first = scope.Spawn(() => 1);
                    scope.Go(() => Console.WriteLine(first.Join() + 1));
                    await Task.Yield();
                    Console.WriteLine({|SCOPE021:first.Join()|});
                });
            }
        }
        """);

    // ---- SCOPE022: a borrow used by Go work of a longer scope -------------------------------------------------

    [Fact]
    public Task SCOPE022_Go_work_of_the_outer_scope_captures_the_borrow_of_an_inner_Run() => VerifyEscape.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void M()
            {
                Scope.Run(outer =>
                {
                    Span<int> buffer = stackalloc int[16];
                    Scope.Run(buffer, (inner, borrowed) =>
                    {
                        outer.Go(() => {|SCOPE022:borrowed|}.Span.Fill(1));
                    });
                });
            }
        }
        """);

    [Fact]
    public Task Go_work_of_the_borrowing_Run_s_own_scope_may_use_the_borrow() => VerifyEscape.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void M()
            {
                Scope.Run(outer =>
                {
                    Span<int> buffer = stackalloc int[16];
                    Scope.Run(buffer, (inner, borrowed) =>
                    {
                        inner.Go(() => borrowed.Span.Fill(1));
                        inner.Go(s => s.Go(() => borrowed.Span.Fill(2)));
                    });
                });
            }
        }
        """);

    // ---- The fixes of the Spawn form apply to the Go form ---------------------------------------------------

    [Fact]
    public Task Two_Go_items_incrementing_a_counter_become_Interlocked_and_count_every_update() => new InterlockedFix.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using ScopeSafety;

            long counter = 0;
            Scope.Run(scope =>
            {
                scope.Go(() => { for (var i = 0; i < 100000; i++) {|SCOPE010:counter|}++; });
                scope.Go(() => { for (var i = 0; i < 100000; i++) counter += 2; });
            });
            Console.WriteLine(counter);
            """,
        FixedCode = """
            using System;
            using System.Threading;
            using ScopeSafety;

            long counter = 0;
            Scope.Run(scope =>
            {
                scope.Go(() => { for (var i = 0; i < 100000; i++) Interlocked.Increment(ref counter); });
                scope.Go(() => { for (var i = 0; i < 100000; i++) Interlocked.Add(ref counter, 2); });
            });
            Console.WriteLine(counter);
            """,
        ExpectedOutput = "300000\n",
    }.RunAsync();

    [Fact]
    public Task A_for_variable_captured_by_a_Go_item_gets_a_per_iteration_copy() => new CopyFix.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using ScopeSafety;

            var seen = new int[4];
            Scope.Run(scope =>
            {
                for (int i = 0; i < seen.Length; i++)
                {
                    scope.Go(() => seen[{|SCOPE012:i|}] = i * i);
                }
            });
            Console.WriteLine(string.Join(",", seen));
            """,
        FixedCode = """
            using System;
            using ScopeSafety;

            var seen = new int[4];
            Scope.Run(scope =>
            {
                for (int i = 0; i < seen.Length; i++)
                {
                    var iCopy = i;
                    scope.Go(() => seen[iCopy] = iCopy * iCopy);
                }
            });
            Console.WriteLine(string.Join(",", seen));
            """,
        ExpectedOutput = "0,1,4,9\n",
    }.RunAsync();

    [Fact]
    public Task List_Add_from_Go_items_is_locked_on_the_list_and_keeps_every_item() => new LockFix.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using System.Collections.Generic;
            using ScopeSafety;

            var results = new List<int>();
            Scope.Run(scope =>
            {
                for (var w = 0; w < 4; w++)
                {
                    scope.Go(() =>
                    {
                        for (var i = 0; i < 10000; i++)
                            {|SCOPE011:results|}.Add(i);
                    });
                }
            });
            Console.WriteLine(results.Count);
            """,
        FixedCode = """
            using System;
            using System.Collections.Generic;
            using ScopeSafety;

            var results = new List<int>();
            Scope.Run(scope =>
            {
                for (var w = 0; w < 4; w++)
                {
                    scope.Go(() =>
                    {
                        for (var i = 0; i < 10000; i++)
                            lock (results)
                            {
                                results.Add(i);
                            }
                    });
                }
            });
            Console.WriteLine(results.Count);
            """,
        ExpectedOutput = "40000\n",
    }.RunAsync();

    [Fact]
    public Task CS8175_a_span_used_by_Go_work_of_an_existing_scope_is_borrowed_through_a_nested_scope() => BorrowFix.VerifyCodeFixAsync("""
        using System;
        using ScopeSafety;

        public static class Program
        {
            public static long Run(long[] results)
            {
                Scope.Run(scope =>
                {
                    Span<long> parts = stackalloc long[2];
                    parts[0] = 20;
                    parts[1] = 22;
                    scope.Go(() => { results[0] = {|CS8175:parts|}[0] + {|CS8175:parts|}[1]; });
                });
                return results[0];
            }
        }
        """, """
        using System;
        using ScopeSafety;

        public static class Program
        {
            public static long Run(long[] results)
            {
                Scope.Run(scope =>
                {
                    Span<long> parts = stackalloc long[2];
                    parts[0] = 20;
                    parts[1] = 22;
                    Scope.Run(parts, (inner, borrowed) =>
                    {
                        inner.Go(() => { results[0] = borrowed.Span[0] + borrowed.Span[1]; });
                    });
                });
                return results[0];
            }
        }
        """);
}
