using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// An async method returns to its caller at the first await that has to wait; the rest of it runs later, as a
    /// continuation, on the thread pool — unless a synchronisation context takes it back to the caller's thread, as a UI
    /// thread's does. So its code after an await runs beside what the caller does after the call, until the caller
    /// awaits or waits (<see cref="CallersAfterCall"/> reads the callers). In a program with a UI framework only an
    /// await with <c>ConfigureAwait(false)</c> is taken to leave the caller's thread.
    /// </summary>
    internal static class AsyncMethodContinuation
    {
        /// <summary>
        /// The place accesses that <paramref name="body"/> (the async method's) may make after one
        /// of its awaits, each with the line of the first such await that reaches it.
        /// </summary>
        public static List<(Place Place, Access Access, int AwaitLine)> AccessesAfterAwait(IOperation body, FlowIndex flow, IMethodSymbol method, MemberAccesses accesses, bool uiContext)
        {
            var result = new List<(Place, Access, int)>();
            var awaits = new List<IAwaitOperation>();
            var onPool = !uiContext;
            foreach (var operation in body.Descendants())
            {
                if (operation is IAwaitOperation awaited && Functions.EnclosingFunction(awaited) == null && (onPool || LeavesContext(awaited)))
                {
                    awaits.Add(awaited);
                }
            }

            if (awaits.Count == 0)
            {
                return result;
            }

            // One call deep, as the callers are read (CallersAfterCall.CallerDepth): a long async method reaches much code further down.
            var found = accesses.Collect(body, method, null, operation => Functions.EnclosingFunction(operation) != null, null, CallersAfterCall.CallerDepth).Places;
            var targets = new List<(FlowPoint, int)>();
            for (var i = 0; i < found.Count; i++)
            {
                if (flow.PointOf(found[i].Access.Operation.Syntax, found[i].Access.Position) is { } point)
                {
                    targets.Add((point, i));
                }
            }

            var seen = new HashSet<int>();
            var reachability = new Reachability(flow, new List<FlowPoint>(), targets, 0, flow.ExitBlock);
            awaits.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
            foreach (var awaited in awaits)
            {
                if (!(flow.PointOf(awaited.Syntax, awaited.Syntax.Span.End) is { } after))
                {
                    continue;
                }

                var line = awaited.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                foreach (var index in reachability.Reached(after))
                {
                    if (seen.Add(index))
                    {
                        result.Add((found[index].Place, found[index].Access, line));
                    }
                }
            }

            return result;
        }

        /// <summary>The program has a UI framework, whose synchronisation context runs continuations on the UI thread.</summary>
        public static bool HasUiContext(Compilation compilation) =>
            compilation.GetTypeByMetadataName("System.Windows.Forms.Control") != null ||
             compilation.GetTypeByMetadataName("System.Windows.Threading.Dispatcher") != null ||
             compilation.GetTypeByMetadataName("Avalonia.Threading.Dispatcher") != null ||
             compilation.GetTypeByMetadataName("Microsoft.Maui.Dispatching.IDispatcher") != null ||
             compilation.GetTypeByMetadataName("Microsoft.UI.Dispatching.DispatcherQueue") != null ||
             compilation.GetTypeByMetadataName("Windows.UI.Core.CoreDispatcher") != null ||
             compilation.GetTypeByMetadataName("Xamarin.Forms.Device") != null ||
             compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Components.ComponentBase") != null ||
             compilation.GetTypeByMetadataName("UnityEngine.MonoBehaviour") != null;

        /// <summary>
        /// Code of <paramref name="type"/> runs on a scheduler of its own that takes one turn at a time and brings an
        /// await's continuation back to it, as a UI thread's context does: an Orleans grain or system target, whose
        /// activation runs one turn at a time. So its async calls in flight at once interleave only at their awaits.
        /// </summary>
        public static bool RunsInTurns(INamedTypeSymbol? type)
        {
            for (var current = type; current != null; current = current.BaseType)
            {
                var name = current.OriginalDefinition.ToDisplayString();
                if (name is "Orleans.Grain" or "Orleans.Grain<TGrainState>" or "Orleans.Runtime.SystemTarget")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>await x.ConfigureAwait(false)</c>: the continuation does not go back to the context.</summary>
        public static bool LeavesContext(IAwaitOperation awaited) =>
            awaited.Operation is IInvocationOperation { TargetMethod: { Name: "ConfigureAwait" } } configure &&
            configure.Arguments.Length == 1 && configure.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false };
    }
}
