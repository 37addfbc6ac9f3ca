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
using Microsoft.CodeAnalysis.Formatting;
using ScopeSafety.Analyzers;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE012 "Capture a per-iteration copy": declares <c>var iCopy = i;</c> in the loop body just before the statement
    /// that starts the work, and makes the work use the copy. Not offered when the work writes the loop variable
    /// (a copy would change what the loop sees) or when the work is a method group.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LoopVariableCopyFixer)), Shared]
    public sealed class LoopVariableCopyFixer : SingleActionRaceFixer
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE012_CopyLoopVariable";

        /// <summary>Creates the fixer.</summary>
        public LoopVariableCopyFixer()
            : base(RuleIds.LoopVariableCapturedByConcurrentWork)
        {
        }

        private protected override string Key => EquivalenceKey;

        private protected override string Title(string variable) => "Capture a per-iteration copy of '" + variable + "'";

        /// <summary>One copy to declare: the loop variable, the statement it goes before, the work that uses it.</summary>
        private sealed class Plan
        {
            public Plan(ILocalSymbol variable, StatementSyntax anchor, SyntaxNode work, List<IdentifierNameSyntax> uses)
            {
                Variable = variable;
                Anchor = anchor;
                Work = work;
                Uses = uses;
            }

            public ILocalSymbol Variable { get; }

            public StatementSyntax Anchor { get; }

            public SyntaxNode Work { get; }

            public List<IdentifierNameSyntax> Uses { get; }
        }

        private protected override async Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var plans = new List<Plan>();
            foreach (var diagnostic in diagnostics)
            {
                var plan = PlanFor(root, model, diagnostic, cancellationToken);
                if (plan != null && !plans.Any(p => p.Work == plan.Work && SymbolEqualityComparer.Default.Equals(p.Variable, plan.Variable)))
                {
                    plans.Add(plan);
                }
            }

            if (plans.Count == 0)
            {
                return null;
            }

            // One copy per (statement, variable): two lambdas of one statement share it.
            var names = new Dictionary<(StatementSyntax, ILocalSymbol), string>();
            var taken = new HashSet<string>();
            var renames = new Dictionary<SyntaxNode, SyntaxNode>();
            var inserts = new Dictionary<StatementSyntax, List<StatementSyntax>>();
            var endOfLine = FixPipeline.EndOfLine(root);
            foreach (var plan in plans)
            {
                var key = (plan.Anchor, plan.Variable);
                if (!names.TryGetValue(key, out var copy))
                {
                    copy = FreeName(model, plan.Anchor, plan.Variable.Name + "Copy", taken);
                    names.Add(key, copy);
                    var declaration = SyntaxFactory.ParseStatement("var " + copy + " = " + plan.Variable.Name + ";" + endOfLine)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    if (!inserts.TryGetValue(plan.Anchor, out var list))
                    {
                        list = new List<StatementSyntax>();
                        inserts.Add(plan.Anchor, list);
                    }

                    list.Add(declaration);
                }

                foreach (var use in plan.Uses)
                {
                    renames[use] = SyntaxFactory.IdentifierName(copy).WithTriviaFrom(use);
                }
            }

            var tracked = root.TrackNodes(inserts.Keys.Cast<SyntaxNode>().Concat(renames.Keys));
            foreach (var rename in renames)
            {
                var current = tracked.GetCurrentNode(rename.Key);
                if (current != null)
                {
                    tracked = tracked.ReplaceNode(current, rename.Value);
                }
            }

            foreach (var insert in inserts)
            {
                var anchor = tracked.GetCurrentNode(insert.Key);
                if (anchor == null)
                {
                    return null;
                }

                tracked = InsertBefore(tracked, anchor, insert.Value, endOfLine);
            }

            return await FixPipeline.FinishAsync(document, tracked, cancellationToken).ConfigureAwait(false);
        }

        private static SyntaxNode InsertBefore(SyntaxNode root, StatementSyntax anchor, List<StatementSyntax> declarations, string endOfLine)
        {
            if (anchor.Parent is BlockSyntax)
            {
                // Comments above the statement now sit above the copy; the statement keeps its indentation.
                var leading = anchor.GetLeadingTrivia();
                var indentation = leading.Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
                var list = new List<StatementSyntax> { declarations[0].WithLeadingTrivia(leading) };
                list.AddRange(declarations.Skip(1));
                list.Add(anchor.WithLeadingTrivia(indentation));
                return root.ReplaceNode(anchor, list);
            }

            // An embedded statement (for (...) Task.Run(...);): wrap it in a block that declares the copy first.
            var statements = new List<StatementSyntax>(declarations) { anchor.WithoutLeadingTrivia() };
            var block = SyntaxFactory.Block(statements)
                .WithLeadingTrivia(anchor.GetLeadingTrivia())
                .WithTrailingTrivia(anchor.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            return root.ReplaceNode(anchor, block);
        }

        private static Plan? PlanFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.AdditionalLocations.Count == 0 ||
                !(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is IdentifierNameSyntax name) ||
                !(model.GetSymbolInfo(name, cancellationToken).Symbol is ILocalSymbol variable))
            {
                return null;
            }

            var loop = variable.DeclaringSyntaxReferences.Length == 1
                ? variable.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).FirstAncestorOrSelf<ForStatementSyntax>()
                : null;
            var spawn = root.FindNode(diagnostic.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceSpan, getInnermostNodeForTie: true);
            if (loop == null || !loop.Statement.Span.Contains(spawn.Span))
            {
                return null;
            }

            // The work: the anonymous function inside the spawn that holds the reported use.
            var work = name.Ancestors().OfType<AnonymousFunctionExpressionSyntax>().LastOrDefault(f => spawn.Span.Contains(f.Span));
            if (work == null)
            {
                return null;
            }

            var uses = new List<IdentifierNameSyntax>();
            foreach (var reference in work.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (reference.Identifier.ValueText != variable.Name || !RaceFixes.Refers(model, reference, variable, cancellationToken))
                {
                    continue;
                }

                var operation = model.GetOperation(reference, cancellationToken);
                if (operation == null || ScopeSafety.Analyzers.Spawns.AccessCollector.Kind(operation).Write)
                {
                    return null;
                }

                uses.Add(reference);
            }

            // The copy goes before the nearest statement inside the loop body that holds the work.
            StatementSyntax? anchor = null;
            foreach (var statement in work.Ancestors().OfType<StatementSyntax>())
            {
                if (!loop.Statement.Span.Contains(statement.Span))
                {
                    break;
                }

                if (statement.Parent is BlockSyntax || statement == loop.Statement)
                {
                    anchor = statement;
                    break;
                }
            }

            if (anchor == null || anchor is BlockSyntax)
            {
                return null;
            }

            return uses.Count == 0 ? null : new Plan(variable, anchor, work, uses);
        }

        private static string FreeName(SemanticModel model, SyntaxNode at, string wanted, HashSet<string> taken)
        {
            var name = wanted;
            for (var i = 2; model.LookupSymbols(at.SpanStart, name: name).Length > 0 || !taken.Add(name); i++)
            {
                name = wanted + i;
            }

            return name;
        }
    }
}
