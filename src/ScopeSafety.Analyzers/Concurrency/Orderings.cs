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
        public static List<object> LocksHeld(IOperation operation) => LocksHeld(operation, null);

        /// <summary>
        /// As <see cref="LocksHeld(IOperation)"/>, and also the objects of Monitor.Enter/Exit pairs: the operation sits in
        /// a try block whose finally calls Monitor.Exit(o), entered by Monitor.Enter/TryEnter(o) just before the try or
        /// at the top of its block (the expansion of <c>lock</c> written by hand). TryEnter may fail and
        /// is not trusted.
        /// </summary>
        public static List<object> LocksHeld(IOperation operation, INamedTypeSymbol? monitor)
        {
            var result = new List<object>();
            var child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is ILockOperation lockOperation && lockOperation.Body == child)
                {
                    result.Add(KeyOf(lockOperation.LockedValue));
                }

                if (monitor != null && parent is ITryOperation { Finally: { } finallyBlock } tryOperation && tryOperation.Body == child)
                {
                    AddMonitorLocks(tryOperation, finallyBlock, child, monitor, result);
                }

                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    break;
                }
            }

            return result;
        }

        private static void AddMonitorLocks(ITryOperation tryOperation, IBlockOperation finallyBlock, IOperation body, INamedTypeSymbol monitor, List<object> result)
        {
            foreach (var exit in finallyBlock.Descendants())
            {
                if (!(MonitorCall(exit, monitor, "Exit") is { } exitKey) || exitKey == Unknown)
                {
                    continue;
                }

                var entered = false;
                if (tryOperation.Parent is IBlockOperation outer)
                {
                    var at = outer.Operations.IndexOf(tryOperation);
                    entered = at > 0 && Entered(outer.Operations[at - 1], monitor, exitKey);
                }

                if (!entered && body is IBlockOperation tryBlock && tryBlock.Operations.Length > 0)
                {
                    // bool taken = false; try { Monitor.Enter(o, ref taken); … } finally { if (taken) Monitor.Exit(o); }
                    entered = Entered(tryBlock.Operations[0], monitor, exitKey);
                }

                if (entered)
                {
                    result.Add(exitKey);
                }
            }
        }

        private static bool Entered(IOperation statement, INamedTypeSymbol monitor, object key) =>
            statement is IExpressionStatementOperation { Operation: { } call } &&
            (MonitorCall(call, monitor, "Enter") is { } entered && SameKey(entered, key));

        private static object? MonitorCall(IOperation operation, INamedTypeSymbol monitor, string name)
        {
            if (operation is IInvocationOperation { TargetMethod: { } method } call && call.Arguments.Length > 0 &&
                KnownSymbols.Is(method.ContainingType, monitor) &&
                method.Name == name)
            {
                return KeyOf(call.Arguments[0].Value);
            }

            return null;
        }

        private static bool SameKey(object x, object y) =>
            Equals(x, y) || (x is ISymbol sx && y is ISymbol sy && SymbolEqualityComparer.Default.Equals(sx, sy));

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
            (KnownSymbols.Is(call.TargetMethod.ContainingType, symbols.Synchronisation.Interlocked) || KnownSymbols.Is(call.TargetMethod.ContainingType, symbols.Synchronisation.Volatile));
    }

    /// <summary>
    /// Happens-before through synchronisation objects, as <see cref="Synchronization"/> recognises them for every rule:
    /// what a work item does before it releases an object (Set, Signal, Release, completing a TaskCompletionSource,
    /// SignalAndWait) happens before what another side does after waiting for that object. An object created open (an
    /// event created set, a semaphore with permits) orders nothing one way; a semaphore of one permit that both sides
    /// wait for before and release after their accesses is a mutex. Asked only about a race already found.
    /// </summary>
    internal sealed class SignalOrderings
    {
        private readonly Synchronization _synchronization;
        private readonly WorkItems _items;
        private readonly Dictionary<IOperation, List<(IOperation Release, ISymbol Object)>> _releases = new Dictionary<IOperation, List<(IOperation, ISymbol)>>();
        private readonly Dictionary<IOperation, List<(IOperation Acquire, ISymbol Object)>> _acquires = new Dictionary<IOperation, List<(IOperation, ISymbol)>>();
        private readonly Dictionary<ISymbol, int?> _permits = new Dictionary<ISymbol, int?>(SymbolEqualityComparer.Default);

        public SignalOrderings(Synchronization synchronization, WorkItems items)
        {
            _synchronization = synchronization;
            _items = items;
        }

        /// <summary>
        /// The points of the item's host just after a wait for an object the item releases after all of
        /// <paramref name="accesses"/> (its uses of one variable or object): past them the host no longer runs beside
        /// those uses.
        /// </summary>
        public List<FlowPoint> HostWaitsAfter(WorkItem item, List<IOperation> accesses, FlowIndex flow)
        {
            var result = new List<FlowPoint>();
            if (item.Body == null || accesses.Count == 0)
            {
                return result;
            }

            Dictionary<ISymbol, List<FlowPoint>>? acquires = null;
            foreach (var (release, released) in ReleasesOf(item.Body))
            {
                if (PermitsOf(released) != 0 || !accesses.All(a => Synchronization.ReleaseFollows(release, a.Syntax)) ||
                    (_synchronization.OpensOnce(released) && HasOtherReleasers(item, released)))
                {
                    continue;
                }

                acquires ??= _synchronization.AcquirePoints(flow, item.Site.Delegate.Syntax.Span);
                if (acquires.TryGetValue(released, out var points))
                {
                    result.AddRange(points);
                }
            }

            return result;
        }

        /// <summary>
        /// Use <paramref name="aUse"/> of item <paramref name="a"/> and use <paramref name="bUse"/> of item
        /// <paramref name="b"/> (possibly another run of the same item) cannot overlap: one side releases an object
        /// after its use and the other waits for it before its use.
        /// </summary>
        public bool Ordered(WorkItem a, IOperation aUse, WorkItem b, IOperation bUse)
        {
            if (a.Body == null || b.Body == null)
            {
                return false;
            }

            var aReleases = ReleasesOf(a.Body);
            var bReleases = ReleasesOf(b.Body);
            if (aReleases.Count == 0 && bReleases.Count == 0)
            {
                return false;
            }

            var aAcquires = AcquiresOf(a.Body);
            var bAcquires = AcquiresOf(b.Body);
            foreach (var (_, candidate) in aReleases.Concat(bReleases))
            {
                var forward = Releases(aReleases, candidate, aUse) && Acquires(bAcquires, candidate, bUse);
                var backward = Releases(bReleases, candidate, bUse) && Acquires(aAcquires, candidate, aUse);
                if (_synchronization.OpensOnce(candidate))
                {
                    // The waiter may have been let through by someone else's release.
                    forward = forward && !HasOtherReleasers(a, candidate);
                    backward = backward && !HasOtherReleasers(b, candidate);
                }

                var permits = PermitsOf(candidate);
                if ((permits == 0 && (forward || backward)) || (permits == 1 && forward && backward))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The objects the item waits for before <paramref name="use"/> that start closed and that no work item of
        /// the host releases (so only the host can let the item through).
        /// </summary>
        public List<ISymbol> WaitedForBefore(WorkItem item, IOperation use)
        {
            var result = new List<ISymbol>();
            if (item.Body == null)
            {
                return result;
            }

            foreach (var (acquire, waited) in AcquiresOf(item.Body))
            {
                if (PermitsOf(waited) == 0 && Synchronization.AcquirePrecedes(acquire, use.Syntax) && !result.Contains(waited, SymbolEqualityComparer.Default) &&
                    !_items.All.Exists(other => other.Body != null && ReleasesOf(other.Body).Exists(r => SymbolEqualityComparer.Default.Equals(r.Object, waited))))
                {
                    result.Add(waited);
                }
            }

            return result;
        }

        /// <summary>The points of the host's releases of <paramref name="released"/>, outside the item's delegate.</summary>
        public List<FlowPoint> HostReleasePoints(WorkItem item, ISymbol released, FlowIndex flow)
        {
            var result = new List<FlowPoint>();
            var excluded = item.Site.Delegate.Syntax.Span;
            foreach (var (operation, block, index) in flow.Operations())
            {
                if (operation is IInvocationOperation && operation.Syntax != null && !excluded.Contains(operation.Syntax.Span) &&
                    _synchronization.Released(operation) is { } found && SymbolEqualityComparer.Default.Equals(found, released))
                {
                    result.Add(new FlowPoint(block, index, operation.Syntax.SpanStart));
                }
            }

            return result;
        }

        /// <summary>
        /// Another item of the host, or another run of this one, may release the same one-shot object first: the
        /// host's wait then tells nothing about this run.
        /// </summary>
        private bool HasOtherReleasers(WorkItem item, ISymbol released)
        {
            if (item.Replicated || InLoop(item))
            {
                return true;
            }

            foreach (var other in _items.All)
            {
                if (other != item && other.Body != null && other.Host == item.Host &&
                    ReleasesOf(other.Body).Exists(r => SymbolEqualityComparer.Default.Equals(r.Object, released)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool InLoop(WorkItem item)
        {
            for (var parent = item.Site.Operation.Parent; parent != null && parent != item.Host; parent = parent.Parent)
            {
                if (parent is ILoopOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Releases(List<(IOperation Release, ISymbol Object)> releases, ISymbol candidate, IOperation use) =>
            releases.Exists(r => SymbolEqualityComparer.Default.Equals(r.Object, candidate) && Synchronization.ReleaseFollows(r.Release, use.Syntax));

        private static bool Acquires(List<(IOperation Acquire, ISymbol Object)> acquires, ISymbol candidate, IOperation use) =>
            acquires.Exists(q => SymbolEqualityComparer.Default.Equals(q.Object, candidate) && Synchronization.AcquirePrecedes(q.Acquire, use.Syntax));

        private int? PermitsOf(ISymbol candidate)
        {
            if (!_permits.TryGetValue(candidate, out var permits))
            {
                permits = _synchronization.InitialPermits(candidate);
                _permits.Add(candidate, permits);
            }

            return permits;
        }

        private List<(IOperation Release, ISymbol Object)> ReleasesOf(IOperation body)
        {
            if (!_releases.TryGetValue(body, out var list))
            {
                list = _synchronization.ReleasesIn(body);
                _releases.Add(body, list);
            }

            return list;
        }

        private List<(IOperation Acquire, ISymbol Object)> AcquiresOf(IOperation body)
        {
            if (!_acquires.TryGetValue(body, out var list))
            {
                list = _synchronization.AcquiresIn(body);
                _acquires.Add(body, list);
            }

            return list;
        }
    }
}
