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
        /// <summary>Wraps a statement (or a void lambda's expression body) in <c>lock (lockName) { … }</c>.</summary>
        public static SyntaxNode Wrap(SyntaxNode original, string lockName, string endOfLine)
        {
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

        /// <summary>The whole statement holding the use, or a void lambda's expression body; null when neither.</summary>
        public static SyntaxNode? WrapTarget(IdentifierNameSyntax use)
        {
            foreach (var ancestor in use.Ancestors())
            {
                switch (ancestor)
                {
                    case ExpressionStatementSyntax statement:
                        return statement.Parent is BlockSyntax || statement.Parent is StatementSyntax ? statement : null;
                    case ExpressionSyntax expression when expression.Parent is LambdaExpressionSyntax lambda && lambda.ExpressionBody == expression:
                        return expression is InvocationExpressionSyntax || expression is AssignmentExpressionSyntax ? lambda : null;
                    case StatementSyntax _:
                    case AnonymousFunctionExpressionSyntax _:
                        return null;
                }
            }

            return null;
        }

        public static bool InsideAnyLock(SyntaxNode wrap) =>
            (!(wrap is AnonymousFunctionExpressionSyntax) &&
             wrap.Ancestors().TakeWhile(a => !(a is AnonymousFunctionExpressionSyntax || a is MemberDeclarationSyntax)).OfType<LockStatementSyntax>().Any()) ||
            wrap.DescendantNodes().OfType<LockStatementSyntax>().Any();

    }
}
