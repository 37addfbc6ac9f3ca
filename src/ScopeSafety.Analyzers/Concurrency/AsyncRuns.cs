using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Async work that runs in turn up to its first await and on from there beside the code that started it:
    /// <c>items.Select(async x =&gt; …)</c> whose tasks are all started before any is awaited (<c>Task.WhenAll</c>,
    /// <c>ToList()</c>), and a call of an async local function that is not awaited where it is made. Each run goes as far
    /// as its first await on the thread that starts it, and the rest continues on the thread pool, at the same time as the
    /// others. So one run's code after an await races with other code, but what every run does before its first await
    /// does not (<see cref="BeforeEveryAwait"/>).
    /// </summary>
    internal static class AsyncRuns
    {
        /// <summary>
        /// <paramref name="select"/> is <c>Enumerable.Select</c> of a function that returns a task (an async lambda,
        /// <c>id =&gt; LoadAsync(id)</c>, <c>LoadAsync</c>) whose tasks are started at once, in a program whose awaits leave
        /// the caller's thread (in one with a UI framework, only those with <c>ConfigureAwait(false)</c>).
        /// </summary>
        public static bool StartsAllAtOnce(IInvocationOperation select, IOperation selector, IOperation? body, KnownSymbols symbols)
        {
            var function = MethodOf(selector);
            if (function == null || body == null || select.TargetMethod.Name != "Select" ||
                !KnownSymbols.Is(select.TargetMethod.ContainingType, symbols.Collections.Enumerable) ||
                !(function.IsAsync || symbols.Tasks.IsTaskLike(function.ReturnType)))
            {
                return false;
            }

            return select.SemanticModel is { } model && LeavesTheCallersThread(body, select, model.Compilation) && Materialised(select, symbols, 0);
        }

        /// <summary>The method a delegate's target runs: a lambda's, or the one a method group names; null for anything else.</summary>
        private static IMethodSymbol? MethodOf(IOperation target) => target switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            IMethodReferenceOperation group => group.Method,
            _ => null,
        };

        /// <summary>
        /// The tasks of <paramref name="select"/> (the selector's runs, or the work each run starts and returns) go on beside
        /// the function from the <c>Select</c> until the function waits for them: the sequence goes straight into a copy or
        /// a combinator (<c>ToList()</c>, <c>ToArray()</c>, <c>Task.WhenAll(…)</c>), and the handle walk from there finds a wait
        /// (<c>Task.WaitAll(tasks)</c>, <c>await Task.WhenAll(…)</c>, a loop awaiting each) and nothing that hands the tasks
        /// on or answers the first that ends. A sequence kept in a local first starts only where it is enumerated, so it is
        /// left to <see cref="StartsAllAtOnce"/>'s reading: its runs against each other only.
        /// </summary>
        public static bool SelectedTasksFollowed(IInvocationOperation select, SpawnSite followed, IOperation host, KnownSymbols symbols) =>
            Materialised(select, symbols, 1) &&
            HandleTracker.Track(followed, host, symbols, operation => SpawnClassifier.UnscopedApiOf(operation, symbols) != null) is { Escapes: false, InFirstFinished: false } tracker &&
            tracker.Joins.Count > 0;

        /// <summary>
        /// The <c>Select</c> whose selector returns <paramref name="spawn"/> as its whole value (<c>ids.Select(id =&gt;
        /// Task.Run(() =&gt; …))</c>), if any: each run of the selector starts the work and hands its task to the sequence.
        /// </summary>
        public static IInvocationOperation? SelectReturning(IOperation spawn, KnownSymbols symbols)
        {
            if (!(SpawnClassifier.Wrapped(spawn).Parent is IReturnOperation returned) ||
                !(Functions.EnclosingFunction(returned) is IAnonymousFunctionOperation selector) ||
                !(selector.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation select } }) ||
                select.TargetMethod.Name != "Select" || !KnownSymbols.Is(select.TargetMethod.ContainingType, symbols.Collections.Enumerable))
            {
                return null;
            }

            return select;
        }

        /// <summary>
        /// The <c>Select</c> of <see cref="SelectReturning"/> when its sequence goes straight into a copy or a combinator
        /// (<see cref="Materialised"/>): every run of the selector, and so every start, happens there, at once.
        /// </summary>
        public static IInvocationOperation? SelectStartingAll(IOperation spawn, KnownSymbols symbols) =>
            SelectReturning(spawn, symbols) is { } select && Materialised(select, symbols, 1) ? select : null;

        /// <summary>
        /// <paramref name="forEach"/> is <c>List&lt;T&gt;.ForEach</c> or <c>Array.ForEach</c> handed an async function that
        /// returns nothing (<c>items.ForEach(async x =&gt; …)</c>, an async void method): each call runs the function as far
        /// as its first await and returns, so the rest of every run goes on beside the others and beside the caller, and
        /// nothing waits for it. Only in a program whose awaits leave the caller's thread, as for <see cref="StartsAllAtOnce"/>.
        /// </summary>
        public static bool StartsAsyncVoidPerElement(IInvocationOperation forEach, IOperation function, IOperation? body, KnownSymbols symbols)
        {
            var method = forEach.TargetMethod;
            return MethodOf(function) is { IsAsync: true, ReturnsVoid: true } && body != null && method.Name == "ForEach" &&
                   (KnownSymbols.Is(method.ContainingType, symbols.Collections.List) || method.ContainingType.SpecialType == SpecialType.System_Array) &&
                   forEach.SemanticModel is { } model && LeavesTheCallersThread(body, forEach, model.Compilation);
        }

        /// <summary>
        /// <paramref name="call"/> calls an async local function, or an async method of the project handed one of the
        /// caller's objects, and leaves it running: its task is not awaited where it is made (<c>var a = Fetch(1);
        /// var b = Fetch(2); await Task.WhenAll(a, b);</c>, <c>Task.WhenAll(Fetch(1), Fetch(2))</c>) nor handed on by a return (<c>i =&gt; Fetch(i)</c> is the selector's, see above). Like a run of an
        /// async <c>Select</c>, the call goes as far as the function's first await inside the caller and the rest runs
        /// beside the caller's code, until something waits for its task.
        /// </summary>
        public static bool IsCallLeftRunning(IInvocationOperation call)
        {
            if (!(call.TargetMethod is { IsAsync: true } method) || AwaitedValues.AwaitOf(call) != null || ReturnedFrom(call) || !(call.SemanticModel is { } model))
            {
                return false;
            }

            if (method.MethodKind == MethodKind.LocalFunction)
            {
                return AccessCollector.FindLocalFunction(Functions.Root(call), method) is { Body: { } body } && LeavesTheCallersThread(body, call, model.Compilation);
            }

            // An async method of the project handed one of the caller's objects (FetchAsync(id, results)), or one of the
            // caller's own type, which shares its fields (LoadUsersAsync() beside LoadOrdersAsync(), both adding to
            // _errors): what it does to those objects after its first await runs beside the caller and the other calls.
            // Its fields and statics themselves are the callers' question (CallersAfterCall), not this work's.
            return method.MethodKind == MethodKind.Ordinary && !method.IsVirtual && !method.IsAbstract && !method.IsOverride &&
                   (HandsOverCallersObject(call) || IsOnOwnType(call)) && SourceCallees.BodyOf(method, call, anyFile: true) is { } methodBody &&
                   LeavesTheCallersThread(methodBody, call, model.Compilation);
        }

        /// <summary>A call of the caller's own type: on this, or of a static method of that type.</summary>
        private static bool IsOnOwnType(IInvocationOperation call) =>
            (call.Instance == null ? call.TargetMethod.IsStatic : Places.IsThis(SpawnClassifier.Unwrap(call.Instance))) &&
            call.SemanticModel?.GetEnclosingSymbol(call.Syntax.SpanStart) is { } caller &&
            SymbolEqualityComparer.Default.Equals(caller.ContainingType, call.TargetMethod.ContainingType);

        /// <summary>An argument is a local or parameter of the caller that holds an object (a list, an array, a builder).</summary>
        private static bool HandsOverCallersObject(IInvocationOperation call) =>
            call.Arguments.Any(argument => SpawnClassifier.Unwrap(argument.Value) is ILocalReferenceOperation or IParameterReferenceOperation &&
                                           argument.Value.Type is { IsReferenceType: true } && argument.Parameter?.RefKind == RefKind.None);

        /// <summary>
        /// The function's code after an await runs on the thread pool: always, but in a program with a UI framework, whose
        /// context brings continuations back to the caller's thread, or started by code of a type that runs in turns
        /// (<see cref="AsyncMethodContinuation.RunsInTurns"/>), only after an await with <c>ConfigureAwait(false)</c>.
        /// </summary>
        private static bool LeavesTheCallersThread(IOperation body, IOperation start, Compilation compilation) =>
            !(AsyncMethodContinuation.HasUiContext(compilation) ||
              AsyncMethodContinuation.RunsInTurns(start.SemanticModel?.GetEnclosingSymbol(start.Syntax.SpanStart)?.ContainingType)) ||
            OwnAwaits(body).OfType<IAwaitOperation>().Any(AsyncMethodContinuation.LeavesContext);

        private static bool ReturnedFrom(IOperation value)
        {
            return SpawnClassifier.Wrapped(value).Parent is IReturnOperation;
        }

        /// <summary>
        /// The sequence is enumerated whole before its tasks are awaited one by one: handed to <c>Task.WhenAll</c>,
        /// <c>WhenAny</c>, <c>WaitAll</c> or <c>WaitAny</c>, or copied into a list, array or set (directly, or through a
        /// local that holds it). A <c>foreach</c> that awaits each task in turn starts them one at a time.
        /// </summary>
        private static bool Materialised(IOperation sequence, KnownSymbols symbols, int depth)
        {
            var value = SpawnClassifier.Wrapped(sequence);

            switch (value.Parent)
            {
                case IArgumentOperation { Parent: IInvocationOperation call }:
                    var method = call.TargetMethod;
                    return (KnownSymbols.Is(method.ContainingType, symbols.Tasks.Task) && method.Name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny") ||
                           (KnownSymbols.Is(method.ContainingType, symbols.Collections.Enumerable) &&
                            method.Name is "ToList" or "ToArray" or "ToHashSet" or "ToDictionary" or "ToLookup");
                case IArgumentOperation { Parent: IObjectCreationOperation }:
                    // new List<Task>(tasks)
                    return true;
                case IInvocationOperation { Instance: { } receiver, TargetMethod: { Name: "AddRange" } } when receiver != value:
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } } when depth == 0:
                    return Functions.Root(value).Descendants().OfType<ILocalReferenceOperation>()
                        .Any(reference => SymbolEqualityComparer.Default.Equals(reference.Local, local) && Materialised(reference, symbols, depth + 1));
                default:
                    return false;
            }
        }

        /// <summary>The access is made before the function's first await: inside the call (or the enumeration) that runs it.</summary>
        public static bool BeforeEveryAwait(IOperation body, Access made, KnownSymbols symbols)
        {
            if (WorkItems.Holds(body.Syntax, made.Reference.Syntax))
            {
                // In the function's own code (a lambda's, or the method a method group names).
                return Before(body, made.Reference);
            }

            // Made inside a call of the function's: the call must come first, and a call that returns a task goes on
            // beside the others after its own first await. Or made through the call that runs the function as the work
            // (CheckAsync(rpc, "a") for an async method of the project): inside the calls its code makes.
            var call = made.Operation;
            return WorkItems.Holds(body.Syntax, call.Syntax)
                ? Before(body, call) && MadeInsideCall(call, made.Reference, symbols, SourceCallees.MaxDepth)
                : MadeBeforeFirstAwait(body, made.Reference, symbols, SourceCallees.MaxDepth);
        }

        /// <summary>
        /// <paramref name="body"/> makes the access before its first await: itself, or in calls it makes before then (up to
        /// <paramref name="depth"/> calls further down) that make it before they hand back (<see cref="MadeInsideCall"/>).
        /// </summary>
        private static bool MadeBeforeFirstAwait(IOperation body, IOperation reference, KnownSymbols symbols, int depth)
        {
            if (WorkItems.Holds(body.Syntax, reference.Syntax))
            {
                // A lambda the code makes runs when it is called, not here.
                return !Functions.IsInNestedFunction(reference, body) && Before(body, reference);
            }

            if (depth == 0)
            {
                return false;
            }

            var reaching = body.Descendants().OfType<IInvocationOperation>()
                .Where(inner => !Functions.IsInNestedFunction(inner, body) && SourceCallees.Reaches(inner, reference, depth - 1)).ToList();
            return reaching.Count > 0 && reaching.TrueForAll(inner => Before(body, inner) && MadeInsideCall(inner, reference, symbols, depth - 1));
        }

        /// <summary>
        /// <paramref name="call"/> makes the access before it hands back: all of a call that returns no task; of a method
        /// that returns one, what it does before its own first await (<c>await rpc.SendAsync(…)</c> reading the batch
        /// before the call's first await), also through an overload that hands back another call's task.
        /// </summary>
        private static bool MadeInsideCall(IOperation call, IOperation reference, KnownSymbols symbols, int depth) =>
            !symbols.Tasks.IsTaskLike(call.Type) ||
            (call is IInvocationOperation invocation && SourceCallees.BodyOf(invocation.TargetMethod, invocation, anyFile: true) is { } calleeBody &&
             MadeBeforeFirstAwait(calleeBody, reference, symbols, depth));


        /// <summary>
        /// The operation runs before every await of <paramref name="body"/> (its function's own, not a nested lambda's), on
        /// the thread that called the function; after one, the rest runs later, maybe on another thread.
        /// </summary>
        public static bool Before(IOperation body, IOperation access)
        {
            var effect = EffectEnd(access);
            foreach (var suspension in OwnAwaits(body))
            {
                if (MayComeAfter(suspension, access, effect))
                {
                    return false;
                }

                // An await in a loop around the access comes before it from the second iteration on.
                if (access.Ancestors().TakeWhile(parent => parent != body).Any(parent => parent is ILoopOperation loop && WorkItems.Holds(loop.Syntax, suspension.Syntax)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Where the use of the reference has happened: after the arguments of the call or indexer it is the receiver
        /// of, and the value of the assignment it is the target of (<c>_cache[id] = await Fetch(id)</c> stores after the await).
        /// </summary>
        private static int EffectEnd(IOperation reference)
        {
            var used = reference;
            for (var parent = reference.Parent; parent != null; used = parent, parent = parent.Parent)
            {
                var takesPart = parent switch
                {
                    IConversionOperation or IParenthesizedOperation => true,
                    IInvocationOperation call => call.Instance == used,
                    IPropertyReferenceOperation property => property.Instance == used,
                    IArrayElementReferenceOperation element => element.ArrayReference == used,
                    IAssignmentOperation assignment => assignment.Target == used,
                    IIncrementOrDecrementOperation => true,
                    _ => false,
                };

                if (!takesPart)
                {
                    break;
                }
            }

            return used.Syntax.Span.End;
        }

        /// <summary>
        /// The access (in effect by <paramref name="effect"/>) may come after <paramref name="suspension"/> gives up the
        /// thread: it is not part of what runs first, an await's operand (the call in <c>await rpc.SendAsync(…)</c> runs on
        /// the caller's thread up to its own first await) or an <c>await foreach</c>'s collection, and the suspension
        /// starts before it takes effect (<c>_cache[id] = await Fetch(id)</c> stores after the await).
        /// </summary>
        private static bool MayComeAfter(IOperation suspension, IOperation access, int effect)
        {
            var first = suspension switch
            {
                IAwaitOperation awaited => awaited.Operation.Syntax,
                IForEachLoopOperation loop => loop.Collection.Syntax,
                _ => null,
            };

            if (first != null && first.Span.Contains(access.Syntax.Span) && effect <= first.Span.End)
            {
                return false;
            }

            return suspension.Syntax.SpanStart < effect;
        }

        /// <summary>Where the function may give up its thread: its own awaits, <c>await foreach</c> and <c>await using</c>.</summary>
        private static System.Collections.Generic.IEnumerable<IOperation> OwnAwaits(IOperation body) =>
            body.Descendants().Where(operation => IsSuspension(operation) && !Functions.IsInNestedFunction(operation, body));

        /// <summary>An operation where code may give up its thread: an await, <c>await foreach</c> or <c>await using</c>.</summary>
        internal static bool IsSuspension(IOperation operation) =>
            operation is IAwaitOperation || operation is IForEachLoopOperation { IsAsynchronous: true } || operation is IUsingOperation { IsAsynchronous: true } ||
            operation is IUsingDeclarationOperation { IsAsynchronous: true };
    }
}
