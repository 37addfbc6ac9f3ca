using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// The joins of a member's unscoped spawns as the rules see them (<see cref="HandleTracker"/> over the work items
    /// of <see cref="WorkItemFinder.ItemsIn"/>, with the document's options): the planner turns only these into joins
    /// of the scope, and leaves alone a handle the rules lose sight of, so the fix's joins are the rule's.
    /// </summary>
    internal sealed class HandleJoins
    {
        private readonly Dictionary<SyntaxNode, HandleTracker> _bySpawn;

        private HandleJoins(Dictionary<SyntaxNode, HandleTracker> bySpawn)
        {
            _bySpawn = bySpawn;
        }

        public static HandleJoins Of(SemanticModel model, SyntaxNode member, SpawnOptions options, CancellationToken cancellationToken)
        {
            var symbols = KnownSymbols.Get(model.Compilation);
            var items = WorkItemFinder.ItemsIn(model, member, options, cancellationToken).Where(item => item.IsUnscoped).ToList();
            var unscoped = new HashSet<IOperation>(items.Select(item => item.Site.Operation));
            var bySpawn = new Dictionary<SyntaxNode, HandleTracker>();
            foreach (var item in items.Where(item => item.Site.Handle != HandleKind.None))
            {
                bySpawn[item.Site.Operation.Syntax] = HandleTracker.Track(item.Site, item.Host, symbols, unscoped.Contains);
            }

            return new HandleJoins(bySpawn);
        }

        /// <summary>The rules follow the handle of <paramref name="spawn"/> to every use: it stays in the function.</summary>
        public bool KeepsInSight(ExpressionSyntax spawn) => _bySpawn.TryGetValue(spawn, out var handle) && !handle.Escapes;

        /// <summary>
        /// <paramref name="join"/> waits for the work of <paramref name="spawn"/> as the rules count it: it lies in the
        /// statement of one of the handle's joins (a for loop's condition stands for the waits in its body).
        /// </summary>
        public bool Joins(ExpressionSyntax spawn, SyntaxNode join) =>
            _bySpawn.TryGetValue(spawn, out var handle) &&
            handle.Joins.Any(j => j.Syntax.FirstAncestorOrSelf<StatementSyntax>() is { } statement && statement.Span.Contains(join.Span));
    }
}
