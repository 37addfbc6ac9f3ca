using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Follows the handle of one unscoped spawn (its Task or Thread) through locals, lists and arrays inside one
    /// function, and collects what joins it, where a thread is started, and whether the handle leaves the function.
    /// </summary>
    internal sealed class HandleTracker
    {
        private readonly KnownSymbols _symbols;
        private readonly IOperation _scope;
        private readonly Func<IOperation, bool> _isUnscopedSpawn;
        private readonly HashSet<ILocalSymbol> _holders = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> _wrappedHolders = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<IOperation> _visited = new HashSet<IOperation>();
        private Dictionary<ILocalSymbol, List<ILocalReferenceOperation>>? _references;

        /// <summary>
        /// True while following a handle that completes at the work's first await (StartNew of an async lambda): waiting
        /// for it is no join until it is unwrapped (Unwrap(), or awaiting the task it yields). A start that SCOPE024
        /// reports is followed as if unwrapped: its waits are the joins its fix makes them, so the missing unwrap is
        /// reported once, by its cause, and a race that remains after the fix is still reported.
        /// </summary>
        private bool _wrapped;

        private HandleTracker(KnownSymbols symbols, IOperation scope, Func<IOperation, bool> isUnscopedSpawn)
        {
            _symbols = symbols;
            _scope = scope;
            _isUnscopedSpawn = isUnscopedSpawn;
        }

        /// <summary>Operations that wait for the work; the join happens when the operation's syntax ends.</summary>
        public List<IOperation> Joins { get; } = new List<IOperation>();

        /// <summary>ContinueWith calls on the handle (or on a continuation of it): their work runs after this work ends.</summary>
        public List<IInvocationOperation> Continuations { get; } = new List<IInvocationOperation>();

        /// <summary>Thread.Start calls of a thread handle: the work starts there, not at "new Thread".</summary>
        public List<IOperation> Starts { get; } = new List<IOperation>();

        /// <summary>The handle is returned, stored outside the function's locals, or handed to code we cannot see.</summary>
        public bool Escapes { get; private set; }

        /// <summary>A <c>new Task(...)</c> that is never started here (only run synchronously, or not at all) and does not leave the function.</summary>
        public bool NeverStarted { get; private set; }

        /// <summary>
        /// Tracks the handle produced by <paramref name="spawn"/> within <paramref name="scope"/> (the function body).
        /// <paramref name="isUnscopedSpawn"/> tells whether an invocation hands a delegate to unscoped work: a join inside a
        /// lambda handed to anything else (Assert.Throws, Parallel.Invoke, a retry helper) is taken to run before the call returns.
        /// </summary>
        public static HandleTracker Track(SpawnSite spawn, IOperation scope, KnownSymbols symbols, Func<IOperation, bool> isUnscopedSpawn)
        {
            var tracker = new HandleTracker(symbols, scope, isUnscopedSpawn);
            if (spawn.Handle != HandleKind.None)
            {
                tracker._wrapped = NestedTaskStart.WrapsWork(spawn, symbols) && NestedTaskStart.Find(spawn, scope, symbols) == null;
                tracker.Follow(spawn.Operation);
                tracker.FollowHolders();
                if (spawn.Operation is IObjectCreationOperation && spawn.Handle == HandleKind.Task && tracker.Starts.Count == 0 && !tracker.Escapes)
                {
                    tracker.NeverStarted = true;
                }
            }

            return tracker;
        }

        private void AddJoin(IOperation join)
        {
            if (!_wrapped)
            {
                Joins.Add(join);
            }
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
                    _wrapped = _wrappedHolders.Contains(holder);
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

        private void AddHolder(ILocalSymbol local)
        {
            if (_holders.Add(local) && _wrapped)
            {
                _wrappedHolders.Add(local);
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

            var nested = NestedFunctionOf(value);
            if (nested != null)
            {
                // Captured by another lambda or local function: it may wait for it or keep it. A lambda handed to a
                // call that is not a spawn (Assert.Throws(() => t.Wait()), Parallel.Invoke, a retry helper) runs
                // before that call returns: a join inside it joins at the end of the call.
                Escapes = true;
                var call = SynchronousCallOf(nested);
                if (call != null && JoinsInside(value))
                {
                    AddJoin(call);
                }

                return;
            }

            switch (parent)
            {
                case null:
                case IExpressionStatementOperation _:
                    return;

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    AddHolder(declarator.Symbol);
                    return;

                case ISimpleAssignmentOperation assignment when assignment.Value == child:
                    switch (assignment.Target)
                    {
                        case ILocalReferenceOperation local:
                            AddHolder(local.Local);
                            return;
                        case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array }:
                            AddHolder(array.Local);
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
                    if (_wrapped)
                    {
                        // await of Task<Task> yields the inner task: awaiting that one is the join.
                        _wrapped = false;
                        Follow(await);
                        return;
                    }

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

                case ISpreadOperation spread when spread.Parent is ICollectionExpressionOperation spreadInto:
                    // [.. tasks]: the new collection holds the same handles.
                    Follow(spreadInto);
                    return;

                case IArrayElementReferenceOperation element when element.ArrayReference == child:
                    // tasks[i].Wait() inside a for loop over the array: the loop joins every element.
                    OnElement(element);
                    return;

                case IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer when indexer.Instance == child:
                    OnElement(indexer);
                    return;

                case IForEachLoopOperation loop when loop.Collection == child:
                    if (LoopJoinsEachItem(loop))
                    {
                        AddJoin(loop.Collection);
                    }

                    return;

                case IPropertyReferenceOperation property when property.Instance == child:
                    if (property.Property.Name == "Result" && _symbols.Tasks.IsTask(property.Property.ContainingType))
                    {
                        if (_wrapped)
                        {
                            _wrapped = false;
                            Follow(property);
                            return;
                        }

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
            if (_symbols.Tasks.IsTask(type))
            {
                switch (method.Name)
                {
                    case "Wait":
                        AddJoin(invocation);
                        return;
                    case "GetAwaiter" when invocation.Parent is IInvocationOperation { TargetMethod: { Name: "GetResult" } } getResult:
                        if (_wrapped)
                        {
                            _wrapped = false;
                            Follow(getResult);
                            return;
                        }

                        Joins.Add(getResult);
                        return;
                    case "ConfigureAwait":
                        Follow(invocation);
                        return;
                    case "ContinueWith":
                        // A continuation runs after the task completes: waiting for the continuation waits for the task.
                        // (One cancelled by its own token may end first; a token argument makes the chain no join.)
                        Continuations.Add(invocation);
                        if (!HasCancellationToken(invocation))
                        {
                            Follow(invocation);
                        }

                        return;
                    case "Start":
                        Starts.Add(invocation);
                        return;
                    case "RunSynchronously":
                        // Runs the work on the caller's thread: neither a start nor a join.
                        return;
                }

                return;
            }

            if (_symbols.Threading.IsThread(type))
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

            // threads.ForEach(t => t.Join()): the call joins every handle.
            if (method.Name == "ForEach" && invocation.Arguments.Length == 1 && LambdaJoinsItsParameter(invocation.Arguments[0].Value))
            {
                AddJoin(invocation);
                return;
            }

            // list.ToArray(), list.GetRange(...): a collection of the handles is still a holder of them.
            if (HoldsHandles(invocation.Type))
            {
                Follow(invocation);
            }
        }

        private static bool HasCancellationToken(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type is { Name: "CancellationToken" } && !argument.IsImplicit)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>t => t.Join(), t => t.Wait(), t => { t.Wait(); }: the lambda waits for the item it is given.</summary>
        private bool LambdaJoinsItsParameter(IOperation value)
        {
            if (!(SpawnClassifier.Unwrap(value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }) || lambda.Symbol.Parameters.Length != 1)
            {
                return false;
            }

            var parameter = lambda.Symbol.Parameters[0];
            foreach (var operation in lambda.Body.Descendants())
            {
                var instance = JoinedInstance(operation);
                if (instance != null && SpawnClassifier.Unwrap(instance) is IParameterReferenceOperation reference &&
                    SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The task or thread an operation waits for: x.Wait(), x.Join(), await x, x.Result, x.GetAwaiter().GetResult().</summary>
        private IOperation? JoinedInstance(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { Name: "Wait" } wait, Instance: { } waited } when _symbols.Tasks.IsTask(wait.ContainingType):
                    return waited;
                case IInvocationOperation { TargetMethod: { Name: "Join" } join, Instance: { } joined } when _symbols.Threading.IsThread(join.ContainingType):
                    return joined;
                case IInvocationOperation { TargetMethod: { Name: "GetResult" }, Instance: IInvocationOperation { TargetMethod: { Name: "GetAwaiter" }, Instance: { } awaited } }:
                    return awaited;
                case IAwaitOperation await:
                    return await.Operation;
                case IPropertyReferenceOperation { Property: { Name: "Result" } result, Instance: { } resulted } when _symbols.Tasks.IsTask(result.ContainingType):
                    return resulted;
                default:
                    return null;
            }
        }

        /// <summary>
        /// holder[i] inside a for loop whose body waits for it: the loop waits for every element, so its condition (passed
        /// before the loop is left) stands for the join. Any other element use lets the handle out of sight.
        /// </summary>
        private void OnElement(IOperation element)
        {
            var use = element.Parent;
            while (use is IConversionOperation || use is IParenthesizedOperation)
            {
                use = use.Parent;
            }

            if (use is ISimpleAssignmentOperation assignment && assignment.Target == element)
            {
                // tasks[i] = Task.Run(...) stores into the holder; not a use of the handles.
                return;
            }

            var joined = use != null && JoinedInstance(use) is { } instance && SpawnClassifier.Unwrap(instance) == element;
            if (!joined && use is IInvocationOperation { TargetMethod: { Name: "GetAwaiter" } } getAwaiter && getAwaiter.Parent is IInvocationOperation getResult)
            {
                joined = JoinedInstance(getResult) != null;
            }

            if (!joined)
            {
                Escapes = true;
                return;
            }

            for (var parent = element.Parent; parent != null && parent != _scope; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    break;
                }

                if (parent is IForLoopOperation { Condition: { } condition })
                {
                    AddJoin(condition);
                    return;
                }

                if (parent is IWhileLoopOperation { Condition: { } whileCondition })
                {
                    AddJoin(whileCondition);
                    return;
                }
            }

            // tasks[0].Wait() outside a loop joins one element only: do not claim the others joined.
            Escapes = true;
        }

        /// <summary>The innermost lambda or local function between <paramref name="operation"/> and the tracked function.</summary>
        private IOperation? NestedFunctionOf(IOperation operation)
        {
            IOperation? found = null;
            for (var parent = operation.Parent; parent != null && parent != _scope; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    found = parent;
                }
            }

            return found;
        }

        /// <summary>
        /// The call that runs <paramref name="function"/> before it returns: the lambda is an argument of an invocation that
        /// is not a spawn (a method of our own would show [UnscopedWork] or be listed) and that returns no handle to the
        /// callback (a task, a delegate, or a disposable registration keeps it for later).
        /// </summary>
        private IOperation? SynchronousCallOf(IOperation function)
        {
            if (!(function is IAnonymousFunctionOperation))
            {
                return null;
            }

            var parent = function.Parent;
            // Through params arrays too: Parallel.Invoke(() => t.Wait(), …).
            while (parent is IDelegateCreationOperation || parent is IConversionOperation || parent is IParenthesizedOperation ||
                   parent is IArrayInitializerOperation || parent is IArrayCreationOperation || parent is ICollectionExpressionOperation)
            {
                parent = parent.Parent;
            }

            if (parent is IArgumentOperation { Parent: IInvocationOperation call } && !_isUnscopedSpawn(call) && call.Type?.TypeKind != TypeKind.Delegate &&
                !_symbols.Tasks.IsTask(call.Type) && !_symbols.Core.IsDisposable(call.Type))
            {
                return call;
            }

            return null;
        }

        /// <summary>
        /// The reference is waited for inside the nested lambda: t.Wait(), t.Join(), await t, t.Result, Task.WaitAll(tasks)
        /// or Task.WaitAll(tasks.ToArray()), Task.WhenAll(tasks).Wait(), foreach (var t in tasks) t.Wait().
        /// </summary>
        private bool JoinsInside(IOperation reference)
        {
            var value = reference;
            var use = reference.Parent;
            while (use is IConversionOperation || use is IParenthesizedOperation ||
                   (use is IInvocationOperation { TargetMethod: { Name: "ToArray" or "ToList" } } copy && (copy.Instance == value || (copy.Arguments.Length == 1 && copy.Arguments[0].Value == value))) ||
                   (use is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "ToArray" or "ToList" } } }))
            {
                value = use is IArgumentOperation ? use.Parent! : use;
                use = value.Parent;
            }

            if (use == null)
            {
                return false;
            }

            if (use is IForEachLoopOperation loop && loop.Collection == value)
            {
                return LoopJoinsEachItem(loop);
            }

            if (use is IArgumentOperation { Parent: IInvocationOperation combinator } && KnownSymbols.Is(combinator.TargetMethod.ContainingType, _symbols.Tasks.Task))
            {
                if (combinator.TargetMethod.Name == "WaitAll")
                {
                    return true;
                }

                if (combinator.TargetMethod.Name == "WhenAll")
                {
                    return JoinsInside(combinator);
                }
            }

            if (JoinedInstance(use) is { } instance && SpawnClassifier.Unwrap(instance) == reference)
            {
                return true;
            }

            return use is IInvocationOperation { TargetMethod: { Name: "GetAwaiter" } } && use.Parent is IInvocationOperation getResult && JoinedInstance(getResult) != null;
        }

        private bool HoldsHandles(ITypeSymbol? type)
        {
            if (type is IArrayTypeSymbol array)
            {
                return _symbols.Tasks.IsTask(array.ElementType) || _symbols.Threading.IsThread(array.ElementType);
            }

            if (type is INamedTypeSymbol named)
            {
                foreach (var argument in named.TypeArguments)
                {
                    if (_symbols.Tasks.IsTask(argument) || _symbols.Threading.IsThread(argument))
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
            if (KnownSymbols.Is(method.ContainingType, _symbols.Tasks.Task) && method.IsStatic)
            {
                switch (method.Name)
                {
                    case "WaitAll":
                        AddJoin(invocation);
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

            if (invocation.Instance is ILocalReferenceOperation holder && !method.IsStatic && HoldsHandles(holder.Type))
            {
                // tasks.Add(t), threads.Add(th): the collection now holds the handle. (conn.WaitAll(t) on a local
                // that is no collection of handles is a method receiving the handle, below.)
                AddHolder(holder.Local);
                return;
            }

            if (method.Name == "Unwrap" && method.IsStatic && (method.ReducedFrom ?? method).ContainingType is { Name: "TaskExtensions" } extensions &&
                extensions.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
            {
                // Unwrap() gives the task of the whole async work: waiting for it is a join again.
                _wrapped = false;
                Follow(invocation);
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
                if (!method.IsStatic && invocation.Instance != null && !(SpawnClassifier.Unwrap(invocation.Instance) is ILocalReferenceOperation))
                {
                    // _tasks.Add(t), pending.Enqueue(t) on a field, parameter or property: the collection's owner joins it.
                    Escapes = true;
                }

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
                        (_symbols.Tasks.IsTask(reference.Type) || _symbols.Threading.IsThread(reference.Type)))
                    {
                        return true;
                    }
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
