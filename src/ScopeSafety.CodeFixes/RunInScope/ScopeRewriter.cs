using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>Applies plans to the original tree: every edit in place, each plan's region replaced by one Scope.Run.</summary>
    internal sealed class ScopeRewriter : CSharpSyntaxRewriter
    {
        private readonly EditSet _edits = new EditSet();
        private readonly Dictionary<BlockSyntax, ScopePlan> _plans = new Dictionary<BlockSyntax, ScopePlan>();

        public ScopeRewriter(IEnumerable<ScopePlan> plans)
        {
            foreach (var plan in plans)
            {
                _plans.Add(plan.Block, plan);
                _edits.AddRange(plan.Edits);
            }
        }

        public override SyntaxNode? Visit(SyntaxNode? node)
        {
            if (node == null)
            {
                return null;
            }

            // A statement outside a block (an if's body, a switch section) that becomes several statements gets braces.
            if (node is StatementSyntax statement && !(node.Parent is BlockSyntax) && _edits.Statements.ContainsKey(statement))
            {
                var statements = RewriteStatement(statement).ToList();
                return statements.Count == 1 ? statements[0] : SyntaxFactory.Block(statements).WithAdditionalAnnotations(Formatter.Annotation);
            }

            var visited = base.Visit(node);
            return visited != null && _edits.Nodes.TryGetValue(node, out var edit) ? edit(visited) : visited;
        }

        public override SyntaxNode? VisitBlock(BlockSyntax node)
        {
            _plans.TryGetValue(node, out var plan);
            var statements = new List<StatementSyntax>();
            var kept = new KeptComments();
            for (var i = 0; i < node.Statements.Count; i++)
            {
                if (plan != null && i == plan.Start)
                {
                    var region = new List<StatementSyntax>();
                    var keptInRegion = new KeptComments();
                    for (; i <= plan.End; i++)
                    {
                        region.AddRange(keptInRegion.Through(node.Statements[i], RewriteStatement(node.Statements[i])));
                    }

                    i--;
                    statements.AddRange(kept.Through(node.Statements[plan.Start], new[] { BuildScopeRun(plan, region, node.Statements[plan.Start], node.Statements[plan.End]) }));
                    kept.Adopt(keptInRegion);
                    continue;
                }

                statements.AddRange(kept.Through(node.Statements[i], RewriteStatement(node.Statements[i])));
            }

            var block = kept.AboveClosingBrace(node.WithStatements(SyntaxFactory.List(statements)));
            if (plan != null && plan.Start < 0)
            {
                // Spawning into the enclosing scope: its parameter is the scope to use.
                block = block.ReplaceNodes(
                    block.GetAnnotatedNodes(SyntaxHelpers.ScopeNameAnnotation),
                    (original, _) => SyntaxFactory.IdentifierName(plan.ScopeName).WithTriviaFrom(original));
            }

            return block;
        }

        private IEnumerable<StatementSyntax> RewriteStatement(StatementSyntax statement)
        {
            var visited = (StatementSyntax)base.Visit(statement)!;
            if (_edits.Nodes.TryGetValue(statement, out var nodeEdit))
            {
                visited = (StatementSyntax)nodeEdit(visited);
            }

            return _edits.Statements.TryGetValue(statement, out var edit) ? edit(visited) : new[] { visited };
        }

        /// <summary>
        /// Scope.Run(scope => { region }); or, when locals declared in the region are used after it,
        /// var x = Scope.Run(scope => { …; return x; }); and var (a, b) = Scope.Run(scope => { …; return (a, b); });
        /// </summary>
        private static StatementSyntax BuildScopeRun(ScopePlan plan, List<StatementSyntax> region, StatementSyntax first, StatementSyntax last)
        {
            // The formatter places each moved statement one level deeper but leaves the inner lines of a multi-line
            // lambda where they were: shift every line of the region by that level so the user's own layout survives.
            var indentation = IndentationUnit(plan.Block, first);
            var body = region.Select(s => Indent(s, indentation)).ToList();
            if (body.Count > 0)
            {
                body[0] = body[0].WithLeadingTrivia(body[0].GetLeadingTrivia().Where(t => !t.IsKind(SyntaxKind.EndOfLineTrivia) && !t.IsKind(SyntaxKind.WhitespaceTrivia) && !IsComment(t)));
            }

            var escaping = plan.EscapingLocals;
            if (escaping.Count == 1 &&
                body.Count > 0 &&
                body[body.Count - 1] is LocalDeclarationStatementSyntax { Declaration: { Type: { IsVar: true }, Variables: { Count: 1 } } declaration } lastDeclaration &&
                lastDeclaration.Modifiers.Count == 0 && lastDeclaration.UsingKeyword.IsKind(SyntaxKind.None) &&
                declaration.Variables[0].Identifier.ValueText == escaping[0].Name &&
                declaration.Variables[0].Initializer != null &&
                CountReferences(body, escaping[0].Name) == 0)
            {
                // var sum = t.Result; at the end reads best as: var sum = Scope.Run(scope => { …; return t.Join(); });
                body[body.Count - 1] = SyntaxFactory.ReturnStatement(declaration.Variables[0].Initializer!.Value.WithoutTrivia())
                    .WithTriviaFrom(lastDeclaration);
            }
            else if (escaping.Count == 1)
            {
                body.Add(SyntaxFactory.ReturnStatement(SyntaxFactory.IdentifierName(escaping[0].Name)));
            }
            else if (escaping.Count > 1)
            {
                body.Add(SyntaxFactory.ReturnStatement(SyntaxFactory.TupleExpression(
                    SyntaxFactory.SeparatedList(escaping.Select(l => SyntaxFactory.Argument(SyntaxFactory.IdentifierName(l.Name)))))));
            }

            var lambda = SyntaxFactory.SimpleLambdaExpression(
                SyntaxFactory.Parameter(SyntaxFactory.Identifier(plan.ScopeName)),
                SyntaxFactory.Block(body));
            if (plan.IsAsync)
            {
                lambda = lambda.WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            }

            ExpressionSyntax run = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxHelpers.ScopeSafetyName("Scope"), SyntaxFactory.IdentifierName(plan.IsAsync ? "RunAsync" : "Run")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(lambda))));
            if (plan.IsAsync)
            {
                run = SyntaxFactory.AwaitExpression(run);
            }

            StatementSyntax statement;
            var var = SyntaxFactory.IdentifierName("var");
            if (escaping.Count == 0 && region.Count > 0 && region[region.Count - 1] is ReturnStatementSyntax)
            {
                statement = SyntaxFactory.ReturnStatement(run);
            }
            else if (escaping.Count == 0)
            {
                statement = SyntaxFactory.ExpressionStatement(run);
            }
            else if (escaping.Count == 1)
            {
                statement = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    var,
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(escaping[0].Name)).WithInitializer(SyntaxFactory.EqualsValueClause(run)))));
            }
            else
            {
                var designation = SyntaxFactory.ParenthesizedVariableDesignation(
                    SyntaxFactory.SeparatedList<VariableDesignationSyntax>(escaping.Select(l => SyntaxFactory.SingleVariableDesignation(SyntaxFactory.Identifier(l.Name)))));
                statement = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    SyntaxFactory.DeclarationExpression(var, designation),
                    run));
            }

            var placeholders = statement.GetAnnotatedNodes(SyntaxHelpers.ScopeNameAnnotation).ToList();
            statement = statement.ReplaceNodes(placeholders, (original, _) => SyntaxFactory.IdentifierName(plan.ScopeName).WithTriviaFrom(original));

            // Blank lines and comments above the region stay above the scope; the region's last trailing comment stays inside.
            return statement
                .WithLeadingTrivia(first.GetLeadingTrivia())
                .WithTrailingTrivia(last.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>One level of indentation as this block writes it: its statements' indentation beyond its brace's.</summary>
        private static string IndentationUnit(BlockSyntax block, StatementSyntax statement)
        {
            var text = block.SyntaxTree.GetText();
            var braceLine = text.Lines.GetLineFromPosition(block.OpenBraceToken.SpanStart);
            var statementLine = text.Lines.GetLineFromPosition(statement.SpanStart);
            var braceIndentation = LeadingWhitespace(braceLine.ToString());
            var statementIndentation = LeadingWhitespace(statementLine.ToString());
            return braceLine.LineNumber != statementLine.LineNumber &&
                statementIndentation.Length > braceIndentation.Length &&
                statementIndentation.StartsWith(braceIndentation, StringComparison.Ordinal) &&
                statementLine.Start + statementIndentation.Length == statement.SpanStart
                ? statementIndentation.Substring(braceIndentation.Length)
                : "    ";
        }

        /// <summary>
        /// The comments above statements an edit removes (a thread's declaration, a setter of IsBackground), moved onto
        /// the next statement written (or the block's closing brace), so that the user's words stay with the code.
        /// </summary>
        private sealed class KeptComments
        {
            private readonly List<SyntaxTrivia> _pending = new List<SyntaxTrivia>();

            public IEnumerable<StatementSyntax> Through(StatementSyntax original, IEnumerable<StatementSyntax> rewritten)
            {
                var written = rewritten.ToList();
                if (written.Count == 0)
                {
                    Keep(original.GetLeadingTrivia());
                }
                else if (_pending.Count > 0)
                {
                    written[0] = written[0].WithLeadingTrivia(TakePending().Concat(written[0].GetLeadingTrivia().SkipWhile(t => t.IsKind(SyntaxKind.EndOfLineTrivia))));
                }

                return written;
            }

            public BlockSyntax AboveClosingBrace(BlockSyntax block) =>
                _pending.Count == 0
                    ? block
                    : block.WithCloseBraceToken(block.CloseBraceToken.WithLeadingTrivia(TakePending().Concat(block.CloseBraceToken.LeadingTrivia)));

            // Comments left over at the end of a scope's region go below the scope.
            public void Adopt(KeptComments region) => _pending.AddRange(region.TakePending());

            // The trivia up to the end of the last comment's line; the indentation of the removed statement stays behind.
            private void Keep(SyntaxTriviaList trivia)
            {
                var last = -1;
                for (var i = 0; i < trivia.Count; i++)
                {
                    if (IsComment(trivia[i]))
                    {
                        last = i;
                    }
                }

                if (last < 0)
                {
                    return;
                }

                var end = last + 1;
                while (end < trivia.Count && !trivia[end].IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    end++;
                }

                _pending.AddRange(trivia.Take(end));
                _pending.Add(end < trivia.Count ? trivia[end] : SyntaxFactory.ElasticCarriageReturnLineFeed);
            }

            private List<SyntaxTrivia> TakePending()
            {
                var taken = new List<SyntaxTrivia>(_pending);
                _pending.Clear();
                return taken;
            }
        }

        private static string LeadingWhitespace(string line) => line.Substring(0, line.Length - line.TrimStart(' ', '\t').Length);

        /// <summary>
        /// Adds one level of indentation to every line of the statement: the whitespace that starts a line, and the
        /// inner lines of block comments. Blank lines, preprocessor lines and the text of string literals stay as they are.
        /// </summary>
        private static StatementSyntax Indent(StatementSyntax statement, string unit)
        {
            var replacements = new Dictionary<SyntaxToken, SyntaxToken>();
            var firstToken = statement.GetFirstToken();

            // True while nothing but line breaks came since the last line break: the next text starts the line.
            var lineStart = true;
            foreach (var token in statement.DescendantTokens())
            {
                var leading = new List<SyntaxTrivia>();
                var changed = false;
                foreach (var trivia in token.LeadingTrivia)
                {
                    var next = trivia;
                    if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
                    {
                        if (lineStart && !trivia.HasAnnotation(SyntaxAnnotation.ElasticAnnotation))
                        {
                            next = SyntaxFactory.Whitespace(trivia.ToString() + unit);
                        }
                    }
                    else if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                    {
                        if (lineStart)
                        {
                            leading.Add(SyntaxFactory.Whitespace(unit));
                            changed = true;
                        }

                        if (trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                        {
                            next = SyntaxFactory.Comment(InnerLines.Replace(trivia.ToString(), "$1" + unit));
                        }
                    }

                    changed |= next != trivia;
                    leading.Add(next);
                    lineStart = trivia.IsKind(SyntaxKind.EndOfLineTrivia) ||
                        trivia.HasStructure && trivia.ToFullString().EndsWith("\n", StringComparison.Ordinal);
                }

                // Code at the very start of a line; the statement's own first line is the formatter's to place.
                if (lineStart && token != firstToken)
                {
                    leading.Add(SyntaxFactory.Whitespace(unit));
                    changed = true;
                }

                if (changed)
                {
                    replacements[token] = token.WithLeadingTrivia(leading);
                }

                lineStart = token.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia);
            }

            return replacements.Count == 0 ? statement : statement.ReplaceTokens(replacements.Keys, (original, _) => replacements[original]);
        }

        /// <summary>A line break inside a block comment followed by more text on the next line.</summary>
        private static readonly Regex InnerLines = new Regex(@"(\r?\n)(?=[^\r\n])");

        private static bool IsComment(SyntaxTrivia trivia) =>
            trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia) ||
            trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia);

        private static int CountReferences(List<StatementSyntax> body, string name) =>
            body.Take(body.Count - 1).Sum(s => s.DescendantTokens().Count(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name));
    }
}
