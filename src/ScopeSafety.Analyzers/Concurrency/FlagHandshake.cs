using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A bool flag used as a one-shot signal: a volatile write of <c>true</c> (<c>_ready = true</c> on a volatile
    /// field, or <c>Volatile.Write(ref ready, true)</c>) releases it, and a loop that spins until a volatile read of it
    /// gives <c>true</c> (<c>while (!_ready) { }</c>, <c>SpinWait.SpinUntil(() =&gt; _ready)</c>) acquires it. What
    /// one side wrote before raising the flag is visible to the other after the loop (volatile release/acquire).
    /// </summary>
    internal static class FlagHandshake
    {
        /// <summary>The flag <paramref name="operation"/> raises with a volatile write of true, or null.</summary>
        public static ISymbol? Raised(IOperation operation, SynchronisationSymbols symbols)
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation { IsRef: false, Target: IFieldReferenceOperation { Field: { IsVolatile: true } } target } assignment
                    when IsTrue(assignment.Value):
                    return FlagOf(target);
                case IInvocationOperation { TargetMethod: { Name: "Write", IsStatic: true } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.Volatile) && call.Arguments.Length == 2 &&
                         call.Arguments.Single(a => a.Parameter?.Ordinal == 1) is { } value && IsTrue(value.Value):
                    return FlagOf(call.Arguments.Single(a => a.Parameter?.Ordinal == 0).Value);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The flag <paramref name="operation"/> spins on until it reads true, or null: a while or do loop whose only
        /// exit is its condition <c>!flag</c>, or <c>SpinWait.SpinUntil(() =&gt; flag)</c> without a timeout.
        /// </summary>
        public static ISymbol? AwaitedRaised(IOperation operation, SynchronisationSymbols symbols)
        {
            switch (operation)
            {
                case IWhileLoopOperation { ConditionIsUntil: false, Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not } loop
                    when Flow.Functions.LeftOnlyByCondition(loop):
                    return VolatileRead(not.Operand, symbols);
                case IInvocationOperation { TargetMethod: { Name: "SpinUntil", IsStatic: true, Parameters: { Length: 1 } } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.SpinWait) &&
                         SpinCondition(call.Arguments[0].Value) is { } condition:
                    return VolatileRead(condition, symbols);
                default:
                    return null;
            }
        }

        /// <summary>The value <c>() =&gt; flag</c> returns: an expression-bodied lambda (its body is one return).</summary>
        private static IOperation? SpinCondition(IOperation argument) =>
            SpawnClassifier.Unwrap(argument) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Body: { Operations: { Length: 1 } body } } } &&
            body[0] is IReturnOperation { ReturnedValue: { } returned }
                ? returned
                : null;

        /// <summary>A volatile read of a bool flag: a volatile field, or Volatile.Read(ref flag).</summary>
        private static ISymbol? VolatileRead(IOperation read, SynchronisationSymbols symbols)
        {
            read = SpawnClassifier.Unwrap(read);
            if (read.Type?.SpecialType != SpecialType.System_Boolean)
            {
                return null;
            }

            switch (read)
            {
                case IFieldReferenceOperation { Field: { IsVolatile: true } }:
                    return FlagOf(read);
                case IInvocationOperation { TargetMethod: { Name: "Read", IsStatic: true } method } call
                    when KnownSymbols.Is(method.ContainingType, symbols.Volatile) && call.Arguments.Length == 1:
                    return FlagOf(call.Arguments[0].Value);
                default:
                    return null;
            }
        }

        private static ISymbol? FlagOf(IOperation reference) =>
            SpawnClassifier.Unwrap(reference).Type?.SpecialType == SpecialType.System_Boolean ? SignalObjects.ObjectOf(reference) : null;

        /// <summary>The loop body may leave the loop without the flag raised: a break, goto, return or yield break.</summary>
        private static bool IsTrue(IOperation value) => value.ConstantValue is { HasValue: true, Value: true };
    }
}
