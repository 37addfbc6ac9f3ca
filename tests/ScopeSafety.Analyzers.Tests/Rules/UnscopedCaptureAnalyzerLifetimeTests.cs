using static ScopeSafety.Analyzers.Tests.Rules.UnscopedCaptureAnalyzerSharingTests;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE001 (pointers into stack or pinned memory), SCOPE003 (disposed while the work may run) and
/// SCOPE004 (capturing work not joined before the method returns).
/// </summary>
public class UnscopedCaptureAnalyzerLifetimeTests
{
    // ---- SCOPE001 ----

    public static TheoryData<string, string, string?> PointerShapes() => SpawnShapes.For("{|#0:buffer|}[0] = 1", "buffer[0] = 1");

    [Theory]
    [MemberData(nameof(PointerShapes))]
    public async Task A_stack_pointer_captured_by_unjoined_work_is_reported_for_every_unscoped_api(string spawn, string api, string? option)
    {
        await new Verify.Test
        {
            TestCode = Unsafe("""
                    int* buffer = stackalloc int[4];
                    SPAWN
                """.Replace("SPAWN", spawn)),
            EditorConfig = SpawnShapes.EditorConfig(option),
            ExpectedDiagnostics = { Verify.Diagnostic("SCOPE001").WithLocation(0).WithLocation(1).WithArguments("buffer", api, "stack memory") },
        }.RunAsync();
    }

    [Fact]
    public async Task A_stackalloc_pointer_captured_by_work_that_is_not_joined_is_an_error()
    {
        await Verify.VerifyAnalyzerAsync(Unsafe("""
                int* buffer = stackalloc int[16];
                {|#1:Task.Run(() => {|#0:buffer|}[0] = 1)|};
            """),
            Verify.Diagnostic("SCOPE001").WithLocation(0).WithLocation(1).WithArguments("buffer", "Task.Run", "stack memory"));
    }

