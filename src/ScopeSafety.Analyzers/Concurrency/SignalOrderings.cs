using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Flow;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Happens-before through synchronisation objects, as <see cref="SignalObjects"/> recognises them for every rule:
    /// what a work item does before it releases an object (Set, Signal, Release, completing a TaskCompletionSource,
    /// SignalAndWait) happens before what another side does after waiting for that object. An object created open (an
    /// event created set, a semaphore with permits) orders nothing one way; a semaphore of one permit that both sides
    /// wait for before and release after their accesses is a mutex. Asked only about a race already found.
    /// </summary>
    internal sealed class SignalOrderings
    {
        private readonly SignalObjects _synchronization;
        private readonly WorkItems _items;
        private readonly Dictionary<IOperation, List<(IOperation Release, ISymbol Object)>> _releases = new Dictionary<IOperation, List<(IOperation, ISymbol)>>();
        private readonly Dictionary<IOperation, List<(IOperation Acquire, ISymbol Object)>> _acquires = new Dictionary<IOperation, List<(IOperation, ISymbol)>>();
        private readonly Dictionary<ISymbol, int?> _permits = new Dictionary<ISymbol, int?>(SymbolEqualityComparer.Default);

        // Work that never runs beside its host (MayRunInParallel.NeverRuns): its releases let no wait through.
        private readonly System.Func<WorkItem, bool> _neverRuns;

        public SignalOrderings(SignalObjects synchronization, WorkItems items, System.Func<WorkItem, bool> neverRuns)
        {
            _synchronization = synchronization;
            _items = items;
            _neverRuns = neverRuns;
        }

        /// <summary>
        /// The points of the item's host just after a wait for an object the item releases after all of
        /// <paramref name="accesses"/> (its uses of one variable or object, each where the item's body makes it: a use inside
        /// a method or local function the body calls is made by that call): past them the host no longer runs beside
        /// those uses.
        /// </summary>
        public List<FlowPoint> HostWaitsAfter(WorkItem item, List<IOperation> accesses, FlowIndex flow) =>
            HostWaits(item, accesses, flow).ConvertAll(wait => wait.Point);

        /// <summary>
        /// The host's waits that <see cref="HostWaitsAfter"/> counts, each with the point just after it: the fix of
        /// SCOPE001–004 ends its scope at the first of them, where the rule stops seeing the work beside the host.
        /// </summary>
        public List<(FlowPoint Point, IOperation Wait)> HostWaits(WorkItem item, List<IOperation> accesses, FlowIndex flow)
        {
            var result = new List<(FlowPoint, IOperation)>();
            if (item.Body == null || accesses.Count == 0 || !accesses.TrueForAll(a => item.Body.Syntax.Span.Contains(a.Syntax.Span)))
            {
                // An access outside the body (the host's own code) is not ordered by the item's releases.
                return result;
            }

            Dictionary<ISymbol, List<(FlowPoint Point, IOperation Wait)>>? acquires = null;
            foreach (var (release, released) in ReleasesOf(item.Body))
            {
                // A stream's handler releases in its last call, once the stream has ended: after every line's accesses.
                var atEndOfStream = item.RaisedBy?.ReleasesAtEndOfStream(release, item.Site.Delegate) == true;
                if (PermitsOf(released) != 0 || !(atEndOfStream || accesses.All(a => SignalObjects.ReleaseFollows(release, a.Syntax))))
                {
                    continue;
                }

                var countedDown = _synchronization.OpensOnce(released) && CountedDown(item, release, released, accesses);
                if (_synchronization.OpensOnce(released) && !atEndOfStream && RunsRepeatedly(item) && !countedDown)
                {
                    continue;
                }

                acquires ??= _synchronization.AcquirePoints(flow, item.Site.Delegate.Syntax.Span);
                if (acquires.TryGetValue(released, out var points))
                {
                    // A one-shot object another item may open first tells nothing at a wait that item can reach.
                    result.AddRange(_synchronization.OpensOnce(released) && !countedDown ? points.FindAll(p => !OtherReleaserMayPrecede(item, released, p.Point, flow)) : points);
                }
            }

            return result;
        }

        /// <summary>
        /// Use <paramref name="aUse"/> of item <paramref name="a"/> and use <paramref name="bUse"/> of item
        /// <paramref name="b"/> (possibly another run of the same item) cannot overlap: one side releases an object
        /// after its use and the other waits for it before its use.
        /// </summary>
        /// <remarks>
        /// A use made inside a method the work calls (<paramref name="aReference"/>, <paramref name="bReference"/>: the
        /// reference itself; the uses are the calls in the work's own code, else the references) is also ordered by that
        /// method's own releases after it and waits before it, on an object held in a field (<c>Consume(d) {
        /// d.Ready.Wait(); _ = d.Data; }</c>).
        /// </remarks>
        public bool Ordered(WorkItem a, IOperation aUse, IOperation aReference, WorkItem b, IOperation bUse, IOperation bReference)
        {
            if (a.Body == null || b.Body == null)
            {
                return false;
            }

            var aReleases = ReleasesOf(a.Body);
            var bReleases = ReleasesOf(b.Body);
            var aCallee = CalleeOf(a, aReference);
            var bCallee = CalleeOf(b, bReference);
            var aCall = aCallee == null ? null : CallOf(aUse, aCallee);
            var bCall = bCallee == null ? null : CallOf(bUse, bCallee);
            // A release in a callee the work calls in a loop is not the last the work makes after a write: the next call writes again.
            var aCalleeReleases = aCall == null || InLoopBelow(aCall, a.Body) ? None : InCaller(ReleasesOf(aCallee!), aCall);
            var bCalleeReleases = bCall == null || InLoopBelow(bCall, b.Body) ? None : InCaller(ReleasesOf(bCallee!), bCall);
            if (aReleases.Count == 0 && bReleases.Count == 0 && aCalleeReleases.Count == 0 && bCalleeReleases.Count == 0)
            {
                return false;
            }

            var aAcquires = AcquiresOf(a.Body);
            var bAcquires = AcquiresOf(b.Body);
            var aCalleeAcquires = aCallee == null ? None : InCaller(AcquiresOf(aCallee), aCall);
            var bCalleeAcquires = bCallee == null ? None : InCaller(AcquiresOf(bCallee), bCall);
            foreach (var (_, candidate) in aReleases.Concat(bReleases).Concat(aCalleeReleases).Concat(bCalleeReleases))
            {
                var aAtEnd = ReleasesAtEndOfStream(a, aReleases, candidate);
                var bAtEnd = ReleasesAtEndOfStream(b, bReleases, candidate);
                var forward = (aAtEnd || Releases(aReleases, candidate, aUse) || Releases(aCalleeReleases, candidate, aReference)) &&
                              (Acquires(bAcquires, candidate, bUse) || Acquires(bCalleeAcquires, candidate, bReference));
                var backward = (bAtEnd || Releases(bReleases, candidate, bUse) || Releases(bCalleeReleases, candidate, bReference)) &&
                               (Acquires(aAcquires, candidate, aUse) || Acquires(aCalleeAcquires, candidate, aReference));
                if (_synchronization.OpensOnce(candidate))
                {
                    // The waiter may have been let through by someone else's release, or by an earlier run's, unless only
                    // the run that ends a stream releases.
                    forward = forward && !HasOtherReleasers(a, candidate, aAtEnd);
                    backward = backward && !HasOtherReleasers(b, candidate, bAtEnd);
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
        /// the host releases, or that wait for every party (a barrier), so only the host can let the item through.
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
                if (PermitsOf(waited) == 0 && SignalObjects.AcquirePrecedes(acquire, use.Syntax) && !result.Contains(waited, SymbolEqualityComparer.Default) &&
                    (_synchronization.WaitsForEveryParty(waited) || !_items.All.Exists(other => other.Body != null && !_neverRuns(other) && ReleasesOf(other.Body).Exists(r => SymbolEqualityComparer.Default.Equals(r.Object, waited)))))
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
        private bool HasOtherReleasers(WorkItem item, ISymbol released, bool onlyTheLastRun)
        {
            if (!onlyTheLastRun && RunsRepeatedly(item))
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

        /// <summary>Another item of the host that releases <paramref name="released"/> may start before the wait at <paramref name="wait"/>.</summary>
        /// <summary>
        /// The item's delegate runs more than once: the API runs many instances, a loop starts it again, or it handles an
        /// event raised again and again (each line of a process's output, each tick).
        /// </summary>
        private bool RunsRepeatedly(WorkItem item) =>
            item.Replicated || InLoop(item) || (item.RaisedBy != null && !(item.Body != null && item.RaisedBy.RaisesOnceFor(item.Body)));

        private bool OtherReleaserMayPrecede(WorkItem item, ISymbol released, FlowPoint wait, FlowIndex flow)
        {
            foreach (var other in _items.All)
            {
                if (other == item || other.Body == null || other.Host != item.Host ||
                    !ReleasesOf(other.Body).Exists(r => SymbolEqualityComparer.Default.Equals(r.Object, released)))
                {
                    continue;
                }

                var start = flow.PointOf(other.Site.Operation.Syntax, other.Site.Operation.Syntax.SpanStart);
                if (start == null || new Reachability(flow, new List<FlowPoint>(), new[] { (wait, 0) }, 0, flow.ExitBlock).Reached(start.Value, stopAtFirst: true).Count > 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A latch counted down by every run: <c>if (Interlocked.Decrement(ref pending) == 0) done.Set();</c> opens the
        /// object only in the run that counts the last one down, after every run's decrement (any test only the last run
        /// passes, see <see cref="LastRunGuard"/>). When every release of the object in the host's work is guarded by the
        /// same counter, and the accesses come before this run's count, the wait follows them whichever run opens it.
        /// </summary>
        private bool CountedDown(WorkItem item, IOperation release, ISymbol released, List<IOperation> accesses)
        {
            // Accesses before the count, or inside the guarded part before the release (only the last run gets there),
            // precede the release; so does the release itself (done.Set() uses done).
            if (!(LastRunGuard(item.Body!, release) is { } guard) ||
                !accesses.All(a => release.Syntax.Span.Contains(a.Syntax.Span) || SignalObjects.ReleaseFollows(guard.Step, a.Syntax) ||
                                   (guard.Guarded.Contains(a.Syntax.Span) && SignalObjects.ReleaseFollows(release, a.Syntax))))
            {
                return false;
            }

            foreach (var other in _items.All)
            {
                if (other.Body == null || other.Host != item.Host)
                {
                    continue;
                }

                foreach (var (otherRelease, otherObject) in ReleasesOf(other.Body))
                {
                    if (SymbolEqualityComparer.Default.Equals(otherObject, released) &&
                        !(LastRunGuard(other.Body, otherRelease) is { } otherGuard && SymbolEqualityComparer.Default.Equals(otherGuard.Counter, guard.Counter)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private (IOperation Decrement, ISymbol Counter)? Decrement(IOperation call, IOperation zero)
        {
            call = Spawns.SpawnClassifier.Unwrap(call);

            if (zero.ConstantValue is { HasValue: true, Value: 0 } &&
                call is IInvocationOperation decrement && _synchronization.IsInterlockedDecrement(decrement.TargetMethod) &&
                decrement.Arguments.Length == 1 &&
                CounterOf(decrement.Arguments[0].Value) is { } counter)
            {
                return (decrement, counter);
            }

            return null;
        }

        /// <summary>
        /// Two runs of one work item, or two items that run the same code (<c>new Thread(Work)</c> twice), that count
        /// themselves on one counter (<c>if (Interlocked.Decrement(ref pending) == 0)</c>,
        /// or a flag set under a lock from a count: <c>lock (g) { done++; last = done == total; } if (last) …</c>): a use
        /// only the last run reaches follows every other run's uses made before that run counted itself, and two such
        /// uses never meet, since one run gets there.
        /// </summary>
        public bool LastRunOrders(WorkItem a, IOperation aUse, WorkItem b, IOperation bUse) =>
            a.Body != null && b.Body != null && (a == b || a.Body.Syntax == b.Body.Syntax) && LastRunOrders(a.Body, aUse, b.Body, bUse);

        private bool LastRunOrders(IOperation aBody, IOperation aUse, IOperation bBody, IOperation bUse)
        {
            var aGuard = LastRunGuard(aBody, aUse);
            var bGuard = LastRunGuard(bBody, bUse);
            if (aGuard is { } both && bGuard is { } other && SymbolEqualityComparer.Default.Equals(both.Counter, other.Counter))
            {
                return true;
            }

            // The guard's step and the other use are compared by position: the same code, possibly two trees of it.
            return (aGuard is { } ga && CountedBefore(bBody, ga, bUse)) || (bGuard is { } gb && CountedBefore(aBody, gb, aUse));
        }

        /// <summary><paramref name="use"/>, outside the last run's part, comes before its run counts itself.</summary>
        private static bool CountedBefore(IOperation body, (IOperation Step, ISymbol Counter, TextSpan Guarded) guard, IOperation use) =>
            InOwnCode(body, use) && !guard.Guarded.Contains(use.Syntax.Span) && SignalObjects.ReleaseFollows(guard.Step, use.Syntax);

        /// <summary>
        /// The count that lets only the last run of the work reach <paramref name="use"/>: the step that counts (the
        /// interlocked call, or the lock statement that counts and sets the flag), the counter and the part of the code
        /// only the last run reaches; null when <paramref name="use"/> is not behind such a test.
        /// </summary>
        private (IOperation Step, ISymbol Counter, TextSpan Guarded)? LastRunGuard(IOperation body, IOperation use)
        {
            if (!InOwnCode(body, use))
            {
                return null;
            }

            for (IOperation? child = use, parent = use.Parent; parent != null && child != body; child = parent, parent = parent.Parent)
            {
                // if (last) { use }, if (last && …) { use }, last && use: only the last run evaluates the use.
                var test = parent switch
                {
                    IConditionalOperation conditional when conditional.WhenTrue == child => conditional.Condition,
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when both.RightOperand == child => both.LeftOperand,
                    _ => null,
                };
                if (test != null && LastTest(body, test) is { } found)
                {
                    return (found.Step, found.Counter, child.Syntax.Span);
                }

                if (parent is IBlockOperation block)
                {
                    // if (Interlocked.Decrement(ref pending) != 0) return; … : what follows is the last run's.
                    var index = block.Operations.IndexOf(child);
                    for (var i = 0; i < index; i++)
                    {
                        if (block.Operations[i] is IConditionalOperation { WhenFalse: null } exit && Functions.Exits(exit.WhenTrue) &&
                            LastCount(exit.Condition, lastWhen: false) is { } early)
                        {
                            return (early.Step, early.Counter, TextSpan.FromBounds(exit.Syntax.Span.End, block.Syntax.Span.End));
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>A test that only the last run passes, alone or as one side of an <c>&amp;&amp;</c>.</summary>
        private (IOperation Step, ISymbol Counter)? LastTest(IOperation body, IOperation test) =>
            test is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both
                ? LastTest(body, both.LeftOperand) ?? LastTest(body, both.RightOperand)
                : LastCount(test, lastWhen: true) ?? LastFlag(body, test);

        /// <summary>
        /// A test that an interlocked count reached its end: <c>Interlocked.Decrement(ref c) == 0</c> or
        /// <c>Interlocked.Increment(ref c) == total</c> (with <paramref name="lastWhen"/> false, the negation: <c>!= 0</c>, <c>&gt; 0</c>).
        /// </summary>
        private (IOperation Step, ISymbol Counter)? LastCount(IOperation condition, bool lastWhen)
        {
            if (!(condition is IBinaryOperation test))
            {
                return null;
            }

            var kinds = lastWhen ? new[] { BinaryOperatorKind.Equals } : new[] { BinaryOperatorKind.NotEquals, BinaryOperatorKind.GreaterThan };
            if (Array.IndexOf(kinds, test.OperatorKind) < 0)
            {
                return null;
            }

            if (Decrement(test.LeftOperand, test.RightOperand) is { } down)
            {
                return down;
            }

            if (lastWhen && Decrement(test.RightOperand, test.LeftOperand) is { } downRight)
            {
                return downRight;
            }

            foreach (var (call, total) in new[] { (test.LeftOperand, test.RightOperand), (test.RightOperand, test.LeftOperand) })
            {
                if (lastWhen && Spawns.SpawnClassifier.Unwrap(call) is IInvocationOperation increment && _synchronization.IsInterlockedIncrement(increment.TargetMethod) &&
                    increment.Arguments.Length == 1 && CounterOf(increment.Arguments[0].Value) is { } counter && !(Spawns.SpawnClassifier.Unwrap(total) is IInvocationOperation))
                {
                    return (increment, counter);
                }
            }

            return null;
        }

        /// <summary>
        /// A flag the run set under a lock from a count it keeps there: the flag is assigned once, inside a lock statement,
        /// an equality of a counter that the same lock statement steps (<c>count++</c>, <c>remaining -= 1</c>).
        /// </summary>
        private static (IOperation Step, ISymbol Counter)? LastFlag(IOperation body, IOperation condition)
        {
            if (!(condition is ILocalReferenceOperation { Local: { Type: { SpecialType: SpecialType.System_Boolean } } flag }))
            {
                return null;
            }

            ISimpleAssignmentOperation? set = null;
            foreach (var operation in body.Descendants())
            {
                switch (operation)
                {
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, flag):
                        if (set != null)
                        {
                            return null;
                        }

                        set = assignment;
                        break;
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, flag) &&
                                                                       declarator.Initializer is { Value: var initial } &&
                                                                       !(initial.ConstantValue is { HasValue: true, Value: false }):
                        return null;
                }
            }

            if (!(set?.Value is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equality) ||
                !(EnclosingLock(set) is { } region) || !body.Syntax.Span.Contains(region.Syntax.Span))
            {
                return null;
            }

            var counted = equality.Descendants().Select(CounterOf).Where(s => s != null).ToList();
            foreach (var step in region.Body.Descendants())
            {
                var stepped = step switch
                {
                    IIncrementOrDecrementOperation change => CounterOf(change.Target),
                    ICompoundAssignmentOperation change => CounterOf(change.Target),
                    _ => null,
                };
                if (stepped != null && step.Syntax.SpanStart < set.Syntax.SpanStart && counted.Contains(stepped, SymbolEqualityComparer.Default))
                {
                    return (region, stepped);
                }
            }

            return null;
        }

        private static ILockOperation? EnclosingLock(IOperation operation)
        {
            for (var parent = operation.Parent; parent != null && !(parent is IAnonymousFunctionOperation) && !(parent is ILocalFunctionOperation); parent = parent.Parent)
            {
                if (parent is ILockOperation region)
                {
                    return region;
                }
            }

            return null;
        }

        /// <summary>The local, parameter or field a count is kept in.</summary>
        private static ISymbol? CounterOf(IOperation operation) =>
            Places.VariableOf(operation) ?? (operation as IFieldReferenceOperation)?.Field;

        /// <summary>
        /// <paramref name="use"/> is the work's own code, not a function nested in it. Read by syntax: the accesses of a
        /// method run as work may come from another operation tree of the same method than its body.
        /// </summary>
        private static bool InOwnCode(IOperation body, IOperation use)
        {
            var root = body.Syntax;
            if (use.Syntax == null || !root.Span.Contains(use.Syntax.Span))
            {
                return false;
            }

            for (var node = use.Syntax.Parent; node != null && node != root; node = node.Parent)
            {
                if (node is AnonymousFunctionExpressionSyntax || node is LocalFunctionStatementSyntax)
                {
                    return false;
                }
            }

            return true;
        }

        // The item is started in a loop of its host.
        private static bool InLoop(WorkItem item) => InLoopBelow(item.Site.Operation, item.Host);

        // A loop holds operation inside top.
        private static bool InLoopBelow(IOperation operation, IOperation? top)
        {
            for (var parent = operation.Parent; parent != null && parent != top; parent = parent.Parent)
            {
                if (parent is ILoopOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <paramref name="use"/> when it is the call in the work's own code that runs <paramref name="callee"/> itself;
        /// null when the access is further down (the work calls a method that calls <paramref name="callee"/>).
        /// </summary>
        private static IInvocationOperation? CallOf(IOperation use, IOperation callee) =>
            use is IInvocationOperation call && SourceCallees.BodyOf(call.TargetMethod, call)?.Syntax == callee.Syntax ? call : null;

        /// <summary>
        /// The objects of a callee's releases or waits named as the work's own code names them: a field as it is (one
        /// symbol in every method); a parameter as the argument <paramref name="call"/> (the work's call of that callee,
        /// if it calls it itself) gives it; anything else (a local of the callee, a parameter of a method further down) is
        /// dropped.
        /// </summary>
        private static List<(IOperation, ISymbol)> InCaller(List<(IOperation Operation, ISymbol Object)> found, IInvocationOperation? call)
        {
            var result = new List<(IOperation, ISymbol)>();
            foreach (var (operation, held) in found)
            {
                var named = held is IFieldSymbol ? held
                    : held is IParameterSymbol parameter && call != null && SourceCallees.ArgumentFor(call, parameter) is { } argument ? SignalObjects.ObjectOf(argument.Value)
                    : null;
                if (named != null)
                {
                    result.Add((operation, named));
                }
            }

            return result;
        }

        private static readonly List<(IOperation, ISymbol)> None = new List<(IOperation, ISymbol)>();

        /// <summary>
        /// The function holding <paramref name="reference"/> when it is not the work's own code but a method (or local or
        /// anonymous function) the work calls: its own releases after the reference and waits before it order it too
        /// (named as the work names them: <see cref="InCaller"/>).
        /// </summary>
        private static IOperation? CalleeOf(WorkItem item, IOperation reference) =>
            item.Body == null || (item.Body.Syntax.SyntaxTree == reference.Syntax.SyntaxTree && item.Body.Syntax.Span.Contains(reference.Syntax.Span))
                ? null
                : Flow.Functions.EnclosingFunction(reference) ?? Flow.Functions.Root(reference);

        private static bool Releases(List<(IOperation Release, ISymbol Object)> releases, ISymbol candidate, IOperation use) =>
            releases.Exists(r => SymbolEqualityComparer.Default.Equals(r.Object, candidate) && SignalObjects.ReleaseFollows(r.Release, use.Syntax));

        /// <summary>
        /// A stream's handler (a process's output lines) releases <paramref name="candidate"/> only in the call that ends the
        /// stream, which comes after every line's call: after all of the handler's uses.
        /// </summary>
        private static bool ReleasesAtEndOfStream(WorkItem item, List<(IOperation Release, ISymbol Object)> releases, ISymbol candidate)
        {
            var mine = releases.FindAll(r => SymbolEqualityComparer.Default.Equals(r.Object, candidate));
            return item.RaisedBy != null && mine.Count > 0 && mine.TrueForAll(r => item.RaisedBy.ReleasesAtEndOfStream(r.Release, item.Site.Delegate));
        }

        private static bool Acquires(List<(IOperation Acquire, ISymbol Object)> acquires, ISymbol candidate, IOperation use) =>
            acquires.Exists(q => SymbolEqualityComparer.Default.Equals(q.Object, candidate) && SignalObjects.AcquirePrecedes(q.Acquire, use.Syntax));

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
