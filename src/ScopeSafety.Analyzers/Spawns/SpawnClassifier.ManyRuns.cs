using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Project methods that start the delegates they are given many times: every delegate of a collection parameter as
    /// work of its own, the shape of a test's <c>RunConcurrently(params Action[] actions)</c> (the arguments of one call run
    /// at the same time, as with <c>Parallel.Invoke</c>), or one delegate once per round of a loop,
    /// <c>RunOnThreads(8, () =&gt; …)</c> (its runs overlap each other, as with <c>Parallel.For</c>).
    /// </summary>
    internal sealed partial class SpawnClassifier
    {
        private static readonly ConditionalWeakTable<IMethodSymbol, StrongBox<(IParameterSymbol Parameter, SpawnKind Kind)?>> RoundRunners =
            new ConditionalWeakTable<IMethodSymbol, StrongBox<(IParameterSymbol Parameter, SpawnKind Kind)?>>();

        /// <summary>
        /// The delegate parameter <paramref name="method"/> starts once per round of a loop (a <c>for</c> or <c>while</c>,
        /// or the selector of a <c>Select</c> such as <c>Enumerable.Range(0, n).Select(_ =&gt; Task.Run(action))</c>), or
        /// hands to <c>Parallel.For</c>/<c>ForEach</c> as the body: its runs may overlap each other. Structured or unscoped
        /// as for <see cref="EachElementParameter"/>; null on the same grounds, and when any use of the parameter is not
        /// such a start.
        /// </summary>
        private (IParameterSymbol Parameter, SpawnKind Kind)? EachRoundParameter(IMethodSymbol method, IOperation caller)
        {
            var definition = method.OriginalDefinition;
            if (!IsReadableHelper(definition) || !definition.Parameters.Any(parameter => parameter.Type.TypeKind == TypeKind.Delegate))
            {
                return null;
            }

            return Once(RoundRunners, definition, () => FindEachRoundParameter(definition, caller));
        }

        private (IParameterSymbol Parameter, SpawnKind Kind)? FindEachRoundParameter(IMethodSymbol method, IOperation caller)
        {
            if (!(Concurrency.SourceCallees.BodyOf(method, caller, anyFile: true) is { } body) || body.Descendants().Any(operation => operation is IAwaitOperation))
            {
                return null;
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.TypeKind == TypeKind.Delegate && StartedEachRound(body, parameter) is { } parallel)
                {
                    return KindOf(body, parallel) is { } kind ? (parameter, kind) : null;
                }
            }

            return null;
        }

        /// <summary>
        /// Whether every use of the delegate <paramref name="parameter"/> in <paramref name="body"/> starts it once per
        /// round of a loop: null when some use does not, or none does; true when Parallel.For or ForEach runs it (and
        /// joins it); false when threads or tasks do.
        /// </summary>
        private bool? StartedEachRound(IOperation body, IParameterSymbol parameter)
        {
            var started = false;
            var parallel = false;
            foreach (var reference in body.Descendants().OfType<IParameterReferenceOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter) || IsNullTest(Wrapped(reference).Parent))
                {
                    continue;
                }

                if (Wrapped(reference).Parent is IArgumentOperation { Parent: IInvocationOperation call, Parameter.Name: "body" } && IsParallelLoop(call.TargetMethod))
                {
                    // Joined by the loop, unless the loop itself runs in work the method starts: then the method's own waits decide.
                    (started, parallel) = (true, parallel || !InsideWork(call));
                    continue;
                }

                if (!(WorkHolding(reference) is { } spawn) || !StartsEachRound(spawn, body))
                {
                    return null;
                }

                started = true;
            }

            return started ? parallel : (bool?)null;
        }

        /// <summary>
        /// <paramref name="spawn"/> runs once per round, within <paramref name="body"/>, and the next round does not wait for
        /// it: in the body of a loop, or of a lambda that a Select (or a ForEach) calls for each element, that waits for
        /// nothing outside the work (a retry loop that starts the work and waits for it runs one at a time).
        /// </summary>
        private bool StartsEachRound(IOperation spawn, IOperation body)
        {
            for (var parent = spawn.Parent; parent != null && parent != body; parent = parent.Parent)
            {
                if (parent is ILoopOperation loop)
                {
                    return !WaitsIn(loop.Body);
                }

                if (parent is IAnonymousFunctionOperation lambda && Concurrency.SourceCallees.ArgumentOf(lambda) is { Parent: IInvocationOperation { TargetMethod.Name: "Select" or "ForEach" } })
                {
                    return !WaitsIn(lambda.Body);
                }
            }

            return false;
        }

        /// <summary>A wait in <paramref name="region"/>'s own code, outside the work it starts.</summary>
        private bool WaitsIn(IOperation region) => region.Descendants().Any(operation => !InsideWork(operation) && IsWait(operation));

        /// <summary>
        /// How a helper that starts its delegates runs them: structured when <c>Parallel</c> runs them or the method joins
        /// its threads or tasks, unscoped when it waits for nothing, null (not read as a helper) when it waits only for
        /// something else.
        /// </summary>
        private SpawnKind? KindOf(IOperation body, bool parallel) => parallel ? SpawnKind.Structured : Joins(body) switch
        {
            true => SpawnKind.Structured,
            false => SpawnKind.Unscoped,
            null => null,
        };

        private bool IsParallelLoop(IMethodSymbol method) =>
            KnownSymbols.Is(method.ContainingType, _symbols.Tasks.Parallel) && (method.Name == "For" || method.Name == "ForEach");

        private static readonly ConditionalWeakTable<IMethodSymbol, StrongBox<(IParameterSymbol Parameter, SpawnKind Kind)?>> ElementRunners =
            new ConditionalWeakTable<IMethodSymbol, StrongBox<(IParameterSymbol Parameter, SpawnKind Kind)?>>();

        /// <summary>
        /// The delegate-collection parameter (<c>params Action[]</c>, <c>IEnumerable&lt;Func&lt;T&gt;&gt;</c>, …) whose every
        /// element <paramref name="method"/> starts as work of its own, with how: structured when the method waits for
        /// the threads or tasks it started before it returns (or hands the elements to <c>Parallel</c>), unscoped when it
        /// waits for nothing. An element counts as started when, inside a <c>foreach</c> over the parameter or the selector
        /// of a <c>Select</c> on it, it is handed to an API that starts work (<c>Task.Run(action)</c>) or called only inside
        /// the delegate handed to one (<c>new Thread(() =&gt; { …; action(); … })</c>). Null when an element is called or
        /// handed on anywhere else, when the method awaits, when it waits for something we cannot tie to its work, and for
        /// a method whose body is not in this compilation or may be replaced.
        /// </summary>
        private (IParameterSymbol Parameter, SpawnKind Kind)? EachElementParameter(IMethodSymbol method, IOperation caller)
        {
            var definition = method.OriginalDefinition;
            if (!IsReadableHelper(definition) || !definition.Parameters.Any(parameter => IsDelegateCollection(parameter.Type)))
            {
                return null;
            }

            return Once(ElementRunners, definition, () => FindEachElementParameter(definition, caller));
        }

        private (IParameterSymbol Parameter, SpawnKind Kind)? FindEachElementParameter(IMethodSymbol method, IOperation caller)
        {
            if (!(Concurrency.SourceCallees.BodyOf(method, caller, anyFile: true) is { } body) || body.Descendants().Any(operation => operation is IAwaitOperation))
            {
                return null;
            }

            foreach (var parameter in method.Parameters)
            {
                if (IsDelegateCollection(parameter.Type) && ElementsStarted(body, parameter) is { } parallel)
                {
                    return KindOf(body, parallel) is { } kind ? (parameter, kind) : null;
                }
            }

            return null;
        }

        /// <summary>An array or a generic collection of a delegate type.</summary>
        private static bool IsDelegateCollection(ITypeSymbol type) =>
            type is IArrayTypeSymbol { Rank: 1, ElementType.TypeKind: TypeKind.Delegate } ||
            type is INamedTypeSymbol { IsGenericType: true, TypeArguments: { Length: 1 } arguments } named && arguments[0].TypeKind == TypeKind.Delegate &&
            (named.ConstructedFrom.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T ||
             named.AllInterfaces.Any(i => i.ConstructedFrom.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T));

        /// <summary>
        /// Whether every use of <paramref name="parameter"/> in <paramref name="body"/> starts each element as work of its
        /// own: null when some use does not, or none does; true when <c>Parallel</c> runs them (and joins them); false
        /// when threads or tasks do.
        /// </summary>
        private bool? ElementsStarted(IOperation body, IParameterSymbol parameter)
        {
            var started = false;
            var parallel = false;
            foreach (var reference in body.Descendants().OfType<IParameterReferenceOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                {
                    continue;
                }

                var use = Wrapped(reference);
                switch (use.Parent)
                {
                    case IForEachLoopOperation loop when loop.Collection == use && ElementOf(loop) is { } element:
                        if (!StartedInWork(element, loop.Body))
                        {
                            return null;
                        }

                        started = true;
                        break;
                    case IArrayElementReferenceOperation access when access.ArrayReference == use && IndexedElement(access) is { } indexed:
                        // for (var i = 0; i < actions.Length; i++) { var action = actions[i]; … }
                        if (!StartedInWork(indexed.Element, indexed.Loop.Body))
                        {
                            return null;
                        }

                        started = true;
                        break;
                    case IArgumentOperation { Parent: IInvocationOperation call } argument when IsParallel(call.TargetMethod) &&
                                                                                              (call.TargetMethod.Name == "Invoke" || argument.Parameter?.Ordinal == 0):
                        // Parallel.Invoke(actions), or Parallel.ForEach(actions, a => a()): each element runs on the pool and is joined
                        // there; when the Parallel call itself runs in work the method starts, the method's own waits decide.
                        if (call.TargetMethod.Name != "Invoke" && !(BodyElement(call) is { } item && InvokedOnlyIn(item.Element, item.Selector.Body)))
                        {
                            return null;
                        }

                        (started, parallel) = (true, parallel || !InsideWork(call));
                        break;
                    case IArgumentOperation { Parent: IInvocationOperation call } argument when argument.Parameter?.Ordinal == 0 && IsEnumerableSelect(call.TargetMethod):
                        if (SelectorElement(call) is { } selected)
                        {
                            if (!StartedInWork(selected.Element, selected.Selector.Body))
                            {
                                return null;
                            }
                        }
                        else if (!(call.Arguments.Length == 2 && Unwrap(call.Arguments[1].Value) is IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: { } group } } &&
                                   BuiltIn(group, null, ImmutableArray<IArgumentOperation>.Empty) is { Kind: SpawnKind.Unscoped }))
                        {
                            // Neither a lambda that starts the element nor a start method itself (actions.Select(Task.Run)).
                            return null;
                        }

                        started = true;
                        break;
                    case IPropertyReferenceOperation { Property.Name: "Length" or "Count" or "LongLength" }:
                        break;
                    default:
                        return null;
                }
            }

            return started ? parallel : (bool?)null;
        }

        /// <summary>The local a foreach declares for each element.</summary>
        private static ILocalSymbol? ElementOf(IForEachLoopOperation loop) =>
            loop.LoopControlVariable is IVariableDeclaratorOperation declarator ? declarator.Symbol : null;

        /// <summary>
        /// The local that takes the element of a for loop's own index in that loop's body (<c>var action = actions[i];</c>
        /// directly in the body of <c>for (var i = …; …; i++)</c>), with the loop.
        /// </summary>
        private static (ILocalSymbol Element, IForLoopOperation Loop)? IndexedElement(IArrayElementReferenceOperation access) =>
            access.Indices.Length == 1 && Unwrap(access.Indices[0]) is ILocalReferenceOperation index &&
            Wrapped(access).Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } &&
            declarator.Parent?.Parent is IVariableDeclarationGroupOperation { Parent: IBlockOperation block } && block.Parent is IForLoopOperation loop &&
            loop.Body == block && loop.Locals.Contains(index.Local, SymbolEqualityComparer.Default)
                ? (declarator.Symbol, loop)
                : ((ILocalSymbol, IForLoopOperation)?)null;

        /// <summary>The lambda a LINQ or Parallel call is given for each element, with its element parameter.</summary>
        private static (IAnonymousFunctionOperation Selector, IParameterSymbol Element)? SelectorElement(IInvocationOperation call) =>
            call.Arguments.Length == 2 && Unwrap(call.Arguments[1].Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation selector } &&
            selector.Symbol.Parameters.Length >= 1
                ? (selector, selector.Symbol.Parameters[0])
                : ((IAnonymousFunctionOperation, IParameterSymbol)?)null;

        /// <summary>The lambda Parallel.ForEach runs for each element (its body, also after ParallelOptions), with its element parameter.</summary>
        private static (IAnonymousFunctionOperation Selector, IParameterSymbol Element)? BodyElement(IInvocationOperation call) =>
            call.Arguments.FirstOrDefault(a => a.Parameter?.Name == "body") is { } body &&
            Unwrap(body.Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation selector } && selector.Symbol.Parameters.Length >= 1
                ? (selector, selector.Symbol.Parameters[0])
                : ((IAnonymousFunctionOperation, IParameterSymbol)?)null;

        /// <summary>
        /// Every use of <paramref name="element"/> in <paramref name="region"/> is inside work started there: the delegate
        /// handed to an API that starts work (<c>Task.Run(a)</c>, <c>new Thread(a.Invoke)</c>), or a call of it in the body of
        /// such a delegate; and there is at least one. A null test is no use.
        /// </summary>
        private bool StartedInWork(ISymbol element, IOperation region)
        {
            var found = false;
            foreach (var reference in region.Descendants())
            {
                if (!IsReferenceTo(reference, element) || IsNullTest(Wrapped(reference).Parent))
                {
                    continue;
                }

                if (!(WorkHolding(reference) is { } spawn) || !region.Syntax.Span.Contains(spawn.Syntax.Span))
                {
                    return false;
                }

                found = true;
            }

            return found;
        }

        /// <summary>
        /// The call that starts work running <paramref name="reference"/>'s delegate: a spawn API given it as its delegate
        /// (itself, or its Invoke method), or the spawn whose lambda calls it (the innermost lambda around the call).
        /// </summary>
        private IOperation? WorkHolding(IOperation reference)
        {
            var use = Wrapped(reference);
            if (use.Parent is IMethodReferenceOperation { Method.Name: "Invoke" } invokeGroup)
            {
                use = Wrapped(invokeGroup.Parent ?? invokeGroup);
            }
            else if (use.Parent is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invoked && invoked.Instance == use)
            {
                if (!(Flow.Functions.EnclosingFunction(invoked) is IAnonymousFunctionOperation lambda) || !(Concurrency.SourceCallees.ArgumentOf(lambda) is { } handed))
                {
                    return null;
                }

                return SpawnTaking(handed);
            }

            return use.Parent is IArgumentOperation argument ? SpawnTaking(argument) : null;
        }

        /// <summary>The call or creation <paramref name="argument"/> belongs to, when it is a .NET API that starts that delegate unscoped.</summary>
        private IOperation? SpawnTaking(IArgumentOperation argument)
        {
            if (argument.Parameter?.Type.TypeKind != TypeKind.Delegate)
            {
                return null;
            }

            var api = argument.Parent switch
            {
                IInvocationOperation { TargetMethod: { } target } call => BuiltIn(target, call.Instance, call.Arguments),
                IObjectCreationOperation { Constructor: { } constructor } creation => BuiltIn(constructor, null, creation.Arguments),
                _ => null,
            };
            return api is { Kind: SpawnKind.Unscoped } ? argument.Parent : null;
        }

        /// <summary>Every use of <paramref name="element"/> in <paramref name="body"/> is a call of it, and there is one.</summary>
        private static bool InvokedOnlyIn(ISymbol element, IOperation body)
        {
            var found = false;
            foreach (var reference in body.Descendants())
            {
                if (!IsReferenceTo(reference, element))
                {
                    continue;
                }

                if (!(Wrapped(reference).Parent is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke }))
                {
                    return false;
                }

                found = true;
            }

            return found;
        }

        private static bool IsReferenceTo(IOperation operation, ISymbol symbol) => operation switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
            _ => false,
        };

        /// <summary><paramref name="operation"/> (the parent of a reference, conversions taken off) only tests it for null: <c>x == null</c>, <c>x != null</c>, <c>x is …</c>.</summary>
        internal static bool IsNullTest(IOperation? operation) =>
            operation is IIsPatternOperation ||
            operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test &&
            (test.LeftOperand.ConstantValue is { HasValue: true, Value: null } || test.RightOperand.ConstantValue is { HasValue: true, Value: null });

        /// <summary>
        /// Whether the method waits for the work it started: true for a join of a thread or task outside the work
        /// (<see cref="IsJoinOfWork"/>, also in a project method given the handles), false when it waits for nothing
        /// at all, null when its only waits are on something else (an event it may set before the work ends).
        /// </summary>
        private bool? Joins(IOperation body)
        {
            var waits = false;
            foreach (var operation in body.Descendants())
            {
                if (InsideWork(operation))
                {
                    // The work's own code: not the method's wait.
                    continue;
                }

                if (IsJoinOfWork(operation) || operation is IInvocationOperation call && JoinsInCallee(call))
                {
                    return true;
                }

                waits |= IsWait(operation);
            }

            return waits ? (bool?)null : false;
        }

        /// <summary>Code inside a delegate handed to an API that starts work (at any depth of lambdas).</summary>
        private bool InsideWork(IOperation operation)
        {
            for (var function = Flow.Functions.EnclosingFunction(operation); function != null; function = Flow.Functions.EnclosingFunction(function))
            {
                if (function is IAnonymousFunctionOperation lambda && Concurrency.SourceCallees.ArgumentOf(lambda) is { } handed && SpawnTaking(handed) != null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A call of a project method given the threads or tasks (an argument of type Thread or Task, or a collection of
        /// them) whose body joins a thread or task: <c>WaitFor(tasks)</c> with <c>WaitFor(Task[] t) =&gt; Task.WaitAll(t)</c>.
        /// </summary>
        private bool JoinsInCallee(IInvocationOperation call) =>
            call.Arguments.Any(argument => IsWorkHandle(argument.Value.Type)) &&
            Concurrency.SourceCallees.BodyOf(call.TargetMethod, call, anyFile: true) is { } body &&
            body.Descendants().Any(IsJoinOfWork);

        private bool IsWorkHandle(ITypeSymbol? type) =>
            _symbols.Tasks.IsTask(type) || _symbols.Threading.IsThread(type) ||
            type is IArrayTypeSymbol array && IsWorkHandle(array.ElementType) ||
            type is INamedTypeSymbol { IsGenericType: true, TypeArguments: { Length: 1 } arguments } && IsWorkHandle(arguments[0]);

        /// <summary>A wait for a thread or task (what <see cref="HandleTracker.JoinedInstance(IOperation, KnownSymbols)"/> reads), or Task.WaitAll.</summary>
        private bool IsJoinOfWork(IOperation operation) =>
            HandleTracker.JoinedInstance(operation, _symbols) != null ||
            operation is IInvocationOperation { TargetMethod: { Name: "WaitAll", IsStatic: true } waitAll } && _symbols.Tasks.IsExactlyTask(waitAll.ContainingType);

        private bool IsParallel(IMethodSymbol method) =>
            KnownSymbols.Is(method.ContainingType, _symbols.Tasks.Parallel) && (method.Name == "Invoke" || method.Name == "ForEach");

        private bool IsEnumerableSelect(IMethodSymbol method) =>
            method.Name == "Select" && KnownSymbols.Is(method.ContainingType, _symbols.Collections.Enumerable);
    }
}
