using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Every place the work items of one member share, with each item's accesses to it: captured variables, and
    /// objects of types that are not thread-safe (whose method calls are reads or mutations, see <see cref="ObjectUses"/>).
    /// Also the host's own accesses of a place, outside every item.
    /// </summary>
    internal sealed class SharedPlaces
    {
        private readonly KnownSymbols _symbols;
        private readonly ThreadSafetyOptions _options;
        private readonly WorkItems _items;
        // Whether each variable holds objects that are not thread-safe, as its values say given what the type of a reference
        // says (see IsNotThreadSafe): keyed by both, as one variable may be used as more than one type (a state object,
        // tested and cast in the work).
        private readonly Dictionary<(ISymbol Place, bool ByType), bool> _threadSafeOrigin = new Dictionary<(ISymbol, bool), bool>(PlaceAndType.Comparer);
        private readonly Dictionary<IOperation, Dictionary<ISymbol, List<IOperation>>> _hostReferences = new Dictionary<IOperation, Dictionary<ISymbol, List<IOperation>>>();
        private readonly Dictionary<IOperation, Dictionary<Place, List<Access>>> _hostMembers = new Dictionary<IOperation, Dictionary<Place, List<Access>>>();
    private readonly Dictionary<IOperation, Dictionary<Place, List<Access>>> _hostMemberObjects = new Dictionary<IOperation, Dictionary<Place, List<Access>>>();
    private readonly Dictionary<IOperation, Dictionary<ISymbol, List<Access>>> _hostCalls = new Dictionary<IOperation, Dictionary<ISymbol, List<Access>>>();
    private readonly Dictionary<IOperation, Dictionary<ISymbol, List<Access>>> _hostCalleeObjects = new Dictionary<IOperation, Dictionary<ISymbol, List<Access>>>();
        private readonly MemberAccesses _memberAccesses;
        private readonly Dictionary<WorkItem, (IParameterSymbol Parameter, IOperation Argument, ISymbol Variable)?> _stateHandedTo =
            new Dictionary<WorkItem, (IParameterSymbol, IOperation, ISymbol)?>();

        public SharedPlaces(KnownSymbols symbols, ThreadSafetyOptions options, WorkItems items, MemberAccesses memberAccesses)
        {
            _symbols = symbols;
            _options = options;
            _items = items;
            _memberAccesses = memberAccesses;
            foreach (var item in items.All)
            {
                CollectVariables(item);
                CollectObjects(item);
                CollectMembers(item);
            }
        }

        /// <summary>Captured variables, with each item's accesses.</summary>
        public Dictionary<ISymbol, Dictionary<WorkItem, List<Access>>> Variables { get; } = new Dictionary<ISymbol, Dictionary<WorkItem, List<Access>>>(SymbolEqualityComparer.Default);

        /// <summary>Shared objects of types that are not thread-safe, with each item's uses (a mutation is a write).</summary>
        public Dictionary<ISymbol, Dictionary<WorkItem, List<Access>>> Objects { get; } = new Dictionary<ISymbol, Dictionary<WorkItem, List<Access>>>(SymbolEqualityComparer.Default);

        /// <summary>Statics, fields and array elements (see <see cref="Place"/>), with each item's accesses.</summary>
        public Dictionary<Place, Dictionary<WorkItem, List<Access>>> Members { get; } = new Dictionary<Place, Dictionary<WorkItem, List<Access>>>();

        /// <summary>The members in the order the items first use them.</summary>
        public List<Place> MemberOrder { get; } = new List<Place>();

        /// <summary>
        /// Objects of types that are not thread-safe held in a member or an element of a shared object (<c>buffer.elements</c>,
        /// <c>buckets[]</c>), with each item's uses, in the order the items first use them, and the type each is used as.
        /// </summary>
        public Dictionary<Place, Dictionary<WorkItem, List<Access>>> MemberObjects { get; } = new Dictionary<Place, Dictionary<WorkItem, List<Access>>>();

        public List<(Place Object, string TypeName)> MemberObjectOrder { get; } = new List<(Place, string)>();

        /// <summary>The places in the order the items first use them.</summary>
        public List<(ISymbol Place, bool IsObject)> Order { get; } = new List<(ISymbol, bool)>();

        /// <summary>The host's accesses of <paramref name="shared"/> outside every work item and local function, with the references they stand for.</summary>
        public (List<Access> Accesses, List<IOperation> References) HostAccesses(WorkItem item, ISymbol shared, bool isObject)
        {
            var accesses = new List<Access>();
            var operations = new List<IOperation>();
            foreach (var reference in HostReferences(item.Host, shared))
            {
                Access use;
                if (isObject)
                {
                    if (!(Access.OfObject(shared, reference, _symbols) is { } objectUse))
                    {
                        continue;
                    }

                    use = objectUse;
                }
                else
                {
                    use = Access.OfVariable(shared, reference, _symbols);
                }

                accesses.Add(use);
                operations.Add(reference);
            }

            var called = isObject ? HostCalleeObjectUses(item.Host, shared) : HostCallAccesses(item.Host, shared);
            foreach (var use in called)
            {
                accesses.Add(use);
                operations.Add(use.Operation);
            }

            return (accesses, operations);
        }

    /// <summary>
    /// The host's accesses of <paramref name="variable"/> made through the local functions and delegate locals it calls
    /// outside every work item and local function (<c>Bump()</c>, <c>bump()</c>), each at its call.
    /// </summary>
    private List<Access> HostCallAccesses(IOperation host, ISymbol variable)
    {
        if (!_hostCalls.TryGetValue(host, out var byVariable))
        {
            byVariable = new Dictionary<ISymbol, List<Access>>(SymbolEqualityComparer.Default);
            var root = Flow.Functions.Root(host);

            var collector = new AccessCollector(root, _symbols);
            foreach (var operation in host.DescendantsAndSelf())
            {
                if (!(operation is IInvocationOperation || operation is IMethodReferenceOperation) ||
                    _items.IsInsideAnyItem(operation) || InsideLocalFunction(operation, host))
                {
                    continue;
                }

                foreach (var access in collector.CollectCall(operation))
                {
                    ListOf(byVariable, access.Place).Add(access);
                }
            }

            _hostCalls.Add(host, byVariable);
        }

        return byVariable.TryGetValue(variable, out var accesses) ? accesses : new List<Access>();
    }

    private void CollectVariables(WorkItem item)
    {
        var root = Flow.Functions.Root(item.Host);

        var captures = DelegateCaptures.Analyze(item.Site.Delegate, root, _symbols);
        if (captures.IsStatic)
        {
            return;
        }

        foreach (var access in captures.Accesses)
        {
            if (access.Place is ILocalSymbol { IsConst: true })
            {
                continue;
            }

            Add(Variables, access.Place, item, access, isObject: false);
        }
    }

    private void CollectMembers(WorkItem item)
    {
        var target = item.Target;
        if (target is IMethodReferenceOperation { Method: { MethodKind: MethodKind.Ordinary } } method)
        {
            // new Thread(Work): Work runs as a call made at the method group, where its accesses are reported (one
            // report per spawn, also when several methods start the same Work).
            AddFound(item, _memberAccesses.CollectMethodGroup(method, item.Site.Operation.Syntax, StateHandedTo(item, method.Method)));
            return;
        }

        if (target is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Ordinary } } leftRunning)
        {
            // FetchAsync(id, results) left running: what it does to the objects the caller hands it, and to the objects its
            // fields and statics hold, which another call left running beside it may use too (Task.WhenAll(LoadA(), LoadB())
            // both adding to _errors). Its fields and statics themselves race with its callers' code as CallersAfterCall
            // reads them.
            AddFound(item, _memberAccesses.CollectCall(leftRunning, item.Site.Operation.Syntax).OnlyCallersVariables(andFieldObjects: true));
            return;
        }

        if (item.Body == null)
        {
            return;
        }

        var (function, receiver) = target switch
        {
            IAnonymousFunctionOperation lambda => (lambda.Symbol, null),
            IMethodReferenceOperation group => (group.Method, group.Method.MethodKind == MethodKind.LocalFunction ? null : group.Instance),
            IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } call } => (call, (IOperation?)null),
            _ => ((IMethodSymbol?)null, (IOperation?)null),
        };

        if (function == null)
        {
            return;
        }

        AddFound(item, _memberAccesses.Collect(item.Body, function, item.Site.Operation.Syntax, null, receiver, SourceCallees.MaxDepth,
            Locks.HandedOver(item.Site, item.Body, _symbols.Synchronisation), StateHandedTo(item, function)));
    }

    private (IParameterSymbol, IOperation)? StateHandedTo(WorkItem item, IMethodSymbol function) =>
        StateOf(item, function) is { } state ? (state.Parameter, state.Argument) : null;

    // What StateArguments.HandedTo says of an item, asked once: the object rules and the members rule both need it, and
    // for a thread it follows the handle to its Start calls.
    private (IParameterSymbol Parameter, IOperation Argument, ISymbol Variable)? StateOf(WorkItem item, IMethodSymbol function)
    {
        if (!_stateHandedTo.TryGetValue(item, out var state))
        {
            state = StateArguments.HandedTo(item, function, _symbols);
            _stateHandedTo.Add(item, state);
        }

        return state;
    }

    private void AddFound(WorkItem item, MemberAccesses.Found found)
    {
        foreach (var (place, access) in found.Places)
        {
            if (AddUse(Members, place, item, access))
            {
                MemberOrder.Add(place);
            }
        }

        // Objects the work uses inside the methods it calls: _rng.Next() in a Roll() the work calls.
        foreach (var (shared, reference, access) in found.Objects)
        {
            if (IsNotThreadSafe(shared, reference))
            {
                Add(Objects, shared, item, access, isObject: true);
            }
        }

        foreach (var (shared, field, reference, access) in found.MemberObjects)
        {
            var notThreadSafe = field != null ? IsNotThreadSafe(field, reference) : _options.IsNotThreadSafe(reference.Type, _symbols);
            if (notThreadSafe && AddUse(MemberObjects, shared, item, access))
            {
                MemberObjectOrder.Add((shared, field != null ? Places.TypeNameOf(field) : Places.TypeNameOf(reference.Type!)));
            }
        }
    }

    /// <summary>The host's accesses of the member <paramref name="place"/> outside every work item and local function (also in the methods it calls).</summary>
    public List<Access> HostMemberAccesses(WorkItem item, Place place)
    {
        CollectHost(item.Host);
        return _hostMembers[item.Host].TryGetValue(place, out var accesses) ? accesses : new List<Access>();
    }

    /// <summary>
    /// The host's uses of the object <paramref name="shared"/> inside the methods it calls outside every work item
    /// (<c>Fill()</c> adding to <c>_items</c>), each at its call.
    /// </summary>
    private List<Access> HostCalleeObjectUses(IOperation host, ISymbol shared)
    {
        CollectHost(host);
        return _hostCalleeObjects[host].TryGetValue(shared, out var uses) ? uses : new List<Access>();
    }

    /// <summary>The host's uses of the object held in the member <paramref name="place"/>, as <see cref="HostMemberAccesses"/>.</summary>
    public List<Access> HostMemberObjectUses(WorkItem item, Place place)
    {
        CollectHost(item.Host);
        return _hostMemberObjects[item.Host].TryGetValue(place, out var uses) ? uses : new List<Access>();
    }

    private void CollectHost(IOperation host)
    {
        if (_hostMembers.ContainsKey(host))
        {
            return;
        }

        // Only the host's own code is left to the items: a method the host calls is host code even where an item
        // runs it too (new Thread(Add).Start(); Add();).
        var found = _memberAccesses.Collect(host, null, null, operation =>
            WorkItems.Holds(host.Syntax, operation.Syntax) && (_items.IsInsideAnyItem(operation) || InsideLocalFunction(operation, host)));
        var members = new Dictionary<Place, List<Access>>();
        foreach (var (place, access) in found.Places)
        {
            ListOf(members, place).Add(access);
        }

        var objects = new Dictionary<Place, List<Access>>();
        foreach (var (place, _, _, access) in found.MemberObjects)
        {
            ListOf(objects, place).Add(access);
        }

        var calleeObjects = new Dictionary<ISymbol, List<Access>>(SymbolEqualityComparer.Default);
        foreach (var (shared, _, access) in found.Objects)
        {
            ListOf(calleeObjects, shared).Add(access);
        }

        _hostMembers.Add(host, members);
        _hostMemberObjects.Add(host, objects);
        _hostCalleeObjects.Add(host, calleeObjects);
    }

    /// <summary>The list of <paramref name="key"/> in <paramref name="map"/>, added empty on first use.</summary>
    public static List<Access> ListOf<TKey>(Dictionary<TKey, List<Access>> map, TKey key)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = new List<Access>();
            map.Add(key, list);
        }

        return list;
    }

    private void CollectObjects(WorkItem item)
    {
        var target = item.Target;
        if (target is IMethodReferenceOperation { Method: { MethodKind: not MethodKind.LocalFunction } } group)
        {
            // A method run by method group is read as a call (CollectMembers); here only its receiver counts, and the
            // state the API hands it (QueueUserWorkItem(Work, list)).
            if (group.Instance != null)
            {
                // ForAll(list.Add): the method group's receiver is used by every run.
                var receiver = Places.SharedObjectOf(SpawnClassifier.Unwrap(group.Instance));
                if (receiver != null && IsNotThreadSafe(receiver, group.Instance))
                {
                    var use = ObjectUses.Classify(group.Instance, _symbols);
                    if (use != ObjectUse.None)
                    {
                        Add(Objects, receiver, item, new Access(receiver, group, use == ObjectUse.Read, use == ObjectUse.Mutate, false, new List<object>()), isObject: true);
                    }
                }
            }

            CollectStateUses(item, group.Method, stateOnly: true);
            return;
        }

        var function = (target as IAnonymousFunctionOperation)?.Symbol ?? (target as IMethodReferenceOperation)?.Method ?? (target as IInvocationOperation)?.TargetMethod;
        if (function != null)
        {
            // A static lambda captures nothing, but may be handed state.
            CollectStateUses(item, function, stateOnly: function.IsStatic);
        }
    }

    private void CollectStateUses(WorkItem item, IMethodSymbol function, bool stateOnly)
    {
        if (item.Body == null)
        {
            return;
        }

        var aliases = StateArguments.AliasesIn(StateOf(item, function), item.Body);
        if (stateOnly && aliases.Count == 0)
        {
            return;
        }

        CollectObjectsIn(item, item.Body, function.OriginalDefinition, null, new AccessCollector(Flow.Functions.Root(item.Host), _symbols),
            new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), aliases, StateOf(item, function)?.Argument, stateOnly);
    }

    /// <summary>
    /// The uses of shared objects in <paramref name="body"/> (of <paramref name="function"/>), and in the local functions
    /// it calls, reported at <paramref name="call"/> when the body is such a local function's: the variable rules read a
    /// captured variable the same way (<see cref="AccessCollector"/>). A use through a name of the state the work is
    /// handed (<paramref name="stateNames"/>, see <see cref="StateArguments"/>) is a use of the host's variable; with
    /// <paramref name="stateOnly"/> only those count.
    /// </summary>
    private void CollectObjectsIn(WorkItem item, IOperation body, IMethodSymbol function, IOperation? call, AccessCollector collector, HashSet<IMethodSymbol> visited,
        IReadOnlyDictionary<ISymbol, ISymbol> stateNames, IOperation? stateArgument, bool stateOnly)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } local } localCall &&
                !DelegateCaptures.IsDeclaredIn(local, function) && visited.Add(local.OriginalDefinition) &&
                collector.FindLocalFunction(local) is { Body: { } localBody })
            {
                CollectObjectsIn(item, localBody, local.OriginalDefinition, call ?? localCall, collector, visited, stateNames, stateArgument, stateOnly);
                continue;
            }

            var symbol = Places.SharedObjectOf(operation);
            if (operation is ILocalReferenceOperation copy && DelegateCaptures.IsDeclaredIn(copy.Local, function) &&
                ObjectUses.Classify(copy, _symbols) != ObjectUse.None &&
                _memberAccesses.MemberHeldBy(copy) is { } member && Places.SharedObjectOf(member) is IFieldSymbol or IPropertySymbol)
            {
                // var items = _items; items.Add(x): the object of the field, under another name.
                symbol = Places.SharedObjectOf(member);
            }

            var typed = operation;
            IOperation? hostReference = null;
            if (symbol != null && stateNames.TryGetValue(symbol, out var hostVariable))
            {
                hostReference = stateArgument;
                // ((List<int>)state).Add(x): the object is used as the type it is cast to.
                symbol = hostVariable;
                typed = SpawnClassifier.Wrapped(typed);
            }
            else if (stateOnly || symbol == null || (!(symbol is IFieldSymbol) && DelegateCaptures.IsDeclaredIn(symbol, function)))
            {
                continue;
            }

            if (!IsNotThreadSafe(symbol, typed, hostReference) || !(Access.OfObject(symbol, operation, _symbols) is { } use))
            {
                continue;
            }

            if (call != null)
            {
                // Reported at the work's call, under the locks held there as well as its own.
                var locks = new List<object>(use.Locks);
                locks.AddRange(Locks.LocksHeld(call, _symbols.Synchronisation));
                use = new Access(symbol, call, use.IsRead, use.IsWrite, false, locks, operation);
            }

            // lock (q) on the state the work was handed is a lock on the host's object.
            for (var i = 0; i < use.Locks.Count && stateNames.Count > 0; i++)
            {
                use.Locks[i] = Locks.Renamed(use.Locks[i], key => key is ISymbol name && stateNames.TryGetValue(name, out var host) ? host : key);
            }

            Add(Objects, symbol, item, use, isObject: true);
        }
    }

    /// <summary>
    /// The type says whether an object is thread-safe, unless the variable only ever holds thread-safe instances, or is
    /// typed as an interface or base that says nothing and only ever holds instances that are not
    /// (<c>IList&lt;int&gt; items = new List&lt;int&gt;();</c>), or is <c>[ThreadStatic]</c> (each thread has its own object).
    /// The values of a local are read in the member around <paramref name="hostReference"/>, a reference in the member
    /// that declares it, when <paramref name="reference"/> is elsewhere (a name for the state the work is handed).
    /// </summary>
    public bool IsNotThreadSafe(ISymbol place, IOperation reference, IOperation? hostReference = null)
    {
        if (Places.IsThreadStatic(place))
        {
            return false;
        }

        var byType = _options.IsNotThreadSafe(reference.Type, _symbols);
        if (!_threadSafeOrigin.TryGetValue((place, byType), out var held))
        {
            var valuesAt = hostReference ?? reference;
            held = byType
                ? !ThreadSafeOrigins.HoldsOnlyThreadSafe(place, valuesAt, _options, _symbols)
                : ThreadSafeOrigins.HoldsOnlyNotThreadSafe(place, valuesAt, _options, _symbols);
            _threadSafeOrigin.Add((place, byType), held);
        }

        return held;
    }

    // Compares the keys of _threadSafeOrigin by symbol.
    private sealed class PlaceAndType : IEqualityComparer<(ISymbol Place, bool ByType)>
    {
        public static readonly PlaceAndType Comparer = new PlaceAndType();

        public bool Equals((ISymbol Place, bool ByType) x, (ISymbol Place, bool ByType) y) =>
            x.ByType == y.ByType && SymbolEqualityComparer.Default.Equals(x.Place, y.Place);

        public int GetHashCode((ISymbol Place, bool ByType) key) => SymbolEqualityComparer.Default.GetHashCode(key.Place) * 2 + (key.ByType ? 1 : 0);
    }

    private void Add(Dictionary<ISymbol, Dictionary<WorkItem, List<Access>>> map, ISymbol symbol, WorkItem item, Access use, bool isObject)
    {
        if (AddUse(map, symbol, item, use))
        {
            Order.Add((symbol, isObject));
        }
    }

    /// <summary>Records <paramref name="use"/> of <paramref name="key"/> by <paramref name="item"/>; true when the key is new.</summary>
    private static bool AddUse<TKey>(Dictionary<TKey, Dictionary<WorkItem, List<Access>>> map, TKey key, WorkItem item, Access use)
        where TKey : notnull
    {
        var isNew = !map.TryGetValue(key, out var byItem);
        if (byItem == null)
        {
            byItem = new Dictionary<WorkItem, List<Access>>();
            map.Add(key, byItem);
        }

        if (!byItem.TryGetValue(item, out var uses))
        {
            uses = new List<Access>();
            byItem.Add(item, uses);
        }

        uses.Add(use);
        return isNew;
    }

    /// <summary>References to <paramref name="symbol"/> in <paramref name="host"/> outside every work item and local function.</summary>
    public List<IOperation> HostReferences(IOperation host, ISymbol symbol)
    {
        if (!_hostReferences.TryGetValue(host, out var bySymbol))
        {
            bySymbol = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            foreach (var operation in host.DescendantsAndSelf())
            {
                var referenced = Places.SharedObjectOf(operation);
                if (referenced == null || _items.IsInsideAnyItem(operation) || InsideLocalFunction(operation, host))
                {
                    continue;
                }

                if (!bySymbol.TryGetValue(referenced, out var list))
                {
                    list = new List<IOperation>();
                    bySymbol.Add(referenced, list);
                }

                list.Add(operation);
            }

            _hostReferences.Add(host, bySymbol);
        }

        return bySymbol.TryGetValue(symbol, out var found) ? found : new List<IOperation>();
    }

    private static bool InsideLocalFunction(IOperation operation, IOperation host)
    {
        for (var parent = operation.Parent; parent != null && parent != host; parent = parent.Parent)
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
