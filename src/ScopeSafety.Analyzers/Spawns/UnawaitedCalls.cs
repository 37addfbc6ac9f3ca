using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// An asynchronous call is work too: what it started goes on after it returns, until its task completes
    /// (<c>stream.CopyToAsync(other)</c>, <c>Task.Delay(1000, cts.Token)</c>). SCOPE003 asks of such a call whether a
    /// disposable local it was handed (as its receiver or an argument) is disposed before anything waits for its task,
    /// with the handle tracking and lifetimes of spawned work (<see cref="SiteOf"/>).
    /// </summary>
    internal static class UnawaitedCalls
    {
        /// <summary>
        /// The disposable locals <paramref name="call"/> is handed, with the operation that hands each, when it returns a
        /// task and is not awaited where it is made: the receiver or an argument that is the local, or one member of it
        /// that is itself disposable or a <c>CancellationToken</c> (<c>cts.Token</c>, <c>process.StandardInput</c>).
        /// </summary>
        public static List<(ILocalSymbol Resource, IOperation Use)> ResourcesHandedTo(IInvocationOperation call, KnownSymbols symbols)
        {
            var result = new List<(ILocalSymbol, IOperation)>();
            if (!symbols.Tasks.IsTaskLike(call.Type) || AwaitedValues.AwaitOf(call) != null)
            {
                return result;
            }

            // x.DisposeAsync() is the disposal itself, not a use that may outlive it.
            if (call.Instance != null && call.TargetMethod.Name != "DisposeAsync")
            {
                Add(call.Instance, symbols, result);
            }

            foreach (var argument in call.Arguments)
            {
                Add(argument.Value, symbols, result);
            }

            return result;
        }

        /// <summary>
        /// <see cref="AwaitFix"/> or <see cref="AwaitFixLeavingContext"/> when awaiting the call where it is made removes
        /// the hazard and keeps what the code computes, else null: the call is the last statement of its block in an async function (<c>call;</c> or
        /// <c>_ = call;</c>: nothing of the function runs between it and the disposal), or the only return of a method or
        /// local function that returns a task and is not async (<c>return call;</c>: it becomes async and awaits).
        /// </summary>
        public static string? AwaitFixOf(IInvocationOperation call, KnownSymbols symbols)
        {
            var statement = SpawnClassifier.Wrapped(call);

            if (statement.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation } discard)
            {
                statement = discard;
            }

            var function = Functions.EnclosingFunction(call);
            var symbol = function switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                ILocalFunctionOperation local => local.Symbol,
                _ => call.SemanticModel?.GetEnclosingSymbol(call.Syntax.SpanStart) as IMethodSymbol,
            };
            if (symbol == null)
            {
                return null;
            }

            if (statement.Parent is IExpressionStatementOperation { Syntax: StatementSyntax whole })
            {
                if (!symbol.IsAsync || !(whole.Parent is BlockSyntax block) || block.Statements.Last() != whole)
                {
                    return null;
                }

                // The await follows the function's own: without the context when they leave it.
                var leaves = (function ?? Functions.Root(call)).Descendants().OfType<IAwaitOperation>()
                    .Any(other => Functions.EnclosingFunction(other) == function && AsyncMethodContinuation.LeavesContext(other));
                return leaves ? AwaitFixLeavingContext : AwaitFix;
            }

            if (statement.Parent is IReturnOperation { ReturnedValue: { } } returned && !symbol.IsAsync && !(function is IAnonymousFunctionOperation) &&
                symbol.Parameters.All(p => p.RefKind == RefKind.None) && OnlyReturn(returned, function ?? Functions.Root(call)))
            {
                var returns = symbol.ReturnType;
                var fits = KnownSymbols.Is(returns, symbols.Tasks.Task) || KnownSymbols.Is(returns, symbols.Tasks.ValueTask) ||
                           (SymbolEqualityComparer.Default.Equals(returns, call.Type) && symbols.Tasks.IsTaskLike(returns));

                // Only the disposals run after this await: without the caller's context, a caller blocking on the task
                // cannot deadlock on it.
                return fits ? AwaitFixLeavingContext : null;
            }

            return null;
        }

        /// <summary>The value of the Fix property that asks for <see cref="AwaitFixOf"/>'s rewrite: <c>await call</c>.</summary>
        public const string AwaitFix = "Await";

        /// <summary>As <see cref="AwaitFix"/>, with <c>ConfigureAwait(false)</c>: <c>await call.ConfigureAwait(false)</c>.</summary>
        public const string AwaitFixLeavingContext = "AwaitLeavingContext";

        // The return is the function's only one (none in its nested functions counts): the rewrite changes it alone.
        private static bool OnlyReturn(IReturnOperation returned, IOperation function) =>
            function.Descendants().OfType<IReturnOperation>().All(other => other == returned || Functions.EnclosingFunction(other) != Functions.EnclosingFunction(returned));

        /// <summary>
        /// The call as a spawn whose handle is its task: an unscoped start that the handle tracking can follow. A call that
        /// a selector returns, in a <c>Select</c> whose sequence is copied at once (<c>Task.WhenAll(urls.Select(u =&gt;
        /// http.GetStringAsync(u)))</c>), starts once per element at the <c>Select</c>, whose sequence holds the tasks.
        /// </summary>
        public static SpawnSite SiteOf(IInvocationOperation call, KnownSymbols symbols)
        {
            var api = call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name;
            return AsyncRuns.SelectStartingAll(call, symbols) is { } select
                ? new SpawnSite(SpawnKind.Unscoped, api, select, call, HandleKind.Task, mayOverlapItself: true)
                : new SpawnSite(SpawnKind.Unscoped, api, call, call, HandleKind.Task, mayOverlapItself: false);
        }

        private static void Add(IOperation value, KnownSymbols symbols, List<(ILocalSymbol, IOperation)> result)
        {
            value = SpawnClassifier.Unwrap(value);
            var handed = value;
            if (value is IPropertyReferenceOperation or IFieldReferenceOperation && value is IMemberReferenceOperation { Instance: { } owner } &&
                (symbols.Core.IsDisposable(value.Type) || KnownSymbols.Is(value.Type, symbols.Threading.CancellationToken)))
            {
                value = SpawnClassifier.Unwrap(owner);
            }

            if (value is ILocalReferenceOperation { Local: { } local } && symbols.Core.IsDisposable(local.Type) &&
                !result.Exists(r => SymbolEqualityComparer.Default.Equals(r.Item1, local)))
            {
                result.Add((local, handed));
            }
        }
    }
}
