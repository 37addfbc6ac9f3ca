using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<ScopeSafety.Analyzers.NestedTaskAnalyzer, ScopeSafety.CodeFixes.NestedTaskFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE024: StartNew/ContinueWith/new Task of an async delegate gives a Task&lt;Task&gt; whose outer task completes at
/// the work's first await; using it as the work (wait, await once, WaitAll/WhenAll/WaitAny/WhenAny, IsFaulted/Status/
/// Exception, conversion to Task) is reported at the start, and .Unwrap() fixes it.
/// </summary>
public class NestedTaskTests
{
    private static string Code(string body) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(TaskFactory factory, Task antecedent)
            {
        {{body}}
            }

            static async Task LoadAsync() => await Task.Yield();
            static Task Load() => Task.Delay(1);
            static void Work() { }

            static Task Poll(CancellationToken token)
            {
                while (!token.IsCancellationRequested)
                {
                    Work();
                }

                return Task.CompletedTask;
            }

            static Task<int> Count()
            {
                if (DateTime.Now.Second == 0)
                {
                    return Task.FromResult(0);
                }

                Work();
                return Task.FromResult(1);
            }
        }
        """;

    // ---- what uses the outer task as the work ----

    /// <summary>
    /// LibUsbDotNet's transfer queue reader: a LongRunning StartNew of a synchronous loop that returns Task.CompletedTask
    /// when it stops. The inner task holds no work, so waiting for the outer task waits for the loop.
    /// </summary>
    [Fact]
    public Task A_synchronous_delegate_returning_only_completed_tasks_is_not_reported() => Verify.VerifyAnalyzerAsync(Code("""
                Task loop = Task.Factory.StartNew(() => Poll(CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                loop.Wait();
                var counted = Task.Factory.StartNew(Count);
                counted.Wait();
                var inline = Task.Factory.StartNew(() => { Work(); return Task.CompletedTask; });
                inline.Wait();
        """));

    [Fact]
    public Task A_synchronous_delegate_that_may_return_a_running_task_is_still_reported() => Verify.VerifyAnalyzerAsync(Code("""
                var loaded = [|Task.Factory.StartNew(() => { Work(); return Load(); })|];
                loaded.Wait();
                var either = [|Task.Factory.StartNew(() => DateTime.Now.Second == 0 ? Task.CompletedTask : Load())|];
                either.Wait();
        """));

    [Fact]
    public Task A_var_outer_task_passed_to_WaitAll_is_reported_naming_the_wait_and_its_line() => Verify.VerifyAnalyzerAsync(Code("""
                var work = {|#0:Task.Factory.StartNew(async () => await Task.Yield())|};
                Task.WaitAll(new[] { work }, TimeSpan.FromSeconds(5));

                var unwrapped = Task.Factory.StartNew(async () => await Task.Yield()).Unwrap();
                Task.WaitAll(new[] { unwrapped }, TimeSpan.FromSeconds(5));
        """),
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'Task.Factory.StartNew' of an async lambda returns a Task<Task>: Task.WaitAll at line 11 sees only the outer task, not the asynchronous work; add .Unwrap()"));

    [Fact]
    public Task WhenAll_WaitAny_and_WhenAny_of_the_outer_task_are_reported_and_unwrapping_at_the_use_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                var a = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                await Task.WhenAll(a);
                var b = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                Task.WaitAny(b);
                var c = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                await Task.WhenAny(c, Task.Delay(1000));

                var d = Task.Factory.StartNew(async () => await Task.Yield());
                await Task.WhenAll(d.Unwrap());
        """));

    [Fact]
    public Task Wait_on_the_outer_task_is_reported_and_await_await_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                [|Task.Factory.StartNew(async () => await Task.Yield())|].Wait();

                await await Task.Factory.StartNew(async () => await Task.Yield());
        """));

    [Fact]
    public Task GetAwaiter_GetResult_of_the_outer_task_is_reported_and_of_the_inner_task_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                [|Task.Factory.StartNew(async () => await Task.Yield())|].GetAwaiter().GetResult();

                Task.Factory.StartNew(async () => await Task.Yield()).GetAwaiter().GetResult().GetAwaiter().GetResult();
        """));

    [Fact]
    public Task Awaiting_the_outer_task_once_is_reported_and_Task_Run_which_unwraps_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                var work = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                await work;

                var run = Task.Run(async () => await Task.Yield());
                await run;
        """));

    [Fact]
    public Task Checking_IsFaulted_Status_or_Exception_of_the_outer_task_is_reported() => Verify.VerifyAnalyzerAsync(Code("""
                var a = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                if (a.IsFaulted) Console.WriteLine("failed");
                var b = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                Console.WriteLine(b.Status);
                var c = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                Console.WriteLine(c.Exception);

                var d = Task.Factory.StartNew(async () => await Task.Yield()).Unwrap();
                if (d.IsFaulted) Console.WriteLine("failed");
        """));

    [Fact]
    public Task A_Task_typed_local_is_followed_to_its_wait() => Verify.VerifyAnalyzerAsync(Code("""
                Task work = {|#0:Task.Factory.StartNew(async () => await Task.Yield())|};
                work.Wait();
        """),
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'Task.Factory.StartNew' of an async lambda returns a Task<Task>: .Wait() at line 11 sees only the outer task, not the asynchronous work; add .Unwrap()"));

    [Fact]
    public Task Returning_the_outer_task_as_a_Task_is_reported_and_returning_the_Task_of_Task_is_fine() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            static Task Start()
            {
                var work = {|#0:Task.Factory.StartNew(async () => await Task.Yield())|};
                return work;
            }

            static Task<Task> StartNested() => Task.Factory.StartNew(async () => await Task.Yield());
        }
        """,
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'Task.Factory.StartNew' of an async lambda returns a Task<Task>: the conversion to Task at line 8 sees only the outer task, not the asynchronous work; unwrap it before it is used"));

    [Fact]
    public Task ContinueWith_of_an_async_lambda_is_reported_and_its_Unwrap_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                [|antecedent.ContinueWith(async _ => await Task.Yield())|].Wait();

                antecedent.ContinueWith(async _ => await Task.Yield()).Unwrap().Wait();
        """));

    [Fact]
    public Task A_TaskFactory_instance_is_reported_like_Task_Factory() => Verify.VerifyAnalyzerAsync(Code("""
                var work = {|#0:factory.StartNew(async () => await Task.Yield())|};
                work.Wait();
        """),
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'TaskFactory.StartNew' of an async lambda returns a Task<Task>: .Wait() at line 11 sees only the outer task, not the asynchronous work; add .Unwrap()"));

    [Fact]
    public Task An_async_method_group_is_reported_and_a_synchronous_one_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                {|#0:Task.Factory.StartNew(LoadAsync)|}.Wait();

                Task.Factory.StartNew(Work).Wait();
        """),
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'Task.Factory.StartNew' of async method 'LoadAsync' returns a Task<Task>: .Wait() at line 10 sees only the outer task, not the asynchronous work; add .Unwrap()"));

    [Fact]
    public Task A_lambda_returning_a_task_without_async_is_reported_and_Task_Run_of_it_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                {|#0:Task.Factory.StartNew(() => Load())|}.Wait();

                Task.Run(() => Load()).Wait();
        """),
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'Task.Factory.StartNew' of a lambda returning a task returns a Task<Task>: .Wait() at line 10 sees only the outer task, not the asynchronous work; add .Unwrap()"));

    [Fact]
    public Task A_list_of_outer_tasks_waited_together_is_reported() => Verify.VerifyAnalyzerAsync(Code("""
                var tasks = new List<Task>();
                tasks.Add([|Task.Factory.StartNew(async () => await Task.Yield())|]);
                Task.WaitAll(tasks.ToArray());
        """));

    [Fact]
    public Task An_outer_task_never_used_as_the_work_is_not_this_rules_business() => Verify.VerifyAnalyzerAsync(Code("""
                Task.Factory.StartNew(async () => await Task.Yield());
                _ = Task.Factory.StartNew(async () => await Task.Yield());
        """));

    [Fact]
    public Task A_Task_of_Task_used_deliberately_is_fine() => Verify.VerifyAnalyzerAsync(Code("""
                var outer = Task.Factory.StartNew(async () => await Task.Yield());
                var inner = await outer;
                await inner;

                var started = Task.Factory.StartNew(async () => await Task.Yield());
                started.Result.Wait();
        """));

    [Fact]
    public Task New_Task_of_an_async_lambda_runs_it_as_async_void_and_gets_no_fix() => Verify.VerifyNoCodeFixAsync(Code("""
                var work = {|#0:new Task(async () => await Task.Yield())|};
                work.Start();
                work.Wait();
        """),
        Verify.Diagnostic().WithLocation(0).WithMessage(
            "'new Task' of an async lambda runs it as async void: .Wait() at line 12 sees only the outer task, not the asynchronous work; start the work with Task.Run, which unwraps"));

    [Fact]
    public Task An_outer_task_kept_in_a_Task_of_Task_local_is_reported_but_not_fixed() => Verify.VerifyNoCodeFixAsync(Code("""
                Task<Task> work = [|Task.Factory.StartNew(async () => await Task.Yield())|];
                work.Wait();
        """));

    // ---- one cause, one report: the race and dispose symptoms stay silent ----

    private const string Repro = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Program
        {
            public static int Run()
            {
                int result = 0;
                using var done = new ManualResetEventSlim();
                var work = [|Task.Factory.StartNew(async () => { await Task.Delay(10); result = 42; done.Set(); })|];
                Task.WaitAll(new[] { work }, TimeSpan.FromSeconds(5));
                if (work.IsFaulted) throw work.Exception!;
                return result;
            }
        }
        """;

    private const string ReproFixed = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Program
        {
            public static int Run()
            {
                int result = 0;
                using var done = new ManualResetEventSlim();
                var work = Task.Factory.StartNew(async () => { await Task.Delay(10); result = 42; done.Set(); }).Unwrap();
                Task.WaitAll(new[] { work }, TimeSpan.FromSeconds(5));
                if (work.IsFaulted) throw work.Exception!;
                return result;
            }
        }
        """;

    [Fact]
    public async Task The_issue_repro_gets_one_SCOPE024_and_nothing_else()
    {
        var diagnostics = await ProgramRunner.AllAnalyzerDiagnosticsAsync(Repro);
        Assert.Equal(["SCOPE024"], diagnostics.Select(d => d.Id));
    }

    [Fact]
    public Task The_issue_repro_is_fixed_by_Unwrap() => Verify.VerifyCodeFixAsync(Repro, ReproFixed);

    [Fact]
    public void The_fixed_repro_computes_42()
    {
        Assert.Equal(42, ProgramRunner.Run(ReproFixed));
    }

    [Fact]
    public async Task A_race_that_remains_after_the_unwrap_is_still_reported()
    {
        var diagnostics = await ProgramRunner.AllAnalyzerDiagnosticsAsync(Code("""
                int count = 0;
                var work = Task.Factory.StartNew(async () => { await Task.Yield(); count++; });
                count++;
                work.Wait();
                Console.WriteLine(count);
        """));
        Assert.Contains("SCOPE024", diagnostics.Select(d => d.Id));
        Assert.Contains(diagnostics, d => d.Id is "SCOPE002" or "SCOPE010" && d.GetMessage().StartsWith("'count'"));
    }

    [Fact]
    public async Task Two_nested_starts_writing_one_variable_still_race_with_each_other()
    {
        var diagnostics = await ProgramRunner.AllAnalyzerDiagnosticsAsync(Code("""
                int count = 0;
                var a = Task.Factory.StartNew(async () => { await Task.Yield(); count++; });
                var b = Task.Factory.StartNew(async () => { await Task.Yield(); count++; });
                Task.WaitAll(a, b);
                Console.WriteLine(count);
        """));
        Assert.Equal(2, diagnostics.Count(d => d.Id == "SCOPE024"));
        Assert.Contains(diagnostics, d => d.Id == "SCOPE010" && d.GetMessage().StartsWith("'count'"));
    }

    [Fact]
    public async Task A_read_after_the_wait_of_an_unwrapped_start_is_silent()
    {
        var diagnostics = await ProgramRunner.AllAnalyzerDiagnosticsAsync(Code("""
                int count = 0;
                var work = Task.Factory.StartNew(async () => { await Task.Yield(); count++; }).Unwrap();
                work.Wait();
                Console.WriteLine(count);
        """));
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    // ---- the fix ----

    private const string LostFailure = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static int Run()
            {
                var work = [|Task.Factory.StartNew(async () => { await Task.Yield(); throw new InvalidOperationException("boom"); })|];
                try
                {
                    work.Wait();
                    return work.IsFaulted ? 1 : 0;
                }
                catch (AggregateException e) when (e.InnerException is InvalidOperationException)
                {
                    return 1;
                }
            }
        }
        """;

    private const string LostFailureFixed = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static int Run()
            {
                var work = Task.Factory.StartNew(async () => { await Task.Yield(); throw new InvalidOperationException("boom"); }).Unwrap();
                try
                {
                    work.Wait();
                    return work.IsFaulted ? 1 : 0;
                }
                catch (AggregateException e) when (e.InnerException is InvalidOperationException)
                {
                    return 1;
                }
            }
        }
        """;

    [Fact]
    public Task The_fix_makes_the_wait_see_the_works_exception() => Verify.VerifyCodeFixAsync(LostFailure, LostFailureFixed);

    [Fact]
    public void The_outer_task_loses_the_exception_and_the_unwrapped_one_throws_it()
    {
        Assert.Equal(0, ProgramRunner.Run(LostFailure));
        Assert.Equal(1, ProgramRunner.Run(LostFailureFixed));
    }

    [Fact]
    public Task The_fix_keeps_token_options_and_scheduler_and_works_for_instances_and_ContinueWith() => Verify.VerifyCodeFixAsync(Code("""
                var a = [|Task.Factory.StartNew(async () => await Task.Yield(), CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default)|];
                a.Wait();
                var b = [|factory.StartNew(async () => await Task.Yield())|];
                await b;
                [|antecedent.ContinueWith(async _ => await Task.Yield(), TaskScheduler.Default)|].Wait();
        """), Code("""
                var a = Task.Factory.StartNew(async () => await Task.Yield(), CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).Unwrap();
                a.Wait();
                var b = factory.StartNew(async () => await Task.Yield()).Unwrap();
                await b;
                antecedent.ContinueWith(async _ => await Task.Yield(), TaskScheduler.Default).Unwrap().Wait();
        """));

    private const string Several = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static int Run()
            {
                int left = 0, right = 0;
                var a = [|Task.Factory.StartNew(async () => { await Task.Delay(5); left = 40; })|];
                var b = [|Task.Factory.StartNew(async () => { await Task.Delay(5); right = 2; })|];
                Task.WaitAll(a, b);
                return left + right;
            }
        }
        """;

    private const string SeveralFixed = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static int Run()
            {
                int left = 0, right = 0;
                var a = Task.Factory.StartNew(async () => { await Task.Delay(5); left = 40; }).Unwrap();
                var b = Task.Factory.StartNew(async () => { await Task.Delay(5); right = 2; }).Unwrap();
                Task.WaitAll(a, b);
                return left + right;
            }
        }
        """;

    // The harness applies the fix one diagnostic at a time and Fix All in document, project and solution scope.
    [Fact]
    public Task Fix_All_unwraps_every_start() => Verify.VerifyCodeFixAsync(Several, SeveralFixed);

    [Fact]
    public void The_program_fixed_by_Fix_All_computes_42()
    {
        Assert.Equal(42, ProgramRunner.Run(SeveralFixed));
    }

    [Fact]
    public Task Fix_All_in_a_second_project_unwraps_there_too() => new Verify.Test
    {
        TestCode = Several,
        SecondProjectSources = { Several.Replace("class Program", "class Program2") },
        FixedCode = SeveralFixed,
        FixedSecondProjectSources = { SeveralFixed.Replace("class Program", "class Program2") },
    }.RunAsync();

    public static TheoryData<string> WholePrograms => new() { Repro, LostFailure, Several };

    [Theory, MemberData(nameof(WholePrograms))]
    public Task The_analyzer_survives_every_prefix(string source) =>
        IncompleteCode.VerifyNoAnalyzerExceptionsAsync<NestedTaskAnalyzer>(Markup.Parse(source).Text);
}
