using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>Every analyzer of the package, as a build runs them together, and one-document projects to run them on.</summary>
internal static class PackageAnalyzers
{
    /// <summary>An instance of every exported analyzer of the package, ordered by name.</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> All = [.. typeof(UnscopedCaptureAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];

    /// <summary>A library project holding <paramref name="source"/> (markup allowed) as its one document, referencing ScopeSafety.</summary>
    public static Document Document(AdhocWorkspace workspace, string source)
    {
        var settings = new CompilationSettings(OutputKind.DynamicallyLinkedLibrary, LanguageVersion.Latest, AllowUnsafe: true, ReferenceScopeSafety: true, EditorConfig: null);
        var solution = TestSolution.Create(workspace, settings, TestSolution.Parse([[source]]));
        return solution.Projects.Single().Documents.Single();
    }
}
