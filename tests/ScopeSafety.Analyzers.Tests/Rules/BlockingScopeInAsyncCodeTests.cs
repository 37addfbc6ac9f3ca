using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<ScopeSafety.Analyzers.BlockingScopeInAsyncCodeAnalyzer, ScopeSafety.CodeFixes.BlockingScopeInAsyncCodeFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>SCOPE021: Scope.Run and ScopedTask.Join() blocking a thread in async code.</summary>
public class BlockingScopeInAsyncCodeTests
{
    private static string Code(string body, string signature = "async Task M()") => $$"""
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            {{signature}}
            {
        {{body}}
            }
        }
        """;

    [Fact]
    public async Task Join_inside_RunAsync_is_a_warning_and_becomes_await()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    var total = await Scope.RunAsync(async scope =>
                    {
                        var part = scope.SpawnAsync(async () => { await Task.Yield(); return 20; });
                        await Task.Yield();
                        return {|SCOPE021:part.Join()|} + 1;
                    });
            """),
            Code("""
                    var total = await Scope.RunAsync(async scope =>
                    {
                        var part = scope.SpawnAsync(async () => { await Task.Yield(); return 20; });
                        await Task.Yield();
                        return await part + 1;
                    });
            """));
    }

    [Fact]
    public async Task An_expression_bodied_Run_whose_value_is_returned_becomes_await_RunAsync()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    await Task.Yield();
                    return {|SCOPE021:Scope.Run(scope => scope.Spawn(() => 7).Join())|};
            """, "async Task<int> M()"),
            Code("""
                    await Task.Yield();
                    return await Scope.RunAsync(async scope => await scope.Spawn(() => 7));
            """, "async Task<int> M()"));
    }

    [Fact]
    public Task A_Run_in_async_top_level_statements_becomes_await_RunAsync_and_the_program_prints_the_same() => new Verify.Test
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            await Task.Yield();
            Console.WriteLine({|SCOPE021:Scope.Run(scope => scope.Spawn(() => 7).Join())|});
            """,
        FixedCode = """
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            await Task.Yield();
            Console.WriteLine(await Scope.RunAsync(async scope => await scope.Spawn(() => 7)));
            """,
        ExpectedOutput = "7\n",
    }.RunAsync();

    [Fact]
    public async Task A_Run_whose_value_is_used_further_is_awaited_in_parentheses()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    await Task.Yield();
                    return {|SCOPE021:Scope.Run(scope => scope.Spawn(() => 7).Join())|}.ToString();
            """, "async Task<string> M()"),
            Code("""
                    await Task.Yield();
                    return (await Scope.RunAsync(async scope => await scope.Spawn(() => 7))).ToString();
            """, "async Task<string> M()"));
    }

    [Fact]
    public async Task Join_inside_synchronous_work_spawned_from_async_code_is_fine()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    await Scope.RunAsync(async scope =>
                    {
                        var first = scope.Spawn(() => 1);
                        scope.Spawn(() => first.Join() + 1);
                        await Task.Yield();
                    });
            """));
    }

    [Fact]
    public async Task Join_and_Run_in_synchronous_methods_are_fine()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    var sum = Scope.Run(scope => scope.Spawn(() => 1).Join() + scope.Spawn(() => 2).Join());
            """, "void M()"));
    }

    [Fact]
    public async Task Scope_Run_in_an_async_method_becomes_await_RunAsync_with_its_joins_awaited()
    {
        await Verify.VerifyCodeFixAsync(
            Code("""
                    await Task.Yield();
                    {|SCOPE021:Scope.Run(scope =>
                    {
                        var part = scope.Spawn(() => 41);
                        Console.WriteLine(part.Join() + 1);
                    })|};
            """),
            Code("""
                    await Task.Yield();
                    await Scope.RunAsync(async scope =>
                    {
                        var part = scope.Spawn(() => 41);
                        Console.WriteLine(await part + 1);
                    });
            """));
    }

    [Fact]
    public async Task Scope_Run_without_joins_in_an_async_method_is_a_warning_without_a_fix()
    {
        // The body would become an async lambda without an await (CS1998): nothing mechanical keeps the meaning.
        var code = Code("""
                    await Task.Yield();
                    {|SCOPE021:Scope.Run(scope => scope.Spawn(() => { }))|};
            """);
        await Verify.VerifyCodeFixAsync(code, code);
    }

    [Fact]
    public async Task Scope_Run_in_an_async_lambda_is_a_warning()
    {
        await Verify.VerifyAnalyzerAsync(Code("""
                    Func<Task> handler = async () =>
                    {
                        await Task.Yield();
                        {|SCOPE021:Scope.Run(scope => scope.Spawn(() => { }))|};
                    };
                    await handler();
            """));
    }

    [Fact]
    public async Task Join_in_a_non_async_RunAsync_body_is_a_warning_without_a_fix()
    {
        var code = Code("""
                    await Scope.RunAsync(scope =>
                    {
                        {|SCOPE021:scope.Spawn(() => 1).Join()|};
                        return Task.CompletedTask;
                    });
            """);
        await Verify.VerifyCodeFixAsync(code, code);
    }
}
