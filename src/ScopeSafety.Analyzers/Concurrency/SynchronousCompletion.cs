using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The asynchronous programming model's completion idiom: a Begin call's callback and the code its caller runs when the
    /// call completed synchronously never both run. The caller handles a synchronous completion itself (<c>IAsyncResult r =
    /// transport.BeginOpen(timeout, OnOpened, args); if (r.CompletedSynchronously) Handle(r);</c>) and the callback, which
    /// the call also runs in that case, leaves it alone (<c>void OnOpened(IAsyncResult result) { if
    /// (result.CompletedSynchronously) return; Handle(result); }</c>), so <c>Handle</c> runs once, on one side.
    /// </summary>
    internal static class SynchronousCompletion
    {
        /// <summary>
        /// <paramref name="host"/>, the starting method's access, runs only when the Begin call of <paramref name="item"/>
        /// completed synchronously, and <paramref name="work"/>, the callback's, only when it did not.
        /// </summary>
        public static bool Excludes(WorkItem item, Access work, Access host)
        {
            if (!(item.Site.Operation is IInvocationOperation) || !RunsOnlyOnSynchronousCompletion(item, host.Operation))
            {
                return false;
            }

            var (body, callback) = item.Site.Code;
            return body != null && callback?.Parameters.FirstOrDefault() is { } result && RunsOnlyOnAsynchronousCompletion(body, result, work.MadeIn(body));
        }

        /// <summary>The host's operation lies in the true branch of a test that the Begin call completed synchronously.</summary>
        private static bool RunsOnlyOnSynchronousCompletion(WorkItem item, IOperation operation)
        {
            for (IOperation? inner = operation, parent = operation.Parent; parent != null && !(parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation);
                 inner = parent, parent = parent.Parent)
            {
                if (parent is IConditionalOperation conditional && conditional.WhenTrue == inner && item.Site.TestsCompletedSynchronously(conditional.Condition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The callback's operation runs only when its <paramref name="result"/> did not complete synchronously: after a
        /// statement of the callback's own block that returns when it did (<c>if (result.CompletedSynchronously) return;</c>),
        /// or in the branch of a test of it that holds when it did not.
        /// </summary>
        private static bool RunsOnlyOnAsynchronousCompletion(IOperation body, IParameterSymbol result, IOperation operation)
        {
            for (IOperation? inner = operation, parent = operation.Parent; parent != null && !(parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation);
                 inner = parent, parent = parent.Parent)
            {
                if (parent is IConditionalOperation conditional &&
                    ((conditional.WhenTrue == inner && IsNotCompletedSynchronously(conditional.Condition, result)) ||
                     (conditional.WhenFalse == inner && IsCompletedSynchronously(conditional.Condition, result))))
                {
                    return true;
                }
            }

            var own = body switch
            {
                IMethodBodyOperation method => method.BlockBody,
                IBlockOperation block => block,
                _ => null,
            };

            foreach (var statement in own?.Operations ?? Enumerable.Empty<IOperation>())
            {
                if (statement.Syntax.SpanStart >= operation.Syntax.SpanStart)
                {
                    return false;
                }

                if (statement is IConditionalOperation { WhenFalse: null } guard && IsCompletedSynchronously(guard.Condition, result) && Returns(guard.WhenTrue))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Returns(IOperation branch) =>
            branch is IReturnOperation || (branch is IBlockOperation { Operations: { Length: 1 } operations } && operations[0] is IReturnOperation);

        private static bool IsCompletedSynchronously(IOperation condition, IParameterSymbol result) =>
            condition is IPropertyReferenceOperation { Property.Name: "CompletedSynchronously", Instance: IParameterReferenceOperation { Parameter: var tested } } &&
            SymbolEqualityComparer.Default.Equals(tested, result);

        private static bool IsNotCompletedSynchronously(IOperation condition, IParameterSymbol result) =>
            condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand } && IsCompletedSynchronously(operand, result);
    }
}
