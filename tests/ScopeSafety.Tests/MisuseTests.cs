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
    [InlineData("scope.Spawn(() => throw new InvalidOperationException());")]
    [InlineData("ScopedTask<int> t = scope.Spawn<int>(() => throw new InvalidOperationException());")]
    [InlineData("scope.Spawn(s => throw new InvalidOperationException());")]
    [InlineData("ScopedTask<int> t = scope.Spawn<int>(s => throw new InvalidOperationException());")]
    public void A_lambda_that_can_only_throw_compiles_as_it_is_written(string statement)
    {
        // With no async overloads on the synchronous Spawn (SCOPE023 catches async lambdas instead), a
        // lambda without a reachable end binds to Action or to Func<T> with T given: no cast needed.
        Assert.Empty(CompileInsideRun(statement));
    }

    [Theory]
    [InlineData("Scope.Run(s => { s.Spawn(() => { }); throw new InvalidOperationException(); });")]
    [InlineData("Scope.Run(s => throw new InvalidOperationException());")]
    [InlineData("Scope.Run(s => throw new InvalidOperationException(), System.Threading.CancellationToken.None);")]
    [InlineData("int n = Scope.Run<int>(s => throw new InvalidOperationException());")]
    public void A_body_that_can_only_throw_compiles_as_it_is_written(string statement)
    {
        Assert.Empty(Compile(statement));
    }

    [Theory]
    [InlineData("ScopedTask<int> t = scope.Spawn(inner => 42);")]
    [InlineData("ScopedTask<int> t = scope.Spawn(inner => inner.Spawn(() => 1).Join() + 1);")]
    [InlineData("ScopedTask t = scope.SpawnAsync(async () => await Task.Yield());")]
    [InlineData("ScopedTask t = scope.SpawnAsync(async token => await Task.Delay(1, token));")]
    [InlineData("ScopedTask<int> t = scope.SpawnAsync(async () => { await Task.Yield(); return 42; });")]
    [InlineData("ScopedTask<int> t = scope.SpawnAsync(async token => { await Task.Delay(1, token); return 42; });")]
    [InlineData("ScopedTask t = scope.SpawnAsync(() => throw new InvalidOperationException());")]
    public void The_result_and_async_overloads_bind_from_ordinary_lambdas(string statement)
    {
        Assert.Empty(CompileInsideRun(statement));
    }

    [Theory]
    [InlineData("Task t = Scope.RunAsync(async s => await Task.Yield());")]
    [InlineData("Task<int> t = Scope.RunAsync(async s => { await Task.Yield(); return 1; });")]
    [InlineData("Task t = Scope.RunAsync(async s => { await s.Spawn(() => { }); await s.SpawnAsync(async () => await Task.Yield()); }, System.Threading.CancellationToken.None);")]
    [InlineData("Task<int> t = Scope.RunAsync(async s => await s.SpawnAsync(async () => { await Task.Yield(); return 42; }));")]
    [InlineData("Task t = Scope.RunAsync(s => throw new InvalidOperationException());")]
    public void RunAsync_binds_from_ordinary_async_lambdas(string statement)
    {
        Assert.Empty(Compile(statement));
    }

    [Fact]
    public void ScopedTask_does_not_show_the_thread_pool_interface_or_other_internals()
    {
        // What IntelliSense offers on a ScopedTask: no IThreadPoolWorkItem, no Execute, no public constructor.
        Assert.DoesNotContain(typeof(IThreadPoolWorkItem), typeof(ScopedTask).GetInterfaces());
        Assert.DoesNotContain(typeof(IThreadPoolWorkItem), typeof(ScopedTask<int>).GetInterfaces());
        Assert.Empty(typeof(ScopedTask).GetConstructors());
        Assert.Empty(typeof(ScopedTask<int>).GetConstructors());
        Assert.DoesNotContain(
            typeof(Scope).GetMethods(),
            method => method.IsDefined(typeof(ObsoleteAttribute), inherit: false));
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
            using System.Linq;
            using System.Threading;
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
