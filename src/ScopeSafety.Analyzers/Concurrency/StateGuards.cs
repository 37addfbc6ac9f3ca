using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A member that refuses to run once the work exists: the work starts only where a field of its type is known to
    /// hold something (<c>if (_listener == null) throw …;</c> before the start, or the starter stores a new object in it
    /// first), nothing ever clears that field again, and the member leaves at its top when the field holds something
    /// (<c>if (_listener != null) throw new InvalidOperationException("Already started");</c>). Its code below that test
    /// runs only while the work has not started, so it never runs beside it: a resolver's <c>Start</c> beside the refresh
    /// that needs it started, a <c>Password</c> setter that throws when a password provider (whose timer writes the
    /// password) is configured.
    /// </summary>
    internal static class StateGuards
    {
        /// <summary>
        /// The member <paramref name="body"/> leaves before <paramref name="accesses"/> whenever a field holds what it held
        /// when <paramref name="item"/> started.
        /// </summary>
        public static bool ExcludesWork(IOperation body, IEnumerable<Access> accesses, WorkItem item)
        {
            if (body is IMethodBodyBaseOperation method)
            {
                body = (IOperation?)method.BlockBody ?? method.ExpressionBody!;
            }

            var set = SetAtStart(item.Site.Operation);
            if (set.Count == 0 || !(body is IBlockOperation block))
            {
                return false;
            }

            foreach (var statement in block.Operations)
            {
                if (statement is IConditionalOperation { WhenFalse: null } leave && Flow.Functions.Exits(leave.WhenTrue) &&
                    Flow.Conditions.Disjuncts(leave.Condition).Any(test => FieldTested(test, nonNull: true) is { } field && set.Contains(field) && NeverCleared(field, body)))
                {
                    return true;
                }

                if (accesses.Any(access => statement.Syntax.Span.Contains(access.Operation.Syntax.Span)))
                {
                    // An access above the test runs whatever the state.
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// The fields of this known to hold something where the work starts: tested above it by an <c>if</c> that leaves
        /// when one is null, or given a value that is never null in the block above it (a new object, a lambda, a
        /// parameter that an enclosing <c>if</c> tested).
        /// </summary>
        private static HashSet<IFieldSymbol> SetAtStart(IOperation start)
        {
            var set = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
            IOperation child = start;
            for (var parent = start.Parent; parent != null && !(parent is IAnonymousFunctionOperation) && !(parent is ILocalFunctionOperation);
                 child = parent, parent = parent.Parent)
            {
                if (!(parent is IBlockOperation block))
                {
                    continue;
                }

                for (var i = block.Operations.IndexOf(child) - 1; i >= 0; i--)
                {
                    switch (block.Operations[i])
                    {
                        case IConditionalOperation { WhenFalse: null } leave when Flow.Functions.Exits(leave.WhenTrue):
                            foreach (var test in Flow.Conditions.Disjuncts(leave.Condition))
                            {
                                if (FieldTested(test, nonNull: false) is { } field)
                                {
                                    set.Add(field);
                                }
                            }

                            break;
                        case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IFieldReferenceOperation target } assignment }
                            when OfThis(target) && NeverNull(assignment.Value, assignment):
                            set.Add(target.Field);
                            break;
                    }
                }
            }

            return set;
        }

        /// <summary>
        /// The field of this that <paramref name="test"/> finds non-null (<paramref name="nonNull"/>: <c>_f != null</c>,
        /// <c>_f is not null</c>) or null (<c>_f == null</c>, <c>_f is null</c>) when it is true.
        /// </summary>
        private static IFieldSymbol? FieldTested(IOperation test, bool nonNull)
        {
            test = Unwrap(test);
            if (test is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                return FieldTested(not.Operand, !nonNull);
            }

            if (test is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison)
            {
                var left = Unwrap(comparison.LeftOperand);
                var right = Unwrap(comparison.RightOperand);
                var field = left is IFieldReferenceOperation l && IsNull(right) ? l : right is IFieldReferenceOperation r && IsNull(left) ? r : null;
                return field != null && OfThis(field) && (comparison.OperatorKind == BinaryOperatorKind.NotEquals) == nonNull ? field.Field : null;
            }

            if (test is IIsPatternOperation { Value: var value, Pattern: var pattern } && Unwrap(value) is IFieldReferenceOperation tested && OfThis(tested))
            {
                var isNull = pattern is IConstantPatternOperation { Value: var constant } && IsNull(constant);
                var isNotNull = pattern is INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var negated } } && IsNull(negated);
                return (nonNull ? isNotNull : isNull) ? tested.Field : null;
            }

            return null;
        }

        /// <summary>
        /// Every store in the field's type (its initialiser, the state before any start, aside) holds something never null
        /// (<see cref="NeverNull"/>), each read in its own file's model.
        /// </summary>
        private static bool NeverCleared(IFieldSymbol field, IOperation at)
        {
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var assignment in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    var target = assignment.Left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? member.Name : assignment.Left;
                    if (!(target is IdentifierNameSyntax { Identifier: { ValueText: var name } }) || name != field.Name)
                    {
                        continue;
                    }

                    if (!(SourceCallees.OperationOf(assignment, at) is ISimpleAssignmentOperation store) ||
                        (store.Target is IFieldReferenceOperation { Field: var stored } && SymbolEqualityComparer.Default.Equals(stored, field) && !NeverNull(store.Value, store)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static bool NeverNull(IOperation value, IOperation at)
        {
            value = Unwrap(value);
            switch (value)
            {
                case IObjectCreationOperation _:
                case IAnonymousFunctionOperation _:
                case IDelegateCreationOperation _:
                case IInstanceReferenceOperation _:
                case IArrayCreationOperation _:
                case ICollectionExpressionOperation _:
                case ILiteralOperation { ConstantValue: { HasValue: true, Value: { } } }:
                    return true;
                case ICoalesceOperation coalesce:
                    return coalesce.WhenNull is IThrowOperation || NeverNull(coalesce.WhenNull, at);
                case IParameterReferenceOperation parameter:
                    return TestedNonNullAbove(parameter.Parameter, at);
                case ILocalReferenceOperation local:
                    return TestedNonNullAbove(local.Local, at);
                default:
                    return false;
            }
        }

        // An enclosing if whose condition (or one side of an && in it) finds the variable non-null.
        private static bool TestedNonNullAbove(ISymbol variable, IOperation at)
        {
            IOperation child = at;
            for (var parent = at.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IConditionalOperation conditional && conditional.WhenTrue == child && Flow.Conditions.Conjuncts(conditional.Condition).Any(test => TestsNonNull(test, variable)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool TestsNonNull(IOperation test, ISymbol variable)
        {
            test = Unwrap(test);
            IOperation? tested = test switch
            {
                IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } comparison when IsNull(Unwrap(comparison.RightOperand)) => comparison.LeftOperand,
                IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } comparison when IsNull(Unwrap(comparison.LeftOperand)) => comparison.RightOperand,
                IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } } pattern when IsNull(constant) => pattern.Value,
                _ => null,
            };
            var symbol = tested == null ? null : Unwrap(tested) switch
            {
                IParameterReferenceOperation p => (ISymbol)p.Parameter,
                ILocalReferenceOperation l => l.Local,
                _ => null,
            };
            return SymbolEqualityComparer.Default.Equals(symbol, variable);
        }

        private static bool IsNull(IOperation operation) => Unwrap(operation).ConstantValue is { HasValue: true, Value: null };

        private static bool OfThis(IFieldReferenceOperation field) => !field.Field.IsStatic && field.Instance != null && Places.IsThis(field.Instance);

        private static IOperation Unwrap(IOperation operation) => SpawnClassifier.Unwrap(operation);
    }
}
