using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The race of an event raised after a null test: <c>if (Changed != null) Changed(this, e);</c> reads the event's
    /// field twice, so a <c>Changed -= handler</c> on another thread in between removes the last handler and the raise
    /// throws a NullReferenceException. Reading it once (<c>Changed?.Invoke(this, e)</c>, or a local copy) is safe, and
    /// so is adding a handler. So only this pair is a race: the raise counts as a read split in two
    /// (<see cref="Access.IsSplitUpdate"/>), and a removal, or an assignment inside the type, as a write.
    /// </summary>
    internal static class EventRaces
    {
        /// <summary>
        /// The event <paramref name="operation"/> raises when it is a raise (<c>Changed(…)</c>, <c>Changed.Invoke(…)</c>) of a
        /// field-like event that a test of the same event for null guards (an enclosing <c>if</c>, <c>?:</c> or <c>&amp;&amp;</c>,
        /// or an earlier <c>if (Changed == null) return;</c> in an enclosing block); else null.
        /// </summary>
        public static IEventReferenceOperation? TestedThenRaised(IOperation operation)
        {
            if (!(operation is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.DelegateInvoke }, Instance: { } instance }) ||
                !(SpawnClassifier.Unwrap(instance) is IEventReferenceOperation raised) || !IsFieldLike(raised.Event))
            {
                return null;
            }

            IOperation inner = operation;
            for (var parent = operation.Parent; parent != null && !(parent is IAnonymousFunctionOperation) && !(parent is ILocalFunctionOperation); inner = parent, parent = parent.Parent)
            {
                var guarded = parent switch
                {
                    IConditionalOperation conditional when conditional.WhenTrue == inner => Conditions(conditional.Condition, raised, notNull: true),
                    IConditionalOperation conditional when conditional.WhenFalse == inner => Conditions(conditional.Condition, raised, notNull: false),
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when both.RightOperand == inner => Conditions(both.LeftOperand, raised, notNull: true),
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either when either.RightOperand == inner => Conditions(either.LeftOperand, raised, notNull: false),
                    IBlockOperation block => ExitsEarlierWhenNull(block, inner, raised),
                    _ => false,
                };
                if (guarded)
                {
                    return raised;
                }
            }

            return null;
        }

        /// <summary>
        /// The field-like event whose handlers <paramref name="operation"/> may take away: <c>Changed -= handler</c>, or
        /// an assignment of the event's field inside its type (<c>Changed = null</c>); else null.
        /// </summary>
        public static IEventReferenceOperation? EmptiedBy(IOperation operation)
        {
            var target = operation switch
            {
                IEventAssignmentOperation { Adds: false } removal => removal.EventReference,
                ISimpleAssignmentOperation assignment => assignment.Target,
                _ => null,
            };
            return target is IEventReferenceOperation reference && IsFieldLike(reference.Event) ? reference : null;
        }

        /// <summary>An event declared in source without accessors: the compiler gives it a field, which its type may read.</summary>
        private static bool IsFieldLike(IEventSymbol @event) =>
            @event.DeclaringSyntaxReferences.Length == 1 && @event.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax;

        /// <summary>Whether one of the parts of <paramref name="condition"/> that must hold tests the raised event for null (not null when <paramref name="notNull"/>).</summary>
        private static bool Conditions(IOperation condition, IEventReferenceOperation raised, bool notNull) =>
            (notNull ? Flow.Conditions.Conjuncts(condition) : Flow.Conditions.Disjuncts(condition)).Any(part => TestsNull(part, raised) == !notNull);

        /// <summary>Whether <paramref name="condition"/> as a whole tests the raised event for not null (<c>Changed != null</c>, <c>is not null</c>, <c>!(… == null)</c>).</summary>
        public static bool TestsNotNull(IOperation condition, IEventReferenceOperation raised) => TestsNull(condition, raised) == false;

        /// <summary>True for <c>e == null</c>, false for <c>e != null</c> (and the pattern and negated forms), null when <paramref name="test"/> tests something else.</summary>
        private static bool? TestsNull(IOperation test, IEventReferenceOperation raised)
        {
            switch (SpawnClassifier.Unwrap(test))
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return !TestsNull(not.Operand, raised);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    var tested = IsNull(comparison.RightOperand) ? comparison.LeftOperand : IsNull(comparison.LeftOperand) ? comparison.RightOperand : null;
                    return tested != null && SameEvent(tested, raised) ? comparison.OperatorKind == BinaryOperatorKind.Equals : (bool?)null;
                case IIsPatternOperation { Value: var value } isPattern when SameEvent(value, raised):
                    return isPattern.Pattern switch
                    {
                        IConstantPatternOperation constant when IsNull(constant.Value) => true,
                        INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when IsNull(constant.Value) => false,
                        IRecursivePatternOperation or ITypePatternOperation or IDeclarationPatternOperation => false,
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        /// <summary>An earlier statement of <paramref name="block"/> than <paramref name="statement"/> is <c>if (Changed == null) return;</c> (or another jump out).</summary>
        private static bool ExitsEarlierWhenNull(IBlockOperation block, IOperation statement, IEventReferenceOperation raised)
        {
            foreach (var earlier in block.Operations)
            {
                if (earlier == statement)
                {
                    return false;
                }

                if (earlier is IConditionalOperation { WhenFalse: null } test && AlwaysJumps(test.WhenTrue) && Conditions(test.Condition, raised, notNull: false))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool AlwaysJumps(IOperation operation) => operation switch
        {
            IBlockOperation { Operations: { Length: > 0 } statements } => AlwaysJumps(statements[statements.Length - 1]),
            IReturnOperation or IBranchOperation or IThrowOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            _ => false,
        };

        private static bool IsNull(IOperation operation) => SpawnClassifier.Unwrap(operation).ConstantValue is { HasValue: true, Value: null };

        /// <summary>Whether <paramref name="operation"/> reads the same event of the same object as <paramref name="raised"/>.</summary>
        private static bool SameEvent(IOperation operation, IEventReferenceOperation raised) =>
            SpawnClassifier.Unwrap(operation) is IEventReferenceOperation tested &&
            SymbolEqualityComparer.Default.Equals(tested.Event, raised.Event) &&
            SameObject(tested.Instance, raised.Instance);

        private static bool SameObject(IOperation? a, IOperation? b)
        {
            a = a == null ? null : SpawnClassifier.Unwrap(a);
            b = b == null ? null : SpawnClassifier.Unwrap(b);
            return (a, b) switch
            {
                (null, null) => true,
                (IInstanceReferenceOperation, IInstanceReferenceOperation) => Places.IsThis(a) && Places.IsThis(b),
                (ILocalReferenceOperation x, ILocalReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Local, y.Local),
                (IParameterReferenceOperation x, IParameterReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Parameter, y.Parameter),
                (IFieldReferenceOperation x, IFieldReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Field, y.Field) && SameObject(x.Instance, y.Instance),
                _ => false,
            };
        }
    }
}
