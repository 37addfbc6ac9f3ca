using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The running thread in code, and a field that names the thread owning something (a reentrancy guard:
    /// <c>if (_initialising == Thread.CurrentThread.ManagedThreadId) return;</c> beside <c>_initialising =
    /// Environment.CurrentManagedThreadId; … _initialising = 0;</c>). Only a thread itself stores its own identity and a
    /// thread always sees its own writes, so its test whether it owns the field is exact whatever the others store meanwhile,
    /// as long as they store their own identities or a constant (free): such a test and such a store do not race.
    /// </summary>
    internal static class ThreadOwnership
    {
        /// <summary>The running thread, or its id: <c>Environment.CurrentManagedThreadId</c>, <c>Thread.CurrentThread.ManagedThreadId</c>, <c>Thread.CurrentThread</c>.</summary>
        public static bool IsCurrentThread(IOperation value) =>
            SpawnClassifier.Unwrap(value) is IPropertyReferenceOperation { Property: var property } reference &&
            (property is { Name: "CurrentManagedThreadId", IsStatic: true, ContainingType: { Name: "Environment", ContainingNamespace: { Name: "System" } } } ||
             property is { Name: "CurrentThread", IsStatic: true, ContainingType: { Name: "Thread", ContainingNamespace: { Name: "Threading" } } } ||
             property is { Name: "ManagedThreadId" } && reference.Instance != null && IsCurrentThread(reference.Instance));

        /// <summary>
        /// The read at <paramref name="reference"/> asks only whether the running thread owns the field: it is compared
        /// (<c>==</c> or <c>!=</c>) with the running thread, or it is another part of an <c>&amp;&amp;</c> that also requires
        /// the field to equal the running thread (<c>_initialising &gt; 0 &amp;&amp; _initialising == me</c>), which cannot
        /// hold unless this thread stored itself. Not a part of an <c>||</c> (<c>_owner == 0 || _owner == me</c>: whether the
        /// field is free is what another thread may have changed).
        /// </summary>
        public static bool IsOwnerTest(IOperation reference)
        {
            var operand = SpawnClassifier.Wrapped(reference);
            if (operand.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison &&
                IsCurrentThread(comparison.LeftOperand == operand ? comparison.RightOperand : comparison.LeftOperand))
            {
                return true;
            }

            // Up to the top of the && that holds the read, through the comparison it is an operand of.
            IOperation part = operand.Parent is IBinaryOperation { OperatorKind: not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr) } test
                ? SpawnClassifier.Wrapped(test)
                : operand;
            var chain = part;
            while (chain.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both)
            {
                chain = SpawnClassifier.Wrapped(both);
            }

            return chain != part && Conditions.Conjuncts(chain).Any(conjunct => ComparesWithCurrentThread(conjunct, reference.Syntax));
        }

        /// <summary>The write at <paramref name="reference"/> stores the running thread, or a constant (a free field).</summary>
        public static bool StoresOwnerOrFree(IOperation reference) =>
            reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference &&
            (IsCurrentThread(assignment.Value) || SpawnClassifier.Unwrap(assignment.Value).ConstantValue.HasValue);

        private static bool ComparesWithCurrentThread(IOperation condition, SyntaxNode field) =>
            SpawnClassifier.Unwrap(condition) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equal &&
            (IsCurrentThread(equal.RightOperand) && SyntaxFactory.AreEquivalent(SpawnClassifier.Unwrap(equal.LeftOperand).Syntax, field) ||
             IsCurrentThread(equal.LeftOperand) && SyntaxFactory.AreEquivalent(SpawnClassifier.Unwrap(equal.RightOperand).Syntax, field));
    }
}
