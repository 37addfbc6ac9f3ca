using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// One work item seen from the function that started it (its host): where it starts, what joins it for one
    /// captured variable (the lifetime's joins and the host's waits on objects it releases), which of the host's
    /// points it may still run beside, and the host's own accesses of a variable.
    /// </summary>
    internal sealed class WorkInHost
    {
        private List<FlowPoint> _active;

        public WorkInHost(WorkItem item, DelegateCaptures captures, FlowIndex flow, Lifetime lifetime)
        {
            Item = item;
            Captures = captures;
            Flow = flow;
            Starts = lifetime.Starts;
            Joins = lifetime.Joins;
            Continuations = lifetime.Handle?.Continuations ?? new List<IInvocationOperation>();
            Escapes = (lifetime.Handle?.Escapes ?? false) || IsStoredTimer(item.Site);
            Exit = new FlowPoint(flow.ExitBlock, 0, 0);
            _active = Joins;
        }

        /// <summary>
        /// Chooses the joins for one captured variable: the lifetime's joins, plus the host's waits for an object the
        /// work releases after its last access to the variable.
        /// </summary>
        public void UseJoinsFor(List<Access> accesses, SignalOrderings signals)
        {
            var waits = signals.HostWaitsAfter(Item, accesses.ConvertAll(a => a.MadeIn(Item.Body)), Flow);
            _active = waits.Count == 0 ? Joins : Joins.Concat(waits).ToList();
        }

        public WorkItem Item { get; }

        public SpawnSite Site => Item.Site;

        public DelegateCaptures Captures { get; }

        public FlowIndex Flow { get; }

        /// <summary>The body of the function that spawns the work.</summary>
        public IOperation Scope => Item.Host;

        public List<FlowPoint> Starts { get; }

        public List<FlowPoint> Joins { get; }

        /// <summary>Someone else joins the work, if anyone: its handle leaves the function, or it is a timer kept in a field or collection.</summary>
        public bool Escapes { get; }

        /// <summary>ContinueWith calls on this work's handle: their delegates run after the work, never with it.</summary>
        public List<IInvocationOperation> Continuations { get; }

        public FlowPoint Exit { get; }

        public int? FirstReached(IEnumerable<(FlowPoint, int)> targets, (int First, int Last) region, IEnumerable<FlowPoint>? alsoStops = null)
        {
            var reachability = new Reachability(Flow, alsoStops == null ? _active : _active.Concat(alsoStops), targets, region.First, region.Last);
            foreach (var start in Starts)
            {
                var reached = reachability.FirstReached(start);
                if (reached != null)
                {
                    return reached;
                }
            }

            return null;
        }

        public List<int> AllReached(IEnumerable<(FlowPoint, int)> targets, (int First, int Last) region)
        {
            var reachability = new Reachability(Flow, _active, targets, region.First, region.Last);
            var result = new List<int>();
            foreach (var start in Starts)
            {
                result.AddRange(reachability.Reached(start));
            }

            return result;
        }

        /// <summary>
        /// "_ = Task.Run(...)", also through a chain of continuations ("_ = Task.Run(...).ContinueWith(...)"), or
        /// "var _ = Task.Run(...)" with nothing reading that local (the discard of code older than C# 7's): the author
        /// says in code that nobody waits for this work.
        /// </summary>
        public bool IsDiscarded(KnownSymbols symbols)
        {
            var spawn = Site.Operation;
            var child = spawn;
            var parent = spawn.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation ||
                   (parent is IInvocationOperation { TargetMethod: { Name: "ContinueWith" or "ConfigureAwait" } chained } chain &&
                    chain.Instance == child && symbols.Tasks.IsTask(chained.ContainingType)))
            {
                child = parent;
                parent = parent.Parent;
            }

            return parent is ISimpleAssignmentOperation { Target: IDiscardOperation _ } ||
                   parent is IDiscardOperation ||
                   parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: { Name: "_" } underscore } } &&
                   !Functions.Root(spawn).Descendants().Any(o => o is ILocalReferenceOperation read && SymbolEqualityComparer.Default.Equals(read.Local, underscore));
        }

        /// <summary>
        /// "the method", or the unscoped work whose delegate holds <paramref name="access"/> (a second lambda that
        /// shares the variable): "work started with Task.Run at line 12".
        /// </summary>
        /// <summary>
        /// A timer kept in a field, property or collection outlives the method on purpose: its owner stops it, so it
        /// is not work the method forgot to join.
        /// </summary>
        private static bool IsStoredTimer(SpawnSite site)
        {
            if (site.Api != "new Timer")
            {
                return false;
            }

            var parent = site.Operation.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            switch (parent)
            {
                case ISimpleAssignmentOperation { Target: var target } when !(target is ILocalReferenceOperation) && !(target is IDiscardOperation):
                case IReturnOperation _:
                case IArgumentOperation _:
                case IFieldInitializerOperation _:
                case IPropertyInitializerOperation _:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Accesses of <paramref name="variable"/> by the host outside the work's delegate, calls of local functions included.</summary>
        public List<Access> HostAccesses(ISymbol variable, KnownSymbols symbols)
        {
            var exclude = ExcludedSpan();
            var result = new List<Access>();
            AccessCollector? collector = null;
            foreach (var operation in Scope.DescendantsAndSelf())
            {
                if (operation.Syntax == null || exclude.Contains(operation.Syntax.Span) || InsideLocalFunction(operation, Scope))
                {
                    continue;
                }

                var referenced = Places.VariableOf(operation);
                if (referenced != null)
                {
                    if (SymbolEqualityComparer.Default.Equals(referenced, variable))
                    {
                        result.Add(Access.OfVariable(variable, operation, symbols));
                    }

                    continue;
                }

                if (operation is IInvocationOperation || operation is IMethodReferenceOperation)
                {
                    // Bump() or bump(): what the local function or the lambda a delegate local holds touches, at the call.
                    collector ??= new AccessCollector(Functions.Root(Scope), symbols);
                    result.AddRange(collector.CollectCall(operation).Where(a => SymbolEqualityComparer.Default.Equals(a.Place, variable)));
                }
            }

            return result;
        }

        private TextSpan ExcludedSpan()
        {
            var argument = Captures.DelegateOperation.Syntax;
            return Captures.Body != null && Captures.Body.Span.OverlapsWith(argument.Span) ? Captures.Body.Span : argument.Span;
        }

        private static bool InsideLocalFunction(IOperation operation, IOperation scope)
        {
            for (var parent = operation.Parent; parent != null && parent != scope; parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
