using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Orderings inside the code: an access under a lock (and on which object), and an access through Interlocked or
    /// Volatile. Two accesses are ordered when both are atomic, or both hold a lock on the same object. A lock whose
    /// object is not a plain variable, field, 'this' or typeof counts as common to all (we cannot tell, so we trust it).
    /// </summary>
    internal static class Locks
    {
        private static readonly object Unknown = new object();

        /// <summary>The lock objects held at <paramref name="operation"/>, looking no further out than the function that holds it.</summary>
        public static List<object> LocksHeld(IOperation operation) => LocksHeld(operation, null);

        /// <summary>
        /// As <see cref="LocksHeld(IOperation)"/>, and also the objects of Monitor.Enter/Exit pairs: the operation sits in
        /// a try block whose finally calls Monitor.Exit(o), entered by Monitor.Enter/TryEnter(o) just before the try or
        /// at the top of its block (the expansion of <c>lock</c> written by hand). TryEnter may fail and
        /// is not trusted.
        /// </summary>
        public static List<object> LocksHeld(IOperation operation, INamedTypeSymbol? monitor) => LocksHeld(operation, monitor, SourceCallees.MaxDepth);

        private static List<object> LocksHeld(IOperation operation, INamedTypeSymbol? monitor, int depth)
        {
            var result = new List<object>();
            var child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is ILockOperation lockOperation && lockOperation.Body == child)
                {
                    result.Add(KeyOf(lockOperation.LockedValue));
                }

                if (monitor != null && parent is ITryOperation { Finally: { } finallyBlock } tryOperation && tryOperation.Body == child)
                {
                    AddMonitorLocks(tryOperation, finallyBlock, child, monitor, result);
                }

                if (parent is ILocalFunctionOperation)
                {
                    break;
                }

                if (parent is IAnonymousFunctionOperation lambda)
                {
                    // RunExclusive(() => val = 2) with RunExclusive(a) { lock (Gate) a(); }: the lambda runs where the
                    // callee invokes it, under the locks it holds there, and inside the call.
                    if (depth == 0 || !AddCalleeLocks(lambda, monitor, depth - 1, result))
                    {
                        break;
                    }
                }
            }

            return result;
        }

        /// <summary>
        /// Adds the locks a method of the file holds at every invocation of <paramref name="lambda"/>, handed to it as
        /// an argument; false when the lambda is not handed to such a method, or it never invokes the lambda itself.
        /// </summary>
        private static bool AddCalleeLocks(IAnonymousFunctionOperation lambda, INamedTypeSymbol? monitor, int depth, List<object> result)
        {
            if (!(SourceCallees.ArgumentOf(lambda) is { Parameter: { } parameter, Parent: IInvocationOperation call }) ||
                !(SourceCallees.BodyOf(call.TargetMethod, call) is { } body))
            {
                return false;
            }

            var invocations = SourceCallees.InvocationsOf(body, parameter.OriginalDefinition);
            if (invocations.Count == 0)
            {
                return false;
            }

            List<object>? common = null;
            foreach (var invocation in invocations)
            {
                var held = LocksHeld(invocation, monitor, depth).ConvertAll(key => InCaller(key, call));
                common = common == null ? held : common.FindAll(key => held.Exists(other => SameKey(key, other)));
            }

            result.AddRange(common!);
            return true;
        }

        // A lock on the callee's parameter is a lock on what the caller passes.
        private static object InCaller(object key, IInvocationOperation call) =>
            key is IParameterSymbol parameter &&
            SourceCallees.ArgumentFor(call, parameter) is { } argument
                ? KeyOf(argument.Value)
                : key;

        private static void AddMonitorLocks(ITryOperation tryOperation, IBlockOperation finallyBlock, IOperation body, INamedTypeSymbol monitor, List<object> result)
        {
            foreach (var exit in finallyBlock.Descendants())
            {
                if (!(MonitorCall(exit, monitor, "Exit") is { } exitKey) || exitKey == Unknown)
                {
                    continue;
                }

                var entered = false;
                if (tryOperation.Parent is IBlockOperation outer)
                {
                    var at = outer.Operations.IndexOf(tryOperation);
                    entered = at > 0 && Entered(outer.Operations[at - 1], monitor, exitKey);
                }

                if (!entered && body is IBlockOperation tryBlock && tryBlock.Operations.Length > 0)
                {
                    // bool taken = false; try { Monitor.Enter(o, ref taken); … } finally { if (taken) Monitor.Exit(o); }
                    entered = Entered(tryBlock.Operations[0], monitor, exitKey);
                }

                if (entered)
                {
                    result.Add(exitKey);
                }
            }
        }

        private static bool Entered(IOperation statement, INamedTypeSymbol monitor, object key) =>
            statement is IExpressionStatementOperation { Operation: { } call } &&
            (MonitorCall(call, monitor, "Enter") is { } entered && SameKey(entered, key));

        private static object? MonitorCall(IOperation operation, INamedTypeSymbol monitor, string name)
        {
            if (operation is IInvocationOperation { TargetMethod: { } method } call && call.Arguments.Length > 0 &&
                KnownSymbols.Is(method.ContainingType, monitor) &&
                method.Name == name)
            {
                return KeyOf(call.Arguments[0].Value);
            }

            return null;
        }

        private static bool SameKey(object x, object y) =>
            Equals(x, y) || (x is ISymbol sx && y is ISymbol sy && SymbolEqualityComparer.Default.Equals(sx, sy));

        private static object KeyOf(IOperation value)
        {
            switch (SpawnClassifier.Unwrap(value))
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field when field.Instance == null || field.Instance is IInstanceReferenceOperation:
                    return field.Field;
                case IInstanceReferenceOperation instance when instance.Type != null:
                    return instance.Type;
                case ITypeOfOperation typeOf:
                    return typeOf.TypeOperand;
                default:
                    return Unknown;
            }
        }

        /// <summary>Both sides hold a lock on the same object (or one we cannot name).</summary>
        public static bool CommonLock(List<object> a, List<object> b)
        {
            foreach (var x in a)
            {
                foreach (var y in b)
                {
                    if (x == Unknown || y == Unknown || Equals(x, y) || (x is ISymbol sx && y is ISymbol sy && SymbolEqualityComparer.Default.Equals(sx, sy)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The reference is a ref argument of Interlocked.* or Volatile.*.</summary>
        public static bool IsAtomic(IOperation reference, KnownSymbols symbols) =>
            reference.Parent is IArgumentOperation { Parent: IInvocationOperation call } &&
            (KnownSymbols.Is(call.TargetMethod.ContainingType, symbols.Synchronisation.Interlocked) || KnownSymbols.Is(call.TargetMethod.ContainingType, symbols.Synchronisation.Volatile));
    }
}
