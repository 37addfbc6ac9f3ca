using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE010 "Raise the event with one read": <c>if (Changed != null) Changed(this, e);</c> reads the event's field twice,
    /// and a handler removed on another thread between the two reads makes the raise throw; <c>Changed?.Invoke(this, e);</c>
    /// reads it once and does the same otherwise (the arguments are still evaluated only when there is a handler). Every
    /// raise of the event in the file that tests it first is rewritten, so the fix is offered only when each of them is an
    /// <c>if</c> with that test alone, no <c>else</c>, and the raise as its only statement: rewriting only some would leave the race.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RaiseOnceFixer)), Shared]
    public sealed class RaiseOnceFixer : SingleActionRaceFixer
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE010_RaiseOnce";

        /// <summary>Creates the fixer.</summary>
        public RaiseOnceFixer()
            : base(RuleIds.DataRaceOnCapturedVariable)
        {
        }

        private protected override string Key => EquivalenceKey;

        private protected override string Title(string variable) => "Raise '" + variable + "' with one read (?.Invoke)";

        private protected override async Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var events = new HashSet<IEventSymbol>(SymbolEqualityComparer.Default);
            foreach (var diagnostic in diagnostics)
            {
                if (EventOf(root, model, diagnostic, cancellationToken) is { } racing)
                {
                    events.Add(racing);
                }
            }

            if (events.Count == 0)
            {
                return null;
            }

            var rewrites = new Dictionary<IfStatementSyntax, StatementSyntax>();
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (!(model.GetOperation(invocation, cancellationToken) is { } raise) || !(EventRaces.TestedThenRaised(raise) is { } raised) || !events.Contains(raised.Event))
                {
                    continue;
                }

                if (!(RaiseOnce(invocation, raised, model, cancellationToken) is var (test, once)))
                {
                    return null;
                }

                rewrites[test] = once;
            }

            if (rewrites.Count == 0)
            {
                return null;
            }

            var newRoot = root.ReplaceNodes(rewrites.Keys, (original, _) => rewrites[original]);
            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The event raised or emptied at the diagnostic's location or at one of its other locations (the other side).</summary>
        private static IEventSymbol? EventOf(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            foreach (var location in new[] { diagnostic.Location }.Concat(diagnostic.AdditionalLocations))
            {
                if (location.SourceTree != root.SyntaxTree || !root.FullSpan.Contains(location.SourceSpan))
                {
                    continue;
                }

                var operation = model.GetOperation(root.FindNode(location.SourceSpan, getInnermostNodeForTie: true), cancellationToken);
                if (operation != null && (EventRaces.TestedThenRaised(operation) ?? EventRaces.EmptiedBy(operation)) is { } reference)
                {
                    return reference.Event;
                }
            }

            return null;
        }

        /// <summary>
        /// <c>if (E != null) E(args);</c> (or <c>E.Invoke(args)</c>, <c>E is not null</c>, <c>!(E == null)</c>, braces around the one statement) and
        /// what replaces it, <c>E?.Invoke(args);</c>; null for any other shape.
        /// </summary>
        private static (IfStatementSyntax Test, StatementSyntax Once)? RaiseOnce(InvocationExpressionSyntax invocation, IEventReferenceOperation raised, SemanticModel model, CancellationToken cancellationToken)
        {
            if (!(invocation.Parent is ExpressionStatementSyntax statement))
            {
                return null;
            }

            SyntaxNode holder = statement;
            if (holder.Parent is BlockSyntax { Statements: { Count: 1 } } block)
            {
                holder = block;
            }

            // The test as EventRaces reads it (the if's operation: a parenthesised condition has none of its own).
            if (!(holder.Parent is IfStatementSyntax { Else: null } test) || test.Statement != holder ||
                !(model.GetOperation(test, cancellationToken) is IConditionalOperation { Condition: var condition }) || !EventRaces.TestsNotNull(condition, raised))
            {
                return null;
            }

            var target = invocation.Expression is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Invoke" } } } invoke ? invoke.Expression : invocation.Expression;
            var once = SyntaxFactory.ExpressionStatement(
                SyntaxFactory.ConditionalAccessExpression(
                    target.WithoutTrivia(),
                    SyntaxFactory.InvocationExpression(SyntaxFactory.MemberBindingExpression(SyntaxFactory.IdentifierName("Invoke")), invocation.ArgumentList)));
            return (test, once.WithTriviaFrom(test));
        }
    }
}
