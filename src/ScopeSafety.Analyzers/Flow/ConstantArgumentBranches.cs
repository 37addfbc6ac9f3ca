using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// The code of a called method that cannot run for the constant bool arguments of one call: a finalizer's
    /// <c>Dispose(false)</c> never runs what <c>if (disposing)</c> guards, nor what follows <c>if (!disposing) return;</c>.
    /// </summary>
    internal static class ConstantArgumentBranches
    {
        /// <summary>
        /// The roots of the code in <paramref name="body"/> that cannot run when each parameter in
        /// <paramref name="flags"/> has its value; null when there is none.
        /// </summary>
        public static HashSet<IOperation>? DeadIn(IOperation body, Dictionary<IParameterSymbol, bool> flags)
        {
            if (flags.Count == 0)
            {
                return null;
            }

            HashSet<IOperation>? dead = null;
            foreach (var operation in body.Descendants())
            {
                if (!(operation is IConditionalOperation conditional) || !(ValueOf(conditional.Condition, flags) is { } taken))
                {
                    continue;
                }

                dead ??= new HashSet<IOperation>();
                if ((taken ? conditional.WhenFalse : conditional.WhenTrue) is { } skipped)
                {
                    dead.Add(skipped);
                }

                if (taken && conditional.WhenFalse == null && Functions.Exits(conditional.WhenTrue) && conditional.Parent is IBlockOperation block)
                {
                    // if (!disposing) return; — the rest of the block does not run either.
                    var after = false;
                    foreach (var statement in block.Operations)
                    {
                        if (after)
                        {
                            dead.Add(statement);
                        }

                        after |= statement == conditional;
                    }
                }
            }

            return dead is { Count: > 0 } ? dead : null;
        }

        /// <summary>Whether <paramref name="operation"/> lies in code that <see cref="DeadIn"/> found cannot run.</summary>
        public static bool IsIn(IOperation operation, IOperation body, HashSet<IOperation> dead)
        {
            for (var node = operation; node != null && node != body; node = node.Parent)
            {
                if (dead.Contains(node))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The value of a condition made of the flag parameters, literals, !, &amp;&amp;, || and ==; null when it depends on anything else.</summary>
        private static bool? ValueOf(IOperation condition, Dictionary<IParameterSymbol, bool> flags)
        {
            if (condition.ConstantValue is { HasValue: true, Value: bool constant })
            {
                return constant;
            }

            switch (condition)
            {
                case IParameterReferenceOperation parameter:
                    return flags.TryGetValue(parameter.Parameter.OriginalDefinition, out var value) ? value : (bool?)null;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } not:
                    return !ValueOf(not.Operand, flags);
                case IBinaryOperation { OperatorMethod: null } binary:
                    var left = ValueOf(binary.LeftOperand, flags);
                    var right = ValueOf(binary.RightOperand, flags);
                    switch (binary.OperatorKind)
                    {
                        case BinaryOperatorKind.ConditionalAnd:
                            return left == false || right == false ? false : left == true && right == true ? true : (bool?)null;
                        case BinaryOperatorKind.ConditionalOr:
                            return left == true || right == true ? true : left == false && right == false ? false : (bool?)null;
                        case BinaryOperatorKind.Equals when left != null && right != null:
                            return left == right;
                        case BinaryOperatorKind.NotEquals when left != null && right != null:
                            return left != right;
                        default:
                            return null;
                    }

                case IParenthesizedOperation parenthesized:
                    return ValueOf(parenthesized.Operand, flags);
                default:
                    return null;
            }
        }
    }
}
