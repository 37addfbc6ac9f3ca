using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>
/// Verifies <typeparamref name="TAnalyzer"/>'s diagnostics and <typeparamref name="TCodeFix"/>'s fixes
/// (one by one and Fix All in every scope); same call shapes as Microsoft's verifier of the same name.
/// </summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
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

    /// <summary>Verifies the marked-up diagnostics of <paramref name="source"/> and that fixing them yields <paramref name="fixedSource"/>.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource) => VerifyCodeFixAsync(source, [], fixedSource);

    /// <summary>Verifies the diagnostics (markup plus <paramref name="expected"/>) and that fixing them yields <paramref name="fixedSource"/>.</summary>
    public static Task VerifyCodeFixAsync(string source, DiagnosticResult expected, string fixedSource) =>
        VerifyCodeFixAsync(source, [expected], fixedSource);

    /// <summary>Verifies the diagnostics (markup plus <paramref name="expected"/>) and that fixing them yields <paramref name="fixedSource"/>.</summary>
    public static Task VerifyCodeFixAsync(string source, DiagnosticResult[] expected, string fixedSource)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Verifies the diagnostics of <paramref name="source"/> and that no code action is offered for any of them.</summary>
    public static Task VerifyNoCodeFixAsync(string source, params DiagnosticResult[] expected) =>
        VerifyCodeFixAsync(source, expected, source);

    /// <summary>The object-initialiser form, for several documents, projects, .editorconfig, action selection or Fix All results.</summary>
    public class Test : CodeFixTest
    {
        /// <inheritdoc/>
        protected override IEnumerable<DiagnosticAnalyzer> GetAnalyzers() => [new TAnalyzer()];

        /// <inheritdoc/>
        protected override CodeFixProvider GetCodeFixProvider() => new TCodeFix();
    }
}
