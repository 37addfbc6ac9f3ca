using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Recognises the synchronisation objects that order two threads: what one side does before a "release" on an
    /// object happens before what the other side does after an "acquire" on the same object (matched by symbol).
    /// Events (<c>ManualResetEvent(Slim)</c>, <c>AutoResetEvent</c>, <c>EventWaitHandle</c>: Set / Wait, WaitOne),
    /// <c>CountdownEvent</c> (Signal / Wait), semaphores (Release / Wait, awaited WaitAsync), <c>Barrier</c>
    /// (SignalAndWait is both) and <c>TaskCompletionSource</c> (SetResult, TrySetResult, SetException, SetCanceled… /
    /// waiting for or awaiting its Task), and bool flags (a volatile write of true / a loop spinning until it reads
    /// true, see <see cref="FlagHandshake"/>). Shared by every rule that asks "is this access ordered after that work?".
    /// </summary>
    internal sealed class SignalObjects
    {
        private readonly SynchronisationSymbols _symbols;
        private readonly KnownSymbols _known;
        private readonly ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<int, List<IParameterSymbol>>> _releasedParameters =
            new ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<int, List<IParameterSymbol>>>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<int, List<ISymbol>>> _releasedAtEnd =
            new ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<int, List<ISymbol>>>(SymbolEqualityComparer.Default);

        private readonly ConcurrentDictionary<IMethodSymbol, List<ISymbol>> _waitedInCallee =
            new ConcurrentDictionary<IMethodSymbol, List<ISymbol>>(SymbolEqualityComparer.Default);

        private SignalObjects(KnownSymbols symbols)
        {
            _known = symbols;
            _symbols = symbols.Synchronisation;
        }

        public static SignalObjects Create(KnownSymbols symbols) => new SignalObjects(symbols);

        /// <summary>Interlocked.Decrement: a latch counted down by every run (see <see cref="SignalOrderings"/>).</summary>
        public bool IsInterlockedDecrement(IMethodSymbol method) =>
            method.Name == "Decrement" && KnownSymbols.Is(method.ContainingType, _symbols.Interlocked);

        /// <summary>Interlocked.Increment: a count that every run adds to, the last seeing the total (see <see cref="SignalOrderings"/>).</summary>
        public bool IsInterlockedIncrement(IMethodSymbol method) =>
            method.Name == "Increment" && KnownSymbols.Is(method.ContainingType, _symbols.Interlocked);

        /// <summary>
        /// The object that <paramref name="operation"/> releases (Set, Signal, Release, SignalAndWait, completing a
        /// TaskCompletionSource, raising a flag: <see cref="FlagHandshake"/>), or null when it releases nothing.
        /// </summary>
        public ISymbol? Released(IOperation operation)
        {
            if (FlagHandshake.Raised(operation, _symbols) is { } flag)
            {
                return flag;
            }

            if (operation is IInvocationOperation { TargetMethod: { Name: "SignalAndWait", IsStatic: true } signalAndWait } both &&
                KnownSymbols.DerivesFrom(signalAndWait.ContainingType, _symbols.WaitHandle) && both.Arguments.Length >= 2)
            {
                // WaitHandle.SignalAndWait(toSignal, toWaitOn) sets its first handle (and then waits on the second).
                return ObjectOf(both.Arguments[0].Value);
            }

            if (!(operation is IInvocationOperation { Instance: { } instance } call))
            {
                return null;
            }

            var type = call.TargetMethod.ContainingType;
            var released = call.TargetMethod.Name switch
            {
                "Set" => KnownSymbols.DerivesFrom(type, _symbols.EventWaitHandle) || KnownSymbols.Is(type, _symbols.ManualResetEventSlim),
                "Signal" => KnownSymbols.Is(type, _symbols.CountdownEvent),
                "Release" => KnownSymbols.Is(type, _symbols.SemaphoreSlim) || KnownSymbols.DerivesFrom(type, _symbols.Semaphore),
                "SignalAndWait" => KnownSymbols.Is(type, _symbols.Barrier),
                "SetResult" or "TrySetResult" or "SetException" or "TrySetException" or "SetCanceled" or "TrySetCanceled" or "SetFromTask" or "TrySetFromTask" =>
                    KnownSymbols.Is(type, _symbols.TaskCompletionSource) || KnownSymbols.Is(type, _symbols.TaskCompletionSourceOfT),
                "Add" or "TryAdd" or "CompleteAdding" => KnownSymbols.Is(type, _symbols.BlockingCollection),
                "WriteAsync" or "TryWrite" or "Complete" or "TryComplete" => KnownSymbols.DerivesFrom(type, _symbols.ChannelWriter),
                _ => false,
            };

            return released ? ObjectOf(instance) : null;
        }

        /// <summary>
        /// The objects whose release <paramref name="operation"/> waits for: Wait/WaitOne on an event, countdown or
        /// semaphore, WaitHandle.WaitAll, Barrier.SignalAndWait, an awaited SemaphoreSlim.WaitAsync, and waiting for
        /// a TaskCompletionSource's Task (Wait, Result, GetAwaiter().GetResult(), await). A wait with a timeout counts
        /// only when its result is used (the code tells "signalled" from "timed out"); a discarded timed wait orders nothing.
        /// </summary>
        public IEnumerable<ISymbol> Acquired(IOperation operation) => Acquired(operation, null);

        /// <summary>
        /// As <see cref="Acquired(IOperation)"/>, with the operations of the function where the locals an await goes
        /// through are looked up (null: the tree <paramref name="operation"/> belongs to).
        /// </summary>
        private IEnumerable<ISymbol> Acquired(IOperation operation, FunctionOperations? function)
        {
            if (FlagHandshake.AwaitedRaised(operation, _symbols) is { } flag)
            {
                // Spinning until a flag is raised (see FlagHandshake).
                yield return flag;
                yield break;
            }

            switch (operation)
            {
                case IAwaitOperation awaitOperation:
                {
                    var awaited = Flow.AwaitedValues.WaitedFor(awaitOperation);

                    if (awaited is IInvocationOperation { TargetMethod: { Name: "WaitAsync" } waitAsync, Instance: { } semaphore } waitCall &&
                        KnownSymbols.Is(waitAsync.ContainingType, _symbols.SemaphoreSlim) && !HasTimeout(waitCall))
                    {
                        var found = ObjectOf(semaphore);
                        if (found != null)
                        {
                            yield return found;
                        }

                        yield break;
                    }

                    if (awaited is IInvocationOperation { TargetMethod: { Name: "ReadAsync" } readAsync, Instance: { } reader } &&
                        KnownSymbols.DerivesFrom(readAsync.ContainingType, _symbols.ChannelReader))
                    {
                        // await channel.Reader.ReadAsync(): returns once a write has handed an item over.
                        var found = ObjectOf(reader);
                        if (found != null)
                        {
                            yield return found;
                        }

                        yield break;
                    }

                    foreach (var source in CompletionSourcesAwaitedIn(awaited, function ?? new FunctionOperations(awaited, null), 0))
                    {
                        yield return source;
                    }

                    yield break;
                }

                case IPropertyReferenceOperation { Property: { Name: "Result" }, Instance: { } resultOf }:
                {
                    var source = CompletionSourceOf(SpawnClassifier.Unwrap(resultOf));
                    if (source != null)
                    {
                        yield return source;
                    }

                    yield break;
                }

                case IInvocationOperation call:
                {
                    var method = call.TargetMethod;
                    var type = method.ContainingType;
                    if (method.IsStatic && method.Name == "WaitAll" && KnownSymbols.DerivesFrom(type, _symbols.WaitHandle) && call.Arguments.Length > 0 &&
                        (!HasTimeout(call) || ResultIsUsed(call)))
                    {
                        // WaitHandle.WaitAll(new[] { a, b }) or WaitAll([a, b]) waits for every handle.
                        var handles = SpawnClassifier.Unwrap(call.Arguments[0].Value) switch
                        {
                            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                            ICollectionExpressionOperation collection => collection.Elements,
                            _ => ImmutableArray<IOperation>.Empty,
                        };
                        foreach (var element in handles)
                        {
                            var found = ObjectOf(element);
                            if (found != null)
                            {
                                yield return found;
                            }
                        }

                        yield break;
                    }

                    if (method.IsStatic && method.Name == "SignalAndWait" && KnownSymbols.DerivesFrom(type, _symbols.WaitHandle) && call.Arguments.Length >= 2 &&
                        (!HasTimeout(call) || ResultIsUsed(call)))
                    {
                        // WaitHandle.SignalAndWait(toSignal, toWaitOn) waits on its second handle.
                        var found = ObjectOf(call.Arguments[1].Value);
                        if (found != null)
                        {
                            yield return found;
                        }

                        yield break;
                    }

                    if (call.Instance == null)
                    {
                        yield break;
                    }

                    var waits = method.Name switch
                    {
                        "WaitOne" => KnownSymbols.DerivesFrom(type, _symbols.WaitHandle),
                        "Wait" => KnownSymbols.Is(type, _symbols.ManualResetEventSlim) || KnownSymbols.Is(type, _symbols.CountdownEvent) || KnownSymbols.Is(type, _symbols.SemaphoreSlim),
                        "SignalAndWait" => KnownSymbols.Is(type, _symbols.Barrier),
                        "Take" => KnownSymbols.Is(type, _symbols.BlockingCollection),
                        // A try-take or try-read returns at once; only the branch where it took an item knows a write came first.
                        "TryTake" => KnownSymbols.Is(type, _symbols.BlockingCollection) && ResultIsUsed(call),
                        "TryRead" => KnownSymbols.DerivesFrom(type, _symbols.ChannelReader) && ResultIsUsed(call),
                        _ => false,
                    };

                    if (waits && (!HasTimeout(call) || ResultIsUsed(call)))
                    {
                        var found = ObjectOf(call.Instance);
                        if (found != null)
                        {
                            yield return found;
                        }

                        yield break;
                    }

                    // tcs.Task.Wait(), tcs.Task.GetAwaiter().GetResult()
                    if (method.Name == "Wait" && IsTask(type) && (!HasTimeout(call) || ResultIsUsed(call)))
                    {
                        var source = CompletionSourceOf(SpawnClassifier.Unwrap(call.Instance));
                        if (source != null)
                        {
                            yield return source;
                        }
                    }
                    else if (method.Name == "GetResult" && SpawnClassifier.Unwrap(call.Instance) is IInvocationOperation { TargetMethod: { Name: "GetAwaiter" }, Instance: { } awaiterOf })
                    {
                        var source = CompletionSourceOf(SpawnClassifier.Unwrap(awaiterOf));
                        if (source != null)
                        {
                            yield return source;
                        }
                    }

                    yield break;
                }
            }
        }

        /// <summary>
        /// The variable or field a synchronisation object is reached through: a local, a parameter, or a field of this, of a
        /// static field or of an object the code names by a variable or a field (<c>state.Ready</c>, <c>_job.Done</c>). A
        /// field is the same symbol in every method, so a caller passing <c>state</c> and the callee setting
        /// <c>state.Ready</c> name one object, as two objects of the type do for a field of this.
        /// </summary>
        public static ISymbol? ObjectOf(IOperation operation)
        {
            switch (SpawnClassifier.Unwrap(operation))
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation { Field: { IsStatic: true } field }:
                    return field;
                case IFieldReferenceOperation { Instance: var instance } field when Places.IsThis(instance) || ObjectOf(instance!) != null:
                    return field.Field;
                case IPropertyReferenceOperation { Property: { Name: "Writer" or "Reader", ContainingType: { MetadataName: "Channel`2" } channel }, Instance: { } owner }
                    when channel.ContainingNamespace?.ToDisplayString() == "System.Threading.Channels":
                    // channel.Writer and channel.Reader are the two ends of one queue: the channel is the object.
                    return ObjectOf(owner);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The releases <paramref name="function"/>'s own code performs, each with its object: its own release calls,
        /// calls of a method of the file that releases the parameter given the object, and the releases of a lambda it
        /// hands to a method of the file that invokes it (not those of other nested functions).
        /// </summary>
        public List<(IOperation Release, ISymbol Object)> ReleasesIn(IOperation function)
        {
            var releases = ReleasesIn(function, SourceCallees.MaxDepth);

            // A flag raised twice by one piece of code orders nothing: the first raise (a state set to "starting" before the
            // data is written, then to "ready") may already let the waiter through.
            releases.RemoveAll(r => IsFlag(TypeOf(r.Object)) && releases.Count(other => SymbolEqualityComparer.Default.Equals(other.Object, r.Object)) > 1);
            return releases;
        }

        private static ITypeSymbol? TypeOf(ISymbol variable) => variable switch
        {
            ILocalSymbol local => local.Type,
            IFieldSymbol field => field.Type,
            IParameterSymbol parameter => parameter.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        private List<(IOperation Release, ISymbol Object)> ReleasesIn(IOperation function, int depth)
        {
            var result = new List<(IOperation, ISymbol)>();
            foreach (var operation in function.Descendants())
            {
                if (!(operation is IInvocationOperation || operation is ISimpleAssignmentOperation) || !RunsAsPartOf(operation, function))
                {
                    continue;
                }

                if (Released(operation) is { } released)
                {
                    result.Add((operation, released));
                    continue;
                }

                if (depth == 0 || !(operation is IInvocationOperation call))
                {
                    continue;
                }

                // Work(gate) with Work(g) => g.Set(): the call releases what it passes as the released parameter.
                foreach (var parameter in ReleasedParameters(call, depth - 1))
                {
                    if (SourceCallees.ArgumentFor(call, parameter) is { } argument && ObjectOf(argument.Value) is { } passed)
                    {
                        result.Add((call, passed));
                    }
                }

                // Complete(v) with Complete's last statement _done.Set(): by the time the call returns, everything Complete
                // did comes before that release of this object's field (or a static).
                if (call.Instance == null || Places.IsThis(call.Instance))
                {
                    foreach (var field in ReleasedAtEnd(call, depth - 1))
                    {
                        result.Add((call, field));
                    }
                }
            }

            return result;
        }

        /// <summary>The parameters of the called method of the file that its body releases, read once per method and depth.</summary>
        private List<IParameterSymbol> ReleasedParameters(IInvocationOperation call, int depth)
        {
            var method = call.TargetMethod.OriginalDefinition;
            return PerMethodAndDepth(_releasedParameters, method, depth, () =>
            {
                if (SourceCallees.BodyOf(method, call) is not { } body)
                {
                    // Not in the caller's file: unknown here, perhaps known from a caller in its own file.
                    return null;
                }

                var result = new List<IParameterSymbol>();
                foreach (var (_, inCallee) in ReleasesIn(body, depth))
                {
                    if (inCallee is IParameterSymbol { ContainingSymbol: IMethodSymbol owner } parameter &&
                        SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, method) && !result.Contains(parameter))
                    {
                        result.Add(parameter);
                    }
                }

                return result;
            });
        }

        /// <summary>
        /// The fields and statics the called method of the file releases in its last statement (a plain return after it
        /// aside), read once per method and depth; empty for a method that may be overridden.
        /// </summary>
        private List<ISymbol> ReleasedAtEnd(IInvocationOperation call, int depth)
        {
            var method = call.TargetMethod.OriginalDefinition;
            return PerMethodAndDepth(_releasedAtEnd, method, depth, () =>
            {
                var result = new List<ISymbol>();
                if (method.IsVirtual || method.IsAbstract || method.IsOverride || !(SourceCallees.BodyOf(method, call, anyFile: true) is { } body) ||
                    !(LastStatement(body) is IExpressionStatementOperation { Operation: var last }))
                {
                    return result;
                }

                foreach (var (_, released) in ReleasesIn(last, depth))
                {
                    if (released is IFieldSymbol or IPropertySymbol && !result.Contains(released, SymbolEqualityComparer.Default))
                    {
                        result.Add(released);
                    }
                }

                if (Released(last) is { } direct and (IFieldSymbol or IPropertySymbol) && !result.Contains(direct, SymbolEqualityComparer.Default))
                {
                    result.Add(direct);
                }

                return result;
            });
        }

        /// <summary>What <paramref name="read"/> finds for a method at a depth, read once; a null answer (unknown from here) is not kept.</summary>
        private static List<T> PerMethodAndDepth<T>(ConcurrentDictionary<IMethodSymbol, ConcurrentDictionary<int, List<T>>> cache, IMethodSymbol method, int depth, System.Func<List<T>?> read)
        {
            var byDepth = cache.GetOrAdd(method, _ => new ConcurrentDictionary<int, List<T>>());
            if (byDepth.TryGetValue(depth, out var known))
            {
                return known;
            }

            return read() is { } found ? byDepth.GetOrAdd(depth, found) : new List<T>();
        }

        /// <summary>
        /// The fields and statics a call of a method of the file on this object (or a static one) has always waited for
        /// when it returns, or when the await of it ends: <c>WaitDone()</c> with <c>void WaitDone() => _done.Wait();</c>.
        /// <paramref name="inTree"/> is an operation of the caller's tree (one of a flow graph has no semantic model).
        /// </summary>
        private IEnumerable<ISymbol> WaitedInCallee(IOperation operation, IOperation inTree)
        {
            var call = operation as IInvocationOperation;
            if (operation is IAwaitOperation awaited)
            {
                call = Flow.AwaitedValues.WaitedFor(awaited) as IInvocationOperation is { TargetMethod: { IsAsync: true } } asyncCall ? asyncCall : null;
            }
            else if (call is { TargetMethod: { IsAsync: true } })
            {
                // Called without an await, an async method returns at its first await, before its wait has ended.
                return Enumerable.Empty<ISymbol>();
            }

            if (call == null || !(call.Instance == null || Places.IsThis(call.Instance)))
            {
                return Enumerable.Empty<ISymbol>();
            }

            return _waitedInCallee.GetOrAdd(call.TargetMethod.OriginalDefinition, method => WaitedAtTopLevel(method, inTree));
        }

        /// <summary>
        /// The fields and statics a statement of <paramref name="method"/>'s body waits for (through <see cref="Acquired(IOperation)"/>),
        /// where no statement before it can return or throw; empty for a method that may be overridden.
        /// </summary>
        private List<ISymbol> WaitedAtTopLevel(IMethodSymbol method, IOperation caller)
        {
            var result = new List<ISymbol>();
            if (method.IsVirtual || method.IsAbstract || method.IsOverride || !(SourceCallees.BodyOf(method, caller, anyFile: true) is { } body) ||
                !(BlockOf(body) is { } block))
            {
                return result;
            }

            foreach (var statement in block.Operations)
            {
                var waited = statement switch
                {
                    IExpressionStatementOperation { Operation: var expression } => expression,
                    IReturnOperation { ReturnedValue: { } returned } => returned,
                    // A loop spinning until a flag is raised, which it can leave no other way (no return or throw inside).
                    IWhileLoopOperation loop when !loop.Body.DescendantsAndSelf().Any(o => o is IReturnOperation or IThrowOperation) => loop,
                    _ => null,
                };

                if (waited != null)
                {
                    foreach (var acquired in Acquired(SpawnClassifier.Unwrap(waited)))
                    {
                        if (acquired is IFieldSymbol or IPropertySymbol && !result.Contains(acquired, SymbolEqualityComparer.Default))
                        {
                            result.Add(acquired);
                        }
                    }
                }

                if (statement.DescendantsAndSelf().Any(o => o is IReturnOperation or IThrowOperation or IBranchOperation { BranchKind: BranchKind.GoTo }))
                {
                    break;
                }
            }

            return result;
        }

        /// <summary>The block of statements of a method body, also of one written as <c>=&gt; expression</c>.</summary>
        private static IBlockOperation? BlockOf(IOperation body) => body switch
        {
            IMethodBodyOperation method => method.BlockBody ?? method.ExpressionBody,
            IBlockOperation plain => plain,
            _ => null,
        };

        /// <summary>
        /// The last statement of a method body, past a plain <c>return;</c>, and the last of a <c>finally</c> that ends the
        /// body (it runs after the rest of the <c>try</c> too); null when there is none.
        /// </summary>
        private static IOperation? LastStatement(IOperation body)
        {
            var block = BlockOf(body);
            var last = LastOf(block);
            return last is ITryOperation { Finally: { } finallyBlock } ? LastOf(finallyBlock) : last;
        }

        private static IOperation? LastOf(IBlockOperation? block)
        {
            if (block == null || block.Operations.Length == 0)
            {
                return null;
            }

            var last = block.Operations[block.Operations.Length - 1];
            if (last is IReturnOperation { ReturnedValue: null } && block.Operations.Length > 1)
            {
                last = block.Operations[block.Operations.Length - 2];
            }

            return last;
        }

        /// <summary>
        /// <paramref name="operation"/> runs when <paramref name="function"/> runs: it is not in a nested function, or
        /// only in lambdas handed to methods of the file that invoke them.
        /// </summary>
        private static bool RunsAsPartOf(IOperation operation, IOperation function)
        {
            for (var parent = operation.Parent; parent != null && parent != function; parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation)
                {
                    return false;
                }

                if (parent is IAnonymousFunctionOperation lambda &&
                    !(SourceCallees.ArgumentOf(lambda) is { Parameter: { } parameter, Parent: IInvocationOperation handedTo } &&
                      SourceCallees.BodyOf(handedTo.TargetMethod, handedTo) is { } body &&
                      SourceCallees.InvocationsOf(body, parameter.OriginalDefinition).Count > 0))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The waits <paramref name="function"/>'s own code performs (not those of functions nested in it), each with its
        /// object: its own waits, and calls of a method of the file on this object (or a static one) that has waited for a
        /// field or static by the time it returns (<see cref="WaitedInCallee"/>).
        /// </summary>
        public List<(IOperation Acquire, ISymbol Object)> AcquiresIn(IOperation function)
        {
            var result = new List<(IOperation, ISymbol)>();
            foreach (var operation in function.Descendants())
            {
                if (!(operation is IInvocationOperation || operation is IAwaitOperation || operation is IPropertyReferenceOperation || operation is IWhileLoopOperation ||
                      operation is IForEachLoopOperation) ||
                    Flow.Functions.IsInNestedFunction(operation, function))
                {
                    continue;
                }

                if (operation is IForEachLoopOperation loop)
                {
                    // A loop over a queue's consuming enumeration takes an item before each run of its body, and only its
                    // body comes after a take (the loop also ends when the queue is completed, having taken nothing): the
                    // loop stands for the wait, which AcquirePrecedes knows.
                    if (ConsumedQueue(loop) is { } queue)
                    {
                        result.Add((loop, queue));
                    }

                    continue;
                }

                foreach (var acquired in Acquired(operation).Concat(WaitedInCallee(operation, operation)))
                {
                    result.Add((operation, acquired));
                }
            }

            return result;
        }

        /// <summary>
        /// The queue a loop consumes: <c>foreach (var x in queue.GetConsumingEnumerable())</c> over a BlockingCollection, or
        /// <c>await foreach (var x in channel.Reader.ReadAllAsync())</c>.
        /// </summary>
        private ISymbol? ConsumedQueue(IForEachLoopOperation loop) =>
            ConsumingCall(loop) is { Instance: { } instance, TargetMethod: { } method } &&
            (method.Name == "GetConsumingEnumerable" && KnownSymbols.Is(method.ContainingType, _symbols.BlockingCollection) ||
             method.Name == "ReadAllAsync" && KnownSymbols.DerivesFrom(method.ContainingType, _symbols.ChannelReader))
                ? ObjectOf(instance)
                : null;

        /// <summary>The call a loop enumerates when it consumes a queue: <c>GetConsumingEnumerable()</c> or <c>ReadAllAsync()</c>, by name.</summary>
        public static IInvocationOperation? ConsumingCall(IForEachLoopOperation loop) =>
            SpawnClassifier.Unwrap(loop.Collection) is IInvocationOperation { TargetMethod.Name: "GetConsumingEnumerable" or "ReadAllAsync" } call ? call : null;

        /// <summary>
        /// The waits of <paramref name="flow"/> with the point just after each, by the object waited for; waits inside
        /// <paramref name="excluded"/> (the work's own delegate) do not count. Such a point is a join for whatever the
        /// work did before releasing that object.
        /// </summary>
        public Dictionary<ISymbol, List<(FlowPoint Point, IOperation Wait)>> AcquirePoints(FlowIndex flow, TextSpan excluded)
        {
            var acquires = new Dictionary<ISymbol, List<(FlowPoint, IOperation)>>(SymbolEqualityComparer.Default);
            var function = new FunctionOperations(null, flow);
            foreach (var (operation, block, index) in flow.Operations())
            {
                if (operation.Syntax == null || excluded.Contains(operation.Syntax.Span) ||
                    !(operation is IInvocationOperation || operation is IAwaitOperation || operation is IPropertyReferenceOperation))
                {
                    continue;
                }

                foreach (var acquired in Acquired(operation, function).Concat(WaitedInCallee(operation, flow.Graph.OriginalOperation)))
                {
                    if (!acquires.TryGetValue(acquired, out var points))
                    {
                        points = new List<(FlowPoint, IOperation)>();
                        acquires.Add(acquired, points);
                    }

                    points.Add((new FlowPoint(block, index, operation.Syntax.Span.End), operation));
                }
            }

            // A loop spinning on a flag is no operation of the graph: it has waited once the statement after it runs.
            var root = flow.Graph.OriginalOperation;
            foreach (var loop in root.Descendants().OfType<IWhileLoopOperation>())
            {
                if (excluded.Contains(loop.Syntax.Span) || Flow.Functions.IsInNestedFunction(loop, root) ||
                    !(FlagHandshake.AwaitedRaised(loop, _symbols) is { } flag) || !(Flow.Functions.NextStatement(loop) is { } next) ||
                    !(flow.FirstPointIn(next) is { } after))
                {
                    continue;
                }

                if (!acquires.TryGetValue(flag, out var points))
                {
                    points = new List<(FlowPoint, IOperation)>();
                    acquires.Add(flag, points);
                }

                points.Add((after, loop));
            }

            return acquires;
        }

        /// <summary>
        /// Every run of the work that reaches <paramref name="access"/> releases afterwards through <paramref name="release"/>:
        /// the release comes later in the same function and not inside a loop that also holds the access (the next
        /// iteration's access would follow it), or sits in a finally whose try block or catch holds the access.
        /// </summary>
        public static bool ReleaseFollows(IOperation release, SyntaxNode access)
        {
            var releaseSyntax = release.Syntax;
            for (var node = releaseSyntax.Parent; node != null && !(node is AnonymousFunctionExpressionSyntax) && !(node is LocalFunctionStatementSyntax); node = node.Parent)
            {
                // A release inside a loop may be followed by the next iteration's accesses.
                if ((node is ForStatementSyntax || node is CommonForEachStatementSyntax || node is WhileStatementSyntax || node is DoStatementSyntax) &&
                    node.Span.Contains(access.Span))
                {
                    return false;
                }

                if (node is FinallyClauseSyntax { Parent: TryStatementSyntax tryStatement } && (tryStatement.Block.Span.Contains(access.Span) ||
                    tryStatement.Catches.Any(c => c.Span.Contains(access.Span))))
                {
                    return true;
                }
            }

            return access.Span.End <= releaseSyntax.Span.End;
        }

        /// <summary>
        /// <paramref name="access"/> runs only after the wait <paramref name="acquire"/> returned: the wait's statement comes
        /// earlier in a block that (directly, or through plain nested blocks, try blocks, lock and using bodies) holds
        /// the access, or the wait is the condition of an <c>if</c> or <c>while</c> (or one side of its <c>&amp;&amp;</c>) whose
        /// body holds the access (<c>if (done.Wait(timeout)) Use(data);</c>, <c>while (queue.TryTake(out item, t)) …</c>).
        /// A wait inside a branch or a loop that may be skipped orders nothing after it.
        /// </summary>
        public static bool AcquirePrecedes(IOperation acquire, SyntaxNode access)
        {
            if (acquire is IForEachLoopOperation)
            {
                // A loop consuming a queue (AcquiresIn): its body runs after a take.
                return acquire.Syntax is CommonForEachStatementSyntax loop && loop.Statement.Span.Contains(access.Span);
            }

            if (GuardedBy(acquire.Syntax) is { } guarded && guarded.Span.Contains(access.Span))
            {
                return true;
            }

            SyntaxNode? node = acquire.Syntax;
            while (node != null && !(node is StatementSyntax))
            {
                if (node is AnonymousFunctionExpressionSyntax)
                {
                    return false;
                }

                node = node.Parent;
            }

            while (node != null)
            {
                if (!(node.Parent is BlockSyntax block))
                {
                    return false;
                }

                if (block.Span.Contains(access.Span))
                {
                    return node.Span.End <= access.SpanStart;
                }

                // Climb only through statements that always run their block once, to the end or by an exception.
                node = block.Parent switch
                {
                    BlockSyntax _ => block,
                    TryStatementSyntax tryStatement when tryStatement.Block == block => tryStatement,
                    LockStatementSyntax lockStatement => lockStatement,
                    UsingStatementSyntax usingStatement => usingStatement,
                    CheckedStatementSyntax checkedStatement => checkedStatement,
                    UnsafeStatementSyntax unsafeStatement => unsafeStatement,
                    FixedStatementSyntax fixedStatement => fixedStatement,
                    _ => null,
                };
            }

            return false;
        }

        /// <summary>The statement that runs only when <paramref name="condition"/> is true: the body of the if or while it tests, through parentheses and <c>&amp;&amp;</c>.</summary>
        private static StatementSyntax? GuardedBy(SyntaxNode condition)
        {
            var node = condition;
            while (node.Parent is ParenthesizedExpressionSyntax || node.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression })
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                IfStatementSyntax ifStatement when ifStatement.Condition == node => ifStatement.Statement,
                WhileStatementSyntax loop when loop.Condition == node => loop.Statement,
                _ => null,
            };
        }

        /// <summary>A variable of this type released or waited for is a flag (<see cref="FlagHandshake"/>).</summary>
        private bool IsFlag(ITypeSymbol? type) => type != null && FlagHandshake.IsFlagType(type) && !IsSynchronizationType(type);

        /// <summary>A type whose objects are released and waited for by their own methods (events, semaphores, …), not a flag.</summary>
        private bool IsSynchronizationType(ITypeSymbol type) =>
            KnownSymbols.DerivesFrom(type, _symbols.WaitHandle) || KnownSymbols.Is(type, _symbols.ManualResetEventSlim) || KnownSymbols.Is(type, _symbols.SemaphoreSlim) ||
            KnownSymbols.Is(type, _symbols.CountdownEvent) || KnownSymbols.Is(type, _symbols.Barrier) ||
            KnownSymbols.Is(type, _symbols.TaskCompletionSource) || KnownSymbols.Is(type, _symbols.TaskCompletionSourceOfT) || IsQueue(type);

        /// <summary>A queue that hands items from one thread to another: a BlockingCollection or a channel.</summary>
        private bool IsQueue(ITypeSymbol? type) => KnownSymbols.Is(type, _symbols.BlockingCollection) || KnownSymbols.DerivesFrom(type, _symbols.Channel);

        /// <summary>
        /// How many waits the object lets through before anyone releases it, as far as its declaration tells: an event
        /// created set (<c>new ManualResetEventSlim(true)</c>) or a semaphore created with permits. 0 when created
        /// closed; null when the declaration cannot be read (not created in its declaration, or from a non-constant).
        /// </summary>
        public int? InitialPermits(ISymbol synchronizationObject)
        {
            var type = TypeOf(synchronizationObject);

            if (KnownSymbols.Is(type, _symbols.CountdownEvent) || KnownSymbols.Is(type, _symbols.Barrier) || KnownSymbols.Is(type, _symbols.TaskCompletionSource) || KnownSymbols.Is(type, _symbols.TaskCompletionSourceOfT))
            {
                // Waits on these return only after the releases they count.
                return 0;
            }

            if (IsFlag(type))
            {
                // A flag (FlagHandshake) starts lowered when its declaration leaves it false, 0 or null.
                return FlagHandshake.StartsLowered(synchronizationObject) ? 0 : (int?)null;
            }

            if (IsQueue(type))
            {
                // Each item written lets one read through, so a queue made empty lets none through before a write.
                return StartsEmpty(synchronizationObject) ? 0 : (int?)null;
            }

            if (!(InitialValue(synchronizationObject) is BaseObjectCreationExpressionSyntax { ArgumentList: var arguments }))
            {
                return null;
            }

            if (arguments == null || arguments.Arguments.Count == 0)
            {
                // new ManualResetEventSlim() starts unset.
                return 0;
            }

            if (arguments.Arguments[0].Expression is LiteralExpressionSyntax literal)
            {
                switch (literal.Token.Value)
                {
                    case bool set:
                        return set ? int.MaxValue : 0;
                    case int permits:
                        return permits;
                }
            }

            return null;
        }

        /// <summary>
        /// A queue made empty in its declaration: <c>new BlockingCollection&lt;T&gt;()</c> (also with a bound), an empty
        /// collection expression (<c>[]</c>), <c>Channel.CreateUnbounded&lt;T&gt;()</c> or <c>Channel.CreateBounded&lt;T&gt;(…)</c>.
        /// One made from a collection may hold items.
        /// </summary>
        private static bool StartsEmpty(ISymbol queue) => InitialValue(queue) switch
        {
            CollectionExpressionSyntax { Elements.Count: 0 } => true,
            BaseObjectCreationExpressionSyntax { ArgumentList: var arguments } =>
                arguments == null || arguments.Arguments.Count == 0 || arguments.Arguments[0].Expression is LiteralExpressionSyntax { Token: { Value: int } },
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "CreateUnbounded" or "CreateBounded" } } } } => true,
            _ => false,
        };

        /// <summary>The value a variable or field is given in its one declaration, or null.</summary>
        private static ExpressionSyntax? InitialValue(ISymbol variable) =>
            variable.DeclaringSyntaxReferences.Length == 1 && variable.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { Value: { } value } }
                ? value
                : null;

        /// <summary>
        /// A barrier: a wait returns only once every participant has arrived in the phase, so the arrival of the work that
        /// waits (or of other work) never lets it through without the other participants' arrivals.
        /// </summary>
        public bool WaitsForEveryParty(ISymbol synchronizationObject) => KnownSymbols.Is(TypeOf(synchronizationObject), _symbols.Barrier);

        /// <summary>
        /// The object opens once for every waiter (an event, a TaskCompletionSource): a wait returns after the first
        /// release, so it orders only the work of one releaser. Countdowns, barriers and semaphores count releases.
        /// </summary>
        public bool OpensOnce(ISymbol synchronizationObject)
        {
            var type = TypeOf(synchronizationObject);

            // A raised flag stays raised, like a set event.
            return KnownSymbols.DerivesFrom(type, _symbols.EventWaitHandle) || KnownSymbols.Is(type, _symbols.ManualResetEventSlim) || KnownSymbols.Is(type, _symbols.TaskCompletionSource) || KnownSymbols.Is(type, _symbols.TaskCompletionSourceOfT) ||
                   IsFlag(type);
        }

        /// <summary>
        /// The completion sources an await of <paramref name="awaited"/> waits for: <c>tcs.Task</c>; every task of
        /// <c>Task.WhenAll(a.Task, b.Task)</c>, or of a local list the function makes once and fills with
        /// <c>tasks.Add(tcs.Task)</c>; <c>task.WaitAsync(timeout)</c>, which throws unless the task has finished; and a
        /// local given one of these once.
        /// </summary>
        private IEnumerable<ISymbol> CompletionSourcesAwaitedIn(IOperation awaited, FunctionOperations function, int depth)
        {
            awaited = function.Resolve(awaited);
            if (CompletionSourceOf(awaited) is { } source)
            {
                return new[] { source };
            }

            if (depth > 3)
            {
                return Enumerable.Empty<ISymbol>();
            }

            switch (awaited)
            {
                case IInvocationOperation { TargetMethod: { Name: "WaitAsync", IsStatic: false } method, Instance: { } task } when _known.Tasks.IsExactlyTask(method.ContainingType):
                    return CompletionSourcesAwaitedIn(task, function, depth + 1);
                case IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true } method } whenAll when KnownSymbols.Is(method.ContainingType, _known.Tasks.Task):
                    return whenAll.Arguments.SelectMany(argument => function.TasksIn(argument.Value)).SelectMany(task => CompletionSourcesAwaitedIn(task, function, depth + 1)).ToList();
                case ILocalReferenceOperation { Local: { IsRef: false } local } when function.OnlyValueOf(local) is { } held:
                    return CompletionSourcesAwaitedIn(held, function, depth + 1);
                default:
                    return Enumerable.Empty<ISymbol>();
            }
        }

        /// <summary>
        /// The operations of the function an await sits in, where the locals it goes through are looked up: the
        /// control-flow graph's (where declarations are assignments and values may be flow captures), or the tree's.
        /// </summary>
        private sealed class FunctionOperations
        {
            private readonly FlowIndex? _flow;
            private readonly IOperation? _anchor;
            private List<IOperation>? _all;

            /// <summary>The graph's operations when <paramref name="flow"/> is given, else those of <paramref name="anchor"/>'s tree; listed once, on first use.</summary>
            public FunctionOperations(IOperation? anchor, FlowIndex? flow)
            {
                _anchor = anchor;
                _flow = flow;
            }

            private List<IOperation> All => _all ??= _flow != null
                ? _flow.Operations().Select(entry => entry.Operation).ToList()
                : Functions.Root(_anchor!).DescendantsAndSelf().ToList();

            public IOperation Resolve(IOperation operation) => _flow != null ? _flow.Resolve(operation) : SpawnClassifier.Unwrap(operation);

            /// <summary>The one value <paramref name="local"/> is ever given (its initialiser, or in a graph its one assignment); null otherwise.</summary>
            public IOperation? OnlyValueOf(ILocalSymbol local)
            {
                IOperation? value = null;
                var writes = 0;
                foreach (var operation in All)
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && declarator.Initializer != null:
                            value = declarator.Initializer.Value;
                            writes++;
                            break;
                        case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local):
                            value = assignment.Value;
                            writes++;
                            break;
                        case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) && reference.Parent is IArgumentOperation { Parameter: { RefKind: not RefKind.None } }:
                            return null;
                    }
                }

                return writes == 1 ? value : null;
            }

            /// <summary>
            /// The tasks a WhenAll argument stands for: a params array's or collection expression's elements, or what the
            /// function adds to a local list it makes once; the argument itself otherwise.
            /// </summary>
            public IEnumerable<IOperation> TasksIn(IOperation argument)
            {
                argument = Resolve(argument);
                switch (argument)
                {
                    case IArrayCreationOperation { Initializer: { } initializer }:
                        return initializer.ElementValues;
                    case ICollectionExpressionOperation collection when !collection.Elements.Any(element => element is ISpreadOperation):
                        return collection.Elements;
                    case ILocalReferenceOperation { Local: var list } when OnlyValueOf(list) != null:
                        return All.OfType<IInvocationOperation>()
                            .Where(call => call.TargetMethod.Name == "Add" && call.Arguments.Length == 1 && call.Instance != null &&
                                           Resolve(call.Instance) is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, list))
                            .Select(call => call.Arguments[0].Value)
                            .ToList();
                    default:
                        return new[] { argument };
                }
            }
        }

        /// <summary>
        /// The tasks an argument of <c>Task.WhenAll</c> (or another call handed tasks) stands for, read in the code of the
        /// function around it (see <see cref="FunctionOperations.TasksIn"/>); the argument itself where it is no such collection.
        /// </summary>
        public IEnumerable<IOperation> TasksIn(IOperation argument) => new FunctionOperations(argument, null).TasksIn(argument);

        /// <summary>tcs.Task → tcs; anything else → null.</summary>
        private ISymbol? CompletionSourceOf(IOperation operation)
        {
            if (operation is IPropertyReferenceOperation { Property: { Name: "Task" } property, Instance: { } instance } &&
                (KnownSymbols.Is(property.ContainingType, _symbols.TaskCompletionSource) || KnownSymbols.Is(property.ContainingType, _symbols.TaskCompletionSourceOfT)))
            {
                return ObjectOf(instance);
            }

            return null;
        }

        private bool HasTimeout(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                var parameterType = argument.Parameter?.Type;
                if (parameterType == null)
                {
                    continue;
                }

                if (KnownSymbols.Is(parameterType, _known.Core.TimeSpan) || (parameterType.SpecialType == SpecialType.System_Int32 && argument.Parameter!.Name.IndexOf("imeout", System.StringComparison.Ordinal) >= 0))
                {
                    // Timeout.Infinite (-1) or Timeout.InfiniteTimeSpan waits as long as it takes.
                    var constant = argument.Value.ConstantValue;
                    if (constant.HasValue && constant.Value is int infinite && infinite == -1)
                    {
                        continue;
                    }

                    if (SpawnClassifier.Unwrap(argument.Value) is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", IsStatic: true } })
                    {
                        continue;
                    }

                    return true;
                }
            }

            return false;
        }

        private static bool ResultIsUsed(IOperation call)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            // In a control-flow graph a branch condition has no parent: its value decides the branch.
            return parent == null || !(parent is IExpressionStatementOperation) &&
                   !(parent is ISimpleAssignmentOperation { Target: IDiscardOperation _ });
        }

        private bool IsTask(ITypeSymbol? type) => _known.Tasks.IsExactlyTask(type);
    }
}
