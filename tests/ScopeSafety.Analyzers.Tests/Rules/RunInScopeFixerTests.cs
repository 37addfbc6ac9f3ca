using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using ScopeSafety.CodeFixes;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.UnscopedCaptureAnalyzer,
    ScopeSafety.CodeFixes.RunInScopeFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// "Run in a scope": each test shows the unscoped code the analyzer reports and the scoped code the fix writes.
/// The harness also checks that the fixed code compiles, that the fixed diagnostic is gone, and Fix All.
/// </summary>
public class RunInScopeFixerTests
{
    // ---- Task.Run ----------------------------------------------------------------------------------------

    [Fact]
    public Task Task_Run_joined_by_Wait_becomes_Spawn_joined_by_Join_inside_a_scope() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            int Sum(int[] data)
            {
                var total = 0;
                // sum in the background
                var t = Task.Run(() => { foreach (var x in data) {|SCOPE002:total|} += x; });
                Console.WriteLine(total);
                t.Wait();
                return total;
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int Sum(int[] data)
            {
                var total = 0;
                // sum in the background
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => { foreach (var x in data) total += x; });
                    Console.WriteLine(total);
                    t.Join();
                });
                return total;
            }
        }
        """);

    [Fact]
    public Task Result_read_at_the_end_of_the_region_becomes_the_value_the_scope_returns() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            int Twice(int[] data)
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count--;
                var seen = t.Result;
                return seen + count;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int Twice(int[] data)
            {
                var count = 0;
                var seen = Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => count++);
                    count--;
                    return t.Join();
                });
                return seen + count;
            }
        }
        """);

    [Fact]
    public Task GetAwaiter_GetResult_becomes_Join() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 10;
                t.GetAwaiter().GetResult();
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var count = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => count++);
                    count = 10;
                    t.Join();
                });
            }
        }
        """);

    [Fact]
    public Task Unjoined_Task_Run_is_joined_at_the_end_of_the_block() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(string name)
            {
                Task.Run(() => Console.WriteLine({|SCOPE004:name|}));
                Console.WriteLine("started");
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(string name)
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => Console.WriteLine(name));
                    Console.WriteLine("started");
                });
            }
        }
        """);

    [Fact]
    public Task The_fix_of_SCOPE004_ends_the_scope_before_a_SCOPE002_conflict_of_the_same_work() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(string name)
            {
                var count = 0;
                Task.Run(() => { Console.WriteLine({|SCOPE004:name|}); {|SCOPE002:count|}++; });
                Console.WriteLine(count);
                Console.WriteLine("done");
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(string name)
            {
                var count = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { Console.WriteLine(name); count++; });
                });
                Console.WriteLine(count);
                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task An_explicit_Task_type_becomes_ScopedTask() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var count = 0;
                Task<int> t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                t.Wait();
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var count = 0;
                Scope.Run(scope =>
                {
                    ScopedTask<int> t = scope.Spawn(() => count++);
                    count = 5;
                    t.Join();
                });
            }
        }
        """);

    // ---- Task.Factory.StartNew ---------------------------------------------------------------------------

    [Fact]
    public Task StartNew_with_LongRunning_drops_the_scheduling_hint() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var count = 0;
                var t = Task.Factory.StartNew(() => {|SCOPE002:count|}++, TaskCreationOptions.LongRunning);
                count = 2;
                t.Wait();
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var count = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => count++);
                    count = 2;
                    t.Join();
                });
            }
        }
        """);

    [Fact]
    public Task StartNew_with_a_state_argument_passes_it_through_a_local() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(string name)
            {
                var count = 0;
                var t = Task.Factory.StartNew(state => { Console.WriteLine(state); {|SCOPE002:count|}++; }, name);
                count = 2;
                t.Wait();
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(string name)
            {
                var count = 0;
                Scope.Run(scope =>
                {
                    object? state = name;
                    var t = scope.Spawn(() => { Console.WriteLine(state); count++; });
                    count = 2;
                    t.Join();
                });
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_StartNew_with_a_cancellation_token() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(CancellationToken cancellationToken)
            {
                var count = 0;
                var t = Task.Factory.StartNew(() => {|SCOPE002:count|}++, cancellationToken);
                count = 2;
                t.Wait();
            }
        }
        """);

    // ---- new Thread --------------------------------------------------------------------------------------

    [Fact]
    public Task Thread_Start_disappears_and_the_handle_is_declared_where_the_work_starts() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var count = 0;
                var worker = new Thread(() => {|SCOPE002:count|}++);
                worker.IsBackground = true;
                worker.Start();
                count = 3;
                worker.Join();
                Console.WriteLine(count);
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
                var count = 0;
                Scope.Run(scope =>
                {
                    var worker = scope.Spawn(() => count++);
                    count = 3;
                    worker.Join();
                });
                Console.WriteLine(count);
            }
        }
        """);

    [Fact]
    public Task A_started_background_thread_becomes_a_spawn_joined_at_the_end_of_the_block() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var count = 0;
                new Thread(() => {|SCOPE002:count|}++) { IsBackground = true }.Start();
                Console.WriteLine("started");
                Console.WriteLine(count);
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
                var count = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => count++);
                    Console.WriteLine("started");
                });
                Console.WriteLine(count);
            }
        }
        """);

    [Fact]
    public Task A_ParameterizedThreadStart_argument_is_passed_through_a_local() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M(string prefix)
            {
                var lines = 0;
                var t = new Thread(state => { Console.WriteLine(state); {|SCOPE002:lines|}++; });
                t.Start(prefix + "!");
                lines = 5;
                t.Join();
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            void M(string prefix)
            {
                var lines = 0;
                Scope.Run(scope =>
                {
                    object? state = prefix + "!";
                    var t = scope.Spawn(() => { Console.WriteLine(state); lines++; });
                    lines = 5;
                    t.Join();
                });
            }
        }
        """);

    // ---- ThreadPool --------------------------------------------------------------------------------------

    [Fact]
    public Task QueueUserWorkItem_with_an_unused_state_becomes_a_parameterless_spawn() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var done = false;
                ThreadPool.QueueUserWorkItem(_ => {|SCOPE002:done|} = true, null);
                Console.WriteLine("queued");
                Console.WriteLine(done);
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
                var done = false;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => done = true);
                    Console.WriteLine("queued");
                });
                Console.WriteLine(done);
            }
        }
        """);

    // ---- collections of tasks ----------------------------------------------------------------------------

    [Fact]
    public Task Tasks_collected_in_a_list_and_waited_with_WaitAll_are_joined_one_by_one() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            int M(int[] data)
            {
                var total = 0;
                var tasks = new List<Task>();
                for (var i = 0; i < data.Length; i++)
                {
                    var k = i;
                    tasks.Add(Task.Run(() => {|SCOPE002:total|} += data[k]));
                }

                total = -1;
                Task.WaitAll(tasks.ToArray());
                return total;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int M(int[] data)
            {
                var total = 0;
                var tasks = new List<ScopedTask>();
                Scope.Run(scope =>
                {
                    for (var i = 0; i < data.Length; i++)
                    {
                        var k = i;
                        tasks.Add(scope.Spawn(() => total += data[k]));
                    }

                    total = -1;
                    foreach (var task in tasks) task.Join();
                });
                return total;
            }
        }
        """);

    [Fact]
    public Task Tasks_with_results_in_an_array_become_an_array_of_ScopedTask() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            int M(int[] data)
            {
                var calls = 0;
                var parts = new Task<int>[2];
                parts[0] = Task.Run(() => { {|SCOPE002:calls|}++; return data[0]; });
                parts[1] = Task.Run(() => data[1]);
                calls = 7;
                return parts[0].Result + parts[1].Result;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int M(int[] data)
            {
                var calls = 0;
                var parts = new ScopedTask<int>[2];
                return Scope.Run(scope =>
                {
                    parts[0] = scope.Spawn(() => { calls++; return data[0]; });
                    parts[1] = scope.Spawn(() => data[1]);
                    calls = 7;
                    return parts[0].Join() + parts[1].Join();
                });
            }
        }
        """);

    // ---- where the scope ends without a join ---------------------------------------------------------------

    [Fact]
    public Task A_pointer_into_a_fixed_block_is_joined_before_the_block_ends() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        unsafe class C
        {
            void M(int[] data)
            {
                fixed (int* pinned = data)
                {
                    var p = pinned;
                    Task.Run(() => {|SCOPE001:p|}[0] = 1);
                    Console.WriteLine("pinned");
                }
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        unsafe class C
        {
            void M(int[] data)
            {
                fixed (int* pinned = data)
                {
                    var p = pinned;
                    Scope.Run(scope =>
                    {
                        scope.Spawn(() => p[0] = 1);
                        Console.WriteLine("pinned");
                    });
                }
            }
        }
        """);

    [Fact]
    public Task A_stackalloc_pointer_is_joined_before_the_method_returns() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        unsafe class C
        {
            void M()
            {
                int* buffer = stackalloc int[4];
                var worker = new Thread(() => {|SCOPE001:buffer|}[0] = 42);
                worker.Start();
                Console.WriteLine("started");
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        unsafe class C
        {
            void M()
            {
                int* buffer = stackalloc int[4];
                Scope.Run(scope =>
                {
                    scope.Spawn(() => buffer[0] = 42);
                    Console.WriteLine("started");
                });
            }
        }
        """);

    [Fact]
    public Task A_disposable_of_a_using_block_is_joined_before_the_using_disposes() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                using (var stream = new MemoryStream())
                {
                    Task.Run(() => {|SCOPE003:stream|}.WriteByte(1));
                    Console.WriteLine("writing");
                }
            }
        }
        """, """
        using System;
        using System.IO;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                using (var stream = new MemoryStream())
                {
                    Scope.Run(scope =>
                    {
                        scope.Spawn(() => stream.WriteByte(1));
                        Console.WriteLine("writing");
                    });
                }
            }
        }
        """);

    [Fact]
    public Task A_using_declaration_is_disposed_after_the_scope_at_the_end_of_its_block() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                using var stream = new MemoryStream();
                Task.Run(() => {|SCOPE003:stream|}.WriteByte(1));
                Console.WriteLine("writing");
            }
        }
        """, """
        using System;
        using System.IO;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                using var stream = new MemoryStream();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => stream.WriteByte(1));
                    Console.WriteLine("writing");
                });
            }
        }
        """);

    [Fact]
    public Task An_explicit_Dispose_stays_after_the_scope() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var stream = new MemoryStream();
                Task.Run(() => {|SCOPE003:stream|}.WriteByte(1));
                Console.WriteLine("queued");
                stream.Dispose();
                Console.WriteLine("done");
            }
        }
        """, """
        using System;
        using System.IO;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var stream = new MemoryStream();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => stream.WriteByte(1));
                    Console.WriteLine("queued");
                });
                stream.Dispose();
                Console.WriteLine("done");
            }
        }
        """);

    // ---- locals that live on after the region ----------------------------------------------------------------

    [Fact]
    public Task Two_locals_used_after_the_region_come_back_as_a_tuple() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            int M(int[] data)
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                var first = data[0];
                var last = data[data.Length - 1];
                count = first;
                t.Wait();
                return first + last + count;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int M(int[] data)
            {
                var count = 0;
                var (first, last) = Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => count++);
                    var first = data[0];
                    var last = data[data.Length - 1];
                    count = first;
                    t.Join();
                    return (first, last);
                });
                return first + last + count;
            }
        }
        """);

    [Fact]
    public Task An_out_variable_used_after_the_region_is_returned_by_the_scope() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(string text)
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                int.TryParse(text, out var parsed);
                count = parsed;
                t.Wait();
                Console.WriteLine(parsed + count);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(string text)
            {
                var count = 0;
                var parsed = Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => count++);
                    int.TryParse(text, out var parsed);
                    count = parsed;
                    t.Join();
                    return parsed;
                });
                Console.WriteLine(parsed + count);
            }
        }
        """);

    // ---- usings, comments -------------------------------------------------------------------------------

    [Fact]
    public Task An_existing_using_ScopeSafety_is_not_duplicated_and_comments_stay() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var count = 0;

                // count in the background
                Task.Run(() => {|SCOPE002:count|}++); // fire
                Console.WriteLine("counting"); // meanwhile
                Console.WriteLine(count); // read
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var count = 0;

                // count in the background
                Scope.Run(scope =>
                {
                    scope.Spawn(() => count++); // fire
                    Console.WriteLine("counting"); // meanwhile
                });
                Console.WriteLine(count); // read
            }
        }
        """);

    // ---- Fix All -------------------------------------------------------------------------------------------

    [Fact]
    public Task Two_spawns_in_one_block_share_one_scope() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var a = 0;
                var b = 0;
                Task.Run(() => {|SCOPE002:a|}++);
                Task.Run(() => {|SCOPE002:b|}++);
                Console.WriteLine("both started");
                Console.WriteLine(a + b);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var a = 0;
                var b = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => a++);
                    scope.Spawn(() => b++);
                    Console.WriteLine("both started");
                });
                Console.WriteLine(a + b);
            }
        }
        """);

    [Fact]
    public Task Two_diagnostics_on_one_spawn_make_one_rewrite() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var a = 0;
                var b = 0;
                var t = Task.Run(() => { {|SCOPE002:a|}++; {|SCOPE002:b|}++; });
                a = 10;
                b = 20;
                t.Wait();
                Console.WriteLine(a + b);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var a = 0;
                var b = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => { a++; b++; });
                    a = 10;
                    b = 20;
                    t.Join();
                });
                Console.WriteLine(a + b);
            }
        }
        """);

    [Fact]
    public Task Spawns_joined_together_by_WaitAll_are_rewritten_together() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var a = 0;
                var b = 0;
                var left = Task.Run(() => {|SCOPE002:a|}++);
                var right = Task.Run(() => {|SCOPE002:b|}++);
                Console.WriteLine(a + b);
                Task.WaitAll(left, right);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                var a = 0;
                var b = 0;
                Scope.Run(scope =>
                {
                    var left = scope.Spawn(() => a++);
                    var right = scope.Spawn(() => b++);
                    Console.WriteLine(a + b);
                    left.Join();
                    right.Join();
                });
            }
        }
        """);

    [Fact]
    public Task Fix_All_in_project_and_solution_rewrites_every_document() => new Verify.Test
    {
        TestSources =
        {
            """
            using System;
            using System.Threading.Tasks;

            class A
            {
                void M()
                {
                    var count = 0;
                    Task.Run(() => {|SCOPE002:count|}++);
                    Console.WriteLine("started");
                    Console.WriteLine(count);
                }
            }
            """,
            """
            using System;
            using System.Threading;

            class B
            {
                void M()
                {
                    var count = 0;
                    ThreadPool.QueueUserWorkItem(_ => {|SCOPE002:count|}++);
                    Console.WriteLine("queued");
                    Console.WriteLine(count);
                }
            }
            """,
        },
        FixedSources =
        {
            """
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            class A
            {
                void M()
                {
                    var count = 0;
                    Scope.Run(scope =>
                    {
                        scope.Spawn(() => count++);
                        Console.WriteLine("started");
                    });
                    Console.WriteLine(count);
                }
            }
            """,
            """
            using System;
            using System.Threading;
            using ScopeSafety;

            class B
            {
                void M()
                {
                    var count = 0;
                    Scope.Run(scope =>
                    {
                        scope.Spawn(() => count++);
                        Console.WriteLine("queued");
                    });
                    Console.WriteLine(count);
                }
            }
            """,
        },
        CodeActionEquivalenceKey = RunInScopeFixer.EquivalenceKey,
    }.RunAsync();

    // ---- layout: moved code is indented like code a person would write ------------------------------------------

    [Fact]
    public Task A_multi_line_lambda_body_moves_one_level_deeper_with_the_statement_holding_it() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var evens = 0;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    for (var i = 0; i < 10; i++) if (i % 2 == 0) {|SCOPE002:evens|}++;
                });
                Console.WriteLine(evens);
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
                var evens = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        for (var i = 0; i < 10; i++) if (i % 2 == 0) evens++;
                    });
                });
                Console.WriteLine(evens);
            }
        }
        """);

    [Fact]
    public Task Comments_and_nested_blocks_of_a_moved_lambda_keep_their_own_layout_one_level_deeper() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] data)
            {
                var total = 0;
                var t = Task.Run(() =>
                {
                    // add the even values
                    foreach (var x in data)
                    {
                        if (x % 2 == 0)
                        {
                            /* a multi-line
                               comment */
                            {|SCOPE002:total|} += x;
                        }
                    }
                });
                // a write the work races with
                total = -1;
                t.Wait();
                Console.WriteLine(total);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(int[] data)
            {
                var total = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() =>
                    {
                        // add the even values
                        foreach (var x in data)
                        {
                            if (x % 2 == 0)
                            {
                                /* a multi-line
                                   comment */
                                total += x;
                            }
                        }
                    });
                    // a write the work races with
                    total = -1;
                    t.Join();
                });
                Console.WriteLine(total);
            }
        }
        """);

    [Fact]
    public Task A_thread_nobody_joins_becomes_a_plain_spawn_statement() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var count = 0;
                var worker = new Thread(() => {|SCOPE002:count|}++);
                worker.IsBackground = true;
                worker.Start();
                Console.WriteLine("started");
                Console.WriteLine(count);
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
                var count = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => count++);
                    Console.WriteLine("started");
                });
                Console.WriteLine(count);
            }
        }
        """);

    [Fact]
    public Task Comments_above_the_removed_thread_declaration_and_setter_stay() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var count = 0;

                // count on a thread of its own
                var worker = new Thread(() => {|SCOPE002:count|}++);
                // the process need not wait for it
                worker.IsBackground = true;
                worker.Start();
                Console.WriteLine("started");
                Console.WriteLine(count);
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
                var count = 0;

                // count on a thread of its own
                // the process need not wait for it
                Scope.Run(scope =>
                {
                    scope.Spawn(() => count++);
                    Console.WriteLine("started");
                });
                Console.WriteLine(count);
            }
        }
        """);

    [Fact]
    public Task A_joined_thread_keeps_its_name_and_its_declared_type() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var count = 0;
                Thread worker = new Thread(() => {|SCOPE002:count|}++);
                worker.Start();
                count = 3;
                worker.Join();
                Console.WriteLine(count);
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
                var count = 0;
                Scope.Run(scope =>
                {
                    ScopedTask worker = scope.Spawn(() => count++);
                    count = 3;
                    worker.Join();
                });
                Console.WriteLine(count);
            }
        }
        """);

    [Fact]
    public Task A_multi_line_lambda_after_other_moved_statements_is_indented_the_same_way() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M(string prefix)
            {
                var lines = 0;
                var t = new Thread(state =>
                {
                    Console.WriteLine(state);
                    {|SCOPE002:lines|}++;
                });
                t.Start(prefix + "!");
                lines = 5;
                t.Join();
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            void M(string prefix)
            {
                var lines = 0;
                Scope.Run(scope =>
                {
                    object? state = prefix + "!";
                    var t = scope.Spawn(() =>
                    {
                        Console.WriteLine(state);
                        lines++;
                    });
                    lines = 5;
                    t.Join();
                });
            }
        }
        """);

    // ---- not offered: the meaning could not be kept ---------------------------------------------------------

    // Work that runs until something else stops it: a wait where nothing waited before would hang, or serialize a
    // server's connections (WorkUntilStopped). A loop that computes its own end, and work already joined, keep the fix.

    [Fact]
    public Task Not_offered_for_a_receive_loop_started_per_connection() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.IO;
        using System.Threading;

        class Server
        {
            void Accept(Func<Stream> next)
            {
                while (true)
                {
                    var stream = next();
                    var thread = new Thread(() => Receive({|SCOPE004:stream|}));
                    thread.IsBackground = true;
                    thread.Start();
                }
            }

            static void Receive(Stream stream)
            {
                var buffer = new byte[256];
                while (true)
                {
                    if (stream.Read(buffer, 0, buffer.Length) == 0) break;
                }
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_a_loop_on_a_stop_flag() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class Poller
        {
            private volatile bool _stopping;

            public void Start()
            {
                var polls = 0;
                Task.Run(() => { while (!_stopping) {|SCOPE002:polls|}++; });
                Console.WriteLine(polls);
            }

            public void Stop() => _stopping = true;
        }
        """);

    [Fact]
    public Task Not_offered_for_a_consumer_of_a_blocking_collection() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class C
        {
            void M(BlockingCollection<string> lines)
            {
                var written = 0;
                Task.Run(() =>
                {
                    foreach (var line in {|SCOPE004:lines|}.GetConsumingEnumerable())
                    {
                        Console.WriteLine(line);
                        {|SCOPE002:written|}++;
                    }
                });
                Console.WriteLine(written);
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_a_loop_on_a_periodic_timer() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Heartbeat
        {
            async Task StartAsync(CancellationToken token)
            {
                var beats = 0;
                var t = Task.Run(async () =>
                {
                    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                    while (await timer.WaitForNextTickAsync({|SCOPE004:token|})) {|SCOPE002:beats|}++;
                });
                await Task.Yield();
                Console.WriteLine(beats);
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_a_timeout_watchdog() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Connection
        {
            async Task ConnectAsync(TaskCompletionSource<bool> ready, TimeSpan timeout, CancellationToken token)
            {
                Task.Run(async () =>
                {
                    await Task.Delay({|SCOPE004:timeout|}, token);
                    ready.TrySetException(new TimeoutException());
                });
                await Task.Yield();
                Console.WriteLine("connected");
            }
        }
        """);

    [Fact]
    public Task A_loop_that_computes_its_own_end_keeps_the_fix() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(int[] data)
            {
                var total = 0;
                Task.Run(() => { for (var i = 0; i < {|SCOPE004:data|}.Length; i++) {|SCOPE002:total|} += data[i]; });
                Console.WriteLine(total);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(int[] data)
            {
                var total = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { for (var i = 0; i < data.Length; i++) total += data[i]; });
                });
                Console.WriteLine(total);
            }
        }
        """);

    [Fact]
    public Task A_loop_on_a_stop_flag_already_joined_keeps_the_fix() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class Poller
        {
            private volatile bool _stopping;

            public void Run()
            {
                var polls = 0;
                var t = Task.Run(() => { while (!_stopping) {|SCOPE002:polls|}++; });
                Console.WriteLine(polls);
                t.Wait();
            }

            public void Stop() => _stopping = true;
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class Poller
        {
            private volatile bool _stopping;

            public void Run()
            {
                var polls = 0;
                Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => { while (!_stopping) polls++; });
                    Console.WriteLine(polls);
                    t.Join();
                });
            }

            public void Stop() => _stopping = true;
        }
        """);

    // SCOPE004 alone (nothing to remove but the missing join) where the scope would hold only the spawn: the rewrite
    // would only make the work synchronous. With other code beside the work in the scope it keeps the fix (above).

    [Fact]
    public Task Not_offered_for_a_handoff_that_only_would_become_synchronous() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class Client
        {
            void OnReceived(TaskCompletionSource<string> completed, string message)
            {
                Task.Run(() => {|SCOPE004:completed|}.TrySetResult(message));
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_work_that_completes_the_task_the_method_returns() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        static class Compat
        {
            public static Task<T> Run<T>(Func<T> function)
            {
                var tcs = new TaskCompletionSource<T>();
                new Thread(() =>
                {
                    try { {|SCOPE004:tcs|}.SetResult(function()); }
                    catch (Exception e) { tcs.SetException(e); }
                }) { IsBackground = true }.Start();
                return tcs.Task;
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_a_handler_per_connection_of_an_accept_loop() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class Server
        {
            void Accept(Func<object> next, bool queued)
            {
                for (var i = 0; i < 100; i++)
                {
                    var connection = next();
                    if (queued)
                        Console.WriteLine("queued");
                    else
                        Task.Run(() => Handle({|SCOPE004:connection|}));
                }
            }

            static void Handle(object connection) => Console.WriteLine(connection);
        }
        """);

    [Fact]
    public Task Not_offered_when_a_return_leaves_the_region() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            int M(bool early)
            {
                var count = 0;
                Task.Run(() => {|SCOPE002:count|}++);
                if (early) return -1;
                return count;
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_a_break_leaves_the_region() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(int[] items)
            {
                var count = 0;
                foreach (var item in items)
                {
                    Task.Run(() => {|SCOPE002:count|}++);
                    if (item == 0) break;
                    count = item;
                }
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_task_is_returned() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            Task M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                return t;
            }
        }
        """);

    // An asynchronous call is no spawn to move into a scope: its fix is to await it, which the author chooses.
    [Fact]
    public Task Not_offered_for_an_asynchronous_call_that_outlives_what_it_uses() => Verify.VerifyNoCodeFixAsync("""
        using System.IO;
        using System.Threading.Tasks;

        class C
        {
            void M(Stream destination)
            {
                using var source = File.OpenRead("a");
                {|SCOPE003:source|}.CopyToAsync(destination);
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_task_is_stored_in_a_field() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            private Task? _pending;

            void M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                _pending = t;
                count = 5;
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_a_cancellation_token_would_be_lost() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(CancellationToken cancellationToken)
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++, cancellationToken);
                count = 5;
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_an_out_parameter_assigned_in_the_region() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(out int result)
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                result = 1;
                count = 5;
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_a_span_is_used_inside_the_region() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var count = 0;
                Span<int> scratch = stackalloc int[4];
                var t = Task.Run(() => {|SCOPE002:count|}++);
                scratch[0] = 1;
                count = 5;
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_a_Timer() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var ticks = 0;
                using var timer = new Timer(_ => {|SCOPE002:ticks|}++, null, 0, 10);
                ticks = 5;
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_ContinueWith() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(Task first)
            {
                var count = 0;
                first.ContinueWith(_ => {|SCOPE002:count|}++);
                count = 5;
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_a_thread_is_joined_with_a_timeout() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var count = 0;
                var worker = new Thread(() => {|SCOPE002:count|}++);
                worker.Start();
                count = 5;
                worker.Join(100);
            }
        }
        """);

    // ---- the fixed code runs ---------------------------------------------------------------------------------

    private const string SumSource = """
        using System.Threading.Tasks;

        public static class Summer
        {
            public static int Sum(int[] data)
            {
                var half = data.Length / 2;
                var upper = 0;
                var t = Task.Run(() => { for (var i = {|SCOPE004:half|}; i < data.Length; i++) {|SCOPE002:upper|} += data[i]; });
                var lower = 0;
                for (var i = 0; i < half; i++) lower += data[i];
                if (data.Length > 0) t.Wait();
                return lower + upper;
            }
        }
        """;

    private const string FixedSumSource = """
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Summer
        {
            public static int Sum(int[] data)
            {
                var half = data.Length / 2;
                var upper = 0;
                var lower = Scope.Run(scope =>
                {
                    var t = scope.Spawn(() => { for (var i = half; i < data.Length; i++) upper += data[i]; });
                    var lower = 0;
                    for (var i = 0; i < half; i++) lower += data[i];
                    if (data.Length > 0) t.Join();
                    return lower;
                });
                return lower + upper;
            }
        }
        """;

    [Fact]
    public Task A_conditionally_joined_spawn_is_joined_on_every_path() => Verify.VerifyCodeFixAsync(SumSource, FixedSumSource);

    [Fact]
    public void The_fixed_code_computes_what_the_joined_original_computed()
    {
        var data = Enumerable.Range(0, 5000).ToArray();

        var original = RunSum(Regex.Replace(SumSource, @"\{\|SCOPE\d+:(.*?)\|\}", "$1"), data);
        var scoped = RunSum(FixedSumSource, data);

        Assert.Equal(data.Sum(), original);
        Assert.Equal(original, scoped);
    }

    /// <summary>Compiles the source with the harness's references into a collectible context and calls Summer.Sum.</summary>
    private static int RunSum(string source, int[] data) => (int)ProgramRunner.Invoke(source, "Summer", "Sum", data)!;

    // ---- more places the fix stays away from ------------------------------------------------------------------

    [Fact]
    public Task Not_offered_for_an_async_lambda() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var count = 0;
                var t = Task.Run(async () => { await Task.Yield(); {|SCOPE002:count|}++; });
                count = 5;
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_a_yield_is_in_the_region() => Verify.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            IEnumerable<int> M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                yield return count;
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_task_is_passed_to_another_method() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                Observe(t);
            }

            static void Observe(Task task) => task.Wait();
        }
        """);

    // ---- titles say where the code now waits ------------------------------------------------------------------

    [Theory]
    [InlineData("var t = Task.Run(() => count++); count = 1; t.Wait();", "Run in a scope (waits where it joined before)")]
    [InlineData("Task.Run(() => count++); Console.WriteLine(\"started\"); Console.WriteLine(count);", "Run in a scope (waits for the work before the statement that conflicts with it)")]
    [InlineData("Task.Run(() => Console.WriteLine(count)); Console.WriteLine(\"started\");", "Run in a scope (waits for the work at the end of the block)")]
    [InlineData("using (var s = new System.IO.MemoryStream()) { Task.Run(() => s.WriteByte(1)); }", "Run in a scope (waits for the work before 'using' disposes)")]
    public async Task The_title_says_where_the_code_now_waits(string body, string title)
    {
        var source = $$"""
            using System;
            using System.Threading.Tasks;

            class C
            {
                void M(int count)
                {
                    {{body}}
                }
            }
            """;

        Assert.Equal([title], await TitlesAsync(source));
    }

    // ---- never across a join; the file's line endings ------------------------------------------------------

    [Fact]
    public Task The_scope_ends_where_the_method_waits_for_an_object_the_work_signals_after_its_use() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M(string name, bool wait)
            {
                var done = new ManualResetEventSlim();
                new Thread(() => { Console.WriteLine({|SCOPE004:name|}); done.Set(); }).Start();
                if (wait)
                    done.Wait();
                Console.WriteLine("after");
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            void M(string name, bool wait)
            {
                var done = new ManualResetEventSlim();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { Console.WriteLine(name); done.Set(); });
                    if (wait)
                        done.Wait();
                });
                Console.WriteLine("after");
            }
        }
        """);

    // The rule reports 'name' because the work reads it after it signals: the wait joins nothing for it, so the scope
    // does not end at the wait, as the rule says, but at the end of the block.
    [Fact]
    public Task A_wait_for_a_signal_sent_before_the_reported_use_does_not_end_the_scope() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M(string name)
            {
                int seen = 0;
                var done = new CountdownEvent(3);
                for (int i = 0; i < 3; i++)
                    new Thread(() => { Interlocked.Increment(ref seen); done.Signal(); Console.WriteLine({|SCOPE004:name|}); }).Start();
                done.Wait();
                Console.WriteLine(seen);
            }
        }
        """, """
        using System;
        using System.Threading;
        using ScopeSafety;

        class C
        {
            void M(string name)
            {
                int seen = 0;
                var done = new CountdownEvent(3);
                Scope.Run(scope =>
                {
                    for (int i = 0; i < 3; i++)
                        scope.Spawn(() => { Interlocked.Increment(ref seen); done.Signal(); Console.WriteLine(name); });
                    done.Wait();
                    Console.WriteLine(seen);
                });
            }
        }
        """);

    // Ending the scope at 'started.Wait()' would wait for work that waits for 'go', which the method sets only after
    // that point: the fix would deadlock. The rule counts 'started.Wait()' as no wait for 'count' (the work signals it
    // before it writes), and 'finished.Wait()' comes after the racing read, so the scope ends before that read.
    [Fact]
    public Task A_wait_for_a_signal_sent_before_the_racing_write_does_not_end_the_scope() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                int count = 0;
                var started = new ManualResetEventSlim();
                var go = new ManualResetEventSlim();
                var finished = new ManualResetEventSlim();
                Task.Run(() => { started.Set(); go.Wait(); {|SCOPE002:count|}++; finished.Set(); });
                started.Wait();
                go.Set();
                Console.WriteLine(count);
                finished.Wait();
            }
        }
        """, """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M()
            {
                int count = 0;
                var started = new ManualResetEventSlim();
                var go = new ManualResetEventSlim();
                var finished = new ManualResetEventSlim();
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { started.Set(); go.Wait(); count++; finished.Set(); });
                    started.Wait();
                    go.Set();
                });
                Console.WriteLine(count);
                finished.Wait();
            }
        }
        """);

    [Fact]
    public async Task A_fix_in_a_file_with_CRLF_line_endings_writes_only_CRLF_line_endings()
    {
        var source = """
            using System;
            using System.Threading.Tasks;

            class C
            {
                int Sum(int[] data)
                {
                    var total = 0;
                    var t = Task.Run(() =>
                    {
                        foreach (var x in data)
                            total += x;
                    });
                    Console.WriteLine(total);
                    t.Wait();
                    return total;
                }
            }
            """.ReplaceLineEndings("\r\n");

        var fixedText = await ApplyFirstFixAsync(source);

        Assert.Contains("Scope.Run(scope =>", fixedText, StringComparison.Ordinal);
        Assert.Contains("using ScopeSafety;", fixedText, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("(?<!\r)\n"), fixedText);
        Assert.Equal(fixedText.Split("\r\n").Length, fixedText.Split('\n').Length);

        // The moved multi-line lambda is indented one level deeper, as a person would indent it.
        Assert.Equal("""
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            class C
            {
                int Sum(int[] data)
                {
                    var total = 0;
                    Scope.Run(scope =>
                    {
                        var t = scope.Spawn(() =>
                        {
                            foreach (var x in data)
                                total += x;
                        });
                        Console.WriteLine(total);
                        t.Join();
                    });
                    return total;
                }
            }
            """.ReplaceLineEndings("\r\n"), fixedText);
    }

    /// <summary>The document's text after the first action the fixer offers for the analyzer's first diagnostic.</summary>
    private static async Task<string> ApplyFirstFixAsync(string source)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "Fix",
            "Fix",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable),
            metadataReferences: TestReferences.Get(referenceScopeSafety: true)));
        var document = workspace.AddDocument(project.Id, "Test.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers([new UnscopedCaptureAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        var actions = new List<CodeAction>();
        await new RunInScopeFixer().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (action, _) => actions.Add(action), CancellationToken.None));
        var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    /// <summary>The titles the fixer offers for every diagnostic the analyzer reports on the source.</summary>
    internal static async Task<string[]> TitlesAsync(string source)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "Titles",
            "Titles",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable),
            metadataReferences: TestReferences.Get(referenceScopeSafety: true)));
        var document = workspace.AddDocument(project.Id, "Test.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers([new UnscopedCaptureAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        var titles = new List<string>();
        var fixer = new RunInScopeFixer();
        foreach (var diagnostic in diagnostics)
        {
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => titles.Add(action.Title), CancellationToken.None));
        }

        return titles.Distinct().ToArray();
    }

    // The first test's rewrite in a file indented with tabs and ending its lines with CRLF: the scope the fix writes
    // takes the file's layout, not the machine's.
    [Fact]
    public Task A_scope_written_into_a_file_of_tabs_and_CRLF_keeps_the_file_s_layout() => Verify.VerifyCodeFixAsync(
        "using System;\r\nusing System.Threading.Tasks;\r\n\r\nclass C\r\n{\r\n\tint Sum(int[] data)\r\n\t{\r\n\t\tvar total = 0;\r\n\t\t// sum in the background\r\n\t\tvar t = Task.Run(() => { foreach (var x in data) {|SCOPE002:total|} += x; });\r\n\t\tConsole.WriteLine(total);\r\n\t\tt.Wait();\r\n\t\treturn total;\r\n\t}\r\n}\r\n\r\n",
        "using System;\r\nusing System.Threading.Tasks;\r\nusing ScopeSafety;\r\n\r\nclass C\r\n{\r\n\tint Sum(int[] data)\r\n\t{\r\n\t\tvar total = 0;\r\n\t\t// sum in the background\r\n\t\tScope.Run(scope =>\r\n\t\t{\r\n\t\t\tvar t = scope.Spawn(() => { foreach (var x in data) total += x; });\r\n\t\t\tConsole.WriteLine(total);\r\n\t\t\tt.Join();\r\n\t\t});\r\n\t\treturn total;\r\n\t}\r\n}\r\n\r\n");
}
