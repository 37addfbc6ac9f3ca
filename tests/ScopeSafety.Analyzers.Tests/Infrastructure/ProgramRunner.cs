using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// Compiles a test project as a program and runs its entry point (a Main or top-level statements) in a collectible
/// load context, returning what it wrote to the console. Console output is process-wide, so runs take turns.
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
}
