using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Where an item starts and where it is certainly finished, as points of its host's control-flow graph: the spawn
    /// (Thread.Start for a thread), and the joins — Join(), Wait(), Result, await, Task.WaitAll/WhenAll, Thread.Join
    /// (through <see cref="HandleTracker"/>), ScopedTask.Join()/await, and the end of a blocking call (Parallel.*,
    /// Scope.Join, PLINQ). The end of Scope.Run needs no point: an item never outlives its host's body.
    /// </summary>
    internal sealed class Lifetime
    {
        public Lifetime(List<FlowPoint> starts, List<FlowPoint> joins)
        {
            Starts = starts;
            Joins = joins;
        }

        public List<FlowPoint> Starts { get; }

        public List<FlowPoint> Joins { get; }

        public static Lifetime Of(WorkItem item, FlowIndex flow, KnownSymbols symbols, System.Func<IOperation, bool> isUnscopedSpawn)
        {
            var syntax = item.Site.Operation.Syntax;
            var starts = new List<FlowPoint>();
            var joins = new List<FlowPoint>();
            var spawn = flow.PointOf(syntax, syntax.SpanStart);
            if (spawn == null)
            {
                return new Lifetime(starts, joins);
            }

            if (item.Shape == WorkShape.Blocking)
            {
                starts.Add(spawn.Value);
                joins.Add(new FlowPoint(spawn.Value.Block, spawn.Value.Index, syntax.Span.End));
                return new Lifetime(starts, joins);
            }

            var joinOperations = new List<IOperation>();
            if (item.Site.Handle != HandleKind.None)
            {
                var handle = HandleTracker.Track(item.Site, item.Host, symbols, isUnscopedSpawn);
                joinOperations.AddRange(handle.Joins);
                if (item.Site.Handle == HandleKind.Thread)
                {
                    foreach (var call in handle.Starts)
                    {
                        var point = flow.PointOf(call.Syntax, call.Syntax.SpanStart);
                        if (point != null)
                        {
                            starts.Add(point.Value);
                        }
                    }
                }
            }
            else if (symbols.Runtime.IsScopedTask(item.Site.Operation.Type))
            {
                ScopedTaskJoins(item, joinOperations, symbols);
            }

            if (starts.Count == 0)
            {
                starts.Add(spawn.Value);
            }

            foreach (var join in joinOperations)
            {
                var point = flow.PointOf(join.Syntax, JoinPosition(join, item.Host));
                if (point != null)
                {
                    joins.Add(point.Value);
                }
            }

            return new Lifetime(starts, joins);
        }

        /// <summary>
        /// A join inside a loop (foreach (var t in parts) t.Join()) finishes the items when the loop ends; a join inside
        /// a lambda (parts.Sum(p => p.Join())) when the statement that runs it ends.
        /// </summary>
        private static int JoinPosition(IOperation join, IOperation host)
        {
            var end = join.Syntax.Span.End;
            for (var parent = join.Parent; parent != null && parent != host; parent = parent.Parent)
            {
                if (parent is ILoopOperation loop)
                {
                    end = loop.Syntax.Span.End;
                }
            }

            return end;
        }

        /// <summary>
        /// Joins of a ScopedTask: Join() or await on the spawn itself, on the local that holds it, or — once handles
        /// go into a list or array — any ScopedTask join in the host (the list is usually joined as a whole).
        /// </summary>
        private static void ScopedTaskJoins(WorkItem item, List<IOperation> joins, KnownSymbols symbols)
        {
            var operation = item.Site.Operation;
            var parent = operation.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                operation = parent;
                parent = parent.Parent;
            }

            ILocalSymbol? holder = null;
            var collected = false;
            switch (parent)
            {
                case IInvocationOperation { TargetMethod: { Name: "Join" } } join when join.Instance == operation:
                    joins.Add(join);
                    return;
                case IAwaitOperation await:
                    joins.Add(await);
                    return;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    holder = declarator.Symbol;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == operation:
                    holder = local.Local;
                    break;
                case IArgumentOperation _:
                case IArrayInitializerOperation _:
                case ICollectionExpressionOperation _:
                case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation _ }:
                    collected = true;
                    break;
                default:
                    return;
            }

            foreach (var candidate in item.Host.DescendantsAndSelf())
            {
                IOperation? instance = candidate switch
                {
                    IInvocationOperation { TargetMethod: { Name: "Join", IsStatic: false } } call => call.Instance,
                    IAwaitOperation await => await.Operation,
                    _ => null,
                };

                if (instance == null || !symbols.Runtime.IsScopedTask(SpawnClassifier.Unwrap(instance).Type))
                {
                    continue;
                }

                var value = SpawnClassifier.Unwrap(instance);
                if (holder != null)
                {
                    if (value is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, holder))
                    {
                        joins.Add(candidate);
                    }
                }
                else if (collected)
                {
                    joins.Add(candidate);
                }
            }
        }
    }
}
