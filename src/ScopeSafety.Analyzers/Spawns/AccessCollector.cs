using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>Walks operations and records reads and writes of locals and parameters.</summary>
    internal sealed class AccessCollector
    {
        private readonly IOperation _root;
        private readonly KnownSymbols _symbols;

        public AccessCollector(IOperation root, KnownSymbols symbols)
        {
            _root = root;
            _symbols = symbols;
        }

        public ILocalFunctionOperation? FindLocalFunction(IMethodSymbol method) => FindLocalFunction(_root, method);

        /// <summary>The declaration of the local function <paramref name="method"/> inside <paramref name="root"/>, or null.</summary>
        public static ILocalFunctionOperation? FindLocalFunction(IOperation root, IMethodSymbol method)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is ILocalFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, method.OriginalDefinition))
                {
                    return function;
                }
            }

            return null;
        }

        /// <summary>
        /// Records accesses under <paramref name="body"/> to variables declared outside <paramref name="function"/>,
        /// following calls of local functions. When <paramref name="attributeTo"/> is set every access is recorded at it.
        /// </summary>
        public void Collect(IOperation? body, IMethodSymbol function, ImmutableArray<Access>.Builder accesses, IOperation? attributeTo, HashSet<IMethodSymbol> visited)
        {
            if (body == null)
            {
                return;
            }

            HashSet<IOperation>? omitted = null;
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (Flow.OmittedCalls.Skip(operation, body, ref omitted))
                {
                    // A [Conditional] call the compiler leaves out, with its arguments.
                    continue;
                }

                var variable = Places.VariableOf(operation);

                if (variable != null)
                {
                    // A const is a value, never a variable two threads could share.
                    if (!DelegateCaptures.IsDeclaredIn(variable, function) && !(variable is ILocalSymbol { IsConst: true }))
                    {
                        accesses.Add(Access.OfVariable(variable, operation, _symbols, attributeTo));
                    }

                    continue;
                }

                var called = operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod,
                    IMethodReferenceOperation reference => reference.Method,
                    _ => null,
                };

                if (called is { MethodKind: MethodKind.LocalFunction })
                {
                    CollectCalled(called, FindLocalFunction(called)?.Body, function, accesses, operation, attributeTo ?? operation, visited);
                }
                else if (called is { MethodKind: MethodKind.DelegateInvoke } && InvokedFunction((IInvocationOperation)operation, function) is var (held, heldBody))
                {
                    // bump() of an Action bump = () => counter++ made outside: its body runs here.
                    CollectCalled(held, heldBody, function, accesses, operation, attributeTo ?? operation, visited);
                }
            }
        }

        /// <summary>
        /// The accesses that a call made by the spawning code itself makes to variables declared outside the called
        /// function, recorded at the call: a local function (<c>Bump()</c>), or the one lambda or local function a delegate
        /// local certainly holds there (<c>bump()</c> of an <c>Action bump = () =&gt; counter++</c>). Empty for any other operation.
        /// </summary>
        public ImmutableArray<Access> CollectCall(IOperation operation)
        {
            var (called, body) = operation switch
            {
                IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } local } => (local, FindLocalFunction(local)?.Body),
                IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } local } => (local, FindLocalFunction(local)?.Body),
                IInvocationOperation { TargetMethod: { MethodKind: MethodKind.DelegateInvoke } } invocation when HeldFunction(invocation) is var (held, heldBody) => (held, heldBody),
                _ => ((IMethodSymbol?)null, (IOperation?)null),
            };

            var accesses = ImmutableArray.CreateBuilder<Access>();
            if (called != null)
            {
                CollectCalled(called, body, called, accesses, operation, operation, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));
            }

            return accesses.ToImmutable();
        }

        /// <summary>
        /// Records the accesses of a called function's body to variables declared outside <paramref name="function"/>,
        /// at <paramref name="attributeTo"/>; they run under the locks held at <paramref name="call"/> as well as their own.
        /// </summary>
        private void CollectCalled(IMethodSymbol called, IOperation? body, IMethodSymbol function, ImmutableArray<Access>.Builder accesses, IOperation call, IOperation attributeTo, HashSet<IMethodSymbol> visited)
        {
            if (body == null || !visited.Add(called.OriginalDefinition))
            {
                return;
            }

            var nested = ImmutableArray.CreateBuilder<Access>();
            Collect(body, called, nested, attributeTo, visited);
            var held = Locks.LocksHeld(call, _symbols.Synchronisation);
            foreach (var access in nested)
            {
                if (!DelegateCaptures.IsDeclaredIn(access.Place, function))
                {
                    access.Locks.AddRange(held);
                    accesses.Add(access);
                }
            }
        }

        /// <summary>
        /// The lambda or local function a delegate local declared outside <paramref name="function"/> certainly holds
        /// where it is invoked (<see cref="SpawnClassifier.DelegateInvokedAt"/>), with its body.
        /// </summary>
        private (IMethodSymbol Function, IOperation? Body)? InvokedFunction(IInvocationOperation invocation, IMethodSymbol function) =>
            invocation.Instance is { } instance && SpawnClassifier.Unwrap(instance) is ILocalReferenceOperation { Local: var local } &&
            !DelegateCaptures.IsDeclaredIn(local, function)
                ? HeldFunction(invocation)
                : null;

        /// <summary>The lambda or local function the delegate local that <paramref name="invocation"/> calls certainly holds there, with its body.</summary>
        private (IMethodSymbol Function, IOperation? Body)? HeldFunction(IInvocationOperation invocation)
        {
            if (!(invocation.Instance is { } instance && SpawnClassifier.Unwrap(instance) is ILocalReferenceOperation { Local: var local }))
            {
                return null;
            }

            switch (SpawnClassifier.DelegateInvokedAt(local, invocation)?.Target)
            {
                case IAnonymousFunctionOperation lambda:
                    return (lambda.Symbol, lambda.Body);
                case IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } method }:
                    return (method, FindLocalFunction(method)?.Body);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The outermost member access of a struct reached through <paramref name="reference"/> (<c>_stats.Counts.Sent</c>
        /// for <c>_stats</c>): a struct is one place with its members, so what is done to the member is done to the place.
        /// </summary>
        public static IOperation ThroughStructMembers(IOperation reference)
        {
            var current = reference;
            while (current.Parent is IFieldReferenceOperation member && member.Instance == current && current.Type?.IsValueType == true)
            {
                current = member;
            }

            return current;
        }

        /// <summary>Whether a reference reads and/or writes its variable.</summary>
        public static (bool Read, bool Write) Kind(IOperation reference)
        {
            // A field of a struct local written through the local writes the local.
            var current = ThroughStructMembers(reference);
            var parent = current.Parent;

            // A branch of a ref conditional (ref a > b ? ref a : ref b) is used as the whole conditional is.
            while (parent is ITupleOperation || (parent is IConditionalOperation { IsRef: true } conditional && conditional.Condition != current))
            {
                current = parent;
                parent = current.Parent;
            }

            switch (parent)
            {
                case IDeconstructionAssignmentOperation deconstruction when deconstruction.Target == current:
                    return (false, true);
                case ISimpleAssignmentOperation assignment when assignment.Target == current:
                    return (assignment.IsRef, true);
                case ISimpleAssignmentOperation assignment when assignment.IsRef && assignment.Value == current:
                    return (true, true);
                case ICompoundAssignmentOperation compound when compound.Target == current:
                    return (true, true);
                case ICoalesceAssignmentOperation coalesce when coalesce.Target == current:
                    return (true, true);
                case IIncrementOrDecrementOperation _:
                    return (true, true);
                case IArgumentOperation argument when argument.Parameter?.RefKind == RefKind.Out:
                    return (false, true);
                case IArgumentOperation { Parent: IInvocationOperation call } argument when argument.Parameter?.RefKind == RefKind.Ref && RefArgumentWrites.IsAddressOnly(call.TargetMethod):
                    // Unsafe.Add(ref x, i) only computes an address: x is written where the ref it returns is.
                    return (true, call.TargetMethod.ReturnsByRef && Kind(call).Write);
                case IArgumentOperation argument when argument.Parameter?.RefKind == RefKind.Ref:
                    return (true, RefArgumentWrites.Writes(argument.Parameter));
                case IAddressOfOperation _:
                    return (true, true);
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation { Symbol: { IsRef: true } }:
                    return (true, true);
                default:
                    return (true, false);
            }
        }
    }
}
