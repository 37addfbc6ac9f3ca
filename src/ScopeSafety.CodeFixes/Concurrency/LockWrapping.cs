using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ScopeSafety.CodeFixes.Concurrency
{
    /// <summary>What the lock fixes share: which statement a use is wrapped in, and writing the <c>lock</c> around it.</summary>
    internal static class LockWrapping
    {
        /// <summary>Wraps a statement (or a void lambda's expression body, or a member's, see <see cref="WrapTarget"/>) in <c>lock (lockName) { … }</c>.</summary>
        public static SyntaxNode Wrap(SyntaxNode original, string lockName, string endOfLine)
        {
            if (original is MemberDeclarationSyntax or AccessorDeclarationSyntax)
            {
                return LockedArrowMember(original, lockName);
            }

            if (original is LambdaExpressionSyntax { ExpressionBody: { } body } lambda)
            {
                // x => list.Add(x)  becomes  x => { lock (list) { list.Add(x); } }, laid out on lines like a person would
                // (the formatter leaves a lambda block where it starts, so the indentation is written here).
                var indent = IndentationOf(lambda);
                var unit = indent.Contains("\t") ? "\t" : "    ";
                var text = endOfLine + indent + "{" + endOfLine +
                           indent + unit + "lock (" + lockName + ")" + endOfLine +
                           indent + unit + "{" + endOfLine +
                           indent + unit + unit + body.WithoutTrivia().ToFullString() + ";" + endOfLine +
                           indent + unit + "}" + endOfLine +
                           indent + "}";
                var block = ((BlockSyntax)SyntaxFactory.ParseStatement(text)).WithTrailingTrivia(body.GetTrailingTrivia());
                return lambda.WithArrowToken(lambda.ArrowToken.WithTrailingTrivia()).WithExpressionBody(null).WithBlock(block);
            }

            var statement = (StatementSyntax)original;
            if (statement.Parent is StatementSyntax parent && !(parent is BlockSyntax) && OnOneLine(parent.SpanStart, statement.SpanStart, statement))
            {
                // if (found) list.Add(x); — a lock written after the if on its line would open its braces below it:
                // the lock gets braces of its own around it instead.
                var locked = LockAround(new[] { statement.WithoutTrivia() }, lockName).WithoutTrivia();
                return SyntaxFactory.Block(locked)
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
            }

            return LockAround(new[] { statement }, lockName);
        }

        /// <summary>
        /// <c>lock (lockName) { … }</c> around a run of adjacent statements, keeping the line breaks between them and the
        /// trivia around the run.
        /// </summary>
        public static LockStatementSyntax LockAround(IReadOnlyList<StatementSyntax> run, string lockName) =>
            SyntaxFactory.LockStatement(
                    SyntaxFactory.ParseExpression(lockName),
                    SyntaxFactory.Block(run.Select((s, i) => i == run.Count - 1 ? s.WithoutLeadingTrivia().WithoutTrailingTrivia() : s.WithoutLeadingTrivia())))
                .WithLeadingTrivia(run[0].GetLeadingTrivia())
                .WithTrailingTrivia(run[run.Count - 1].GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);

        /// <summary>A field that locks always the same object: readonly, and of a reference type.</summary>
        public static bool IsStableLockField(IFieldSymbol field) => field.IsReadOnly && !field.Type.IsValueType;

        private static bool OnOneLine(int first, int second, SyntaxNode node)
        {
            var lines = node.SyntaxTree.GetText().Lines;
            return lines.GetLineFromPosition(first).LineNumber == lines.GetLineFromPosition(second).LineNumber;
        }

        /// <summary>The whitespace that starts the line holding <paramref name="node"/>.</summary>
        private static string IndentationOf(SyntaxNode node)
        {
            var text = node.SyntaxTree.GetText();
            var line = text.Lines.GetLineFromPosition(node.SpanStart);
            var indentation = new System.Text.StringBuilder();
            for (var i = line.Start; i < line.End && (text[i] == ' ' || text[i] == '\t'); i++)
            {
                indentation.Append(text[i]);
            }

            return indentation.ToString();
        }

        /// <summary>
        /// The whole statement holding the use (an expression statement, a <c>return</c> in a block, or a <c>foreach</c> over
        /// the object), a void lambda's expression body, or a member whose expression body holds it
        /// (<see cref="ArrowMember"/>); null when none.
        /// </summary>
        public static SyntaxNode? WrapTarget(IdentifierNameSyntax use)
        {
            foreach (var ancestor in use.Ancestors())
            {
                switch (ancestor)
                {
                    case ExpressionStatementSyntax statement:
                        return statement.Parent is BlockSyntax || statement.Parent is StatementSyntax ? statement : null;
                    case ReturnStatementSyntax { Expression: { } value } statement when statement.Parent is BlockSyntax && !(value is RefExpressionSyntax):
                        return statement;
                    case ExpressionSyntax expression when expression.Parent is LambdaExpressionSyntax lambda && lambda.ExpressionBody == expression:
                        return expression is InvocationExpressionSyntax || expression is AssignmentExpressionSyntax ? lambda : null;
                    case ArrowExpressionClauseSyntax arrow:
                        return ArrowMember(arrow);
                    case ForEachStatementSyntax loop when loop.Expression.Span.Contains(use.Span):
                        // foreach (var v in counts.Values): the whole loop reads the object, so the lock holds the loop.
                        return loop.Parent is BlockSyntax && loop.AwaitKeyword.IsKind(SyntaxKind.None) &&
                               !loop.DescendantNodes().Any(n => n is YieldStatementSyntax || n is AwaitExpressionSyntax)
                            ? loop
                            : null;
                    case StatementSyntax _:
                    case AnonymousFunctionExpressionSyntax _:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// The method, property, indexer or accessor whose expression body is <paramref name="arrow"/>, when a lock can
        /// hold that body: not async, no await or lambda in it, no <c>ref</c> return; null otherwise.
        /// </summary>
        public static SyntaxNode? ArrowMember(ArrowExpressionClauseSyntax arrow) =>
            arrow.Parent is MethodDeclarationSyntax or PropertyDeclarationSyntax or IndexerDeclarationSyntax or AccessorDeclarationSyntax &&
            !(arrow.Expression is RefExpressionSyntax) &&
            !arrow.DescendantNodes().Any(n => n is AwaitExpressionSyntax || n is AnonymousFunctionExpressionSyntax) &&
            !(arrow.Parent is MethodDeclarationSyntax { Modifiers: var modifiers } && modifiers.Any(SyntaxKind.AsyncKeyword))
                ? arrow.Parent
                : null;

        /// <summary>
        /// A member of <see cref="ArrowMember"/> with its expression body turned into a block under the lock:
        /// <c>{ lock (o) { return e; } }</c>, or <c>{ lock (o) { e; } }</c> where nothing is returned.
        /// </summary>
        public static SyntaxNode LockedArrowMember(SyntaxNode member, string lockText)
        {
            var arrow = member switch
            {
                MethodDeclarationSyntax method => method.ExpressionBody!,
                PropertyDeclarationSyntax property => property.ExpressionBody!,
                IndexerDeclarationSyntax indexer => indexer.ExpressionBody!,
                _ => ((AccessorDeclarationSyntax)member).ExpressionBody!,
            };
            var returnsValue = member switch
            {
                MethodDeclarationSyntax method => !(method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword }),
                AccessorDeclarationSyntax accessor => accessor.IsKind(SyntaxKind.GetAccessorDeclaration),
                _ => true,
            };
            var expression = arrow.Expression.WithoutTrivia();
            StatementSyntax inner = returnsValue ? SyntaxFactory.ReturnStatement(expression) : SyntaxFactory.ExpressionStatement(expression);
            var body = SyntaxFactory.Block(SyntaxFactory.LockStatement(SyntaxFactory.ParseExpression(lockText), SyntaxFactory.Block(inner))).WithAdditionalAnnotations(Formatter.Annotation);
            var trailing = member.GetTrailingTrivia();
            SyntaxNode rewritten = member switch
            {
                MethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body),
                PropertyDeclarationSyntax property => property.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithAccessorList(SyntaxFactory.AccessorList(SyntaxFactory.SingletonList(SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, body)))),
                IndexerDeclarationSyntax indexer => indexer.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithAccessorList(SyntaxFactory.AccessorList(SyntaxFactory.SingletonList(SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, body)))),
                _ => ((AccessorDeclarationSyntax)member).WithExpressionBody(null).WithSemicolonToken(default).WithBody(body),
            };
            return rewritten.WithAdditionalAnnotations(Formatter.Annotation).WithTrailingTrivia(trailing);
        }

        public static bool InsideAnyLock(SyntaxNode wrap) =>
            (!(wrap is AnonymousFunctionExpressionSyntax) &&
             wrap.Ancestors().TakeWhile(a => !(a is AnonymousFunctionExpressionSyntax || a is MemberDeclarationSyntax)).OfType<LockStatementSyntax>().Any()) ||
            wrap.DescendantNodes().OfType<LockStatementSyntax>().Any();

    }
}
