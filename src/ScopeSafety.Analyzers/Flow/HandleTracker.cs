using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// Follows the handle of one unscoped spawn (its Task or Thread) through locals, lists and arrays inside one
    /// function, and collects what joins it, where a thread is started, and whether the handle leaves the function.
    /// </summary>
    internal sealed class HandleTracker
    {
        private readonly KnownSymbols _symbols;
        private readonly IOperation _scope;
        private readonly HashSet<ILocalSymbol> _holders = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<IOperation> _visited = new HashSet<IOperation>();
        private Dictionary<ILocalSymbol, List<ILocalReferenceOperation>>? _references;

        private HandleTracker(KnownSymbols symbols, IOperation scope)
        {
            _symbols = symbols;
            _scope = scope;
        }

        /// <summary>Operations that wait for the work; the join happens when the operation's syntax ends.</summary>
        public List<IOperation> Joins { get; } = new List<IOperation>();

        /// <summary>Thread.Start calls of a thread handle: the work starts there, not at "new Thread".</summary>
        public List<IOperation> Starts { get; } = new List<IOperation>();

        /// <summary>The handle is returned, stored outside the function's locals, or handed to code we cannot see.</summary>
        public bool Escapes { get; private set; }

        /// <summary>Tracks the handle produced by <paramref name="spawn"/> within <paramref name="scope"/> (the function body).</summary>
        public static HandleTracker Track(SpawnSite spawn, IOperation scope, KnownSymbols symbols)
        {
            var tracker = new HandleTracker(symbols, scope);
            if (spawn.Handle != HandleKind.None)
            {
                tracker.Follow(spawn.Operation);
                tracker.FollowHolders();
            }

            return tracker;
        }

        private void FollowHolders()
        {
            var done = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            var pending = new Queue<ILocalSymbol>(_holders);
            while (pending.Count > 0)
            {
                var holder = pending.Dequeue();
                if (!done.Add(holder))
                {
                    continue;
                }

                foreach (var reference in References(holder))
                {
                    var before = _holders.Count;
                    Follow(reference);
                    if (_holders.Count != before)
                    {
                        foreach (var added in _holders)
                        {
                            if (!done.Contains(added))
                            {
                                pending.Enqueue(added);
                            }
                        }
                    }
                }
            }
        }

        private IEnumerable<ILocalReferenceOperation> References(ILocalSymbol local)
        {
            if (_references == null)
            {
                _references = new Dictionary<ILocalSymbol, List<ILocalReferenceOperation>>(SymbolEqualityComparer.Default);
                foreach (var operation in _scope.Descendants())
                {
                    if (operation is ILocalReferenceOperation reference)
                    {
                        if (!_references.TryGetValue(reference.Local, out var list))
                        {
                            list = new List<ILocalReferenceOperation>();
                            _references.Add(reference.Local, list);
                        }

                        list.Add(reference);
                    }
                }
            }

            return _references.TryGetValue(local, out var found) ? found : (IEnumerable<ILocalReferenceOperation>)new ILocalReferenceOperation[0];
        }

        /// <summary>Decides what the consumer of a handle-valued operation does with it.</summary>
        private void Follow(IOperation value)
        {
            if (!_visited.Add(value))
            {
                return;
            }

            var child = value;
            var parent = value.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                child = parent;
                parent = parent.Parent;
            }

            if (IsInsideNestedFunction(value))
            {
                // Captured by another lambda or local function: it may wait for it or keep it; we cannot tell.
                Escapes = true;
                return;
            }

            switch (parent)
            {
                case null:
                case IExpressionStatementOperation _:
                    return;

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    _holders.Add(declarator.Symbol);
                    return;

                case ISimpleAssignmentOperation assignment when assignment.Value == child:
                    switch (assignment.Target)
                    {
                        case ILocalReferenceOperation local:
                            _holders.Add(local.Local);
                            return;
                        case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array }:
                            _holders.Add(array.Local);
                            return;
                        case IDiscardOperation _:
                            return;
                        default:
                            Escapes = true;
                            return;
                    }

                case ISimpleAssignmentOperation _:
                    // The handle local itself is (re)assigned: not a use of the handle.
                    return;

                case IAwaitOperation await:
                    Joins.Add(await);
                    return;

                case IReturnOperation _:
                    Escapes = true;
                    return;

                case IArrayInitializerOperation { Parent: IArrayCreationOperation creation }:
                    Follow(creation);
                    return;

                case ICollectionExpressionOperation collection:
                    Follow(collection);
                    return;

                case IForEachLoopOperation loop when loop.Collection == child:
                    if (LoopJoinsEachItem(loop))
                    {
                        Joins.Add(loop.Collection);
                    }

                    return;

                case IPropertyReferenceOperation property when property.Instance == child:
                    if (property.Property.Name == "Result" && _symbols.IsTask(property.Property.ContainingType))
                    {
                        Joins.Add(property);
                    }

                    return;

                case IInvocationOperation invocation when invocation.Instance == child:
                    OnInstanceCall(invocation);
                    return;

                case IArgumentOperation { Parent: IInvocationOperation invocation }:
                    OnArgument(invocation);
                    return;

                case IArgumentOperation { Parent: IObjectCreationOperation _ }:
                    Escapes = true;
                    return;

                case IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } add
                    when add.Parent is IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation creation }:
                    // new List<Task> { Task.Run(...) }
                    Follow(creation);
                    return;

                default:
                    // Tuples, fields of anonymous objects, ...: we lose track, so stay silent about "never joined".
                    Escapes = true;
                    return;
            }
        }

        private void OnInstanceCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (_symbols.IsTask(type))
            {
                switch (method.Name)
                {
                    case "Wait":
                        Joins.Add(invocation);
                        return;
                    case "GetAwaiter" when invocation.Parent is IInvocationOperation { TargetMethod: { Name: "GetResult" } } getResult:
                        Joins.Add(getResult);
                        return;
                    case "ConfigureAwait":
                        Follow(invocation);
                        return;
                }

                return;
            }

            if (_symbols.IsThread(type))
            {
                if (method.Name == "Join")
                {
                    Joins.Add(invocation);
                }
                else if (method.Name == "Start" || method.Name == "UnsafeStart")
                {
                    Starts.Add(invocation);
                }

                return;
            }

            // list.ToArray(), list.GetRange(...): a collection of the handles is still a holder of them.
            if (HoldsHandles(invocation.Type))
            {
                Follow(invocation);
            }
        }

        private bool HoldsHandles(ITypeSymbol? type)
        {
            if (type is IArrayTypeSymbol array)
            {
                return _symbols.IsTask(array.ElementType) || _symbols.IsThread(array.ElementType);
            }

            if (type is INamedTypeSymbol named)
            {
                foreach (var argument in named.TypeArguments)
                {
                    if (_symbols.IsTask(argument) || _symbols.IsThread(argument))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private void OnArgument(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (KnownSymbols.Is(method.ContainingType, _symbols.Task) && method.IsStatic)
            {
                switch (method.Name)
                {
                    case "WaitAll":
                        Joins.Add(invocation);
                        return;
                    case "WhenAll":
                        // The combined task is the join when it is awaited or waited.
                        Follow(invocation);
                        return;
                }

                return;
            }

            if (invocation.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } &&
                invocation.Parent is IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation created })
            {
                // new List<Task> { Task.Run(...) }: the new collection holds the handle.
                Follow(created);
                return;
            }

            if (invocation.Instance is ILocalReferenceOperation holder && !method.IsStatic)
            {
                // tasks.Add(t), threads.Add(th): the collection now holds the handle.
                _holders.Add(holder.Local);
                return;
            }

            if (method.IsExtensionMethod && IsSystemNamespace(method.ContainingNamespace))
            {
                // tasks.ToArray(), tasks.Where(...): the result still holds the handles.
                Follow(invocation);
                return;
            }

            if (IsSystemNamespace(method.ContainingNamespace))
            {
                // Task.WhenAny, Console.WriteLine, ...: neither joins nor keeps the work.
                return;
            }

            // A user method that receives the handle may well wait for it: count it as a join, and as an escape.
            Joins.Add(invocation);
            Escapes = true;
        }

        private bool LoopJoinsEachItem(IForEachLoopOperation loop)
        {
            foreach (var local in loop.Locals)
            {
                foreach (var operation in loop.Body.Descendants())
                {
                    var instance = operation switch
                    {
                        IInvocationOperation { TargetMethod: { Name: "Wait" or "Join" } } call => call.Instance,
                        IAwaitOperation await => await.Operation,
                        IPropertyReferenceOperation { Property: { Name: "Result" } } result => result.Instance,
                        _ => null,
                    };

                    if (instance != null && SpawnClassifier.Unwrap(instance) is ILocalReferenceOperation reference &&
                        SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                        (_symbols.IsTask(reference.Type) || _symbols.IsThread(reference.Type)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool IsInsideNestedFunction(IOperation operation)
        {
            for (var parent = operation.Parent; parent != null && parent != _scope; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsSystemNamespace(INamespaceSymbol? ns)
        {
            while (ns != null && !ns.IsGlobalNamespace)
            {
                if (ns.ContainingNamespace?.IsGlobalNamespace == true)
                {
                    return ns.Name == "System" || ns.Name == "Microsoft";
                }

                ns = ns.ContainingNamespace;
            }

            return false;
        }
    }
}
