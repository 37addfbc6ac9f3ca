using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<ScopeSafety.Analyzers.AsyncWorkInSynchronousScopeAnalyzer, ScopeSafety.CodeFixes.AsyncWorkInSynchronousScopeFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE023: async work handed to the synchronous Spawn/Run/Join, which would end the scope at its first await.</summary>
public class AsyncWorkInSynchronousScopeTests
{
    /// <summary>A class C with a field 'done', a method M() (with <paramref name="modifiers"/>) whose body is <paramref name="body"/>, and WorkAsync, FireAsync and Work to hand over.</summary>
    internal static string Code(string body, string modifiers = "") => $$"""
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            int done;

            {{modifiers}} void M()
            {
        {{body}}
            }

            static async Task WorkAsync() => await Task.Yield();
            static async void FireAsync() => await Task.Yield();
            static void Work() { }
        }
        """;

    [Fact]
    public async Task An_async_lambda_handed_to_Spawn_is_an_error_and_becomes_SpawnAsync()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    Scope.Run(scope =>
                    {
                        scope.Spawn({|SCOPE023:async () => { await Task.Yield(); done = 1; }|});
                    });
            """),
            Code("""
                    Scope.Run(scope =>
                    {
                        scope.SpawnAsync(async () => { await Task.Yield(); done = 1; });
                    });
            """));
    }

    [Fact]
    public async Task A_synchronous_lambda_handed_to_Spawn_is_fine()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    Scope.Run(scope =>
                    {
                        scope.Spawn(() => done = 1);
                        scope.Spawn(() => throw new InvalidOperationException());
                        scope.Spawn(Work);
                        var t = scope.Spawn<Task>(() => Task.CompletedTask);
                    });
            """));
    }

    [Fact]
    public async Task An_async_lambda_cast_to_Action_is_an_error_and_the_fix_drops_the_cast()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    Scope.Run(scope =>
                    {
                        scope.Spawn({|SCOPE023:(Action)(async () => { await Task.Yield(); done = 1; })|});
                    });
            """),
            Code("""
                    Scope.Run(scope =>
                    {
                        scope.SpawnAsync(async () => { await Task.Yield(); done = 1; });
                    });
            """));
    }

    [Fact]
    public async Task A_delegate_local_holding_an_async_lambda_is_an_error_without_a_fix()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    Action work = async () => { await Task.Yield(); done = 1; };
                    Scope.Run(scope => scope.Spawn({|SCOPE023:work|}));
            """),
            Code("""
                    Action work = async () => { await Task.Yield(); done = 1; };
                    Scope.Run(scope => scope.Spawn({|SCOPE023:work|}));
            """));
    }

    [Fact]
    public async Task The_message_names_the_delegate_the_api_and_the_replacement()
    {
        await Verify.VerifyAnalyzerAsync(
            Code("""
                    Action work = async () => { await Task.Yield(); done = 1; };
                    Scope.Run(scope => scope.Spawn({|#0:work|}));
                    Scope.Run(scope => scope.Spawn({|#1:WorkAsync|}));
            """),
            Verify.Diagnostic("SCOPE023").WithLocation(0).WithArguments("The delegate 'work', an async lambda,", "Scope.Spawn", "SpawnAsync"),
            Verify.Diagnostic("SCOPE023").WithLocation(1).WithArguments("An async method 'WorkAsync'", "Scope.Spawn", "SpawnAsync"));
    }

    [Fact]
    public async Task A_delegate_local_holding_a_synchronous_lambda_is_fine()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    Action work = () => done = 1;
                    Scope.Run(scope => scope.Spawn(work));
            """));
    }

    [Fact]
    public async Task An_async_method_group_is_an_error_and_becomes_SpawnAsync()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    Scope.Run(scope => scope.Spawn({|SCOPE023:WorkAsync|}));
            """),
            Code("""
                    Scope.Run(scope => scope.SpawnAsync(WorkAsync));
            """));
    }

    [Fact]
    public async Task An_async_void_method_group_is_an_error_without_a_fix()
    {
        var code = Code("""
                    Scope.Run(scope => scope.Spawn({|SCOPE023:FireAsync|}));
            """);
        await Verify.VerifyCodeFixAsync(code, code);
    }

    [Fact]
    public async Task Work_whose_inferred_result_is_a_task_is_an_error_but_an_explicit_task_result_is_not()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    Scope.Run(scope =>
                    {
                        scope.Spawn({|SCOPE023:() => Task.Delay(10)|});
                        ScopedTask<Task> explicitly = scope.Spawn<Task>(() => Task.Delay(10));
                    });
            """));
    }

    [Fact]
    public async Task An_async_body_handed_to_Run_in_an_async_method_becomes_await_RunAsync()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    await Task.Yield();
                    Scope.Run({|SCOPE023:async scope => { await Task.Yield(); done = 1; }|});
            """, "async").Replace("async void M", "async Task M"),
            Code("""
                    await Task.Yield();
                    await Scope.RunAsync(async scope => { await Task.Yield(); done = 1; });
            """, "async").Replace("async void M", "async Task M"));
    }

    [Fact]
    public async Task An_async_body_handed_to_Run_in_a_synchronous_method_is_an_error_without_a_fix()
    {
        var code = Code("""
                    Scope.Run({|SCOPE023:async scope => { await Task.Yield(); done = 1; }|});
            """);
        await Verify.VerifyCodeFixAsync(code, code);
    }

    [Fact]
    public async Task Async_lambdas_handed_to_Scope_Join_are_errors()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    Scope.Join({|SCOPE023:async () => await Task.Yield()|}, () => done = 1);
            """));
    }

    [Fact]
    public async Task SpawnAsync_and_RunAsync_are_what_async_work_should_use()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    await Scope.RunAsync(async scope =>
                    {
                        scope.SpawnAsync(async () => { await Task.Yield(); done = 1; });
                        scope.SpawnAsync(WorkAsync);
                        await scope.SpawnAsync(async token => await Task.Delay(1, token));
                    });
            """, "async").Replace("async void M", "async Task M"));
    }

    [Fact]
    public async Task An_async_lambda_taking_the_scope_is_an_error_without_a_fix()
    {
        // SpawnAsync hands work the token, not the scope: renaming would not compile.
        var code = Code("""
                    Scope.Run(scope => scope.Spawn({|SCOPE023:async inner => { await Task.Yield(); done = 1; }|}));
            """);
        await Verify.VerifyCodeFixAsync(code, code);
    }

    [Fact]
    public async Task A_body_returning_a_task_is_an_error()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    Scope.Run({|SCOPE023:scope => WorkAsync()|});
                    var n = Scope.Run(scope => 42);
            """));
    }

    [Fact]
    public async Task Fix_all_turns_every_async_spawn_into_SpawnAsync()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    Scope.Run(scope =>
                    {
                        scope.Spawn({|SCOPE023:async () => { await Task.Yield(); done = 1; }|});
                        scope.Spawn({|SCOPE023:WorkAsync|});
                        scope.Spawn(() => done = 3);
                    });
            """),
            Code("""
                    Scope.Run(scope =>
                    {
                        scope.SpawnAsync(async () => { await Task.Yield(); done = 1; });
                        scope.SpawnAsync(WorkAsync);
                        scope.Spawn(() => done = 3);
                    });
            """));
    }
}
