using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>Whether, and where, the value of an operation (a task) is awaited where it is made.</summary>
    internal static class AwaitedValues
    {
        /// <summary>What an await waits for, past a <c>ConfigureAwait(…)</c> (<see cref="ConfiguredTask"/>) and conversions.</summary>
        public static IOperation WaitedFor(IAwaitOperation awaitOperation)
        {
            var awaited = Spawns.SpawnClassifier.Unwrap(awaitOperation.Operation);
            return ConfiguredTask(awaited) is { } configured ? Spawns.SpawnClassifier.Unwrap(configured) : awaited;
        }

        /// <summary>
        /// An await of something that completes by itself and so waits for no other work: <c>Task.Delay(…)</c> (a timer)
        /// or <c>Task.Yield()</c>, also configured (<see cref="WaitedFor"/>). It is a sleep, not a join.
        /// </summary>
        public static bool IsSleep(IAwaitOperation awaitOperation, Symbols.TaskSymbols tasks) =>
            WaitedFor(awaitOperation) is IInvocationOperation { TargetMethod: { Name: "Delay" or "Yield", IsStatic: true } method } &&
            Symbols.KnownSymbols.Is(method.ContainingType, tasks.Task);

        /// <summary>
        /// The task that <paramref name="operation"/> configures for an await: <c>task.ConfigureAwait(false)</c>, or a
        /// project's own shorthand for it (<c>task.CfAwait()</c>, <c>task.AnyContext()</c>: an extension method of the
        /// task alone that returns what <c>ConfigureAwait</c> makes of one); null for anything else. Awaiting either waits
        /// for the task.
        /// </summary>
        public static IOperation? ConfiguredTask(IOperation? operation)
        {
            if (!(operation is IInvocationOperation { TargetMethod: var method } call))
            {
                return null;
            }

            if (method.Name == "ConfigureAwait")
            {
                return call.Instance;
            }

            // Only the task itself: an overload with more (Hazelcast's CfAwait(timeout)) may stop waiting before the task ends.
            return method.IsExtensionMethod && call.Arguments.Length == 1 && Symbols.TaskSymbols.IsConfiguredAwaitable(method.ReturnType)
                ? call.Arguments[0].Value
                : null;
        }

        /// <summary>
        /// The call that configures <paramref name="task"/> for an await (<see cref="ConfiguredTask"/>): <c>task.ConfigureAwait(…)</c>,
        /// or a shorthand that takes it as its receiver; null when its parent is no such call.
        /// </summary>
        public static IInvocationOperation? ConfigurationOf(IOperation task) => task.Parent switch
        {
            IInvocationOperation call when call.Instance == task && ConfiguredTask(call) == task => call,
            IArgumentOperation { Parent: IInvocationOperation call } argument when argument.Value == task && ConfiguredTask(call) == task => call,
            _ => null,
        };

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
                if (ConfigurationOf(current) is { } configure)
                {
                    current = configure;
                    continue;
                }

                switch (parent)
                {
                    case IAwaitOperation awaited:
                        return awaited;
                    case IConversionOperation:
                    case IParenthesizedOperation:
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
