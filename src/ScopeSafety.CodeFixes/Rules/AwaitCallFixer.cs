using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using ScopeSafety.Analyzers;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE003 on an asynchronous call that the analyzer marked (Fix = <see cref="UnawaitedCalls.AwaitFix"/>, or
    /// <see cref="UnawaitedCalls.AwaitFixLeavingContext"/> for <c>ConfigureAwait(false)</c>): the call is awaited where it
    /// is made, so what it was handed is disposed only once it has finished. <c>call;</c> or <c>_ = call;</c> at the end
    /// of a block of an async function becomes <c>await call;</c>; <c>return call;</c>, the only return of a method or
    /// local function that returns a task, becomes <c>return await call…;</c> (for Task and ValueTask <c>await …;</c>,
    /// then <c>return;</c> unless it ends the body) in a function made async.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitCallFixer)), Shared]
    public sealed class AwaitCallFixer : ScopeCodeFixProvider
    {
        /// <summary>The equivalence key of the fix.</summary>
        public const string AwaitKey = "SCOPE003_Await";

        /// <summary>Creates the fixer.</summary>
        public AwaitCallFixer()
            : base(RuleIds.DisposedWhileUnscopedWorkMayRun)
        {
        }

        private protected override async Task RegisterAsync(FixRequest request)
        {
            // Several diagnostics on one call (it was handed two disposed objects) get one action for all of them.
            var marked = request.Diagnostics.Where(d => d.AdditionalLocations.Count > 0 && FixOf(d) is UnawaitedCalls.AwaitFix or UnawaitedCalls.AwaitFixLeavingContext);
            foreach (var group in marked.GroupBy(d => d.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceSpan))
            {
                var leavesContext = FixOf(group.First()) == UnawaitedCalls.AwaitFixLeavingContext;
                if (!(request.NodeAt(group.Key) is InvocationExpressionSyntax call) || call.Span != group.Key ||
                    !(Rewrite(request.Root, call, request.Model, leavesContext) is { } rewritten))
                {
                    continue;
                }

                var changed = request.Document.WithSyntaxRoot(rewritten);
                if (!await FixPipeline.AddsErrorsAsync(request.Document, changed, request.CancellationToken).ConfigureAwait(false))
                {
                    request.OfferCleanedUp("Await the call before what it uses is disposed", changed, AwaitKey, group.ToImmutableArray());
                }
            }
        }

        private static string? FixOf(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) ? fix : null;

        private static SyntaxNode? Rewrite(SyntaxNode root, InvocationExpressionSyntax call, SemanticModel model, bool leavesContext)
        {
            ExpressionSyntax value = call;
            while (value.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                value = parenthesized;
            }

            var statement = value.Parent as StatementSyntax ??
                            (value.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier: { ValueText: "_" } } } discard ? discard.Parent as StatementSyntax : null);
            switch (statement)
            {
                case ExpressionStatementSyntax forgotten:
                {
                    var awaited = SyntaxFactory.ExpressionStatement(Await(call, leavesContext)).WithTriviaFrom(forgotten).WithAdditionalAnnotations(Formatter.Annotation);
                    return root.ReplaceNode(forgotten, awaited);
                }

                case ReturnStatementSyntax returned:
                {
                    var function = returned.Ancestors().FirstOrDefault(IsFunction);
                    if (!(function is MethodDeclarationSyntax || function is LocalFunctionStatementSyntax) || !(model.GetDeclaredSymbol(function) is IMethodSymbol method))
                    {
                        return null;
                    }

                    var awaited = Await(call, leavesContext);
                    StatementSyntax[] replacement = method.ReturnType is INamedTypeSymbol { IsGenericType: true }
                        ? new StatementSyntax[] { SyntaxFactory.ReturnStatement(awaited) }
                        : EndsBody(returned, function)
                            ? new StatementSyntax[] { SyntaxFactory.ExpressionStatement(awaited) }
                            : new StatementSyntax[] { SyntaxFactory.ExpressionStatement(awaited), SyntaxFactory.ReturnStatement() };
                    replacement = replacement.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToArray();
                    SyntaxNode rewritten;
                    if (returned.Parent is BlockSyntax)
                    {
                        replacement[0] = replacement[0].WithLeadingTrivia(returned.GetLeadingTrivia());
                        replacement[replacement.Length - 1] = replacement[replacement.Length - 1].WithTrailingTrivia(returned.GetTrailingTrivia());
                        rewritten = function.ReplaceNode(returned, replacement);
                    }
                    else
                    {
                        // An embedded statement (if (fast) return …;) holds the two statements in a block of its own.
                        rewritten = function.ReplaceNode(returned, SyntaxFactory.Block(replacement).WithTriviaFrom(returned).WithAdditionalAnnotations(Formatter.Annotation));
                    }

                    return root.ReplaceNode(function, MadeAsync(rewritten));
                }

                default:
                    return null;
            }
        }

        private static bool IsFunction(SyntaxNode node) =>
            node is MethodDeclarationSyntax || node is LocalFunctionStatementSyntax || node is AnonymousFunctionExpressionSyntax || node is AccessorDeclarationSyntax;

        private static AwaitExpressionSyntax Await(InvocationExpressionSyntax call, bool leavesContext)
        {
            ExpressionSyntax awaited = call.WithoutTrivia();
            if (leavesContext)
            {
                awaited = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, awaited, SyntaxFactory.IdentifierName("ConfigureAwait")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
            }

            return SyntaxFactory.AwaitExpression(awaited);
        }

        // The return ends the function's body: it is the last statement of each block (or using) around it, so falling
        // off the end after the await returns as well.
        private static bool EndsBody(ReturnStatementSyntax returned, SyntaxNode function)
        {
            var body = function is MethodDeclarationSyntax method ? method.Body : ((LocalFunctionStatementSyntax)function).Body;
            for (SyntaxNode node = returned; node != body; node = node.Parent!)
            {
                var last = node.Parent is UsingStatementSyntax { Statement: var inner } ? inner == node
                    : node.Parent is BlockSyntax block && block.Statements.Last() == node;
                if (!last)
                {
                    return false;
                }
            }

            return true;
        }

        private static SyntaxNode MadeAsync(SyntaxNode function)
        {
            var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            switch (function)
            {
                case MethodDeclarationSyntax method when method.Modifiers.Count > 0:
                    return method.AddModifiers(asyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.WithReturnType(method.ReturnType.WithoutLeadingTrivia()).AddModifiers(asyncKeyword.WithLeadingTrivia(method.ReturnType.GetLeadingTrivia()));
                case LocalFunctionStatementSyntax local when local.Modifiers.Count > 0:
                    return local.AddModifiers(asyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.WithReturnType(local.ReturnType.WithoutLeadingTrivia()).AddModifiers(asyncKeyword.WithLeadingTrivia(local.ReturnType.GetLeadingTrivia()));
                default:
                    return function;
            }
        }
    }
}
