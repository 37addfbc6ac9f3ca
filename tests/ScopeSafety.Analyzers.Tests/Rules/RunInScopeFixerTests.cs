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
                    Console.WriteLine(count);
                });
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
                    Console.WriteLine(done);
                });
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
}
