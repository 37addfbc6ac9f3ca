using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>The diagnostics of one project: those of the analyzers and those of the compiler.</summary>
internal sealed record ProjectDiagnostics(ImmutableArray<Diagnostic> Analyzer, ImmutableArray<Diagnostic> Compiler);

/// <summary>
/// Runs analyzers the way the compiler does (CompilationWithAnalyzers, concurrent, with the project's
/// analyzer config options) and turns any analyzer exception into a test failure carrying the exception.
/// </summary>
internal static class AnalyzerRunner
{
    // A code-fix test analyzes the same project snapshot several times (input check, each fix loop,
    // each Fix All scope); snapshots are immutable, so the result is remembered per snapshot.
    private static readonly ConditionalWeakTable<Project, ConcurrentDictionary<DiagnosticAnalyzer[], Task<ProjectDiagnostics>>> s_cache = new();

    public static Task<ProjectDiagnostics> AnalyzeAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var key = ImmutableCollectionsMarshal.AsArray(analyzers)!;
        return s_cache.GetOrCreateValue(project).GetOrAdd(key, _ => AnalyzeUncachedAsync(project, analyzers));
    }

    private static async Task<ProjectDiagnostics> AnalyzeUncachedAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = await project.GetCompilationAsync().ConfigureAwait(false)
            ?? throw new InvalidOperationException("The project has no compilation.");
        var analyzerDiagnostics = await AnalyzeAsync(compilation, analyzers, project.AnalyzerOptions).ConfigureAwait(false);
        return new ProjectDiagnostics(analyzerDiagnostics, compilation.GetDiagnostics());
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(
        Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
    {
        var exceptions = new ConcurrentQueue<string>();
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            options,
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);

        // AD0001 is how the driver reports an analyzer failure when no callback sees it; treat it alike.
        foreach (var failure in diagnostics.Where(d => d.Id is "AD0001" or "AD0002"))
        {
            exceptions.Enqueue(failure.ToString());
        }

        if (!exceptions.IsEmpty)
        {
            throw new AnalyzerFailedException(
                "An analyzer threw (AD0001); analyzers must never throw:" + Environment.NewLine + string.Join(Environment.NewLine, exceptions));
        }

        return diagnostics;
    }
}

/// <summary>Thrown when an analyzer throws while the harness runs it.</summary>
internal sealed class AnalyzerFailedException(string message) : Xunit.Sdk.XunitException(message);
