using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.UnscopedCaptureAnalyzer,
    ScopeSafety.CodeFixes.RunInScopeFixer>;
using VerifyBlocking = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.BlockingScopeInAsyncCodeAnalyzer>;
using VerifyAsyncWork = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.AsyncWorkInSynchronousScopeAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// "Run in a scope" in async functions: the region becomes await Scope.RunAsync(async scope => { … }), joins become
/// awaits, async work becomes SpawnAsync. The harness checks that the fixed code compiles, the diagnostic is gone and
/// Fix All; these tests also check that the fixed code draws no SCOPE021/SCOPE023 and that it computes the same.
/// </summary>
public class RunInScopeAsyncFixerTests
{
    private const string AwaitedTask = """
        using System;
        using System.Threading.Tasks;

        class C
        {
            async Task<int> SumAsync(int[] data)
            {
                var total = 0;
                var t = Task.Run(() => { foreach (var x in data) {|SCOPE002:total|} += x; });
                Console.WriteLine(total);
                await t;
                return total;
            }
        }
        """;

    private const string AwaitedTaskFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<int> SumAsync(int[] data)
            {
                var total = 0;
                await Scope.RunAsync(async scope =>
                {
                    var t = scope.Spawn(() => { foreach (var x in data) total += x; });
                    Console.WriteLine(total);
                    await t;
                });
                return total;
            }
        }
        """;

    [Fact]
    public Task An_awaited_Task_Run_becomes_Spawn_awaited_inside_RunAsync() => Verify.VerifyCodeFixAsync(AwaitedTask, AwaitedTaskFixed);

    [Fact]
    public Task The_fixed_code_has_no_SCOPE021_and_no_SCOPE023() => Task.WhenAll(
        VerifyBlocking.VerifyAnalyzerAsync(AwaitedTaskFixed),
        VerifyAsyncWork.VerifyAnalyzerAsync(AwaitedTaskFixed),
        VerifyBlocking.VerifyAnalyzerAsync(WhenAllFixed),
        VerifyAsyncWork.VerifyAnalyzerAsync(WhenAllFixed),
        VerifyBlocking.VerifyAnalyzerAsync(ProgramFixed),
        VerifyAsyncWork.VerifyAnalyzerAsync(ProgramFixed),
        VerifyBlocking.VerifyAnalyzerAsync(ProgramFixAll),
        VerifyAsyncWork.VerifyAnalyzerAsync(ProgramFixAll));

    private const string WhenAll = """
        using System;
        using System.Threading.Tasks;

        class C
        {
            async Task<long> SumAsync(int[] data)
            {
                long left = 0, right = 0;
                var half = data.Length / 2;
                var a = Task.Run(() => { for (var i = 0; i < half; i++) {|SCOPE002:left|} += data[i]; });
                var b = Task.Run(() => { for (var i = half; i < data.Length; i++) {|SCOPE002:right|} += data[i]; });
                Console.WriteLine(left + right);
                await Task.WhenAll(a, b);
                return left + right;
            }
        }
        """;

    private const string WhenAllFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<long> SumAsync(int[] data)
            {
                long left = 0, right = 0;
                var half = data.Length / 2;
                await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => { for (var i = 0; i < half; i++) left += data[i]; });
                    var b = scope.Spawn(() => { for (var i = half; i < data.Length; i++) right += data[i]; });
                    Console.WriteLine(left + right);
                    await a;
                    await b;
                });
                return left + right;
            }
        }
        """;

    [Fact]
    public Task Await_Task_WhenAll_of_two_spawns_becomes_one_scope_that_awaits_each() => Verify.VerifyCodeFixAsync(WhenAll, WhenAllFixed);

    [Fact]
    public Task A_value_awaited_at_the_end_of_the_region_is_what_the_scope_returns() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<int> CountAsync(int[] data)
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|} += data.Length);
                count--;
                var seen = await t;
                return seen + count;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<int> CountAsync(int[] data)
            {
                var count = 0;
                var seen = await Scope.RunAsync(async scope =>
                {
                    var t = scope.Spawn(() => count += data.Length);
                    count--;
                    return await t;
                });
                return seen + count;
            }
        }
        """);

    [Fact]
    public Task An_async_lambda_becomes_SpawnAsync() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                var count = 0;
                var t = Task.Run(async () => { await Task.Yield(); {|SCOPE002:count|}++; });
                count = 5;
                await t;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task M()
            {
                var count = 0;
                await Scope.RunAsync(async scope =>
                {
                    var t = scope.SpawnAsync(async () => { await Task.Yield(); count++; });
                    count = 5;
                    await t;
                });
            }
        }
        """);

    [Fact]
    public Task Blocking_joins_in_async_code_become_awaits() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<int> M()
            {
                var count = 0;
                var a = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                await Task.Yield();
                a.Wait();
                return a.Result + count;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<int> M()
            {
                var count = 0;
                return await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => count++);
                    count = 5;
                    await Task.Yield();
                    await a;
                    return await a + count;
                });
            }
        }
        """);

    [Fact]
    public Task Task_WaitAll_in_async_code_becomes_awaits() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                var count = 0;
                var a = Task.Run(() => {|SCOPE002:count|}++);
                var b = Task.Run(() => { });
                count = 5;
                Task.WaitAll(a, b);
                await Task.Yield();
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task M()
            {
                var count = 0;
                await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => count++);
                    var b = scope.Spawn(() => { });
                    count = 5;
                    await a;
                    await b;
                });
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task Await_Task_WhenAll_of_a_list_becomes_a_loop_of_awaits() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task M(int[] data)
            {
                var sum = 0;
                var tasks = new List<Task>();
                foreach (var x in data)
                {
                    tasks.Add(Task.Run(() => {|SCOPE002:sum|} += x));
                }

                sum = 1;
                await Task.WhenAll(tasks);
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task M(int[] data)
            {
                var sum = 0;
                var tasks = new List<ScopedTask>();
                await Scope.RunAsync(async scope =>
                {
                    foreach (var x in data)
                    {
                        tasks.Add(scope.Spawn(() => sum += x));
                    }

                    sum = 1;
                    foreach (var task in tasks)
                        await task;
                });
            }
        }
        """);

    [Fact]
    public Task An_explicitly_typed_async_value_task_becomes_a_ScopedTask_of_the_same_value() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<int> M(int[] data)
            {
                var count = 0;
                Task<int> t = Task.Run(async () => { await Task.Yield(); {|SCOPE002:count|} += data.Length; return count; });
                count--;
                int seen = await t;
                return seen;
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<int> M(int[] data)
            {
                var count = 0;
                var seen = await Scope.RunAsync(async scope =>
                {
                    ScopedTask<int> t = scope.SpawnAsync(async () => { await Task.Yield(); count += data.Length; return count; });
                    count--;
                    int seen = await t;
                    return seen;
                });
                return seen;
            }
        }
        """);

    [Fact]
    public Task A_joined_thread_in_async_code_is_awaited() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                var count = 0;
                var worker = new Thread(() => {|SCOPE002:count|}++);
                worker.Start();
                count = 5;
                await Task.Yield();
                worker.Join();
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task M()
            {
                var count = 0;
                await Scope.RunAsync(async scope =>
                {
                    var worker = scope.Spawn(() => count++);
                    count = 5;
                    await Task.Yield();
                    await worker;
                });
            }
        }
        """);

    [Fact]
    public Task Inside_RunAsync_the_work_is_spawned_into_the_enclosing_scope() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            Task M() => Scope.RunAsync(async scope =>
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                await t;
            });
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            Task M() => Scope.RunAsync(async scope =>
            {
                var count = 0;
                var t = scope.Spawn(() => count++);
                count = 5;
                await t;
            });
        }
        """);

    [Fact]
    public Task An_async_local_function_gets_an_async_scope() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            Task<int> M()
            {
                return Local();

                async Task<int> Local()
                {
                    var count = 0;
                    var t = Task.Run(() => {|SCOPE002:count|}++);
                    count = 5;
                    await t;
                    return count;
                }
            }
        }
        """, """
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            Task<int> M()
            {
                return Local();

                async Task<int> Local()
                {
                    var count = 0;
                    await Scope.RunAsync(async scope =>
                    {
                        var t = scope.Spawn(() => count++);
                        count = 5;
                        await t;
                    });
                    return count;
                }
            }
        }
        """);

    [Theory]
    [InlineData("var t = Task.Run(() => count++); count = 1; await t;", "Run in an async scope (awaits where it joined before)")]
    [InlineData("Task.Run(() => count++); await Task.Yield(); Console.WriteLine(count);", "Run in an async scope (awaits the work before the statement that conflicts with it)")]
    [InlineData("var t = Task.Run(() => Console.WriteLine(count)); await Task.Yield();", "Run in an async scope (awaits the work at the end of the block)")]
    public async Task The_title_says_where_the_code_now_awaits(string body, string title)
    {
        var source = $$"""
            using System;
            using System.Threading.Tasks;

            class C
            {
                async Task M(int count)
                {
                    {{body}}
                }
            }
            """;

        Assert.Equal([title], await RunInScopeFixerTests.TitlesAsync(source));
    }

    // ---- where the meaning cannot be kept, nothing is offered ----------------------------------------------

    [Fact]
    public Task Not_offered_when_the_task_is_awaited_through_WhenAny() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                await Task.WhenAny(t, Task.Delay(100));
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_task_is_returned() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<Task> M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                await Task.Yield();
                return t;
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_task_is_awaited_with_ConfigureAwait() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                var count = 0;
                var t = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                await t.ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task The_values_of_await_Task_WhenAll_become_an_array_of_awaits() => Verify.VerifyCodeFixAsync("""
        using System.Linq;
        using System.Threading.Tasks;

        class C
        {
            async Task<int> M(int[] data)
            {
                var count = 0;
                var a = Task.Run(() => {|SCOPE002:count|} += data.Length);
                var b = Task.Run(() => data.Sum());
                count = 5;
                var all = await Task.WhenAll(a, b);
                return all[0] + all[1] + count;
            }
        }
        """, """
        using System.Linq;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            async Task<int> M(int[] data)
            {
                var count = 0;
                var all = await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => count += data.Length);
                    var b = scope.Spawn(() => data.Sum());
                    count = 5;
                    return new[] { await a, await b };
                });
                return all[0] + all[1] + count;
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_WhenAll_result_is_awaited_with_ConfigureAwait() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<int[]> M()
            {
                var count = 0;
                var a = Task.Run(() => {|SCOPE002:count|}++);
                count = 5;
                return await Task.WhenAll(a).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_an_async_lambda_in_a_synchronous_method() => Verify.VerifyNoCodeFixAsync("""
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
    public Task Not_offered_when_nothing_awaits_the_work() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            async Task M(int count)
            {
                await Task.Yield();
                Task.Run(() => Console.WriteLine({|SCOPE004:count|}));
            }
        }
        """);

    // ---- the fixed code runs and computes the same -----------------------------------------------------------

    private const string Program = """
        using System.Linq;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run() => SumAsync(Enumerable.Range(1, 5000).ToArray()).GetAwaiter().GetResult();

            static async Task<long> SumAsync(int[] data)
            {
                long left = 0, right = 0;
                var half = data.Length / 2;
                var a = Task.Run(() => { for (var i = 0; i < half; i++) {|SCOPE002:left|} += data[i]; });
                var b = Task.Run(async () => { await Task.Yield(); for (var i = half; i < data.Length; i++) right += data[i]; });
                left -= 0;
                await Task.WhenAll(a, b);
                var c = Task.Run(() => { for (var i = 0; i < data.Length; i++) {|SCOPE002:right|} += 1; return right; });
                right += 0;
                var r = await c;
                return left * 3 + r;
            }
        }
        """;

    private const string ProgramFixed = """
        using System.Linq;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => SumAsync(Enumerable.Range(1, 5000).ToArray()).GetAwaiter().GetResult();

            static async Task<long> SumAsync(int[] data)
            {
                long left = 0, right = 0;
                var half = data.Length / 2;
                await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => { for (var i = 0; i < half; i++) left += data[i]; });
                    var b = scope.SpawnAsync(async () => { await Task.Yield(); for (var i = half; i < data.Length; i++) right += data[i]; });
                    left -= 0;
                    await a;
                    await b;
                });
                var r = await Scope.RunAsync(async scope =>
                {
                    var c = scope.Spawn(() => { for (var i = 0; i < data.Length; i++) right += 1; return right; });
                    right += 0;
                    return await c;
                });
                return left * 3 + r;
            }
        }
        """;

    // Fix All writes one scope per block, as in synchronous code: the awaits stay where they were.
    private const string ProgramFixAll = """
        using System.Linq;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => SumAsync(Enumerable.Range(1, 5000).ToArray()).GetAwaiter().GetResult();

            static async Task<long> SumAsync(int[] data)
            {
                long left = 0, right = 0;
                var half = data.Length / 2;
                var r = await Scope.RunAsync(async scope =>
                {
                    var a = scope.Spawn(() => { for (var i = 0; i < half; i++) left += data[i]; });
                    var b = scope.SpawnAsync(async () => { await Task.Yield(); for (var i = half; i < data.Length; i++) right += data[i]; });
                    left -= 0;
                    await a;
                    await b;
                    var c = scope.Spawn(() => { for (var i = 0; i < data.Length; i++) right += 1; return right; });
                    right += 0;
                    return await c;
                });
                return left * 3 + r;
            }
        }
        """;

    [Fact]
    public Task One_fix_at_a_time_scopes_each_region_and_Fix_All_one_scope_for_the_block() => new Verify.Test
    {
        TestCode = Program,
        FixedCode = ProgramFixed,
        BatchFixedCode = ProgramFixAll,
    }.RunAsync();

    [Fact]
    public void The_fixed_async_code_computes_what_the_original_computed()
    {
        var original = RunProgram(Strip(Program));
        var scoped = RunProgram(ProgramFixed);
        var scopedByFixAll = RunProgram(ProgramFixAll);

        var data = Enumerable.Range(1, 5000).Select(x => (long)x).ToArray();
        Assert.Equal(data.Take(2500).Sum() * 3 + data.Skip(2500).Sum() + 5000, original);
        Assert.Equal(original, scoped);
        Assert.Equal(original, scopedByFixAll);
    }

    private const string Failing = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run()
            {
                try
                {
                    return CountAsync().GetAwaiter().GetResult();
                }
                catch (InvalidOperationException e) when (e.Message == "boom")
                {
                    return -1;
                }
            }

            static async Task<long> CountAsync()
            {
                long count = 0;
                var t = Task.Run(() => { {|SCOPE002:count|}++; throw new InvalidOperationException("boom"); });
                count += 10;
                await t;
                return count;
            }
        }
        """;

    private const string FailingFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                try
                {
                    return CountAsync().GetAwaiter().GetResult();
                }
                catch (InvalidOperationException e) when (e.Message == "boom")
                {
                    return -1;
                }
            }

            static async Task<long> CountAsync()
            {
                long count = 0;
                await Scope.RunAsync(async scope =>
                {
                    var t = scope.SpawnAsync(() => { count++; throw new InvalidOperationException("boom"); });
                    count += 10;
                    await t;
                });
                return count;
            }
        }
        """;

    // A lambda that only throws binds to Task.Run(Func<Task>), so the fix keeps that delegate type: SpawnAsync.
    [Fact]
    public Task A_failing_awaited_spawn_is_awaited_in_the_scope() => Verify.VerifyCodeFixAsync(Failing, FailingFixed);

    [Fact]
    public void The_await_in_the_fixed_code_throws_the_exception_the_original_await_threw()
    {
        Assert.Equal(-1, RunProgram(Strip(Failing)));
        Assert.Equal(-1, RunProgram(FailingFixed));
    }

    private static string Strip(string source) => Regex.Replace(source, @"\{\|SCOPE\d+:(.*?)\|\}", "$1");

    /// <summary>Compiles the source with the harness's references into a collectible context and calls Program.Run().</summary>
    private static long RunProgram(string source) => (long)ProgramRunner.Invoke(source, "Program", "Run")!;
}
