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
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Symbols;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE010/011 in a type declared thread-safe, "Take the lock the other uses of '_count' take": where every locked use of the
    /// field in the type holds one lock (<c>lock (_gate)</c>; which locks a use holds is the analyzer's answer,
    /// <see cref="Locks.LocksHeld"/>, so a <c>Monitor.Enter</c> pair counts), the uses that hold none are put under it too,
    /// so that all of them exclude each other. Offered only when the field's uses are all in this file, that lock is a readonly field,
    /// <c>this</c> or <c>typeof</c>, and each member's unlocked uses are one statement (an expression statement or a
    /// <c>return</c>), a run of adjacent ones, or an expression body; a use in a condition, a declaration or any other
    /// statement gets no fix, because locking a piece of a check-then-act would silence the race without removing it.
    /// Constructors, <c>Dispose</c> and lambdas, which the rule does not compare, are left as they are.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TakeTheTypesLockFixer)), Shared]
    public sealed class TakeTheTypesLockFixer : SingleActionRaceFixer
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE010_TakeTheTypesLock";

        /// <summary>Creates the fixer.</summary>
        public TakeTheTypesLockFixer()
            : base(RuleIds.DataRaceOnCapturedVariable, RuleIds.NonThreadSafeObjectSharedByConcurrentWork)
        {
        }

        private protected override string Key => EquivalenceKey;

        private protected override string Title(string variable) => "Take the lock the other uses of '" + variable + "' take";

        private protected override async Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var edits = new Dictionary<SyntaxNode, (List<StatementSyntax>? Run, string LockText)>();
            foreach (var diagnostic in diagnostics)
            {
                if (!(PlanFor(root, model, diagnostic, cancellationToken) is { } plan))
                {
                    continue;
                }

                foreach (var target in plan.Targets)
                {
                    edits[target.Node] = (target.Run, plan.LockText);
                }
            }

            // A node inside another one being rewritten is locked by the outer rewrite already.
            var outer = edits.Keys.Where(n => !edits.Keys.Any(o => o != n && o.Span.Contains(n.Span))).ToList();
            if (outer.Count == 0)
            {
                return null;
            }

            var newRoot = root.ReplaceNodes(outer, (original, _) => Rewrite(original, edits[original].Run, edits[original].LockText));
            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>What to put under the lock: a block whose run of statements is wrapped, or a member whose expression body becomes one.</summary>
        private sealed class Plan
        {
            public Plan(string lockText, List<(SyntaxNode Node, List<StatementSyntax>? Run)> targets)
            {
                LockText = lockText;
                Targets = targets;
            }

            public string LockText { get; }

            public List<(SyntaxNode Node, List<StatementSyntax>? Run)> Targets { get; }
        }

        private static Plan? PlanFor(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.OtherSide, out var side) || side != DiagnosticProperties.OtherSideConcurrentMember ||
                !(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is { } node) ||
                !((node as IdentifierNameSyntax ?? node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().FirstOrDefault()) is { } name) ||
                !(model.GetSymbolInfo(name, cancellationToken).Symbol is IFieldSymbol field) ||
                field.ContainingType.DeclaringSyntaxReferences.Any(reference => reference.SyntaxTree != root.SyntaxTree))
            {
                return null;
            }

            var uses = new List<IdentifierNameSyntax>();
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var use in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (use.Identifier.ValueText == field.Name && RaceFixes.Refers(model, use, field, cancellationToken) && RaceFixes.RunsBesideOtherMembers(use, model, cancellationToken))
                    {
                        uses.Add(use);
                    }
                }
            }

            // The locks each use holds, as the analyzer's lock model sees them; the one lock every locked use holds, and
            // the lock statement that names it; the uses that hold none.
            var sync = KnownSymbols.Get(model.Compilation).Synchronisation;
            List<object>? common = null;
            var unlocked = new List<IdentifierNameSyntax>();
            var locked = new List<IdentifierNameSyntax>();
            foreach (var use in uses)
            {
                var held = model.GetOperation(use, cancellationToken) is { } operation ? Locks.LocksHeld(operation, sync) : new List<object>();
                if (held.Count == 0)
                {
                    unlocked.Add(use);
                    continue;
                }

                var keys = held.Where(Locks.NamesOneObject).ToList();
                common = common == null ? keys : common.FindAll(key => keys.Any(other => Locks.SameKey(key, other)));
                locked.Add(use);
            }

            var lockText = common == null || common.Count == 0 ? null : LockTextOf(locked, common, model, cancellationToken);
            if (lockText == null || unlocked.Count == 0)
            {
                return null;
            }

            var targets = new List<(SyntaxNode, List<StatementSyntax>?)>();
            foreach (var member in unlocked.GroupBy(use => use.Ancestors().First(a => a is MemberDeclarationSyntax || a is AccessorDeclarationSyntax)))
            {
                if (!(Target(member.ToList()) is { } target))
                {
                    return null;
                }

                targets.Add(target);
            }

            return new Plan(lockText, targets);
        }

        /// <summary>
        /// The text of a lock statement around one of the locked uses whose object is one of <paramref name="keys"/> and is
        /// always the same object (a readonly field, this, or a type); null when there is none.
        /// </summary>
        private static string? LockTextOf(List<IdentifierNameSyntax> locked, List<object> keys, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var use in locked)
            {
                foreach (var statement in use.Ancestors().TakeWhile(a => !(a is MemberDeclarationSyntax || a is AnonymousFunctionExpressionSyntax)).OfType<LockStatementSyntax>())
                {
                    var stable = statement.Expression switch
                    {
                        ThisExpressionSyntax _ => true,
                        TypeOfExpressionSyntax _ => true,
                        _ => model.GetSymbolInfo(statement.Expression, cancellationToken).Symbol is IFieldSymbol lockField && LockWrapping.IsStableLockField(lockField),
                    };
                    if (stable && model.GetOperation(statement, cancellationToken) is ILockOperation { LockedValue: { } value } &&
                        Locks.KeyOf(value) is var key && keys.Any(other => Locks.SameKey(key, other)))
                    {
                        return statement.Expression.WithoutTrivia().ToString();
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// What to lock in one member: its expression body, or its one statement holding unlocked uses, or a run of adjacent
        /// such statements of one block (each an expression statement or a return, so no local it declares is cut off from
        /// the rest of the block); null when neither.
        /// </summary>
        private static (SyntaxNode, List<StatementSyntax>?)? Target(List<IdentifierNameSyntax> uses)
        {
            var arrows = uses.Select(use => use.Ancestors().OfType<ArrowExpressionClauseSyntax>().FirstOrDefault()).Distinct().ToList();
            if (arrows.Count == 1 && arrows[0] is { } arrow && LockWrapping.ArrowMember(arrow) is { } member)
            {
                return (member, null);
            }

            if (arrows.Any(a => a != null))
            {
                return null;
            }

            var statements = new List<StatementSyntax>();
            foreach (var use in uses)
            {
                var statement = use.Ancestors().OfType<StatementSyntax>().FirstOrDefault();
                if (!(statement is ExpressionStatementSyntax || statement is ReturnStatementSyntax) || !(statement.Parent is BlockSyntax) ||
                    statement.DescendantNodes().Any(n => n is AwaitExpressionSyntax || n is LockStatementSyntax || n is AnonymousFunctionExpressionSyntax))
                {
                    return null;
                }

                if (!statements.Contains(statement))
                {
                    statements.Add(statement);
                }
            }

            var block = (BlockSyntax)statements[0].Parent!;
            if (statements.Any(s => s.Parent != block))
            {
                return null;
            }

            var indices = statements.Select(s => block.Statements.IndexOf(s)).OrderBy(i => i).ToList();
            if (indices[indices.Count - 1] - indices[0] != indices.Count - 1)
            {
                return null;
            }

            return (block, indices.Select(i => block.Statements[i]).ToList());
        }

        private static SyntaxNode Rewrite(SyntaxNode original, List<StatementSyntax>? run, string lockText)
        {
            if (run != null)
            {
                var block = (BlockSyntax)original;
                var first = block.Statements.IndexOf(run[0]);
                var statements = new List<StatementSyntax>(block.Statements);
                statements.RemoveRange(first, run.Count);
                statements.Insert(first, LockWrapping.LockAround(run, lockText));
                return block.WithStatements(SyntaxFactory.List(statements));
            }

            return LockWrapping.LockedArrowMember(original, lockText);
        }
    }
}
