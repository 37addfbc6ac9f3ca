using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Verifiers;
using Races = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE002: a captured local or parameter shared mutably with unscoped work.</summary>
public class UnscopedCaptureAnalyzerSharingTests
{
    /// <summary>Every unscoped API shape, each with a delegate writing 'count' while the method reads it afterwards.</summary>
    public static TheoryData<string, string, string?> Shapes() => SpawnShapes.For("{|#0:count|}++", "count++");

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Work_writing_a_local_the_method_reads_afterwards_is_reported_for_every_unscoped_api(string spawn, string api, string? option)
    {
        var source = Program("""
                int count = 0;
                SPAWN
                Console.WriteLine({|#2:count|});
            """.Replace("SPAWN", spawn));
        await new Verify.Test
        {
            TestCode = source,
            EditorConfig = SpawnShapes.EditorConfig(option),
            ExpectedDiagnostics =
            {
                Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                    .WithArguments("count", "work started with " + api, "the method", "read"),
            },
        }.RunAsync();
    }

    [Fact]
    public async Task Work_joined_before_the_method_reads_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var task = Task.Run(() => count++);
                task.Wait();
                Console.WriteLine(count);
            """));
    }

    [Fact]
    public async Task Work_joined_on_some_paths_only_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var task = {|#1:Task.Run(() => {|#0:count|}++)|};
                if (DateTime.Now.Second > 30)
                {
                    task.Wait();
                }

                Console.WriteLine({|#2:count|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    // A ref local is the variable it stands for: reading it reads the captured local.
    [Fact]
    public async Task A_read_through_a_ref_local_that_stands_for_the_captured_local_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                ref int alias = ref count;
                var task = {|#1:Task.Run(() => {|#0:count|}++)|};
                Console.WriteLine({|#2:alias|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_ref_local_pointed_elsewhere_or_joined_first_is_not_the_captured_local()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0, other = 0;
                ref int alias = ref count;
                alias = ref other;
                ref int joined = ref count;
                var task = Task.Run(() => count++);
                Console.WriteLine(alias);
                task.Wait();
                Console.WriteLine(joined);
            """));
    }

    [Theory]
    [InlineData("task.Wait();")]
    [InlineData("_ = task.Result;")]
    [InlineData("task.GetAwaiter().GetResult();")]
    [InlineData("Task.WaitAll(task);")]
    [InlineData("Task.WaitAll(new[] { task, Task.CompletedTask });")]
    [InlineData("Task.WhenAll(task).Wait();")]
    public async Task Every_way_of_waiting_for_the_task_is_a_join(string join)
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var task = Task.Run(() => count++);
                JOIN
                Console.WriteLine(count);
            """.Replace("JOIN", join)));
    }

    [Fact]
    public async Task Awaiting_the_task_is_a_join()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> M()
                {
                    int count = 0;
                    await Task.Run(() => count++).ConfigureAwait(false);
                    var other = Task.Run(() => count++);
                    await Task.WhenAll(other);
                    return count;
                }
            }
            """);
    }

    [Fact]
    public async Task Joining_a_thread_is_a_join()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var thread = new Thread(() => count++);
                thread.Start();
                thread.Join();
                Console.WriteLine(count);
            """));
    }

    [Fact]
    public async Task The_method_writing_a_local_the_work_still_reads_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int limit = 10;
                var task = {|#1:Task.Run(() => Console.WriteLine({|#0:limit|}))|};
                {|#2:limit|} = 20;
                task.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("limit", "the method", "work started with Task.Run", "read"));
    }

    [Fact]
    public async Task A_local_written_only_before_the_spawn_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int limit = 10;
                limit++;
                var task = Task.Run(() => Console.WriteLine(limit));
                task.Wait();
            """));
    }

    [Fact]
    public async Task Writing_after_the_join_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int limit = 10;
                var task = Task.Run(() => Console.WriteLine(limit));
                task.Wait();
                limit = 20;
                Console.WriteLine(limit);
            """));
    }

    [Theory]
    [InlineData("ref", "Interlocked.Increment(ref count)", "Volatile.Read(ref count)")]
    [InlineData("compound", "Interlocked.Add(ref count, 2)", "Interlocked.CompareExchange(ref count, 0, 0)")]
    public async Task Accesses_through_Interlocked_or_Volatile_are_not_reported(string name, string inWork, string inMethod)
    {
        Assert.NotEmpty(name);
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var task = Task.Run(() => WORK);
                Console.WriteLine(METHOD);
                task.Wait();
            """.Replace("WORK", inWork).Replace("METHOD", inMethod)));
    }

    [Fact]
    public async Task Accesses_under_lock_on_both_sides_are_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                int count = 0;
                var task = Task.Run(() => { lock (gate) { count++; } });
                lock (gate)
                {
                    Console.WriteLine(count);
                }

                task.Wait();
            """));
    }

    [Fact]
    public async Task A_lock_on_one_side_only_is_still_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                int count = 0;
                var task = {|#1:Task.Run(() => { lock (gate) { {|#0:count|}++; } })|};
                Console.WriteLine({|#2:count|});
                task.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    // One conflict rule for every race rule (SCOPE002 and SCOPE010 alike): locks on different objects do not exclude
    // each other, and an Interlocked write does not exclude a read under a lock.
    [Fact]
    public async Task Locks_on_different_objects_are_still_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                var other = new object();
                int count = 0;
                var task = {|#1:Task.Run(() => { lock (gate) { {|#0:count|}++; } })|};
                lock (other)
                {
                    Console.WriteLine({|#2:count|});
                }

                task.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_hand_written_Monitor_Enter_and_Exit_on_both_sides_is_a_lock()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                int count = 0;
                var task = Task.Run(() => { lock (gate) { count++; } });
                Monitor.Enter(gate);
                try
                {
                    Console.WriteLine(count);
                }
                finally
                {
                    Monitor.Exit(gate);
                }

                task.Wait();
            """));
    }

    [Fact]
    public async Task An_Interlocked_write_against_a_read_under_a_lock_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var gate = new object();
                int count = 0;
                var task = {|#1:Task.Run(() => Interlocked.Increment(ref {|#0:count|}))|};
                lock (gate)
                {
                    Console.WriteLine({|#2:count|});
                }

                task.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_result_flowing_back_through_the_task_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int total = 1;
                total = Task.Run(() => total * 2).Result;
                var doubled = Task.Run(() => total * 2);
                Console.WriteLine(doubled.Result + total);
            """));
    }

    [Fact]
    public async Task Foreach_variables_are_fresh_per_iteration()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                var tasks = new List<Task>();
                foreach (var item in new[] { 1, 2, 3 })
                {
                    int square = 0;
                    tasks.Add(Task.Run(() => square = item * item));
                }

                Task.WaitAll(tasks.ToArray());
            """));
    }

    [Fact]
    public async Task Work_started_in_a_loop_writing_one_shared_local_is_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                var tasks = new List<Task>();
                for (int i = 0; i < 3; i++)
                {
                    tasks.Add({|#1:Task.Run(() => {|#0:total|}++)|});
                }

                Task.WaitAll(tasks.ToArray());
                Console.WriteLine(total);
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1)
                .WithArguments("total", "work started with Task.Run", "another run of the same work", "access"));
    }

    [Fact]
    public async Task A_for_variable_read_by_work_started_in_its_loop_is_left_to_SCOPE012()
    {
        // One hazard, one report: SCOPE012 names it and offers the per-iteration copy.
        await Verify.VerifyAnalyzerAsync(Program("""
                var tasks = new List<Task>();
                for (int i = 0; i < 3; i++)
                {
                    tasks.Add(Task.Run(() => Console.WriteLine(i)));
                }

                Task.WaitAll(tasks.ToArray());
            """));
    }

    [Fact]
    public async Task Work_started_in_a_loop_and_joined_within_the_iteration_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                for (int i = 0; i < 3; i++)
                {
                    Task.Run(() => total++).Wait();
                }

                Console.WriteLine(total);
            """));
    }

    [Fact]
    public async Task A_timer_callback_writing_a_local_may_overlap_itself()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Timer M()
                {
                    int ticks = 0;
                    return {|#1:new Timer(_ => {|#0:ticks|}++, null, 0, 100)|};
                }
            }
            """,
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1)
                .WithArguments("ticks", "work started with new Timer", "another run of the same work", "access"));
    }

    [Fact]
    public async Task A_one_shot_timer_does_not_overlap_itself_but_is_never_joined()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    int ticks = 0;
                    var timer = new Timer(_ => {|SCOPE004:ticks|}++, null, 1000, Timeout.Infinite);
                    GC.KeepAlive(timer);
                }

                // Returned (or stored in a field): the caller owns the timer, as it would own a returned task.
                Timer Returned()
                {
                    int ticks = 0;
                    return new Timer(_ => ticks++, null, 1000, Timeout.Infinite);
                }
            }
            """);
    }

    [Theory]
    [InlineData("Ref(ref {|#0:count|})")]
    [InlineData("Ref(ref DateTime.Now.Second > 30 ? ref {|#0:count|} : ref count)")]
    [InlineData("Out(out {|#0:count|})")]
    [InlineData("{|#0:count|} += 2")]
    [InlineData("({|#0:count|}, _) = (1, 2)")]
    public async Task Ref_and_out_arguments_compound_assignments_and_deconstructions_are_writes(string write)
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static void Ref(ref int value) => value++;
                static void Out(out int value) => value = 1;

                void M()
                {
                    int count = 0;
                    var task = {|#1:Task.Run(() => { WRITE; })|};
                    Console.WriteLine({|#2:count|});
                    task.Wait();
                }
            }
            """.Replace("WRITE", write),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task Spawns_inside_lambdas_and_local_functions_are_analysed_in_their_own_body()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M()
                {
                    Action inLambda = () =>
                    {
                        int count = 0;
                        {|#1:Task.Run(() => {|#0:count|}++)|};
                        Console.WriteLine({|#2:count|});
                    };

                    void InLocalFunction()
                    {
                        int total = 0;
                        var task = Task.Run(() => total++);
                        task.Wait();
                        Console.WriteLine(total);
                    }

                    inLambda();
                    InLocalFunction();
                }
            }
            """,
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task A_local_function_called_by_the_method_after_the_spawn_accesses_the_variable_there()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                void Show() => Console.WriteLine(count);
                var task = {|#1:Task.Run(() => {|#0:count|}++)|};
                {|#2:Show()|};
                task.Wait();
                Show();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task Handing_the_task_to_a_method_of_your_own_counts_as_a_join()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static void WaitFor(Task task) => task.Wait();

                void M()
                {
                    int count = 0;
                    var task = Task.Run(() => count++);
                    WaitFor(task);
                    Console.WriteLine(count);
                }
            }
            """);
    }

    // One hazard, one report (issue 18 item 6): a race between two work items of one function is SCOPE010's, also
    // between unscoped items; SCOPE002 keeps the race between the work and the method that started it.
    [Fact]
    public async Task Two_unscoped_works_writing_the_same_local_are_left_to_SCOPE010()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                var first = Task.Run(() => count++);
                var second = Task.Run(() => count--);
                Task.WaitAll(first, second);
                Console.WriteLine(count);
            """));
    }

    [Fact]
    public async Task Two_unscoped_works_writing_the_same_local_get_one_report_from_both_rules()
    {
        await new BothRaceRules
        {
            TestCode = Program("""
                    int count = 0;
                    var first = Task.Run(() => {|#0:count|}++);
                    var second = Task.Run(() => count--);
                    Task.WaitAll(first, second);
                    Console.WriteLine(count);
                """),
            ExpectedDiagnostics =
            {
                Races.Diagnostic("SCOPE010").WithLocation(0)
                    .WithArguments("count", "work started with Task.Run at line 23", "work started with Task.Run at line 24", "also write"),
            },
        }.RunAsync();
    }

    [Fact]
    public async Task Unscoped_work_racing_with_the_method_and_with_another_item_gets_a_report_for_each_race()
    {
        await new BothRaceRules
        {
            TestCode = Program("""
                    int count = 0;
                    var first = {|#1:Task.Run(() => {|#0:count|}++)|};
                    var second = Task.Run(() => count--);
                    Console.WriteLine({|#2:count|});
                    Task.WaitAll(first, second);
                """),
            ExpectedDiagnostics =
            {
                Races.Diagnostic("SCOPE010").WithLocation(0)
                    .WithArguments("count", "work started with Task.Run at line 23", "work started with Task.Run at line 24", "also write"),
                Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                    .WithArguments("count", "work started with Task.Run", "the method", "read"),
                Verify.Diagnostic("SCOPE002").WithSpan(24, 33, 24, 38).WithSpan(24, 18, 24, 41).WithSpan(25, 23, 25, 28)
                    .WithArguments("count", "work started with Task.Run", "the method", "read"),
            },
        }.RunAsync();
    }

    /// <summary>SCOPE001–004 and SCOPE010–012 together, as a build runs them.</summary>
    private sealed class BothRaceRules : AnalyzerTest
    {
        protected override IEnumerable<DiagnosticAnalyzer> GetAnalyzers() => [new UnscopedCaptureAnalyzer(), new ConcurrentAccessAnalyzer()];
    }

    [Fact]
    public async Task A_method_group_of_an_instance_method_captures_no_local()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                int _count;

                void Work() => _count++;

                void M()
                {
                    Task.Run(Work);
                    new Thread(Work).Start();
                    Console.WriteLine(_count);
                }
            }
            """);
    }

    [Fact]
    public async Task Structured_apis_are_never_reported_by_the_unscoped_rules()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                static void Fork([StructuredWork] Action work) => work();

                void M(int[] data)
                {
                    int sum = 0;
                    Parallel.For(0, 10, i => sum += i);
                    Parallel.ForEach(data, x => sum += x);
                    Parallel.Invoke(() => sum++, () => sum--);
                    data.AsParallel().ForAll(x => sum += x);
                    Scope.Run(scope =>
                    {
                        scope.Spawn(() => sum++);
                    });
                    Scope.Join(() => sum++, () => sum--);
                    Fork(() => sum++);
                    Console.WriteLine(sum);
                }
            }
            """);
    }

    [Fact]
    public async Task The_structured_methods_key_keeps_a_listed_method_out_of_the_unscoped_rules()
    {
        await new Verify.Test
        {
            TestCode = Program("""
                    int count = 0;
                    Pool.Enqueue(() => count++);
                    Console.WriteLine(count);
                """),
            EditorConfig = "root = true\n[*.cs]\nscopesafety.structured_methods = M:Pool.Enqueue(System.Action)\n",
        }.RunAsync();
    }

    [Fact]
    public async Task Generated_code_is_not_analysed()
    {
        await new Verify.Test
        {
            TestCode = "// <auto-generated/>\n" + Program("""
                    int count = 0;
                    Task.Run(() => count++);
                    Console.WriteLine(count);
                """),
        }.RunAsync();
    }

    // ---- Work held in a delegate local ----

    [Fact]
    public async Task Work_in_a_delegate_local_is_reported_at_the_capture_inside_its_lambda()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action work = () => {|#0:count|}++;
                var task = {|#1:Task.Run(work)|};
                Console.WriteLine({|#2:count|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "read"));
    }

    [Fact]
    public async Task Work_in_a_delegate_local_joined_before_the_method_reads_is_not_reported()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action work = () => count++;
                var task = Task.Run(work);
                task.Wait();
                Console.WriteLine(count);
            """));
    }

    [Fact]
    public async Task Writes_between_the_delegate_local_and_the_spawn_happen_before_the_work_starts()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action work = () => Console.WriteLine(count);
                count = 1;
                Task.Run(work).Wait();
            """));
    }

    [Theory]
    [InlineData("work = () => count--;")]
    [InlineData("Replace(ref work); static void Replace(ref Action action) => action = () => { };")]
    [InlineData("ref Action alias = ref work;")]
    public async Task A_delegate_local_written_more_than_once_is_not_resolved(string write)
    {
        // Which lambda runs is not certain: precision first, nothing is reported.
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action work = () => count++;
                WRITE
                var task = Task.Run(work);
                Console.WriteLine(count);
            """.Replace("WRITE", write)));
    }

    [Fact]
    public async Task A_delegate_parameter_is_not_resolved()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                void M(Action work)
                {
                    Task.Run(work);
                    new Thread(new ThreadStart(work)).Start();
                }
            }
            """);
    }

    [Fact]
    public async Task A_static_lambda_in_a_delegate_local_captures_nothing()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action work = static () => Console.WriteLine(1);
                Task.Run(work);
                Console.WriteLine(count++);
            """));
    }

    [Fact]
    public async Task A_delegate_local_of_an_enclosing_function_is_not_resolved()
    {
        // The local's lambda lives in another function than the spawn: the flow of one function says nothing about it.
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Action work = () => count++;
                Action start = () => Task.Run(work);
                start();
                Console.WriteLine(count);
            """));
    }

    [Theory]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    public async Task The_severity_is_configurable(string setting, DiagnosticSeverity severity)
    {
        await new Verify.Test
        {
            TestCode = Program("""
                    int count = 0;
                    {|#1:Task.Run(() => {|#0:count|}++)|};
                    Console.WriteLine({|#2:count|});
                """),
            EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.SCOPE002.severity = " + setting + "\n",
            ExpectedDiagnostics =
            {
                Verify.Diagnostic("SCOPE002").WithSeverity(severity).WithLocation(0).WithLocation(1).WithLocation(2)
                    .WithArguments("count", "work started with Task.Run", "the method", "read"),
            },
        }.RunAsync();
    }

    [Fact]
    public async Task The_api_is_in_the_diagnostic_properties()
    {
        var diagnostics = await AnalyzerRun.DiagnosticsAsync(Program("""
                int count = 0;
                Task.Factory.StartNew(() => count++);
                Console.WriteLine(count);
            """));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("Task.Factory.StartNew", diagnostic.Properties["Api"]);
        Assert.Equal("Task.Factory.StartNew(() => count++)", diagnostic.AdditionalLocations[0].SourceTree!.GetText().ToString(diagnostic.AdditionalLocations[0].SourceSpan));
    }

    internal const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
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

        """;

    /// <summary>A class whose method M has <paramref name="body"/>.</summary>
    [Fact]
    public async Task Work_left_running_by_a_local_function_called_twice_overlaps_itself()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int last = 0;
                void Start(int value)
                {
                    {|#1:Task.Run(() => {|#0:last|} = {|SCOPE004:value|})|};
                }

                Start(1);
                Start(2);
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1)
                .WithArguments("last", "work started with Task.Run", "another run of the same work", "access"));
    }

    [Fact]
    public async Task Work_left_running_by_a_local_function_called_once_from_one_called_twice_overlaps_itself()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int last = 0;
                void Outer(int value)
                {
                    void Start()
                    {
                        {|#1:Task.Run(() => {|#0:last|} = {|SCOPE004:value|})|};
                    }

                    Start();
                }

                Outer(1);
                Outer(2);
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1)
                .WithArguments("last", "work started with Task.Run", "another run of the same work", "access"));
    }

    [Fact]
    public async Task Work_of_an_inner_local_function_on_a_variable_of_each_outer_call_does_not_overlap_itself()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                void Outer(int value)
                {
                    int last = 0;
                    void Start()
                    {
                        Task.Run(() => {|#0:last|} = value);
                    }

                    Start();
                }

                Outer(1);
                Outer(2);
            """),
            Verify.Diagnostic("SCOPE004").WithLocation(0).WithArguments("'last' and 'value'", "Task.Run"));
    }

    [Fact]
    public async Task Work_whose_task_the_outer_local_function_waits_for_does_not_overlap_itself()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int last = 0;
                Task Start(int value)
                {
                    return Task.Run(() => last = value);
                }

                void Outer(int value)
                {
                    Start(value).Wait();
                }

                Outer(1);
                Outer(2);
                Console.WriteLine(last);
            """));
    }

    [Fact]
    public async Task The_method_writing_through_a_delegate_local_while_the_work_runs_races()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Func<int, int> bump = step => count += step;
                var task = {|#1:Task.Run(() => {|#0:count|}++)|};
                {|#2:bump(2)|};
                task.Wait();
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1).WithLocation(2)
                .WithArguments("count", "work started with Task.Run", "the method", "write"));
    }

    [Fact]
    public async Task The_method_writing_through_a_delegate_local_after_the_work_is_joined_does_not_race()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int count = 0;
                Func<int, int> bump = step => count += step;
                var task = Task.Run(() => count++);
                task.Wait();
                bump(2);
                Console.WriteLine(count);
            """));
    }

    [Fact]
    public async Task Work_left_running_by_a_lambda_that_a_method_calls_many_times_overlaps_itself()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int total = 0;
                new List<int> { 1, 2 }.ForEach(x => {|#1:Task.Run(() => {|#0:total|} += {|SCOPE004:x|})|});
            """),
            Verify.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1)
                .WithArguments("total", "work started with Task.Run", "another run of the same work", "access"));
    }

    [Fact]
    public async Task Work_joined_before_its_local_function_or_lambda_returns_does_not_overlap_itself()
    {
        await Verify.VerifyAnalyzerAsync(Program("""
                int last = 0;
                void Run(int value)
                {
                    Task.Run(() => last = value).Wait();
                }

                Run(1);
                Run(2);
                int total = 0;
                new List<int> { 1, 2 }.ForEach(x => Task.Run(() => total += x).Wait());
                Console.WriteLine(last + total);
            """));
    }

    internal static string Program(string body) => Usings + """
        class C
        {
            void M()
            {
        BODY
            }
        }
        """.Replace("BODY", body);
}
