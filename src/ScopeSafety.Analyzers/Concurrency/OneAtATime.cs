using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// A Parallel call told to run one delegate at a time: its <c>ParallelOptions</c> set <c>MaxDegreeOfParallelism = 1</c>,
    /// in the options' object initializer or on a local that holds those options and is never assigned again. Then its
    /// iterations (and the actions of <c>Parallel.Invoke</c>) follow each other on one thread, and do not race with each
    /// other. Options from anywhere else (a field, a parameter, a setting) may allow more, so they are taken to.
    /// </summary>
    internal static class OneAtATime
    {
        public static bool Holds(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Type is { Name: "ParallelOptions" } type && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
                {
                    return SetsOne(Spawns.SpawnClassifier.Unwrap(argument.Value));
                }
            }

            return false;
        }

        private static bool SetsOne(IOperation options)
        {
            if (options is IObjectCreationOperation creation)
            {
                return InitializerSetsOne(creation);
            }

            if (!(options is ILocalReferenceOperation reference))
            {
                return false;
            }

            // The local's one value is such a creation, and no statement sets the limit again.
            var local = reference.Local;
            if (!(Flow.LocalValues.OnlyValue(local, reference) is { } value && Spawns.SpawnClassifier.Unwrap(value) is IObjectCreationOperation made && InitializerSetsOne(made)))
            {
                return false;
            }

            foreach (var operation in Flow.LocalMentions.Of(local, reference))
            {
                if (operation is ILocalReferenceOperation { Parent: IPropertyReferenceOperation { Parent: IAssignmentOperation } } other &&
                    SymbolEqualityComparer.Default.Equals(other.Local, local))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool InitializerSetsOne(IObjectCreationOperation creation)
        {
            if (creation.Initializer == null)
            {
                return false;
            }

            foreach (var initializer in creation.Initializer.Initializers)
            {
                if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "MaxDegreeOfParallelism" }, Value: var value } &&
                    value.ConstantValue is { HasValue: true, Value: 1 })
                {
                    return true;
                }
            }

            return false;
        }
    }
}
