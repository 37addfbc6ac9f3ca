using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Code that awaits a synchronisation context of its own to move onto that context's thread: a program's main loop,
    /// a <see cref="System.Threading.SynchronizationContext"/> that runs what is posted to it on one thread and is awaitable
    /// (MonoTorrent's <c>await ClientEngine.MainLoop;</c> before it touches the engine's state, as UI code awaits its
    /// dispatcher). Two pieces of work whose accesses both run there, after an await of the same context, take turns on
    /// that one thread and do not race there, however many of them are in flight.
    /// </summary>
    internal static class ContextSwitches
    {
        /// <summary>
        /// <paramref name="a"/>, made by the code <paramref name="bodyA"/>, and <paramref name="b"/>, made by
        /// <paramref name="bodyB"/>, both run on the thread of one context: they take turns, and do not race.
        /// </summary>
        public static bool OnOneContext(IOperation? bodyA, Access a, IOperation? bodyB, Access b, KnownSymbols symbols) =>
            OnOneContext(bodyA, a, null, bodyB, b, null, symbols);

        /// <summary>
        /// As above, with where each side's code is called from when it is an async method called and left running
        /// (<paramref name="calledA"/>, <paramref name="calledB"/>: the function's body and the call): until an await
        /// decides otherwise, such code runs where it is called.
        /// </summary>
        public static bool OnOneContext(IOperation? bodyA, Access a, (IOperation Body, IOperation Call)? calledA, IOperation? bodyB, Access b,
            (IOperation Body, IOperation Call)? calledB, KnownSymbols symbols) =>
            bodyA != null && bodyB != null && ContextOf(bodyA, a, symbols, calledA) is { } context &&
            SymbolEqualityComparer.Default.Equals(context, ContextOf(bodyB, b, symbols, calledB));

        /// <summary>
        /// The context whose thread makes <paramref name="access"/> of the work whose code is <paramref name="body"/>: the
        /// static field or property awaited last before it, with only awaits that come back to the same context in
        /// between, in the work's code or in the method of it that makes the access (<c>HandleMessageAsync</c>, which
        /// starts with <c>await ClientEngine.MainLoop;</c>). Null when the access may run anywhere else.
        /// </summary>
        public static ISymbol? ContextOf(IOperation body, Access access, KnownSymbols symbols, (IOperation Body, IOperation Call)? calledFrom = null)
        {
            // The call of the work's code that reaches the access, when the reading of the work recorded it.
            var found = access.MadeIn(body) is { } call && call != access.Reference && IsCall(call) && WorkItems.Holds(body.Syntax, call.Syntax) &&
                        !Functions.IsInNestedFunction(call, body)
                ? Through(body, call, access.Reference, symbols, SourceCallees.MaxDepth)
                : Resolve(body, access.Reference, symbols, SourceCallees.MaxDepth);
            if (found is (Found.Start, _))
            {
                // No await decides in the code itself: it runs where it is called, or where a main loop runs a delegate.
                found = calledFrom is { } caller ? StartOf(caller.Body, caller.Call, symbols) : HandedToLoop(body, symbols);
            }

            return found is (Found.Context, var context) ? context : null;
        }

        /// <summary>Where <paramref name="operation"/> of <paramref name="body"/> runs: as its code decides, or where the body runs.</summary>
        private static (Found, ISymbol?) StartOf(IOperation body, IOperation operation, KnownSymbols symbols)
        {
            var found = Walk(body, operation, symbols);
            return found.Item1 == Found.Start ? HandedToLoop(body, symbols) : found;
        }

        /// <summary>
        /// The body of a lambda handed to a method of a main loop, called on the loop's static field or property
        /// (<c>DhtEngine.MainLoop.QueueTimeout(period, () =&gt; …)</c>, <c>Loop.Post(_ =&gt; …, null)</c>): the loop runs it on
        /// its thread. Anything else: where it runs is not known here.
        /// </summary>
        private static (Found, ISymbol?) HandedToLoop(IOperation body, KnownSymbols symbols)
        {
            if (body.Parent is IAnonymousFunctionOperation { Parent: IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation call } } } &&
                call.Instance != null && SpawnClassifier.Unwrap(call.Instance) is IMemberReferenceOperation { Instance: null, Member: IFieldSymbol or IPropertySymbol } loop &&
                RunsOnOneThread(loop.Type, symbols) && DeclaredOnTheLoop(call.TargetMethod, loop.Type!))
            {
                return (Found.Context, loop.Member);
            }

            return (Found.Left, null);
        }

        /// <summary>The method is the loop type's own, or one of the contexts it derives from (<c>Post</c>, <c>Send</c>).</summary>
        private static bool DeclaredOnTheLoop(IMethodSymbol method, ITypeSymbol loop)
        {
            for (var type = loop; type != null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, type.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private enum Found
        {
            // An await of this context decides where the code runs.
            Context,

            // An await that may leave the context, or code the walk cannot follow.
            Left,

            // The start of the function, past awaits that come back: the code runs where its caller does.
            Start,
        }

        /// <summary>
        /// Where <paramref name="reference"/> runs within <paramref name="body"/>: found in its own code, or inside every
        /// call of it that reaches the reference (up to <paramref name="depth"/> calls down); a callee that reaches its
        /// start that way runs where the call is made.
        /// </summary>
        private static (Found, ISymbol?)? Resolve(IOperation body, IOperation reference, KnownSymbols symbols, int depth)
        {
            if (WorkItems.Holds(body.Syntax, reference.Syntax))
            {
                return Functions.IsInNestedFunction(reference, body) ? (Found.Left, null) : Walk(body, reference, symbols);
            }

            if (depth == 0)
            {
                return null;
            }

            (Found, ISymbol?)? result = null;
            foreach (var call in body.Descendants().Where(IsCall))
            {
                if (Functions.IsInNestedFunction(call, body) || !(Through(body, call, reference, symbols, depth) is { } inside))
                {
                    continue;
                }

                if (inside.Item1 == Found.Left || (result is { } earlier && (earlier.Item1 != inside.Item1 || !SymbolEqualityComparer.Default.Equals(earlier.Item2, inside.Item2))))
                {
                    return (Found.Left, null);
                }

                result = inside;
            }

            return result;
        }

        /// <summary>
        /// Where <paramref name="reference"/> runs when <paramref name="call"/>, in <paramref name="body"/>, makes it: as the
        /// callee's code has it, or where the call is made when the callee runs it where it was called.
        /// </summary>
        private static (Found, ISymbol?)? Through(IOperation body, IOperation call, IOperation reference, KnownSymbols symbols, int depth)
        {
            (Found, ISymbol?)? result = null;
            foreach (var method in SourceCallees.MethodsRun(call))
            {
                if (!(SourceCallees.BodyOf(method, call, anyFile: true) is { } callee) || !(Resolve(callee, reference, symbols, depth - 1) is { } inside))
                {
                    continue;
                }

                if (inside.Item1 == Found.Start)
                {
                    inside = Walk(body, call, symbols);
                }

                if (result is { } earlier && (earlier.Item1 != inside.Item1 || !SymbolEqualityComparer.Default.Equals(earlier.Item2, inside.Item2)))
                {
                    return (Found.Left, null);
                }

                result = inside;
            }

            return result;
        }

        /// <summary>A call, or a property's getter or setter, whose code the walk may read.</summary>
        private static bool IsCall(IOperation operation) => operation is IInvocationOperation || operation is IPropertyReferenceOperation;

        /// <summary>
        /// Walks back from <paramref name="anchor"/> through the code before it, statement by statement and out through
        /// the blocks that hold it, to the first await that decides where it runs: an await of a context, or one that may
        /// leave it. Awaits that come back to the context they started on are passed over. A loop around the anchor with
        /// an await that leaves the context reaches the anchor again from there; so does a catch or finally after an await
        /// of its try block.
        /// </summary>
        private static (Found, ISymbol?) Walk(IOperation body, IOperation anchor, KnownSymbols symbols)
        {
            for (var node = anchor; node.Parent != null && node != body; node = node.Parent)
            {
                var parent = node.Parent;
                var before = parent switch
                {
                    IBlockOperation block => block.Operations.TakeWhile(statement => statement != node).Reverse(),
                    // One branch does not run before the other: only the condition, or the value switched on, does.
                    IConditionalOperation conditional => node == conditional.Condition ? Enumerable.Empty<IOperation>() : new[] { conditional.Condition },
                    ISwitchCaseOperation or ICatchClauseOperation => Enumerable.Empty<IOperation>(),
                    ISwitchOperation switched => node == switched.Value ? Enumerable.Empty<IOperation>() : new[] { switched.Value },
                    _ => parent.ChildOperations.Where(child => child != node && child.Syntax.SpanStart < node.Syntax.SpanStart).Reverse(),
                };
                foreach (var earlier in before)
                {
                    if (SwitchedTo(earlier, symbols) is { } context)
                    {
                        return (Found.Context, context);
                    }

                    if (OwnAwaits(earlier, body).Any(awaited => !ComesBack(awaited, symbols)))
                    {
                        return (Found.Left, null);
                    }
                }

                if (parent is ILoopOperation loop && OwnAwaits(loop, body).Any(awaited => !ComesBack(awaited, symbols) && SwitchedTo(awaited, symbols) == null))
                {
                    return (Found.Left, null);
                }

                if ((parent is ITryOperation || parent is ICatchClauseOperation) &&
                    (parent as ITryOperation ?? parent.Parent as ITryOperation)?.Body is { } tryBlock &&
                    node != tryBlock && OwnAwaits(tryBlock, body).Any(awaited => !ComesBack(awaited, symbols)))
                {
                    return (Found.Left, null);
                }
            }

            return (Found.Start, null);
        }

        /// <summary>The static member of <c>await ClientEngine.MainLoop;</c> (a whole statement, or the await itself).</summary>
        private static ISymbol? SwitchedTo(IOperation operation, KnownSymbols symbols)
        {
            var awaited = operation is IExpressionStatementOperation statement ? statement.Operation : operation;
            if (!(awaited is IAwaitOperation { Operation: { } target }) ||
                !(SpawnClassifier.Unwrap(target) is IMemberReferenceOperation { Instance: null, Member: IFieldSymbol or IPropertySymbol } member) ||
                !RunsOnOneThread(member.Type, symbols))
            {
                return null;
            }

            return member.Member;
        }

        /// <summary>
        /// A type derived from SynchronizationContext that posts work its own way (it overrides Post): the base class posts
        /// to the thread pool, a derived one that takes the posts in (a loop's queue, a UI dispatcher) runs them on its thread.
        /// </summary>
        private static bool RunsOnOneThread(ITypeSymbol? type, KnownSymbols symbols)
        {
            var baseContext = symbols.Threading.SynchronizationContext;
            if (baseContext == null || type == null || KnownSymbols.Is(type, baseContext))
            {
                return false;
            }

            var overridesPost = false;
            for (var current = type; current != null; current = current.BaseType)
            {
                if (KnownSymbols.Is(current, baseContext))
                {
                    return overridesPost;
                }

                overridesPost |= current.GetMembers("Post").OfType<IMethodSymbol>().Any(post => post.IsOverride);
            }

            return false;
        }

        /// <summary>
        /// An await whose continuation goes back to the context it was made on: of a task, a value task or a task-like
        /// type (one with an async method builder), or <c>Task.Yield()</c>, without <c>ConfigureAwait(false)</c>.
        /// </summary>
        private static bool ComesBack(IOperation suspension, KnownSymbols symbols)
        {
            if (!(suspension is IAwaitOperation awaited))
            {
                // await foreach and await using come back as their awaits do, unless configured not to.
                return !suspension.Descendants().OfType<IInvocationOperation>().Any(call => call.TargetMethod.Name == "ConfigureAwait");
            }

            if (AsyncMethodContinuation.LeavesContext(awaited))
            {
                return false;
            }

            var type = awaited.Operation.Type;
            return symbols.Tasks.IsTaskLike(type) ||
                   type?.GetAttributes().Any(attribute => attribute.AttributeClass?.Name == "AsyncMethodBuilderAttribute") == true ||
                   type?.Name is "YieldAwaitable" or "ConfiguredTaskAwaitable" or "ConfiguredValueTaskAwaitable";
        }

        /// <summary>The awaits of <paramref name="operation"/> that suspend <paramref name="body"/> itself (not a lambda it makes).</summary>
        private static IEnumerable<IOperation> OwnAwaits(IOperation operation, IOperation body) =>
            new[] { operation }.Concat(operation.Descendants()).Where(candidate => AsyncRuns.IsSuspension(candidate) && !Functions.IsInNestedFunction(candidate, body));
    }
}
