using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>A continuation (task.ContinueWith(...), also chained or through the local holding the task, and Task.Factory.ContinueWhenAll) starts after its antecedents' work ends.</summary>
    internal static class Continuations
    {
        public static bool Follows(WorkItem later, WorkItem earlier)
        {
            var operation = later.Site.Operation;
            if (operation is IInvocationOperation { TargetMethod: { Name: "ContinueWhenAll" } } whenAll && whenAll.Arguments.Length > 0)
            {
                // Task.Factory.ContinueWhenAll(new[] { a, b }, …) starts after every task listed; ContinueWhenAny after
                // one of them only, which orders it after none in particular.
                return Antecedents(whenAll.Arguments[0].Value, later.Host).Exists(task => task == earlier.Site.Operation);
            }

            for (var depth = 0; depth < 8 && operation is IInvocationOperation { TargetMethod: { Name: "ContinueWith" } } continuation && continuation.Instance != null; depth++)
            {
                var antecedent = SpawnClassifier.Unwrap(continuation.Instance);
                if (antecedent is ILocalReferenceOperation local && Flow.LocalValues.OnlyValue(local.Local, earlier.Host) is { } value)
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

        private static System.Collections.Generic.List<IOperation> Antecedents(IOperation tasks, IOperation host)
        {
            var result = new System.Collections.Generic.List<IOperation>();
            var value = SpawnClassifier.Unwrap(tasks);
            if (value is ILocalReferenceOperation array && Flow.LocalValues.OnlyValue(array.Local, host) is { } initial)
            {
                value = SpawnClassifier.Unwrap(initial);
            }

            var elements = value switch
            {
                IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                ICollectionExpressionOperation collection => collection.Elements,
                _ => System.Collections.Immutable.ImmutableArray<IOperation>.Empty,
            };

            foreach (var element in elements)
            {
                var task = SpawnClassifier.Unwrap(element);
                if (task is ILocalReferenceOperation local && Flow.LocalValues.OnlyValue(local.Local, host) is { } start)
                {
                    task = SpawnClassifier.Unwrap(start);
                }

                result.Add(task);
            }

            return result;
        }
    }
}
