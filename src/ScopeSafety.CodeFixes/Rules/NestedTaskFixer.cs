using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using ScopeSafety.Analyzers;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE024: <c>Task.Factory.StartNew(async () => …, …)</c> becomes <c>Task.Factory.StartNew(async () => …, …).Unwrap()</c>
    /// (likewise a TaskFactory instance and ContinueWith): the arguments, options, scheduler and token stay, and every
    /// use of the task now waits for the asynchronous work. Offered only where the analyzer found that all uses take the
    /// unwrapped task (its Fix property); <c>new Task(async …)</c> gets no fix, since its Start needs the outer task.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NestedTaskFixer)), Shared]
    public sealed class NestedTaskFixer : ScopeCodeFixProvider
    {
        /// <summary>The equivalence key of the fix.</summary>
        public const string UnwrapKey = "SCOPE024_Unwrap";

        /// <summary>Creates the fixer.</summary>
        public NestedTaskFixer()
            : base(RuleIds.NestedTaskUsedAsWork)
        {
        }

        private protected override Task RegisterAsync(FixRequest request)
        {
            foreach (var diagnostic in request.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != NestedTaskAnalyzer.UnwrapFix)
                {
                    continue;
                }

                var start = request.NodeAt(diagnostic.Location.SourceSpan) as InvocationExpressionSyntax;
                if (start == null || start.Span != diagnostic.Location.SourceSpan || !UnwrapBinds(request.Model, start))
                {
                    continue;
                }

                request.Offer("Unwrap the task, so that its uses wait for the asynchronous work", ct => AddUnwrap(request.Document, start, ct), UnwrapKey, diagnostic);
            }

            return Task.CompletedTask;
        }

        /// <summary>The extension method TaskExtensions.Unwrap must be in scope (a using of System.Threading.Tasks).</summary>
        private static bool UnwrapBinds(SemanticModel model, InvocationExpressionSyntax start)
        {
            var unwrapped = Unwrapped(start);
            var symbol = model.GetSpeculativeSymbolInfo(start.SpanStart, unwrapped, SpeculativeBindingOption.BindAsExpression).Symbol as IMethodSymbol;
            return symbol is { Name: "Unwrap" } && (symbol.ReducedFrom ?? symbol).ContainingType?.ToDisplayString() == "System.Threading.Tasks.TaskExtensions";
        }

        private static InvocationExpressionSyntax Unwrapped(InvocationExpressionSyntax start) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, start.WithoutTrivia(), SyntaxFactory.IdentifierName("Unwrap")));

        private static async Task<Document> AddUnwrap(Document document, InvocationExpressionSyntax start, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var unwrapped = Unwrapped(start).WithTriviaFrom(start).WithAdditionalAnnotations(Formatter.Annotation);
            return document.WithSyntaxRoot(root!.ReplaceNode(start, unwrapped));
        }
    }
}
