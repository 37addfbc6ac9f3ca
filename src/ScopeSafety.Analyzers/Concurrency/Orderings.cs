using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;

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

        public static Lifetime Of(WorkItem item, FlowIndex flow, ConcurrencySymbols symbols, System.Func<IOperation, bool> isUnscopedSpawn)
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
                var handle = HandleTracker.Track(item.Site, item.Host, symbols.Known, isUnscopedSpawn);
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
            else if (symbols.IsScopedTask(item.Site.Operation.Type))
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
        private static void ScopedTaskJoins(WorkItem item, List<IOperation> joins, ConcurrencySymbols symbols)
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

                if (instance == null || !symbols.IsScopedTask(SpawnClassifier.Unwrap(instance).Type))
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

    /// <summary>A continuation (task.ContinueWith(...), also chained or through the local holding the task) starts after its antecedent's work ends.</summary>
    internal static class Continuations
    {
        public static bool Follows(WorkItem later, WorkItem earlier)
        {
            var operation = later.Site.Operation;
            for (var depth = 0; depth < 8 && operation is IInvocationOperation { TargetMethod: { Name: "ContinueWith" } } continuation && continuation.Instance != null; depth++)
            {
                var antecedent = SpawnClassifier.Unwrap(continuation.Instance);
                if (antecedent is ILocalReferenceOperation local && InitialValue(local.Local, earlier.Host) is { } value)
                {
                    antecedent = SpawnClassifier.Unwrap(value);
                }

                if (antecedent == earlier.Site.Operation)
                {
                    return true;
                }

                operation = antecedent;
            }

            return false;
        }

        private static IOperation? InitialValue(ILocalSymbol local, IOperation host)
        {
            IOperation? value = null;
            foreach (var operation in host.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        value = declarator.Initializer?.Value;
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        // Assigned again: which task it holds is not certain.
                        return null;
                }
            }

            return value;
        }
    }

    /// <summary>
    /// Orderings inside the code: an access under a lock (and on which object), and an access through Interlocked or
    /// Volatile. Two accesses are ordered when both are atomic, or both hold a lock on the same object. A lock whose
    /// object is not a plain variable, field, 'this' or typeof counts as common to all (we cannot tell, so we trust it).
    /// </summary>
    internal static class Synchronisation
    {
        private static readonly object Unknown = new object();

        /// <summary>The lock objects held at <paramref name="operation"/>, looking no further out than the function that holds it.</summary>
        public static List<object> LocksHeld(IOperation operation)
        {
            var result = new List<object>();
            var child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is ILockOperation lockOperation && lockOperation.Body == child)
                {
                    result.Add(KeyOf(lockOperation.LockedValue));
                }

                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    break;
                }
            }

            return result;
        }

        private static object KeyOf(IOperation value)
        {
            switch (SpawnClassifier.Unwrap(value))
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field when field.Instance == null || field.Instance is IInstanceReferenceOperation:
                    return field.Field;
                case IInstanceReferenceOperation instance when instance.Type != null:
                    return instance.Type;
                case ITypeOfOperation typeOf:
                    return typeOf.TypeOperand;
                default:
                    return Unknown;
            }
        }

        /// <summary>Both sides hold a lock on the same object (or one we cannot name).</summary>
        public static bool CommonLock(List<object> a, List<object> b)
        {
            foreach (var x in a)
            {
                foreach (var y in b)
                {
                    if (x == Unknown || y == Unknown || Equals(x, y) || (x is ISymbol sx && y is ISymbol sy && SymbolEqualityComparer.Default.Equals(sx, sy)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The reference is a ref argument of Interlocked.* or Volatile.*.</summary>
        public static bool IsAtomic(IOperation reference, KnownSymbols symbols) =>
            reference.Parent is IArgumentOperation { Parent: IInvocationOperation call } &&
            (KnownSymbols.Is(call.TargetMethod.ContainingType, symbols.Interlocked) || KnownSymbols.Is(call.TargetMethod.ContainingType, symbols.Volatile));
    }
}
