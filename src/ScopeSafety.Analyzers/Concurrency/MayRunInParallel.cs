using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The may-happen-in-parallel query over one member: which work items (and which of the host's own operations) may
    /// run at the same time as a given item, decided on the host's control-flow graph with the item's
    /// <see cref="Lifetime"/>. Two pieces of code are ordered when one's start cannot be reached from the other's start
    /// without passing the other's join. A variable's region bounds the search, so a local declared inside a loop body
    /// is a fresh variable per iteration and never shared between the iterations' items.
    /// </summary>
    internal sealed class MayRunInParallel
    {
        private readonly OperationBlockAnalysisContext _context;
        private readonly KnownSymbols _symbols;
        private readonly Dictionary<IOperation, FlowIndex?> _flows = new Dictionary<IOperation, FlowIndex?>();
        private readonly Dictionary<WorkItem, Lifetime?> _lifetimes = new Dictionary<WorkItem, Lifetime?>();
        private readonly HashSet<WorkItem> _neverRun = new HashSet<WorkItem>();
        private HashSet<IOperation>? _unscopedSpawns;

        public MayRunInParallel(OperationBlockAnalysisContext context, KnownSymbols symbols, SignalObjects synchronization, WorkItems items)
        {
            _context = context;
            _symbols = symbols;
            Items = items;
            Signals = new SignalOrderings(synchronization, items, NeverRuns);
        }

        public WorkItems Items { get; }

        /// <summary>Orderings through synchronisation objects, consulted once a candidate race is found.</summary>
        public SignalOrderings Signals { get; }

        /// <summary>Two instances of the item may run at once: the API runs it many times concurrently, or a loop spawns it again before it is joined.</summary>
        public bool MayOverlapItself(WorkItem item, ISymbol shared)
        {
            if (item.Replicated)
            {
                return true;
            }

            if (item.Shape == WorkShape.Blocking)
            {
                return false;
            }

            if (HostRunsRepeatedly(item, shared))
            {
                return true;
            }

            if (item.RestartedAt is { } restart && UsedAfter(restart, item.Body!, shared, (item.Target as IMethodReferenceOperation)?.Method))
            {
                return true;
            }

            var flow = FlowOf(item.Host);
            var lifetime = LifetimeOf(item);
            if (flow == null || lifetime == null)
            {
                return false;
            }

            var targets = new List<(FlowPoint, int)>();
            foreach (var start in lifetime.Starts)
            {
                targets.Add((start, 0));
            }

            return Reached(flow, lifetime, targets, flow.RegionOf(shared)).Count > 0;
        }

        /// <summary>
        /// The work's own body, after it has started itself again at <paramref name="restart"/>, may still use
        /// <paramref name="shared"/>: a reference to it later in the text, or in a source method called there (three
        /// calls deep; a call we cannot read counts). What the run did before the restart is over by the time the next run
        /// starts, and storing a restart's own handle (<c>_loop = Task.Run(Reconnect)</c>) is part of restarting.
        /// </summary>
        private static bool UsedAfter(IOperation restart, IOperation body, ISymbol shared, IMethodSymbol? restarted)
        {
            foreach (var operation in body.Descendants())
            {
                if (operation.Syntax.SpanStart >= restart.Syntax.Span.End && !StoresRestartHandle(operation, restarted) && Uses(operation, shared, 3))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Mentions(IOperation body, ISymbol shared, int depth)
        {
            foreach (var operation in body.Descendants())
            {
                if (Uses(operation, shared, depth))
                {
                    return true;
                }
            }

            return false;
        }

        // One operation names the place, or runs a source method that may (an auto-property's accessors are its field).
        private static bool Uses(IOperation operation, ISymbol shared, int depth)
        {
            var called = SourceCallees.MethodsRun(operation)
                .Where(method => !method.DeclaringSyntaxReferences.IsEmpty && !(method.AssociatedSymbol is IPropertySymbol property && MemberAccesses.IsAutoProperty(property)))
                .ToList();
            if (called.Count > 0)
            {
                return called.Any(method => depth == 0 || !(SourceCallees.BodyOf(method, operation, anyFile: true) is { } callee) || Mentions(callee, shared, depth - 1));
            }

            return operation switch
            {
                IMemberReferenceOperation member => Names(member.Member, shared),
                ILocalReferenceOperation local => Names(local.Local, shared),
                IParameterReferenceOperation parameter => Names(parameter.Parameter, shared),
                _ => false,
            };
        }

        private static bool StoresRestartHandle(IOperation operation, IMethodSymbol? restarted) =>
            restarted != null && operation.Parent is ISimpleAssignmentOperation assignment && assignment.Target == operation &&
            assignment.Value.DescendantsAndSelf().Any(value => value is IMethodReferenceOperation reference &&
                                                               SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, restarted.OriginalDefinition));

        // The place itself, or one of the same name (a field reached through another object, a chain's last member).
        private static bool Names(ISymbol symbol, ISymbol shared) =>
            SymbolEqualityComparer.Default.Equals(symbol, shared) || symbol.Name == shared.Name;

        /// <summary>
        /// The spawn sits in a lambda handed to a method that may call it many times (items.Select(x => scope.Spawn(…)),
        /// list.ForEach(x => Task.Run(…)), a Parallel body), and <paramref name="shared"/> lives outside that lambda: every
        /// call starts another instance of the item. A Scope.Run body or a lambda that is itself a single spawned item
        /// runs once.
        /// </summary>
        private bool HostRunsRepeatedly(WorkItem item, ISymbol shared)
        {
            if (item.Host.Parent is ILocalFunctionOperation function)
            {
                return !Spawns.DelegateCaptures.IsDeclaredIn(shared, function.Symbol) && CalledRepeatedly(function, shared, 0, _symbols) && MayOutliveHost(item);
            }

            if (item.Host.Parent == null && _context.OwningSymbol is IMethodSymbol member)
            {
                // A method, constructor or setter its file certainly runs twice (new Node(1); new Node(2);), whose work may
                // outlive each run: the runs' work overlaps on what the member does not own.
                return !Spawns.DelegateCaptures.IsDeclaredIn(shared, member) && CalledRepeatedly(member, item.Host.SemanticModel, shared.IsStatic) && MayOutliveHost(item);
            }

            if (!(item.Host.Parent is IAnonymousFunctionOperation lambda) ||
                !(lambda.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation call } } creation) ||
                Spawns.DelegateCaptures.IsDeclaredIn(shared, lambda.Symbol))
            {
                return false;
            }

            if (KnownSymbols.Is(call.TargetMethod.ContainingType, _symbols.Runtime.Scope))
            {
                // Scope.Run/RunAsync run their body once; a Scope.Spawn/Go/Join item runs once.
                return false;
            }

            foreach (var other in Items.All)
            {
                if (other.Site.Delegate == creation)
                {
                    return other.Replicated;
                }
            }

            // A user API marked structured is not assumed to repeat, nor an operation handed to run (below); any other
            // method may call the lambda many times.
            return !HasWorkAttribute(call) && !IsOperationCallback(creation, _symbols) && MayOutliveHost(item);
        }

        /// <summary>
        /// A delegate of an operation's shape, which takes nothing but a cancellation token and returns a task
        /// (<c>Func&lt;Task&gt;</c>, <c>Func&lt;CancellationToken, Task&gt;</c>), handed to a method to run: a lifecycle
        /// stage's start or stop (<c>lifecycle.Subscribe(stage, OnStart, OnStop)</c>), a retry policy's attempt. Such a
        /// method runs the operation and awaits it, once per request, where a delegate that takes an element or an event
        /// (<c>Select</c>, <c>ForEach</c>, a handler) runs once per element, at any time; so the work it starts is not taken
        /// to have another run beside it.
        /// </summary>
        private static bool IsOperationCallback(IDelegateCreationOperation creation, KnownSymbols symbols) =>
            creation.Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } &&
            symbols.Tasks.IsTaskLike(invoke.ReturnType) &&
            invoke.Parameters.All(parameter => KnownSymbols.Is(parameter.Type, symbols.Threading.CancellationToken));

        /// <summary>
        /// The item may still run when the function that starts it returns (some path passes no join): a second call of
        /// that function then starts another instance beside it. One joined before every return overlaps another only
        /// when the function itself runs twice at once — a Parallel body or other work item, which is replicated above
        /// (list.ForEach(x => Task.Run(…).Wait()) runs one at a time).
        /// </summary>
        public bool MayOutliveHost(WorkItem item)
        {
            var flow = FlowOf(item.Host);
            var lifetime = LifetimeOf(item);
            // Work that starts only once the host has returned (a paused timer in a field of the object a constructor
            // builds) outlives it too.
            return flow != null && lifetime != null &&
                   (lifetime.Starts.Exists(start => start.Block == flow.ExitBlock) ||
                    Reached(flow, lifetime, new List<(FlowPoint, int)> { (new FlowPoint(flow.ExitBlock, 0, 0), 0) }, (0, flow.ExitBlock)).Count > 0);
        }

        /// <summary>
        /// The item may still run when its async host first hands control back to its caller: an await of the host (the
        /// caller goes on at the first one that has to wait, <c>await Task.Run(…)</c> included) is reached from the item's
        /// start before its join. What the caller does after the call then runs beside the item.
        /// </summary>
        public bool MayRunPastAnAwait(WorkItem item)
        {
            if (!(_context.OwningSymbol is IMethodSymbol { IsAsync: true }) || item.Host.Parent != null || item.Shape != WorkShape.Spawned)
            {
                return false;
            }

            var flow = FlowOf(item.Host);
            var lifetime = LifetimeOf(item);
            if (flow == null || lifetime == null)
            {
                return false;
            }

            if (lifetime.Handle != null && lifetime.Handle.Joins.Any(join => join is IAwaitOperation || AwaitedValues.AwaitOf(join, amongOthers: true) != null))
            {
                // await Task.Run(…): the method suspends there while the work runs.
                return true;
            }

            var targets = new List<(FlowPoint, int)>();
            foreach (var operation in item.Host.Descendants())
            {
                if (operation is IAwaitOperation awaited && Functions.EnclosingFunction(awaited) == null &&
                    flow.PointOf(awaited.Syntax, awaited.Syntax.SpanStart) is { } point)
                {
                    targets.Add((point, 0));
                }
            }

            return Reached(flow, lifetime, targets, (0, flow.ExitBlock)).Count > 0;
        }

        /// <summary>
        /// A local function that starts work is called twice, in a loop, or handed on as a delegate (which may call it
        /// many times, unless it has an operation's shape: <see cref="IsOperationCallback"/>): each call starts another
        /// instance of its work. So is one called once, as a statement (nothing
        /// gets its result to wait for), from a local function that is itself called repeatedly, while
        /// <paramref name="shared"/> lives outside that one too.
        /// </summary>
        private static bool CalledRepeatedly(ILocalFunctionOperation function, ISymbol shared, int depth, KnownSymbols symbols)
        {
            var root = Flow.Functions.Root((IOperation)function);

            var calls = 0;
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, function.Symbol):
                        calls++;
                        if (calls > 1 || InLoop(call, root))
                        {
                            return true;
                        }

                        break;
                    case IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, function.Symbol):
                        if (reference.Parent is IDelegateCreationOperation { Parent: IArgumentOperation } handed && IsOperationCallback(handed, symbols))
                        {
                            break;
                        }

                        return true;
                }
            }

            return calls == 1 && depth < MaxCallerDepth && OnlyCall(function, root) is { Parent: IExpressionStatementOperation } only &&
                   Functions.EnclosingFunction(only) is ILocalFunctionOperation caller && !Spawns.DelegateCaptures.IsDeclaredIn(shared, caller.Symbol) &&
                   CalledRepeatedly(caller, shared, depth + 1, symbols);
        }

        private const int MaxCallerDepth = 4;

        private readonly Dictionary<(IMethodSymbol, bool), bool> _repeatedMembers = new Dictionary<(IMethodSymbol, bool), bool>();

        private bool CalledRepeatedly(IMethodSymbol member, SemanticModel? model, bool sharedIsStatic)
        {
            if (!_repeatedMembers.TryGetValue((member, sharedIsStatic), out var repeated))
            {
                repeated = model != null && RepeatedCalls.IsCalledRepeatedly(member, model, sharedIsStatic);
                _repeatedMembers.Add((member, sharedIsStatic), repeated);
            }

            return repeated;
        }

        private static IInvocationOperation? OnlyCall(ILocalFunctionOperation function, IOperation root) =>
            root.Descendants().OfType<IInvocationOperation>()
                .FirstOrDefault(call => SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, function.Symbol));

        private static bool InLoop(IOperation operation, IOperation root)
        {
            for (var parent = operation.Parent; parent != null && parent != root; parent = parent.Parent)
            {
                if (parent is ILoopOperation)
                {
                    return true;
                }

                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return false;
        }

        private bool HasWorkAttribute(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                foreach (var attribute in argument.Parameter?.GetAttributes() ?? ImmutableArray<AttributeData>.Empty)
                {
                    if (KnownSymbols.Is(attribute.AttributeClass, _symbols.Runtime.StructuredWorkAttribute) ||
                        KnownSymbols.Is(attribute.AttributeClass, _symbols.Runtime.UnscopedWorkAttribute))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A write of <paramref name="item"/> that races with an access of another run of the same item: they conflict,
        /// the item may overlap itself, and no synchronisation object hands one run over to the next there.
        /// </summary>
        public Access? SelfRace(WorkItem item, List<Access> uses, ISymbol shared)
        {
            if (!uses.Exists(w => w.IsWrite && uses.Exists(u => Access.Conflict(w, u, sameItem: true))) || !MayOverlapItself(item, shared))
            {
                return null;
            }

            // Only now, with a race in hand: runs that hand over through a synchronisation object do not overlap there.
            // An update split over two calls is the cause where it is (counts[k] = counts[k] + 1 beside counts[k] = 0).
            bool Races(Access w) => w.IsWrite && uses.Exists(u => Access.Conflict(w, u, sameItem: true) && !Ordered(item, w, item, u));
            return uses.Find(w => w.IsSplitUpdate && Races(w)) ?? uses.Find(Races);
        }

        /// <summary>
        /// The access of work that runs in turn up to its first await (<see cref="SpawnSite.InTurnUntilAwait"/>) is made
        /// before that await: on the thread that starts the work, inside the call or the enumeration, not beside it.
        /// </summary>
        public bool MadeBeforeItYields(WorkItem item, Access access) =>
            item.Site.InTurnUntilAwait && item.Body != null && AsyncRuns.BeforeEveryAwait(item.Body, access, _symbols);

        /// <summary>
        /// A write of <paramref name="item"/> and a conflicting access of <paramref name="other"/>, when the two may run
        /// together while <paramref name="shared"/> is one place for both, and no synchronisation object orders that pair.
        /// </summary>
        public (Access Mine, Access Theirs)? PairRace(WorkItem item, List<Access> uses, WorkItem other, List<Access> otherUses, ISymbol shared)
        {
            (Access, Access)? first = null;
            foreach (var a in uses)
            {
                var b = a.IsWrite ? otherUses.Find(candidate => Access.Conflict(a, candidate)) : null;
                if (b != null)
                {
                    first = (a, b);
                    break;
                }
            }

            if (first == null || !Together(item, other, shared))
            {
                return null;
            }

            if (!Ordered(item, first.Value.Item1, other, first.Value.Item2))
            {
                return first;
            }

            // The first pair is ordered through a synchronisation object: any other pair that is not?
            foreach (var a in uses)
            {
                foreach (var b in otherUses)
                {
                    if (a.IsWrite && Access.Conflict(a, b) && !Ordered(item, a, other, b))
                    {
                        return (a, b);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// An access of one item and one of another (or of another run of the same) cannot overlap: a synchronisation
        /// object orders them, only the last of runs counted on one counter makes one of them, after the other, or both
        /// are made on the one thread of a context both await (<see cref="ContextSwitches"/>).
        /// </summary>
        private bool Ordered(WorkItem item, Access mine, WorkItem other, Access theirs) =>
            (MadeBeforeItYields(item, mine) && MadeBeforeItYields(other, theirs)) || OnOneContext(item, mine, other, theirs) ||
            Signals.Ordered(item, mine.Operation, mine.Reference, other, theirs.Operation, theirs.Reference) || Signals.LastRunOrders(item, mine.Reference, other, theirs.Reference);

        private bool OnOneContext(WorkItem item, Access mine, WorkItem other, Access theirs) =>
            ContextSwitches.OnOneContext(item.Body, mine, CalledFrom(item), other.Body, theirs, CalledFrom(other), _symbols);

        /// <summary>The item's access and one of its host's both run on the thread of one context (<see cref="ContextSwitches"/>).</summary>
        public bool OnOneContextWithHost(WorkItem item, Access mine, Access host) =>
            ContextSwitches.OnOneContext(item.Body, mine, CalledFrom(item), item.Host, host, null, _symbols);

        // An async method called and left running runs where it is called until an await decides otherwise.
        private static (IOperation Body, IOperation Call)? CalledFrom(WorkItem item) =>
            item.Site.IsAsyncCallLeftRunning ? (item.Host, item.Site.Operation) : null;

        /// <summary>Items <paramref name="a"/> and <paramref name="b"/> (different delegates) may run at the same time while <paramref name="shared"/> is the same variable for both.</summary>
        public bool Together(WorkItem a, WorkItem b, ISymbol shared)
        {
            if (a.Host != b.Host)
            {
                // Items of different functions: the one nesting the other is not modelled; stay silent.
                return false;
            }

            if (a.Site.Operation == b.Site.Operation)
            {
                return a.SiblingsRunTogether;
            }

            if (a.RaisedBy != null && b.RaisedBy != null && a.RaisedBy.RunsApartFrom(b.RaisedBy))
            {
                // One thread raises both events of one source (a file watcher's Changed and Created).
                return false;
            }

            if (a.RaisedBy != null && b.RaisedBy != null && a.RaisedBy.DispatchesPerOperation(b.RaisedBy) &&
                a.Target is IMethodReferenceOperation first && b.Target is IMethodReferenceOperation second &&
                SymbolEqualityComparer.Default.Equals(first.Method, second.Method))
            {
                // One completion handler for the connect, receive and send args (NetCoreServer's OnAsyncCompleted), which
                // picks its path by e.LastOperation: which paths overlap is not told apart, so the args are not weighed
                // against each other, only against the class's members.
                return false;
            }

            if (Continuations.Follows(a, b) || Continuations.Follows(b, a))
            {
                return false;
            }

            return Reaches(a, b, shared) || Reaches(b, a, shared);
        }

        /// <summary>The indices of <paramref name="accesses"/> (operations of the item's host) that may run while the item runs.</summary>
        public List<int> HostAccessesDuring(WorkItem item, List<IOperation> accesses, ISymbol shared) => HostAccessesDuring(item, accesses, shared, null);

        /// <summary>
        /// As above, with the item's uses <paramref name="itemUses"/>: the host's waits for an object the item releases
        /// after all those uses also end the item, for them.
        /// </summary>
        public List<int> HostAccessesDuring(WorkItem item, List<IOperation> accesses, ISymbol shared, List<IOperation>? itemUses)
        {
            var result = new List<int>();
            if (item.Shape == WorkShape.Blocking || accesses.Count == 0)
            {
                // The caller waits inside the call: nothing of the host runs beside the item.
                return result;
            }

            var flow = FlowOf(item.Host);
            var lifetime = LifetimeOf(item);
            if (flow == null || lifetime == null)
            {
                return result;
            }

            var spawnSpan = item.Site.Operation.Syntax.Span;
            var targets = new List<(FlowPoint, int)>();
            for (var i = 0; i < accesses.Count; i++)
            {
                var syntax = accesses[i].Syntax;
                if (spawnSpan.Contains(syntax.Span))
                {
                    // Arguments of the spawn call are evaluated before the work starts.
                    continue;
                }

                var point = flow.PointOf(syntax, PositionOf(accesses[i]));
                if (point != null)
                {
                    targets.Add((point.Value, i));
                }
            }

            var region = flow.RegionOf(shared);
            var reached = Reached(flow, lifetime, targets, region);
            if (reached.Count > 0 && itemUses != null)
            {
                var waits = Signals.HostWaitsAfter(item, itemUses, flow);
                if (waits.Count > 0)
                {
                    waits.AddRange(lifetime.Joins);
                    reached = Reached(flow, new Lifetime(lifetime.Starts, waits), targets, region);
                }
            }

            var seen = new HashSet<int>();
            foreach (var i in reached)
            {
                if (seen.Add(i))
                {
                    result.Add(i);
                }
            }

            result.Sort();
            return result;
        }

        /// <summary>
        /// The host waits, before <paramref name="hostUse"/>, for an object the item releases after <paramref name="itemUse"/>
        /// (a thread writes its cell, then arrives at a barrier or sets an event, and uses other cells after that): asked of one
        /// pair when the item's uses as a whole, some of them after its release, do not end it there.
        /// </summary>
        public bool HostWaitsAfterUse(WorkItem item, IOperation itemUse, IOperation hostUse, ISymbol shared) =>
            HostAccessesDuring(item, new List<IOperation> { hostUse }, shared, new List<IOperation> { itemUse }).Count == 0;

        /// <summary>
        /// The item's <paramref name="itemUse"/> and the host's <paramref name="hostUse"/> index one array by the same
        /// expression of the run's own variables (a per-iteration copy of the loop variable that starts the item): the
        /// host reaches that element only in the iteration that started the item, and there not while the item runs
        /// (<c>queues[x] = new(); new Thread(() => Drain(queues[x])).Start();</c>). In every other iteration the index
        /// is another element.
        /// </summary>
        public bool MeetsOnlyInOtherIterations(WorkItem item, Access itemUse, Access hostUse)
        {
            if (!(itemUse.Index is { AllOwn: true } mine) || !(hostUse.Index is { } theirs) || mine.Text != theirs.Text ||
                mine.Variables.Count == 0 || !mine.Variables.SequenceEqual(theirs.Variables, SymbolEqualityComparer.Default))
            {
                return false;
            }

            // A variable declared in the loop body is a fresh one per iteration: bounded by its region, the search from
            // the item's start does not come round to the host's use in a later iteration.
            var hostOperation = new List<IOperation> { hostUse.Operation };
            return mine.Variables.Any(variable => variable is ILocalSymbol && HostAccessesDuring(item, hostOperation, variable).Count == 0);
        }

        /// <summary>
        /// The host's <paramref name="hostUse"/> happens before the item's <paramref name="itemUse"/>: the item waits,
        /// before its use, for an object only the host releases, and no release of it is followed (while the item may
        /// still run) by the host's use. The body writes, then <c>go.Set()</c>; the item <c>go.Wait()</c>s, then reads.
        /// </summary>
        public bool HostSignalsBefore(WorkItem item, IOperation itemUse, IOperation hostUse, ISymbol shared)
        {
            var objects = Signals.WaitedForBefore(item, itemUse);
            if (objects.Count == 0)
            {
                return false;
            }

            var flow = FlowOf(item.Host);
            var lifetime = LifetimeOf(item);
            var point = flow?.PointOf(hostUse.Syntax, PositionOf(hostUse));
            if (flow == null || lifetime == null || point == null)
            {
                return false;
            }

            var region = flow.RegionOf(shared);
            foreach (var waited in objects)
            {
                var releases = Signals.HostReleasePoints(item, waited, flow);
                if (releases.Count == 0)
                {
                    if (HeldUntilConstructed(item, waited))
                    {
                        return true;
                    }

                    continue;
                }

                var reachability = new Reachability(flow, lifetime.Joins, new[] { (point.Value, 0) }, region.First, region.Last);
                if (!releases.Exists(release => reachability.Reached(release, stopAtFirst: true).Count > 0))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The item, started by a constructor, waits for an event of the object under construction that the constructor
        /// never releases, and the constructor lets nothing else reach the object: it calls none of the object's members and
        /// hands <c>this</c> to nothing but the item. Only a member called once the object exists can then let the item
        /// through, so everything the constructor does comes first (worker threads that wait for their first job).
        /// </summary>
        private bool HeldUntilConstructed(WorkItem item, ISymbol waited)
        {
            if (!(_context.OwningSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor) ||
                !(waited is IFieldSymbol { IsStatic: false } field) || !SymbolEqualityComparer.Default.Equals(field.ContainingType, constructor.ContainingType))
            {
                return false;
            }

            var delegateSpan = item.Site.Delegate.Syntax.Span;
            foreach (var operation in item.Host.Descendants())
            {
                // The base constructor's call runs before the body, so before the start.
                // An auto-property's accessors, like a field, run nothing that could let the item through, nor does
                // GetType(), nor work that never runs beside the constructor (a handler of a timer a later Start() starts).
                if (operation is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } self &&
                    !(self.Parent is IFieldReferenceOperation) && !(self.Parent is IPropertyReferenceOperation { Property: { } property } && IsPlainAutoProperty(property)) &&
                    !(self.Parent is IInvocationOperation { TargetMethod: { ContainingType.SpecialType: SpecialType.System_Object, IsVirtual: false } }) &&
                    !delegateSpan.Contains(self.Syntax.Span) && !InWorkThatNeverRuns(item.Host, self) &&
                    !(self.Parent is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Constructor } baseConstructor } &&
                      !SymbolEqualityComparer.Default.Equals(baseConstructor.ContainingType, constructor.ContainingType)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>An auto-property no override can replace: setting or reading it is a field access.</summary>
        private static bool IsPlainAutoProperty(IPropertySymbol property) =>
            !property.IsVirtual && !property.IsOverride && MemberAccesses.IsAutoProperty(property);

        /// <summary>
        /// <paramref name="operation"/> is in other work of <paramref name="host"/> that never runs beside it (a handler of a
        /// timer the host makes and never starts).
        /// </summary>
        private bool InWorkThatNeverRuns(IOperation host, IOperation operation) =>
            Items.Holding(operation) is { } holder && holder.Host == host && NeverRuns(holder);

        private bool Reaches(WorkItem from, WorkItem to, ISymbol shared)
        {
            var flow = FlowOf(from.Host);
            var lifetime = LifetimeOf(from);
            var other = LifetimeOf(to);
            if (flow == null || lifetime == null || other == null)
            {
                return false;
            }

            var targets = new List<(FlowPoint, int)>();
            foreach (var start in other.Starts)
            {
                targets.Add((start, 0));
            }

            return Reached(flow, lifetime, targets, flow.RegionOf(shared)).Count > 0;
        }

        private static List<int> Reached(FlowIndex flow, Lifetime lifetime, List<(FlowPoint, int)> targets, (int First, int Last) region)
        {
            var result = new List<int>();
            if (targets.Count == 0)
            {
                return result;
            }

            var reachability = new Reachability(flow, lifetime.Joins, targets, region.First, region.Last);
            foreach (var start in lifetime.Starts)
            {
                result.AddRange(reachability.Reached(start));
            }

            return result;
        }

        /// <summary>A write takes effect when its assignment ends ("x = x + 1" reads first); a read where it is.</summary>
        private static int PositionOf(IOperation access)
        {
            var syntax = access.Syntax;
            if (access.Parent?.Syntax is { } parent && parent.Span.Contains(syntax.Span) &&
                (access.Parent is IAssignmentOperation || access.Parent is IIncrementOrDecrementOperation))
            {
                return parent.Span.End;
            }

            return syntax.SpanStart;
        }

        /// <summary>
        /// The item never runs beside its host: a <c>new Task</c> never started, a handler of a timer the host makes and
        /// never starts (<see cref="Lifetime.Starts"/>).
        /// </summary>
        public bool NeverRuns(WorkItem item)
        {
            LifetimeOf(item);
            return _neverRun.Contains(item);
        }

        /// <summary>The item's lifetime in its host's graph; null when it has none or never runs beside the host.</summary>
        public Lifetime? LifetimeOf(WorkItem item)
        {
            if (!_lifetimes.TryGetValue(item, out var lifetime))
            {
                var flow = FlowOf(item.Host);
                lifetime = flow == null ? null : Lifetime.Of(item, flow, _symbols, IsUnscopedSpawn);
                if (lifetime != null && lifetime.Starts.Count == 0)
                {
                    _neverRun.Add(item);
                    lifetime = null;
                }

                _lifetimes.Add(item, lifetime);
            }

            return lifetime;
        }

        /// <summary>The operation starts one of this member's unscoped items: a join inside its delegate does not run before it returns.</summary>
        private bool IsUnscopedSpawn(IOperation operation)
        {
            if (_unscopedSpawns == null)
            {
                _unscopedSpawns = new HashSet<IOperation>();
                foreach (var item in Items.All)
                {
                    if (item.IsUnscoped)
                    {
                        _unscopedSpawns.Add(item.Site.Operation);
                    }
                }
            }

            return _unscopedSpawns.Contains(operation);
        }

        public FlowIndex? FlowOf(IOperation host)
        {
            if (!_flows.TryGetValue(host, out var flow))
            {
                var graph = GraphOf(host);
                flow = graph == null ? null : new FlowIndex(graph);
                _flows.Add(host, flow);
            }

            return flow;
        }

        /// <summary>The graph of the member block, lambda or local function whose body is <paramref name="host"/>.</summary>
        private ControlFlowGraph? GraphOf(IOperation host)
        {
            IOperation? root = host;
            while (root != null && !_context.OperationBlocks.Contains(root))
            {
                root = root.Parent;
            }

            if (root == null)
            {
                // The host is the operation tree's root (a method body operation) above the block the driver analyses.
                foreach (var block in _context.OperationBlocks)
                {
                    for (var parent = block.Parent; parent != null; parent = parent.Parent)
                    {
                        if (parent == host)
                        {
                            return _context.GetControlFlowGraph(block);
                        }
                    }
                }

                return null;
            }

            var chain = new List<IOperation>();
            for (var parent = host == root ? null : host.Parent; parent != null && parent != root; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    chain.Add(parent);
                }
            }

            chain.Reverse();
            var graph = _context.GetControlFlowGraph(root);
            foreach (var function in chain)
            {
                if (graph == null)
                {
                    return null;
                }

                if (function is ILocalFunctionOperation local)
                {
                    graph = graph.GetLocalFunctionControlFlowGraphInScope(local.Symbol);
                }
                else if (function is IAnonymousFunctionOperation lambda)
                {
                    var flowLambda = FindFlowLambda(graph, lambda.Symbol);
                    graph = flowLambda == null ? null : graph.GetAnonymousFunctionControlFlowGraphInScope(flowLambda);
                }
            }

            return graph;
        }

        private static IFlowAnonymousFunctionOperation? FindFlowLambda(ControlFlowGraph graph, IMethodSymbol symbol)
        {
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    var found = FindIn(operation, symbol);
                    if (found != null)
                    {
                        return found;
                    }
                }

                if (block.BranchValue != null)
                {
                    var found = FindIn(block.BranchValue, symbol);
                    if (found != null)
                    {
                        return found;
                    }
                }
            }

            return null;
        }

        private static IFlowAnonymousFunctionOperation? FindIn(IOperation operation, IMethodSymbol symbol)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IFlowAnonymousFunctionOperation flow && SymbolEqualityComparer.Default.Equals(flow.Symbol, symbol))
                {
                    return flow;
                }
            }

            return null;
        }
    }
}
