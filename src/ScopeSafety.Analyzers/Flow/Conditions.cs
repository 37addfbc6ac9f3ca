using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>The parts of a condition: what must all hold (<c>&amp;&amp;</c>) or what any one of may hold (<c>||</c>).</summary>
    internal static class Conditions
    {
        /// <summary>The operands of the <c>&amp;&amp;</c>s at the top of <paramref name="condition"/>; the condition itself when it has none.</summary>
        public static IEnumerable<IOperation> Conjuncts(IOperation condition) => Parts(condition, BinaryOperatorKind.ConditionalAnd);

        /// <summary>The operands of the <c>||</c>s at the top of <paramref name="condition"/>; the condition itself when it has none.</summary>
        public static IEnumerable<IOperation> Disjuncts(IOperation condition) => Parts(condition, BinaryOperatorKind.ConditionalOr);

        private static IEnumerable<IOperation> Parts(IOperation condition, BinaryOperatorKind kind)
        {
            condition = SpawnClassifier.Unwrap(condition);
            return condition is IBinaryOperation both && both.OperatorKind == kind
                ? Parts(both.LeftOperand, kind).Concat(Parts(both.RightOperand, kind))
                : new[] { condition };
        }
    }
}
