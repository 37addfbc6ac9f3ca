using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>
/// Verifies the diagnostics of <typeparamref name="TAnalyzer"/> on C# sources; same call shapes as
/// Microsoft.CodeAnalysis.CSharp.Analyzer.Testing's verifier of the same name.
/// </summary>
public static class CSharpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>An expected diagnostic of the analyzer's only descriptor (throws when it has several).</summary>
    public static DiagnosticResult Diagnostic() => Descriptors.Single<TAnalyzer>();

    /// <summary>An expected diagnostic of the analyzer's descriptor with this id, at its default severity.</summary>
    public static DiagnosticResult Diagnostic(string id) => Descriptors.ById<TAnalyzer>(id);

    /// <summary>An expected diagnostic of this descriptor, at its default severity.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor.Id, descriptor.DefaultSeverity);

    /// <summary>Fails unless the analyzer reports exactly the marked-up and the given diagnostics on <paramref name="source"/>.</summary>
    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>The object-initialiser form, for several documents, .editorconfig or other options.</summary>
    public class Test : AnalyzerTest
    {
        /// <inheritdoc/>
        protected override IEnumerable<DiagnosticAnalyzer> GetAnalyzers() => [new TAnalyzer()];
    }
}

/// <summary>Looks up an analyzer's descriptors for the <c>Diagnostic(…)</c> factories.</summary>
internal static class Descriptors
{
    public static DiagnosticResult Single<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var descriptors = new TAnalyzer().SupportedDiagnostics;
        if (descriptors.Length != 1)
        {
            throw new InvalidOperationException(
                $"{typeof(TAnalyzer).Name} supports {descriptors.Length} diagnostics ({string.Join(", ", descriptors.Select(d => d.Id))}); use Diagnostic(id).");
        }

        return new DiagnosticResult(descriptors[0].Id, descriptors[0].DefaultSeverity);
    }

    public static DiagnosticResult ById<TAnalyzer>(string id)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var descriptor = new TAnalyzer().SupportedDiagnostics.FirstOrDefault(d => d.Id == id)
            ?? throw new InvalidOperationException($"{typeof(TAnalyzer).Name} does not support diagnostic {id}.");
        return new DiagnosticResult(descriptor.Id, descriptor.DefaultSeverity);
    }
}
