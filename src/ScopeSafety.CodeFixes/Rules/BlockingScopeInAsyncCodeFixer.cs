using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.Analyzers;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE021: task.Join() becomes await task; a statement Scope.Run(scope => …) whose body joins becomes
    /// await Scope.RunAsync(async scope => …) with those joins awaited.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingScopeInAsyncCodeFixer)), Shared]
    public sealed class BlockingScopeInAsyncCodeFixer : CodeFixProvider
    {
        /// <summary>The equivalence key of task.Join() → await task.</summary>
        public const string AwaitTaskKey = "SCOPE021_AwaitTask";

        /// <summary>The equivalence key of Scope.Run → await Scope.RunAsync.</summary>
        public const string RunAsyncKey = "SCOPE021_RunAsync";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.BlockingScopeInAsyncCode);

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
                if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) ||
                    !(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax invocation) ||
                    !(invocation.Expression is MemberAccessExpressionSyntax access))
                {
                    continue;
                }

                if (fix == BlockingScopeInAsyncCodeAnalyzer.AwaitTaskFix && invocation.ArgumentList.Arguments.Count == 0)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create("Await the task instead of blocking on Join()", ct => AwaitTaskAsync(context.Document, invocation, ct), AwaitTaskKey),
                        diagnostic);
                }
                else if (fix == BlockingScopeInAsyncCodeAnalyzer.RunAsyncFix && invocation.Parent is ExpressionStatementSyntax)
                {
                    var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
                    if (model != null && Body(invocation) is LambdaExpressionSyntax body && !body.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) &&
                        DirectJoins(body, model, context.CancellationToken).Any())
                    {
                        context.RegisterCodeFix(
                            CodeAction.Create("Use 'await Scope.RunAsync' and await the joins", ct => RunAsyncAsync(context.Document, invocation, ct), RunAsyncKey),
                            diagnostic);
                    }
                }
            }
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
            var awaited = SyntaxFactory.AwaitExpression(rewritten.WithoutLeadingTrivia())
                .WithLeadingTrivia(invocation.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            return document.WithSyntaxRoot(root!.ReplaceNode(invocation, awaited));
        }

        /// <summary>await task, in parentheses where the join's value is used further (await task).Member.</summary>
        private static ExpressionSyntax Awaited(SyntaxNode node, SyntaxNode? parent)
        {
            var join = (InvocationExpressionSyntax)node;
            var receiver = ((MemberAccessExpressionSyntax)join.Expression).Expression.WithoutTrivia();
            ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(receiver);
            if (parent is MemberAccessExpressionSyntax || parent is ElementAccessExpressionSyntax ||
                parent is ConditionalAccessExpressionSyntax || parent is InvocationExpressionSyntax || parent is PostfixUnaryExpressionSyntax)
            {
                awaited = SyntaxFactory.ParenthesizedExpression(awaited);
            }

            return awaited.WithTriviaFrom(join);
        }

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
