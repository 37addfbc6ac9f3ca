using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

// Tiny analyzers and fixers that exist only to prove the harness; not part of the product.
#pragma warning disable RS1036, RS1038, RS1041, RS2008 // test-only analyzers in a test assembly: no release tracking, any target framework

/// <summary>Reports every call of Console.WriteLine (TEST001), with the first argument as additional location.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class WriteLineAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new(
        "TEST001", "Console.WriteLine call", "Call to 'Console.{0}'", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(Analyze, OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod is not { Name: "WriteLine", ContainingType.Name: "Console" })
        {
            return;
        }

        // Our own option key, read the way the product analyzers read theirs.
        var options = context.Options.AnalyzerConfigOptionsProvider.GetOptions(context.Operation.Syntax.SyntaxTree);
        if (options.TryGetValue("harness_test.ignore_writeline", out var ignore) && ignore == "true")
        {
            return;
        }

        var additional = invocation.Arguments.Take(1).Select(a => a.Syntax.GetLocation());
        context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), additional, "WriteLine"));
    }
}

/// <summary>Supports two descriptors and reports nothing.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class TwoRulesAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics =>
        [WriteLineAnalyzer.Rule, new DiagnosticDescriptor("TEST002", "Other", "Other", "Test", DiagnosticSeverity.Info, isEnabledByDefault: true)];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
    }
}

/// <summary>Throws on every invocation, to prove that an analyzer exception fails the test.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ThrowingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [WriteLineAnalyzer.Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(_ => throw new InvalidOperationException("boom from the test analyzer"), OperationKind.Invocation);
    }
}

/// <summary>Throws only once a method body contains an `if` without an else, for the incomplete-code tests.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ThrowsOnMissingElseAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [WriteLineAnalyzer.Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxNodeAction(
            c => _ = ((IfStatementSyntax)c.Node).Else ?? throw new InvalidOperationException("if without else"),
            Microsoft.CodeAnalysis.CSharp.SyntaxKind.IfStatement);
    }
}

/// <summary>
/// Rewrites Console.WriteLine(…) to a fully qualified global::System.Console.Write(…) marked for the
/// Simplifier and Formatter, so the tests also prove that the clean-up of code actions runs.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp), Shared]
internal sealed class WriteLineToWriteFixer : CodeFixProvider
{
    public const string Key = "TEST001_UseWrite";

    public override ImmutableArray<string> FixableDiagnosticIds => ["TEST001"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create("Use Console.Write", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, Rewrite(invocation)))), Key),
            context.Diagnostics);
        context.RegisterCodeFix(
            CodeAction.Create("Discard the call", _ => Task.FromResult(context.Document.WithSyntaxRoot(
                root.ReplaceNode(invocation, SyntaxFactory.ParseExpression("_ = 0").WithTriviaFrom(invocation)))), "TEST001_Discard"),
            context.Diagnostics);
    }

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax invocation) =>
        invocation
            .WithExpression(SyntaxFactory.ParseExpression("global::System.Console.Write").WithTriviaFrom(invocation.Expression)
                .WithAdditionalAnnotations(Simplifier.Annotation))
            .WithArgumentList(SloppilySpaced(invocation.ArgumentList).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation));

    // Deliberately badly spaced: only the Formatter clean-up makes the result match the expected code.
    private static ArgumentListSyntax SloppilySpaced(ArgumentListSyntax arguments) =>
        SyntaxFactory.ParseArgumentList("(   " + string.Join("  ,   ", arguments.Arguments.Select(a => a.ToString())) + "   )");
}

/// <summary>A broken fixer whose result does not compile.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp), Shared]
internal sealed class UncompilableFixer : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ["TEST001"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is InvocationExpressionSyntax invocation)
        {
            context.RegisterCodeFix(
                CodeAction.Create("Break it", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(
                    invocation.Expression, SyntaxFactory.ParseExpression("Console.Writ").WithTriviaFrom(invocation.Expression)))), "break"),
                context.Diagnostics);
        }
    }
}

/// <summary>A fixer that never offers anything.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp), Shared]
internal sealed class NoActionFixer : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ["TEST001"];

    public override FixAllProvider? GetFixAllProvider() => null;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Task.CompletedTask;
}
