using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests;

/// <summary>Runs <see cref="UnscopedCaptureAnalyzer"/> directly on a compilation, for assertions the verifier does not make.</summary>
internal static class AnalyzerRun
{
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Test",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: $"/0/Test{i}.cs")),
            TestReferences.Get(referenceScopeSafety: true),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));

    /// <summary>The analyzer's diagnostics on <paramref name="source"/>, which must compile.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(string source)
    {
        var compilation = Compile(source);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Empty(errors);
        return await compilation.WithAnalyzers([new UnscopedCaptureAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }
}
