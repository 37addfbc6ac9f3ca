using System.Composition;
using System.Linq;
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
    /// SCOPE023: scope.Spawn(async () => …) and scope.Go(async () => …) become scope.SpawnAsync(async () => …), and a statement
    /// Scope.Run(async scope => …) in an async function becomes await Scope.RunAsync(async scope => …). A cast of the
    /// async lambda to a synchronous delegate goes away with it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncWorkInSynchronousScopeFixer)), Shared]
    public sealed class AsyncWorkInSynchronousScopeFixer : ScopeCodeFixProvider
    {
        /// <summary>The equivalence key of Spawn → SpawnAsync.</summary>
        public const string SpawnAsyncKey = "SCOPE023_SpawnAsync";

        /// <summary>The equivalence key of Run → await RunAsync.</summary>
        public const string RunAsyncKey = "SCOPE023_RunAsync";

        /// <summary>Creates the fixer.</summary>
        public AsyncWorkInSynchronousScopeFixer()
            : base(RuleIds.AsyncWorkInSynchronousScope)
        {
        }

        private protected override Task RegisterAsync(FixRequest request)
        {
            foreach (var diagnostic in request.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix))
                {
                    continue;
                }

                var argument = request.NodeAt(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ArgumentSyntax>();
                if (argument?.Parent?.Parent is not InvocationExpressionSyntax invocation || !(invocation.Expression is MemberAccessExpressionSyntax))
                {
                    continue;
                }

                if (fix == AsyncWorkInSynchronousScopeAnalyzer.SpawnAsyncFix)
                {
                    request.Offer("Use SpawnAsync, which waits for the async work", ct => Rewrite(request.Document, invocation, "SpawnAsync", awaitIt: false, ct), SpawnAsyncKey, diagnostic);
                }
                else if (fix == AsyncWorkInSynchronousScopeAnalyzer.RunAsyncFix && invocation.Parent is ExpressionStatementSyntax)
                {
                    request.Offer("Use 'await Scope.RunAsync', which waits for the async body", ct => Rewrite(request.Document, invocation, "RunAsync", awaitIt: true, ct), RunAsyncKey, diagnostic);
                }
            }

            return Task.CompletedTask;
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
