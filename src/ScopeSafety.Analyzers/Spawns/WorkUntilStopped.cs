using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Concurrency;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Whether spawned work runs until something outside it stops it (a receive loop, a consumer, a poller, a timeout
    /// watchdog) rather than computing and ending. Code that never waited for such work must not start waiting for it:
    /// the wait would last as long as the work's source of input (a server's accept loop would serve one client at a
    /// time), or for ever when the code after the wait is what stops the work. The signs, in the work or a method of
    /// the source it calls (<see cref="SourceCallees.MaxDepth"/> deep): a loop with no condition or a constant
    /// <c>true</c> one, on a <c>bool</c> field or property (a stop flag, <c>IsCancellationRequested</c>,
    /// <c>Connected</c>), on a <c>bool</c> variable of the code that started it, on an awaited <c>bool</c>
    /// (<c>WaitForNextTickAsync</c>, <c>WaitToReadAsync</c>), or over <c>GetConsumingEnumerable()</c> or
    /// <c>ReadAllAsync()</c>; or a <c>Task.Delay</c> with a cancellation token (ended by the time or by a cancel).
    /// A loop of those kinds that ends by its own computation (a retry loop that breaks on success, a read loop over
    /// <c>EndOfStream</c> of a file) counts too: telling them apart would need the input, so the answer errs towards
    /// "runs until stopped". <c>IsBackground = true</c> and <c>TaskCreationOptions.LongRunning</c> are no sign: they
    /// are set on finite work too, where waiting is what removes a hazard.
    /// </summary>
    internal static class WorkUntilStopped
    {
        public static bool Is(SpawnSite site) =>
            site.Code is ({ } body, var function) && LoopsUntilStopped(body, function, depth: 0, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

        // The loops of body's own code (not of lambdas it makes, which run only if something calls them), and of the
        // source methods it calls.
        private static bool LoopsUntilStopped(IOperation body, ISymbol? work, int depth, HashSet<IMethodSymbol> visited)
        {
            foreach (var operation in OwnCode(body))
            {
                switch (operation)
                {
                    case ILoopOperation loop when RunsUntilStopped(loop, work):
                        return true;
                    case IInvocationOperation { TargetMethod: { Name: "Delay", ContainingType: { Name: "Task" } } } delay when delay.Arguments.Any(IsLiveToken):
                        // A timeout watchdog: it waits until the time is up or someone cancels it.
                        return true;
                    case IInvocationOperation call when depth < SourceCallees.MaxDepth && visited.Add(call.TargetMethod.OriginalDefinition) &&
                                                        SourceCallees.BodyOf(call.TargetMethod, call, anyFile: true) is { } callee &&
                                                        LoopsUntilStopped(callee, call.TargetMethod, depth + 1, visited):
                        return true;
                }
            }

            return false;
        }

        private static IEnumerable<IOperation> OwnCode(IOperation body)
        {
            var pending = new Stack<IOperation>();
            pending.Push(body);
            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                yield return operation;
                foreach (var child in operation.ChildOperations)
                {
                    if (!(child is IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        private static bool RunsUntilStopped(ILoopOperation loop, ISymbol? work)
        {
            switch (loop)
            {
                case IWhileLoopOperation { Condition: var condition }:
                    return condition == null || IsTrue(condition) || ReadsStopSignal(condition, work);
                case IForLoopOperation { Condition: var condition }:
                    return condition == null || IsTrue(condition) || ReadsStopSignal(condition, work);
                case IForEachLoopOperation forEach:
                    return Concurrency.SignalObjects.ConsumingCall(forEach) != null;
                default:
                    return false;
            }
        }

        // A CancellationToken argument other than default or CancellationToken.None.
        private static bool IsLiveToken(IArgumentOperation argument) =>
            argument.Value.Type is { Name: "CancellationToken" } &&
            !(SpawnClassifier.Unwrap(argument.Value) is IDefaultValueOperation or IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } }) &&
            argument.ArgumentKind != ArgumentKind.DefaultValue;

        private static bool IsTrue(IOperation condition) => condition.ConstantValue is { HasValue: true, Value: true };

        // A bool the loop does not compute itself: a field or property (any object's), a variable of the code around the
        // work, or an awaited answer (while (await timer.WaitForNextTickAsync(token)), while (await reader.WaitToReadAsync())).
        private static bool ReadsStopSignal(IOperation condition, ISymbol? work) =>
            condition.DescendantsAndSelf().Any(o => o.Type?.SpecialType == SpecialType.System_Boolean && o switch
            {
                IAwaitOperation => true,
                IFieldReferenceOperation or IPropertyReferenceOperation => true,
                ILocalReferenceOperation local => !SymbolEqualityComparer.Default.Equals(local.Local.ContainingSymbol, work),
                IParameterReferenceOperation parameter => !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, work),
                _ => false,
            });
    }
}
