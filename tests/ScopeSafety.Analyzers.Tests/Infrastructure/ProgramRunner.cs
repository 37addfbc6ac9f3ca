using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// Compiles a test program (markup removed) with the harness's references and runs it, so that a test can show that
/// a fix keeps the program computing the right answer; and runs every analyzer of the package on it. A project with an
/// entry point (a Main or top-level statements) runs as a program, and what it writes to the console is returned
/// (console output is process-wide, so such runs take turns).
/// </summary>
internal static class ProgramRunner
{
    private static readonly SemaphoreSlim s_console = new(1, 1);

    /// <summary>The project compiled as a console application, when it has an entry point; otherwise null.</summary>
    public static async Task<Compilation?> AsProgramAsync(Project project)
    {
        var compilation = await project.GetCompilationAsync().ConfigureAwait(false);
        if (compilation is null)
        {
            return null;
        }

        var program = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        return program.GetEntryPoint(CancellationToken.None) is null ? null : program;
    }

    /// <summary>Emits the program (failing with the compiler's errors) and returns its console output, line endings as "\n".</summary>
    public static async Task<string> RunAsync(Compilation program)
    {
        using var image = new MemoryStream();
        var emitted = program.Emit(image);
        Assert.True(emitted.Success, "The program does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, emitted.Diagnostics));

        var context = new AssemblyLoadContext("Program" + Guid.NewGuid().ToString("N"), isCollectible: true);
        await s_console.WaitAsync().ConfigureAwait(false);
        var original = Console.Out;
        using var output = new StringWriter();
        try
        {
            image.Position = 0;
            var entryPoint = context.LoadFromStream(image).EntryPoint!;
            Console.SetOut(output);
            var arguments = entryPoint.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() };
            var result = entryPoint.Invoke(null, arguments);
            if (result is Task task)
            {
                await task.ConfigureAwait(false);
            }
        }
        catch (TargetInvocationException failure) when (failure.InnerException is not null)
        {
            Assert.Fail("The program threw: " + failure.InnerException);
        }
        finally
        {
            Console.SetOut(original);
            s_console.Release();
            context.Unload();
        }

        return output.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Compiles <paramref name="source"/> (markup removed) and returns what the static Program.Run() returns.</summary>
    public static object? Run(string source) => Invoke(Markup.Parse(source).Text, "Program", "Run");

    /// <summary>Compiles <paramref name="source"/> into a collectible context and calls the static <paramref name="type"/>.<paramref name="method"/>.</summary>
    public static object? Invoke(string source, string type, string method, params object?[] arguments)
    {
        var compilation = Compile(source);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));

        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        try
        {
            image.Position = 0;
            return context.LoadFromStream(image).GetType(type)!.GetMethod(method)!.Invoke(null, arguments);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The diagnostics of all the package's analyzers on <paramref name="source"/> (markup removed), which must compile.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AllAnalyzerDiagnosticsAsync(string source)
    {
        var compilation = Compile(Markup.Parse(source).Text);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var analyzers = typeof(NestedTaskAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        return await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
    }

    private static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create(
            "Program" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            TestReferences.Get(referenceScopeSafety: true),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
}
