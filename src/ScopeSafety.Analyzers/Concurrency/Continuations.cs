using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>A continuation (task.ContinueWith(...), also chained or through the local holding the task) starts after its antecedent's work ends.</summary>
    internal static class Continuations
    {
        public static bool Follows(WorkItem later, WorkItem earlier)
        {
            var operation = later.Site.Operation;
            for (var depth = 0; depth < 8 && operation is IInvocationOperation { TargetMethod: { Name: "ContinueWith" } } continuation && continuation.Instance != null; depth++)
            {
                var antecedent = SpawnClassifier.Unwrap(continuation.Instance);
                if (antecedent is ILocalReferenceOperation local && InitialValue(local.Local, earlier.Host) is { } value)
                {
                    antecedent = SpawnClassifier.Unwrap(value);
                }

                if (antecedent == earlier.Site.Operation)
                {
                    return true;
                }

                operation = antecedent;
            }

            return false;
        }

        private static IOperation? InitialValue(ILocalSymbol local, IOperation host)
        {
            IOperation? value = null;
            foreach (var operation in host.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        value = declarator.Initializer?.Value;
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        // Assigned again: which task it holds is not certain.
                        return null;
                }
            }

            return value;
        }
    }
}
