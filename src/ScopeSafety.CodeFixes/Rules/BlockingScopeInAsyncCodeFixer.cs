using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.Analyzers;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE021: task.Join() becomes await task; Scope.Run(scope => …) whose body joins (a statement, a returned or
    /// assigned value, block- or expression-bodied) becomes await Scope.RunAsync(async scope => …) with those joins
    /// awaited: RunAsync&lt;T&gt; yields what Run&lt;T&gt; returned.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingScopeInAsyncCodeFixer)), Shared]
    public sealed class BlockingScopeInAsyncCodeFixer : ScopeCodeFixProvider
    {
        /// <summary>The equivalence key of task.Join() → await task.</summary>
        public const string AwaitTaskKey = "SCOPE021_AwaitTask";

        /// <summary>The equivalence key of Scope.Run → await Scope.RunAsync.</summary>
        public const string RunAsyncKey = "SCOPE021_RunAsync";

        /// <summary>Creates the fixer.</summary>
        public BlockingScopeInAsyncCodeFixer()
            : base(RuleIds.BlockingScopeInAsyncCode)
        {
        }

        private protected override Task RegisterAsync(FixRequest request)
        {
            foreach (var diagnostic in request.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) ||
                    !(request.NodeAt(diagnostic.Location.SourceSpan) is InvocationExpressionSyntax invocation) ||
                    !(invocation.Expression is MemberAccessExpressionSyntax))
                {
                    continue;
                }

                if (fix == BlockingScopeInAsyncCodeAnalyzer.AwaitTaskFix && invocation.ArgumentList.Arguments.Count == 0)
                {
                    request.Offer("Await the task instead of blocking on Join()", ct => AwaitTaskAsync(request.Document, invocation, ct), AwaitTaskKey, diagnostic);
                }
                else if (fix == BlockingScopeInAsyncCodeAnalyzer.RunAsyncFix && !InLock(invocation) &&
                         Body(invocation) is LambdaExpressionSyntax body && !body.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) &&
                         DirectJoins(body, request.Model, request.CancellationToken).Any())
                {
                    request.Offer("Use 'await Scope.RunAsync' and await the joins", ct => RunAsyncAsync(request.Document, invocation, ct), RunAsyncKey, diagnostic);
                }
            }

            return Task.CompletedTask;
        }

        private static async Task<Document> AwaitTaskAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return document.WithSyntaxRoot(root!.ReplaceNode(invocation, Awaited(invocation, invocation.Parent)));
        }

        private static async Task<Document> RunAsyncAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var body = (LambdaExpressionSyntax)Body(invocation)!;
            var joins = DirectJoins(body, model!, cancellationToken).ToList();

            var asyncBody = body.ReplaceNodes(joins, (original, rewritten) => Awaited(rewritten, original.Parent));
            asyncBody = asyncBody
                .WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithLeadingTrivia(body.GetLeadingTrivia());
            var access = (MemberAccessExpressionSyntax)invocation.Expression;
            var rewritten = invocation
                .ReplaceNode(body, asyncBody);
            rewritten = rewritten.WithExpression(((MemberAccessExpressionSyntax)rewritten.Expression).WithName(SyntaxFactory.IdentifierName("RunAsync").WithTriviaFrom(access.Name)));
            var awaited = Parenthesized(SyntaxFactory.AwaitExpression(rewritten.WithoutLeadingTrivia()), invocation.Parent)
                .WithLeadingTrivia(invocation.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            return document.WithSyntaxRoot(root!.ReplaceNode(invocation, awaited));
        }

        /// <summary>await task, in parentheses where the join's value is used further (await task).Member.</summary>
        private static ExpressionSyntax Awaited(SyntaxNode node, SyntaxNode? parent)
        {
            var join = (InvocationExpressionSyntax)node;
            var receiver = ((MemberAccessExpressionSyntax)join.Expression).Expression.WithoutTrivia();
            return Parenthesized(SyntaxFactory.AwaitExpression(receiver), parent).WithTriviaFrom(join);
        }

        /// <summary>The await, in parentheses where its value is used further: (await task).Member, (await task)[i].</summary>
        private static ExpressionSyntax Parenthesized(AwaitExpressionSyntax awaited, SyntaxNode? parent) =>
            parent is MemberAccessExpressionSyntax || parent is ElementAccessExpressionSyntax || parent is ConditionalAccessExpressionSyntax ||
            parent is InvocationExpressionSyntax || parent is PostfixUnaryExpressionSyntax
                ? SyntaxFactory.ParenthesizedExpression(awaited)
                : (ExpressionSyntax)awaited;

        /// <summary>Inside a lock statement of the same function, where await is not allowed (CS1996).</summary>
        private static bool InLock(SyntaxNode node) =>
            node.Ancestors().TakeWhile(n => !(n is AnonymousFunctionExpressionSyntax) && !(n is LocalFunctionStatementSyntax) && !(n is MemberDeclarationSyntax))
                .Any(n => n is LockStatementSyntax);

        private static ExpressionSyntax? Body(InvocationExpressionSyntax invocation) =>
            invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression;

        /// <summary>The ScopedTask Join() calls of the body itself, not of lambdas inside it (those stay synchronous work).</summary>
        private static IEnumerable<InvocationExpressionSyntax> DirectJoins(LambdaExpressionSyntax body, SemanticModel model, CancellationToken cancellationToken)
        {
            var apis = KnownSymbols.Get(model.Compilation);
            if (apis.Runtime.Scope == null)
            {
                yield break;
            }

            foreach (var join in body.Body.DescendantNodesAndSelf(n => !(n is AnonymousFunctionExpressionSyntax) && !(n is LocalFunctionStatementSyntax)).OfType<InvocationExpressionSyntax>())
            {
                if (join.ArgumentList.Arguments.Count == 0 && join.Expression is MemberAccessExpressionSyntax &&
                    model.GetSymbolInfo(join, cancellationToken).Symbol is IMethodSymbol method && RuntimeSymbols.IsIn(apis.Runtime.TaskJoin, method))
                {
                    yield return join;
                }
            }
        }
    }
}
