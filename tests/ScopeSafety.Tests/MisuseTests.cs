using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ScopeSafety.Tests;

/// <summary>Guarantee 4: misuse fails loudly, at run time or at compile time.</summary>
public class MisuseTests
{
    [Fact]
    public void Spawn_on_a_finished_scope_throws_InvalidOperationException() => Bounded.Run(() =>
    {
        Scope? escaped = null;
        Scope.Run(scope => escaped = scope);

        var error = Assert.Throws<InvalidOperationException>(() => escaped!.Spawn(() => { }));
        Assert.Contains("finished", error.Message);
        Assert.Throws<InvalidOperationException>(() => escaped!.Spawn(() => 1));
        Assert.Throws<InvalidOperationException>(() => escaped!.Spawn(_ => { }));
    });

    [Fact]
    public void Spawn_from_another_thread_after_the_scope_finished_throws() => Bounded.Run(() =>
    {
        Scope? escaped = null;
        Scope.Run(scope => escaped = scope);

        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => escaped!.Spawn(() => { })));
        thread.Start();
        thread.Join();

        Assert.IsType<InvalidOperationException>(error);
    });

    [Theory]
    [InlineData("scope.Spawn(async () => await Task.Yield());")]
    [InlineData("scope.Spawn(async () => { await Task.Yield(); return 42; });")]
    [InlineData("scope.Spawn(async s => await Task.Yield());")]
    [InlineData("scope.Spawn(() => Task.Delay(1));")]
    public void An_async_lambda_given_to_Spawn_is_a_compile_time_error_pointing_to_SpawnAsync(string statement)
    {
        var diagnostics = CompileInsideRun(statement);

        var error = Assert.Single(diagnostics);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains("SpawnAsync", error.GetMessage());
    }

    [Theory]
    [InlineData("Scope.Run(async s => await Task.Yield());")]
    [InlineData("Scope.Run(async s => { await Task.Yield(); return 1; });")]
    public void An_async_lambda_given_to_Run_is_a_compile_time_error_pointing_to_RunAsync(string statement)
    {
        var diagnostics = Compile(statement);

        var error = Assert.Single(diagnostics);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains("RunAsync", error.GetMessage());
    }

    [Fact]
    public void A_lambda_that_can_only_throw_binds_to_the_async_overload_and_a_cast_fixes_it()
    {
        // C# prefers a delegate with a return type for a lambda without a reachable end, exactly as
        // Task.Run(() => throw e) picks Func<Task>. The message says how to write it instead.
        var error = Assert.Single(CompileInsideRun("scope.Spawn(() => throw new Exception());"));
        Assert.Equal("CS0619", error.Id);
        Assert.Contains("(Action)", error.GetMessage());

        Assert.Empty(CompileInsideRun("scope.Spawn((Action)(() => throw new Exception()));"));
    }

    [Theory]
    [InlineData("ScopedTask t = scope.Spawn(() => { });")]
    [InlineData("ScopedTask<int> t = scope.Spawn(() => 42);")]
    [InlineData("ScopedTask<int> t = scope.Spawn(() => int.Parse(\"1\"));")]
    [InlineData("ScopedTask t = scope.Spawn(s => s.Spawn(() => { }));")]
    [InlineData("ScopedTask t = scope.Spawn(s => { s.Cancel(); });")]
    [InlineData("ScopedTask<Task> t = scope.Spawn<Task>(() => Task.CompletedTask);")]
    public void Ordinary_lambdas_pick_the_ordinary_overloads(string statement)
    {
        Assert.Empty(CompileInsideRun(statement));
    }

    [Theory]
    [InlineData("Scope.Run(s => { });")]
    [InlineData("int n = Scope.Run(s => 1);")]
    [InlineData("Scope.Join(() => { }, () => { });")]
    [InlineData("(int a, string b) = Scope.Join(() => 1, () => \"b\");")]
    public void The_static_entry_points_compile_for_ordinary_lambdas(string statement)
    {
        Assert.Empty(Compile(statement));
    }

    private static ImmutableArray<Diagnostic> CompileInsideRun(string statement) =>
        Compile($"Scope.Run(scope => {{ {statement} }});");

    private static ImmutableArray<Diagnostic> Compile(string statements)
    {
        var source = $$"""
            using System;
            using System.Threading.Tasks;
            using ScopeSafety;

            static class Snippet
            {
                static void Main()
                {
                    {{statements}}
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) != Path.GetFileName(typeof(Scope).Assembly.Location))
            .Append(typeof(Scope).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Severity == DiagnosticSeverity.Warning)
            .ToImmutableArray();
    }
}
