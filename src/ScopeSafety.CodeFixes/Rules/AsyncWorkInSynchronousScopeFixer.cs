using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using ScopeSafety.Analyzers;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE023: scope.Spawn(async () => …) becomes scope.SpawnAsync(async () => …), and a statement
    /// Scope.Run(async scope => …) in an async function becomes await Scope.RunAsync(async scope => …). A cast of the
    /// async lambda to a synchronous delegate goes away with it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncWorkInSynchronousScopeFixer)), Shared]
    public sealed class AsyncWorkInSynchronousScopeFixer : CodeFixProvider
    {
        /// <summary>The equivalence key of Spawn → SpawnAsync.</summary>
        public const string SpawnAsyncKey = "SCOPE023_SpawnAsync";

        /// <summary>The equivalence key of Run → await RunAsync.</summary>
        public const string RunAsyncKey = "SCOPE023_RunAsync";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.AsyncWorkInSynchronousScope);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix))
                {
                    continue;
                }

                var argument = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ArgumentSyntax>();
                if (argument?.Parent?.Parent is not InvocationExpressionSyntax invocation || !(invocation.Expression is MemberAccessExpressionSyntax))
                {
                    continue;
                }

                if (fix == AsyncWorkInSynchronousScopeAnalyzer.SpawnAsyncFix)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Use SpawnAsync, which waits for the async work", ct => Rewrite(context.Document, invocation, "SpawnAsync", awaitIt: false, ct), SpawnAsyncKey),
                        diagnostic);
                }
                else if (fix == AsyncWorkInSynchronousScopeAnalyzer.RunAsyncFix && invocation.Parent is ExpressionStatementSyntax)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Use 'await Scope.RunAsync', which waits for the async body", ct => Rewrite(context.Document, invocation, "RunAsync", awaitIt: true, ct), RunAsyncKey),
                        diagnostic);
                }
            }
        }

        internal static async Task<Document> Rewrite(Document document, InvocationExpressionSyntax invocation, string newName, bool awaitIt, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var access = (MemberAccessExpressionSyntax)invocation.Expression;

            // Type arguments go: Spawn<Task<int>> becomes SpawnAsync<int>, which inference finds.
            var name = SyntaxFactory.IdentifierName(newName).WithTriviaFrom(access.Name);
            var arguments = invocation.ArgumentList.Arguments.Select(a => a.WithExpression(WithoutCast(a.Expression)));
            ExpressionSyntax rewritten = invocation
                .WithExpression(access.WithName(name))
                .WithArgumentList(invocation.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(arguments, invocation.ArgumentList.Arguments.GetSeparators())));
            if (awaitIt)
            {
                rewritten = SyntaxFactory.AwaitExpression(rewritten.WithoutLeadingTrivia())
                    .WithLeadingTrivia(invocation.GetLeadingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
            }

            return document.WithSyntaxRoot(root!.ReplaceNode(invocation, rewritten));
        }

        /// <summary>(Action)(async () => …) → async () => …: the cast is what made the lambda async void.</summary>
        private static ExpressionSyntax WithoutCast(ExpressionSyntax expression)
        {
            var inner = expression;
            while (inner is ParenthesizedExpressionSyntax parenthesized)
            {
                inner = parenthesized.Expression;
            }

            if (!(inner is CastExpressionSyntax cast))
            {
                return expression;
            }

            var operand = cast.Expression;
            while (operand is ParenthesizedExpressionSyntax p)
            {
                operand = p.Expression;
            }

            return operand is AnonymousFunctionExpressionSyntax lambda && lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)
                ? lambda.WithTriviaFrom(expression)
                : expression;
        }
    }
}