    [Fact]
    public async Task A_stackalloc_pointer_captured_by_work_joined_before_the_method_returns_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Unsafe("""
                int* buffer = stackalloc int[16];
                var task = Task.Run(() => buffer[0] = 1);
                task.Wait();
            """));
    }

    [Theory]
    [InlineData("int* pointer = &local;")]
    [InlineData("void* pointer = Unsafe.AsPointer(ref local);")]
    [InlineData("nint pointer = (nint)(&local);")]
    [InlineData("IntPtr pointer = (IntPtr)(&local + 1);")]
    [InlineData("int* first = &local; byte* pointer = (byte*)first;")]
    public async Task Addresses_of_locals_and_their_copies_and_conversions_are_stack_pointers(string declaration)
    {
        await Verify.VerifyAnalyzerAsync(Unsafe("""
                int local = 42;
                DECLARATION
                {|#1:new Thread(() => Console.WriteLine((long){|#0:pointer|}))|}.Start();
            """.Replace("DECLARATION", declaration)),
            Verify.Diagnostic("SCOPE001").WithLocation(0).WithLocation(1).WithArguments("pointer", "new Thread", "stack memory"));
    }

    [Fact]
    public async Task A_pointer_from_fixed_used_by_work_joined_after_the_fixed_block_is_an_error()
    {
        await Verify.VerifyAnalyzerAsync(Unsafe("""
                var data = new int[16];
                Task task;
                fixed (int* pinned = data)
                {
                    int* copy = pinned;
                    task = {|#1:Task.Run(() => {|#0:copy|}[0] = 1)|};
                {|#2:}|}

                task.Wait();
            """),
            Verify.Diagnostic("SCOPE001").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("copy", "Task.Run", "memory pinned by 'fixed'"));
    }

    [Fact]
    public async Task A_pointer_from_fixed_used_by_work_joined_inside_the_fixed_block_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Unsafe("""
                var data = new int[16];
                fixed (int* pinned = data)
                {
                    int* copy = pinned;
                    var task = Task.Run(() => copy[0] = 1);
                    task.Wait();
                }
            """));
    }

    [Fact]
    public async Task A_pointer_to_unmanaged_heap_memory_is_not_a_stack_pointer()
    {
        await Verify.VerifyAnalyzerAsync(Unsafe("""
                int* heap = (int*)NativeMemory.Alloc(64);
                Task.Run(() => {|SCOPE004:heap|}[0] = 1);
            """));
    }

    // ---- SCOPE003 ----

    public static TheoryData<string, string, string?> DisposableShapes() => SpawnShapes.For("{|#0:stream|}.WriteByte(1)", "stream.WriteByte(1)");

    [Theory]
    [MemberData(nameof(DisposableShapes))]
    public async Task A_disposal_while_unjoined_work_uses_the_object_is_reported_for_every_unscoped_api(string spawn, string api, string? option)
    {
        await new Verify.Test
        {
            TestCode = Program("""
                    var stream = new MemoryStream();
                    SPAWN
                    {|#2:stream.Dispose()|};
                """.Replace("SPAWN", spawn)),
            EditorConfig = SpawnShapes.EditorConfig(option),
            ExpectedDiagnostics = { Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", api) },
        }.RunAsync();
    }

    [Fact]
    public async Task A_using_declaration_disposed_while_the_work_may_run_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                using var stream = new MemoryStream();
                {|#1:Task.Run(() => {|#0:stream|}.WriteByte(1))|};
            {|#2:}|}
            void Unused()
            {
            """),
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "Task.Run"));
    }

    // A local declared in the loop body is a new one each round: the source disposed on the path that skips the work
    // (continue) is another round's, never the one the work of an earlier round holds. The twin's source is declared
    // before the loop, so a later round disposes the one the earlier round's work still uses.
    [Fact]
    public async Task A_disposal_in_a_later_round_of_a_local_declared_in_the_loop_body_is_another_object()
    {
        await Verify.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
            class Server
            {
                public void Accept(Func<CancellationToken> next, CancellationToken stop)
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var client = next();
                        var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, client);
                        if (client.IsCancellationRequested)
                        {
                            linked.Dispose();
                            continue;
                        }

                        {|#1:Task.Run(() => {|#0:linked|}.Token.WaitHandle.WaitOne())|};
                    }
                }

                public void Serve(Func<CancellationToken> next, CancellationToken stop)
                {
                    var linked = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    while (!stop.IsCancellationRequested)
                    {
                        var client = next();
                        if (client.IsCancellationRequested)
                        {
                            {|#4:linked.Dispose()|};
                            continue;
                        }

                        {|#3:Task.Run(() => {|#2:linked|}.Token.WaitHandle.WaitOne())|};
                    }
                }
            }
            """,
            Verify.Diagnostic("SCOPE004").WithLocation(0).WithLocation(1).WithArguments("'linked'", "Task.Run"),
            Verify.Diagnostic("SCOPE003").WithLocation(2).WithLocation(3).WithLocation(4).WithArguments("linked", "Task.Run"));
    }

    [Fact]
    public async Task A_using_declaration_whose_work_is_joined_first_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                using var stream = new MemoryStream();
                var task = Task.Run(() => stream.WriteByte(1));
                task.Wait();
            """));
    }

    [Fact]
    public async Task The_end_of_a_using_statement_while_the_work_may_run_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                Task task;
                using (var stream = new MemoryStream())
                {
                    task = {|#1:Task.Run(() => {|#0:stream|}.WriteByte(1))|};
                {|#2:}|}

                task.Wait();
            """),
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "Task.Run"));
    }

    [Fact]
    public async Task An_explicit_Dispose_while_the_work_may_run_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var stream = new MemoryStream();
                var thread = {|#1:new Thread(() => {|#0:stream|}.WriteByte(1))|};
                thread.Start();
                {|#2:stream.Dispose()|};
                thread.Join();
            """),
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "new Thread"));
    }

    [Fact]
    public async Task A_loop_left_only_when_the_task_completed_joins_it_and_a_catch_clause_disposal_is_clean_up()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var stream = new MemoryStream();
                try
                {
                    var task = Task.Run(() => stream.WriteByte(1));
                    while (!task.IsCompleted)
                    {
                        Thread.Sleep(10);
                    }

                    stream.Dispose();
                }
                catch
                {
                    stream.Dispose();
                    throw;
                }
            """));
    }

    [Fact]
    public async Task An_explicit_Dispose_after_the_join_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var stream = new MemoryStream();
                var thread = new Thread(() => stream.WriteByte(1));
                thread.Start();
                thread.Join();
                stream.Dispose();
            """));
    }

    [Fact]
    public async Task An_await_using_disposed_while_the_work_may_run_is_reported_and_its_awaited_twin_is_not()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task Hazard()
                {
                    await using var stream = new MemoryStream();
                    _ = {|#1:Task.Run(() => {|#0:stream|}.WriteByte(1))|};
                    await Task.Yield();
                {|#2:}|}

                async Task Safe()
                {
                    await using var stream = new MemoryStream();
                    await Task.Run(() => stream.WriteByte(1));
                }
            }
            """,
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "Task.Run"));
    }

    [Fact]
    public async Task A_disposal_joined_on_some_paths_only_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var stream = new MemoryStream();
                var task = {|#1:Task.Run(() => {|#0:stream|}.WriteByte(1))|};
                if (stream.Length > 0)
                {
                    task.Wait();
                }

                {|#2:stream.Dispose()|};
            """),
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "Task.Run"));
    }

    [Fact]
    public async Task A_join_in_a_finally_block_joins_every_path()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var stream = new MemoryStream();
                var task = Task.Run(() => stream.WriteByte(1));
                try
                {
                    Console.WriteLine(stream.Length);
                }
                finally
                {
                    task.Wait();
                }

                stream.Dispose();
            """));
    }

    [Fact]
    public async Task Returning_the_task_does_not_excuse_disposing_what_it_uses()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Task M()
                {
                    using var stream = new MemoryStream();
                    return {|#1:Task.Run(() => {|#0:stream|}.WriteByte(1))|};
                {|#2:}|}
            }
            """,
            Verify.Diagnostic("SCOPE003").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("stream", "Task.Run"));
    }

    // ---- SCOPE004 ----

    public static TheoryData<string, string, string?> ReadOnlyShapes() => SpawnShapes.For("Console.WriteLine({|#0:name|})", "Console.WriteLine(name)");

    [Theory]
    [MemberData(nameof(ReadOnlyShapes))]
    public async Task Capturing_work_never_joined_is_reported_for_every_unscoped_api(string spawn, string api, string? option)
    {
        await new Verify.Test
        {
            TestCode = Usings + """
                class C
                {
                    void M(string name)
                    {
                        SPAWN
                    }
                }
                """.Replace("SPAWN", spawn),
            EditorConfig = SpawnShapes.EditorConfig(option),
            ExpectedDiagnostics = { Verify.Diagnostic("SCOPE004").WithLocation(0).WithLocation(1).WithArguments("'name'", api) },
        }.RunAsync();
    }

    [Fact]
    public async Task Capturing_work_never_joined_is_one_report_naming_every_captured_variable()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(string name, int times)
                {
                    {|#1:ThreadPool.QueueUserWorkItem(_ => Console.WriteLine({|#0:name|} + times))|};
                }

                void Many(int a, int b, int c, int d, int e)
                {
                    {|#3:Task.Run(() => Console.WriteLine({|#2:a|} + b + c + d + e))|};
                }
            }
            """,
            Verify.Diagnostic("SCOPE004").WithLocation(0).WithLocation(1).WithArguments("'name' and 'times'", "ThreadPool.QueueUserWorkItem"),
            Verify.Diagnostic("SCOPE004").WithLocation(2).WithLocation(3).WithArguments("'a', 'b', 'c' and 2 more", "Task.Run"));
    }

    [Fact]
    public async Task A_for_variable_read_by_unjoined_work_is_left_to_SCOPE012_and_its_copy_is_reported()
    {
        // One hazard, one report: SCOPE012 (another analyzer) names the captured for variable and offers the copy;
        // once the copy is made, the work still outlives the method with it.
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(int count)
                {
                    for (var i = 0; i < count; i++)
                    {
                        new Thread(() => Console.WriteLine(i)).Start();
                    }

                    for (var i = 0; i < count; i++)
                    {
                        var copy = i;
                        {|#1:new Thread(() => Console.WriteLine({|#0:copy|}))|}.Start();
                    }
                }
            }
            """,
            Verify.Diagnostic("SCOPE004").WithLocation(0).WithLocation(1).WithArguments("'copy'", "new Thread"));
    }

    [Fact]
    public async Task Static_lambdas_lambdas_without_captures_and_captures_of_this_only_are_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int _field;

                void M()
                {
                    Task.Run(static () => Console.WriteLine(1));
                    Task.Run(() => Console.WriteLine(2));
                    Task.Run(() => Console.WriteLine(_field));
                }
            }
            """);
    }

    [Fact]
    public async Task Work_awaited_on_every_path_is_not_reported_and_work_awaited_on_one_path_is()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task Joined(string name, bool quick)
                {
                    var task = Task.Run(() => Console.WriteLine(name));
                    if (quick)
                    {
                        await task;
                        return;
                    }

                    await task.ConfigureAwait(false);
                }

                async Task NotJoinedWhenQuick(string name, bool quick)
                {
                    var task = Task.Run(() => Console.WriteLine({|SCOPE004:name|}));
                    if (quick)
                    {
                        return;
                    }

                    await task;
                }
            }
            """);
    }

    [Fact]
    public async Task A_task_returned_to_the_caller_or_stored_in_a_field_is_the_callers_to_join()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Task _pending = Task.CompletedTask;

                Task<int> Returned(int x) => Task.Run(() => x * 2);

                Task ReturnedLater(int x)
                {
                    var task = Task.Run(() => Console.WriteLine(x));
                    return task;
                }

                void Stored(int x)
                {
                    _pending = Task.Run(() => Console.WriteLine(x));
                }
            }
            """);
    }

    [Fact]
    public async Task Threads_and_tasks_collected_and_joined_after_a_loop_are_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var threads = new List<Thread>();
                var tasks = new Task[4];
                for (int i = 0; i < 4; i++)
                {
                    int index = i;
                    var thread = new Thread(() => Console.WriteLine(index));
                    thread.Start();
                    threads.Add(thread);
                    tasks[i] = Task.Run(() => Console.WriteLine(index));
                }

                foreach (var thread in threads)
                {
                    thread.Join();
                }

                Task.WaitAll(tasks);
            """));
    }

    // One lifetime model for SCOPE002 and SCOPE010: a loop that waits for each handle may wait for another item in each
    // round, so the work is certainly finished only when the loop ends.
    [Fact]
    public async Task A_read_between_the_waits_of_a_loop_over_handles_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var other = Task.Run(() => Console.WriteLine("other"));
                var work = {|#1:Task.Run(() => {|#0:count|}++)|};
                foreach (var task in new[] { other, work })
                {
                    task.Wait();
                    Console.WriteLine({|#2:count|});
                }

                Console.WriteLine(count);
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_read_after_a_loop_over_handles_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var other = Task.Run(() => Console.WriteLine("other"));
                var work = Task.Run(() => count++);
                foreach (var task in new[] { other, work })
                {
                    task.Wait();
                }

                Console.WriteLine(count);
            """));
    }

    [Fact]
    public async Task A_task_waited_with_WhenAll_of_a_list_is_joined()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task M(string name)
                {
                    var tasks = new List<Task> { Task.Run(() => Console.WriteLine(name)) };
                    tasks.Add(Task.Run(() => Console.WriteLine(name)));
                    await Task.WhenAll(tasks);
                }
            }
            """);
    }

    [Fact]
    public async Task A_read_only_capture_of_unjoined_work_is_reported_by_SCOPE004_only()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int limit = 10;
                Task.Run(() => Console.WriteLine({|SCOPE004:limit|}));
            """));
    }

    [Fact]
    public async Task The_severity_of_SCOPE004_can_be_raised_or_turned_off()
    {
        var source = Program("""
                int limit = 10;
                {|#1:Task.Run(() => Console.WriteLine({|#0:limit|}))|};
            """);
        await new Verify.Test
        {
            TestCode = source,
            EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.SCOPE004.severity = warning\n",
            ExpectedDiagnostics = { Verify.Diagnostic("SCOPE004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0).WithLocation(1).WithArguments("'limit'", "Task.Run") },
        }.RunAsync();
        await new Verify.Test
        {
            TestCode = source.Replace("{|#1:", string.Empty).Replace("{|#0:", string.Empty).Replace("|}", string.Empty),
            EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.SCOPE004.severity = none\n",
        }.RunAsync();
    }

    internal static string Unsafe(string body) => """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        static class Pool
        {
            public static void Enqueue([UnscopedWork] Action work) { }
        }

        static class Jobs
        {
            public static void Post(Action work) { }
        }

        unsafe class C
        {
            void M()
            {
        BODY
            }
        }
        """.Replace("BODY", body);
}
