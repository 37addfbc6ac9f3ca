using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Follows the handle of one unscoped spawn (its Task or Thread) through locals, lists and arrays inside one
    /// function, and collects what joins it, where a thread is started, and whether the handle leaves the function.
    /// </summary>
    internal sealed class HandleTracker : HandleWalker
    {
        private readonly KnownSymbols _symbols;
        private readonly Func<IOperation, bool> _isUnscopedSpawn;
        private readonly HashSet<ILocalSymbol> _wrappedHolders = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        /// <summary>
        /// True while following a handle that completes at the work's first await (StartNew of an async lambda): waiting
        /// for it is no join until it is unwrapped (Unwrap(), or awaiting the task it yields). A start that SCOPE024
        /// reports is followed as if unwrapped: its waits are the joins its fix makes them, so the missing unwrap is
        /// reported once, by its cause, and a race that remains after the fix is still reported.
        /// </summary>
        private bool _wrapped;

        private HandleTracker(KnownSymbols symbols, IOperation scope, Func<IOperation, bool> isUnscopedSpawn)
            : base(scope)
        {
            _symbols = symbols;
            _isUnscopedSpawn = isUnscopedSpawn;
        }

        /// <summary>Operations that wait for the work; the join happens when the operation's syntax ends.</summary>
        public List<IOperation> Joins { get; } = new List<IOperation>();

        /// <summary>Code that runs only once the work has ended, from its start (a branch that Task.WhenAny's answer lets through).</summary>
        public List<SyntaxNode> FinishedIn { get; } = new List<SyntaxNode>();

        /// <summary>ContinueWith calls on the handle (or on a continuation of it): their work runs after this work ends.</summary>
        public List<IInvocationOperation> Continuations { get; } = new List<IInvocationOperation>();

        /// <summary>Thread.Start calls of a thread handle: the work starts there, not at "new Thread".</summary>
        public List<IOperation> Starts { get; } = new List<IOperation>();

        /// <summary>
        /// The handle is one of the tasks of a <c>Task.WhenAny</c> or <c>WaitAny</c> answered in this function: the code
        /// expects the work may go on after the first one finishes and chose what happens then (a timeout that gives up,
        /// or disposes to abort).
        /// </summary>
        public bool InFirstFinished { get; private set; }

        /// <summary>The handle is returned, stored outside the function's locals, or handed to code we cannot see.</summary>
        public bool Escapes { get; private set; }

        /// <summary>
        /// The field of this object (or the static field) where the function keeps the handle, or a collection of the
        /// handles (<c>_threads = threads</c>, <c>Interlocked.Exchange(ref _threads, threads)</c>): the type's other members
        /// reach the work through it. Null when it keeps none.
        /// </summary>
        public IFieldSymbol? HeldIn { get; private set; }

        // Where the handles went into fields of this object, in the order found; read back by FollowFieldReads.
        private readonly List<(IFieldSymbol Field, IOperation Store)> _fieldStores = new List<(IFieldSymbol, IOperation)>();

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
                tracker.Walk(spawn.Operation);
                tracker.FollowFieldReads();
                if (spawn.Operation is IObjectCreationOperation && spawn.Handle == HandleKind.Task && tracker.Starts.Count == 0 && !tracker.Escapes)
                {
                    tracker.NeverStarted = true;
                }
            }

            return tracker;
        }

        /// <summary>
        /// A field of this object that the function stores the handles in holds them wherever the function reads it back
        /// (<c>var threads = Interlocked.Exchange(ref _threads, null); foreach (var t in threads) t.Join();</c> in the branch
        /// that stops the work): what waits for what it reads waits for the work. Stores are followed from each read, so
        /// the flow graph decides which reads come after the store.
        /// </summary>
        private void FollowFieldReads()
        {
            var followed = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
            for (var i = 0; i < _fieldStores.Count; i++)
            {
                var field = _fieldStores[i].Field;
                if (!followed.Add(field))
                {
                    continue;
                }

                foreach (var operation in Scope.Descendants())
                {
                    if (operation is IFieldReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Field, field) &&
                        (field.IsStatic || Concurrency.Places.IsThis(reference.Instance)) && ValueReadFrom(reference) is { } value)
                    {
                        Walk(value);
                    }
                }
            }
        }

        /// <summary>
        /// The operation that yields the field's value at <paramref name="reference"/>: the reference when it is read, the call
        /// when <c>Interlocked.Exchange</c>, <c>CompareExchange</c> or <c>Volatile.Read</c> return it; null where the field is
        /// written, passed by reference elsewhere, or swapped for the handles by one of the stores found (which returns the
        /// value before it).
        /// </summary>
        private IOperation? ValueReadFrom(IFieldReferenceOperation reference)
        {
            switch (reference.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                case ICompoundAssignmentOperation _:
                    return null;
                case IArgumentOperation { Parent: IInvocationOperation call } argument when argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out:
                    return _symbols.Synchronisation.IsAtomicApi(call.TargetMethod.ContainingType) && call.TargetMethod.Name is "Exchange" or "CompareExchange" or "Read" &&
                           !_fieldStores.Exists(store => store.Store == call)
                        ? call
                        : null;
                default:
                    return reference;
            }
        }

        /// <summary>
        /// <paramref name="condition"/> holds only where a local that came to hold the handles, or a field they were stored
        /// in, is not null: <c>x != null</c>, <c>x is not null</c>, <c>x is { }</c>.
        /// </summary>
        public bool TestsHolderNotNull(IOperation condition)
        {
            var tested = TestedNotNull(condition);
            return (tested == null ? null : SpawnClassifier.Unwrap(tested)) switch
            {
                ILocalReferenceOperation local => IsHolder(local.Local),
                IFieldReferenceOperation field => _fieldStores.Exists(store => SymbolEqualityComparer.Default.Equals(store.Field, field.Field)),
                _ => false,
            };
        }

        /// <summary>
        /// What <paramref name="condition"/> holds only where it is not null (<c>x != null</c>, <c>x is not null</c>,
        /// <c>x is { }</c>), taken off; null for any other condition.
        /// </summary>
        public static IOperation? TestedNotNull(IOperation condition) => condition switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } compare when IsNull(compare.RightOperand) => compare.LeftOperand,
            IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } compare when IsNull(compare.LeftOperand) => compare.RightOperand,
            IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var value } } } pattern when IsNull(value) => pattern.Value,
            IIsPatternOperation { Pattern: IRecursivePatternOperation { DeclaredSymbol: null, PropertySubpatterns.Length: 0, DeconstructionSubpatterns.Length: 0 } } pattern => pattern.Value,
            _ => null,
        };

        private static bool IsNull(IOperation? value) => value != null && SpawnClassifier.Unwrap(value) is { ConstantValue: { HasValue: true, Value: null } };

        protected override void OnStoredInField(IFieldSymbol field, IOperation store)
        {
            HeldIn ??= field;
            _fieldStores.Add((field, store));
        }

        private void AddJoin(IOperation join)
        {
            if (!_wrapped)
            {
                Joins.Add(join);
            }
        }

        protected override bool Hold(ILocalSymbol local)
        {
            if (!base.Hold(local))
            {
                return false;
            }

            if (_wrapped)
            {
                _wrappedHolders.Add(local);
            }

            return true;
        }

        protected override void OnHolderRead(ILocalSymbol holder) => _wrapped = _wrappedHolders.Contains(holder);

        protected override void OnLost() => Escapes = true;

        /// <summary>
        /// Captured by another lambda or local function: it may wait for it or keep it. A lambda handed to a call that is
        /// not a spawn (Assert.Throws(() => t.Wait()), Parallel.Invoke, a retry helper) runs before that call returns: a
        /// join inside it joins at the end of the call.
        /// </summary>
        protected override void OnCapturedBy(IOperation function, IOperation value)
        {
            Escapes = true;
            var call = SynchronousCallOf(function);
            if (call != null && JoinsInside(value))
            {
                AddJoin(call);
            }
        }

        protected override void OnAwaited(IAwaitOperation await) => OnWaited(await);

        /// <summary>
        /// A wait that yields the task's value: a join, except on the outer task of a wrapping start, where it yields the
        /// inner task (await of Task&lt;Task&gt;), and waiting for that one is the join.
        /// </summary>
        private void OnWaited(IOperation wait)
        {
            if (_wrapped)
            {
                _wrapped = false;
                Follow(wait);
                return;
            }

            Joins.Add(wait);
        }

        protected override void OnProperty(IPropertyReferenceOperation property)
        {
            if (property.Property.IsIndexer)
            {
                OnElement(property);
                return;
            }

            if (property.Property.Name == "Result" && _symbols.Tasks.IsTask(property.Property.ContainingType))
            {
                OnWaited(property);
            }

            if (property.Property.Name == "IsCompleted" && _symbols.Tasks.IsTaskLike(property.Property.ContainingType) && PolledUntilDone(property) is { } after)
            {
                FinishedIn.Add(after);
            }
        }

        /// <summary>
        /// <c>while (!t.IsCompleted) { … }</c>, also one part of an <c>||</c> or a do-while: a loop left only when the task
        /// has completed (no break leaves it), so the statement after it runs once the work has ended. That statement,
        /// or null.
        /// </summary>
        private static SyntaxNode? PolledUntilDone(IPropertyReferenceOperation isCompleted)
        {
            IOperation test = isCompleted;
            while (test.Parent is IConversionOperation || test.Parent is IParenthesizedOperation)
            {
                test = test.Parent;
            }

            if (!(test.Parent is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not))
            {
                return null;
            }

            test = not;
            while (test.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } || test.Parent is IParenthesizedOperation)
            {
                test = test.Parent;
            }

            return test.Parent is IWhileLoopOperation { ConditionIsUntil: false } loop && loop.Condition == test && Flow.Functions.LeftOnlyByCondition(loop)
                ? Flow.Functions.NextStatement(loop)
                : null;
        }

        protected override void OnOtherUse(IOperation parent, IOperation child)
        {
            switch (parent)
            {
                case ISpreadOperation spread when spread.Parent is ICollectionExpressionOperation spreadInto:
                    // [.. tasks]: the new collection holds the same handles.
                    Follow(spreadInto);
                    return;

                case IArrayElementReferenceOperation element when element.ArrayReference == child:
                    // tasks[i].Wait() inside a for loop over the array: the loop joins every element.
                    OnElement(element);
                    return;

                case IForEachLoopOperation loop when loop.Collection == child:
                    if (LoopJoinsEachItem(loop))
                    {
                        AddJoin(loop.Collection);
                    }

                    return;

                default:
                    // Returned, passed to a constructor, put in a tuple or an anonymous object: we lose track, so stay
                    // silent about "never joined".
                    Escapes = true;
                    return;
            }
        }

        /// <summary>The call that starts a created thread or task: Thread.Start/UnsafeStart, Task.Start.</summary>
        public static bool IsStart(IMethodSymbol method, KnownSymbols symbols) =>
            (symbols.Tasks.IsTask(method.ContainingType) && method.Name == "Start") ||
            (symbols.Threading.IsThread(method.ContainingType) && (method.Name == "Start" || method.Name == "UnsafeStart"));

        protected override void OnInstanceCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (IsStart(method, _symbols))
            {
                Starts.Add(invocation);
                return;
            }

            // A ValueTask, or what ConfigureAwait made of a task (followed as the task, see HandleWalker), is waited for as the task is.
            if (_symbols.Tasks.IsTaskLike(type) || TaskSymbols.IsConfiguredAwaitable(type))
            {
                switch (method.Name)
                {
                    case "Wait":
                        AddJoin(invocation);
                        return;
                    case "GetAwaiter" when invocation.Parent is IInvocationOperation { TargetMethod: { Name: "GetResult" } } getResult:
                        OnWaited(getResult);
                        return;
                    case "AsTask":
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
                // CancellationToken.None, default and new CancellationToken() can never be cancelled: no token.
                if (argument.Parameter?.Type is { Name: "CancellationToken" } && !argument.IsImplicit &&
                    !(SpawnClassifier.Unwrap(argument.Value) is IDefaultValueOperation or IObjectCreationOperation { Arguments.Length: 0 } or
                        IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } }))
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
        private IOperation? JoinedInstance(IOperation operation) => JoinedInstance(operation, _symbols);

        /// <summary>As above, for code that tracks no handle of its own (a thread or task held in a field).</summary>
        internal static IOperation? JoinedInstance(IOperation operation, KnownSymbols symbols)
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { Name: "Wait" } wait, Instance: { } waited } when symbols.Tasks.IsTask(wait.ContainingType):
                    return waited;
                case IInvocationOperation { TargetMethod: { Name: "Join" } join, Instance: { } joined } when symbols.Threading.IsThread(join.ContainingType):
                    return joined;
                case IInvocationOperation { TargetMethod: { Name: "GetResult" }, Instance: IInvocationOperation { TargetMethod: { Name: "GetAwaiter" }, Instance: { } awaited } }:
                    return awaited;
                case IAwaitOperation await:
                    return await.Operation;
                case IPropertyReferenceOperation { Property: { Name: "Result" } result, Instance: { } resulted } when symbols.Tasks.IsTaskLike(result.ContainingType):
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

            if (use is IInvocationOperation start && start.Instance != null && SpawnClassifier.Unwrap(start.Instance) == element && IsStart(start.TargetMethod, _symbols))
            {
                // threads[i].Start() in a later loop than the one that made them: each thread starts there, not at new Thread.
                Starts.Add(start);
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

            for (var parent = element.Parent; parent != null && parent != Scope; parent = parent.Parent)
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

        protected override void OnArgument(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (FieldSwappedBy(invocation) is { } field)
            {
                // Interlocked.Exchange(ref _threads, threads), Volatile.Write(ref _task, task): kept in a field, as _threads = threads.
                OnStoredInField(field, invocation);
                Escapes = true;
                return;
            }

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
                    case "WhenAny" or "WaitAny":
                        // Answered here (awaited where made, or WaitAny): the code goes on while the losers may run.
                        InFirstFinished |= method.Name == "WaitAny" || AwaitedValues.AwaitOf(invocation) != null;
                        if (!_wrapped && FirstFinished.TasksOf(invocation) is { } tasks)
                        {
                            // The branch that the first task's name lets through runs after this handle's work.
                            for (var i = 0; i < tasks.Count; i++)
                            {
                                if (FirstFinished.LocalOf(tasks[i]) is { } local && IsHolder(local))
                                {
                                    FinishedIn.AddRange(FirstFinished.Regions(invocation, tasks, i, _symbols));
                                }
                            }
                        }

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
                Hold(holder.Local);
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

            if (!MayWaitForHandedHandle(method))
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

        /// <summary>
        /// The field of this object (or static) that <c>Interlocked.Exchange</c>, <c>CompareExchange</c> or <c>Volatile.Write</c>
        /// stores its value argument in, when the handle being followed is that argument (its first argument is the field
        /// by reference, so the handle is another one).
        /// </summary>
        private IFieldSymbol? FieldSwappedBy(IInvocationOperation invocation) =>
            invocation.TargetMethod.Name is "Exchange" or "CompareExchange" or "Write" && invocation.Arguments.Length >= 2 &&
            _symbols.Synchronisation.IsAtomicApi(invocation.TargetMethod.ContainingType) &&
            invocation.Arguments[0].Value is IFieldReferenceOperation field && (field.Field.IsStatic || Concurrency.Places.IsThis(field.Instance)) &&
            IsFollowed(invocation.Arguments[1].Value)
                ? field.Field
                : null;

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

        /// <summary>
        /// A method that receives a task or thread may wait for it (<c>task.SafeWait()</c>, <c>Track(task)</c>) unless it is
        /// .NET's own (System.*, Microsoft.*), whose methods are known: one outside them counts as joining the work it is
        /// handed, and as letting the handle escape.
        /// </summary>
        public static bool MayWaitForHandedHandle(IMethodSymbol method) => !IsSystemNamespace(method.ContainingNamespace);

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
