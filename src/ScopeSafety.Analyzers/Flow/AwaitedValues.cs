using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>Whether, and where, the value of an operation (a task) is awaited where it is made.</summary>
    internal static class AwaitedValues
    {
        /// <summary>What an await waits for, past a <c>ConfigureAwait(…)</c> and conversions.</summary>
        public static IOperation WaitedFor(IAwaitOperation awaitOperation)
        {
            var awaited = Spawns.SpawnClassifier.Unwrap(awaitOperation.Operation);
            return awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? Spawns.SpawnClassifier.Unwrap(configured) : awaited;
        }

        /// <summary>
        /// The await of <paramref name="value"/>: directly, through conversions, parentheses and <c>ConfigureAwait</c>, and
        /// with <paramref name="amongOthers"/> also as one of the tasks of an awaited <c>Task.WhenAll</c>/<c>WhenAny</c>
        /// or the task of an awaited <c>WaitAsync</c>; null when it is not awaited there.
        /// </summary>
        public static IAwaitOperation? AwaitOf(IOperation value, bool amongOthers = false)
        {
            var current = value;
            while (current.Parent is { } parent)
            {
                switch (parent)
                {
                    case IAwaitOperation awaited:
                        return awaited;
                    case IConversionOperation:
                    case IParenthesizedOperation:
                    case IInvocationOperation { TargetMethod: { Name: "ConfigureAwait" } } configure when configure.Instance == current:
                    case IArgumentOperation or IArrayCreationOperation or IArrayInitializerOperation when amongOthers:
                    case IInvocationOperation { TargetMethod: { Name: "WhenAll" or "WhenAny" or "WaitAsync" } } when amongOthers:
                        current = parent;
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
