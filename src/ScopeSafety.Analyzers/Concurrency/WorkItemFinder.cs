using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Finds the work items of an operation: the spawn classifier's sites (shared with SCOPE001–004) plus what the
    /// classifier leaves out because no fix rewrites it — Parallel.ForEachAsync, every PLINQ operator's delegates, an async
    /// Select whose tasks start at once and an async function handed to ForEach (<see cref="AsyncRuns"/>), and handlers of
    /// events raised on another thread (<see cref="OffThreadEvent"/>) — and work a Select's selector starts and returns,
    /// read from the function around the Select (<see cref="SelectedStart"/>).
    /// </summary>
    internal sealed class WorkItemFinder
    {
        private readonly SpawnClassifier _classifier;
        private readonly KnownSymbols _symbols;

        public WorkItemFinder(SpawnClassifier classifier)
        {
            _classifier = classifier;
            _symbols = classifier.Symbols;
        }

        /// <summary>
        /// The work items started in <paramref name="member"/>'s syntax, as the analyzers see them under
        /// <paramref name="options"/>: what a fix asks to know which code runs as work.
        /// </summary>
        public static List<WorkItem> ItemsIn(SemanticModel model, SyntaxNode member, SpawnOptions options, System.Threading.CancellationToken cancellationToken)
        {
            var finder = new WorkItemFinder(new SpawnClassifier(KnownSymbols.Get(model.Compilation)));
            var result = new List<WorkItem>();
            foreach (var node in member.DescendantNodes())
            {
                if ((node is InvocationExpressionSyntax || node is BaseObjectCreationExpressionSyntax || node.IsKind(SyntaxKind.AddAssignmentExpression)) &&
                    model.GetOperation(node, cancellationToken) is { } operation)
                {
                    result.AddRange(finder.Find(operation, options));
                }
            }

            return result;
        }

        /// <summary>The work items started by <paramref name="operation"/> (an invocation, object creation or event assignment).</summary>
        public ImmutableArray<WorkItem> Find(IOperation operation, SpawnOptions options)
        {
            if (operation is IEventAssignmentOperation eventAssignment)
            {
                return EventHandler(eventAssignment);
            }

            var sites = _classifier.Classify(operation, options);
            if (sites.IsEmpty)
            {
                sites = ExtraStructured(operation);
            }
            else if (sites.Length == 1 && SelectedStart(sites[0]) is { } selected)
            {
                sites = ImmutableArray.Create(selected);
            }

            if (sites.IsEmpty)
            {
                return ImmutableArray<WorkItem>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<WorkItem>(sites.Length);
            foreach (var site in sites)
            {
                if (site.Kind == SpawnKind.ScopeBody)
                {
                    continue;
                }

                var host = HostOf(site.Operation);
                if (host == null)
                {
                    continue;
                }

                if (RestartedBy(site, site.Operation))
                {
                    // The work's own run starts the next one: its races are those of the start that first ran it.
                    continue;
                }

                var (shape, replicated, siblings) = ShapeOf(site);
                var body = BodyOf(site.Delegate, host);
                builder.Add(new WorkItem(site, shape, replicated, siblings, host, body) { RestartedAt = body == null ? null : RestartBeforeItEnds(site, body, options) });
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// The method an unscoped start runs by method group (<c>socket.BeginAccept(OnAccept, null)</c>, <c>new
        /// Thread(Loop)</c>), when the start lies in that method's own body, outside any lambda: a completion callback
        /// that asks for the next completion, a timer callback that makes its next timer.
        /// </summary>
        private static bool RestartedBy(SpawnSite site, IOperation start) =>
            site.Kind == SpawnKind.Unscoped &&
            site.Delegate is IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: { MethodKind: MethodKind.Ordinary } method } } &&
            start.SemanticModel?.GetEnclosingSymbol(start.Syntax.SpanStart) is IMethodSymbol enclosing &&
            SymbolEqualityComparer.Default.Equals(enclosing.OriginalDefinition, method.OriginalDefinition);

        /// <summary>
        /// Where the method started by <paramref name="site"/> starts itself again before its last step
        /// (<c>BeginAccept(OnAccept, null)</c> first, then the accepted client handled): the next run goes on beside the
        /// rest of this one (<see cref="WorkItem.RestartedAt"/>). A restart that is the last thing the run does, on every
        /// path that reaches it, keeps the runs one after another. Null when there is no such restart.
        /// </summary>
        private IOperation? RestartBeforeItEnds(SpawnSite site, IOperation body, SpawnOptions options)
        {
            if (site.Kind != SpawnKind.Unscoped || !(site.Delegate is IDelegateCreationOperation { Target: IMethodReferenceOperation }))
            {
                return null;
            }

            foreach (var operation in body.Descendants())
            {
                if ((operation is IInvocationOperation || operation is IObjectCreationOperation) &&
                    _classifier.Classify(operation, options).Any(restart => RestartedBy(restart, operation)) &&
                    !IsLastStep(operation, body))
                {
                    return operation;
                }
            }

            return null;
        }

        /// <summary>Nothing of <paramref name="body"/> runs after <paramref name="operation"/> but a return without a value.</summary>
        private static bool IsLastStep(IOperation operation, IOperation body)
        {
            var node = operation;
            while (node != body && node.Parent is { } parent)
            {
                switch (parent)
                {
                    case IBlockOperation block:
                        var index = block.Operations.IndexOf(node);
                        for (var i = index + 1; i < block.Operations.Length; i++)
                        {
                            if (!(block.Operations[i] is IReturnOperation { ReturnedValue: null }))
                            {
                                return false;
                            }
                        }

                        break;
                    case IConditionalOperation conditional when conditional.Condition != node:
                    case ILockOperation:
                    case IMethodBodyOperation:
                    case IExpressionStatementOperation:
                    case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                    case IConversionOperation:
                        break;
                    case ICatchClauseOperation:
                        break;
                    case ITryOperation attempt when attempt.Finally == null:
                        break;
                    default:
                        return false;
                }

                node = parent;
            }

            return node == body;
        }

        private (WorkShape Shape, bool Replicated, bool Siblings) ShapeOf(SpawnSite site)
        {
            if (site.Kind == SpawnKind.Unscoped)
            {
                return (WorkShape.Spawned, site.MayOverlapItself, false);
            }

            var method = site.Operation is IInvocationOperation invocation ? invocation.TargetMethod : null;
            var type = method?.ContainingType;
            if (KnownSymbols.Is(type, _symbols.Runtime.Scope))
            {
                return method!.Name switch
                {
                    "Join" => (WorkShape.Blocking, false, true),
                    // The loops return when every index or chunk is done, and run the body for many of them at once.
                    "For" or "ForEachChunk" or "MapChunks" => (WorkShape.Blocking, true, true),
                    _ => (WorkShape.Spawned, false, false),
                };
            }

            if (KnownSymbols.Is(type, _symbols.Tasks.Parallel))
            {
                if (OneAtATime.Holds((IInvocationOperation)site.Operation))
                {
                    // The delegates follow each other on one thread; only ForEachAsync's still run beside its caller.
                    return (method!.Name == "ForEachAsync" ? WorkShape.Spawned : WorkShape.Blocking, false, false);
                }

                switch (method!.Name)
                {
                    case "Invoke":
                        return (WorkShape.Blocking, false, true);
                    case "ForEachAsync":
                        // Returns a task: the iterations are joined where it is awaited or waited.
                        return (WorkShape.Spawned, true, true);
                    default:
                        return (WorkShape.Blocking, true, true);
                }
            }

            if (site.IsAsyncCallLeftRunning)
            {
                // An async local function's call: its code after an await runs until its task is awaited.
                return (WorkShape.Spawned, false, false);
            }

            if (site.IsSelectOfTasksFollowed)
            {
                // A Select of tasks the function waits for: the runs go on beside it until that wait, and beside each other.
                return (WorkShape.Spawned, true, false);
            }

            if (KnownSymbols.Is(type, _symbols.Tasks.ParallelEnumerable) || site.InTurnUntilAwait)
            {
                // A query runs when it is enumerated; its delegates are treated as done by then (the usual
                // ToList/ForAll/Sum right away), so only the instances of the query race with each other.
                return (WorkShape.Blocking, true, true);
            }

            // A user API marked or configured as structured: its delegates may run concurrently and are joined before
            // it returns (what [StructuredWork] promises), so the delegates of one call run together as with
            // Parallel.Invoke. How often it runs each delegate is unknown: one is not assumed to overlap itself, unless
            // the method was read to start it once per round of a loop (SpawnClassifier.EachRoundParameter).
            return (WorkShape.Blocking, site.MayOverlapItself, true);
        }

        /// <summary>
        /// Work whose task a <c>Select</c>'s selector returns (<c>var tasks = ids.Select(id =&gt; Task.Run(() =&gt; …)).ToArray();
        /// … Task.WaitAll(tasks);</c>) is read from the function that holds the <c>Select</c>: started there, once per element,
        /// and joined where that function waits for the sequence (<see cref="AsyncRuns.SelectedTasksFollowed"/>). Null when the
        /// site is no such work, or the function is not seen to wait for the tasks (then the selector's own reading stands).
        /// </summary>
        private SpawnSite? SelectedStart(SpawnSite site)
        {
            if (site.Kind != SpawnKind.Unscoped || site.Handle != HandleKind.Task || site.StartsAtStart ||
                !(AsyncRuns.SelectReturning(site.Operation, _symbols) is { } select) || !(HostOf(select) is { } host))
            {
                return null;
            }

            var selected = new SpawnSite(site.Kind, site.Api, select, site.Delegate, HandleKind.Task, mayOverlapItself: true);
            return AsyncRuns.SelectedTasksFollowed(select, selected, host, _symbols) ? selected : null;
        }

        /// <summary>Parallel.ForEachAsync and the PLINQ operators the classifier leaves out (it knows ForAll).</summary>
        private ImmutableArray<SpawnSite> ExtraStructured(IOperation operation)
        {
            if (!(operation is IInvocationOperation invocation))
            {
                return ImmutableArray<SpawnSite>.Empty;
            }

            var method = invocation.TargetMethod;
            string api;
            var handle = HandleKind.None;
            if (KnownSymbols.Is(method.ContainingType, _symbols.Tasks.Parallel) && method.Name == "ForEachAsync")
            {
                (api, handle) = ("Parallel.ForEachAsync", HandleKind.Task);
            }
            else if (KnownSymbols.Is(method.ContainingType, _symbols.Tasks.ParallelEnumerable))
            {
                api = "PLINQ " + method.Name;
            }
            else if (AsyncRuns.IsCallLeftRunning(invocation))
            {
                return ImmutableArray.Create(new SpawnSite(SpawnKind.Structured, method.Name, invocation, invocation, HandleKind.Task, mayOverlapItself: false, inTurnUntilAwait: true));
            }
            else if (method.Name == "Select" && invocation.Arguments.Length == 2 && SpawnClassifier.Unwrap(invocation.Arguments[1].Value) is IDelegateCreationOperation selector &&
                     HostOf(invocation) is { } host && AsyncRuns.StartsAllAtOnce(invocation, selector.Target, BodyOf(selector, host), _symbols))
            {
                var followed = new SpawnSite(SpawnKind.Structured, "Select(async …)", invocation, selector, HandleKind.Task, mayOverlapItself: true, inTurnUntilAwait: true);
                return ImmutableArray.Create(AsyncRuns.SelectedTasksFollowed(invocation, followed, host, _symbols)
                    ? followed
                    : new SpawnSite(SpawnKind.Structured, "Select(async …)", invocation, selector, HandleKind.None, mayOverlapItself: true, inTurnUntilAwait: true));
            }
            else if (method.Name == "ForEach" && invocation.Arguments.Length >= 1 && SpawnClassifier.Unwrap(invocation.Arguments[invocation.Arguments.Length - 1].Value) is IDelegateCreationOperation action &&
                     HostOf(invocation) is { } forEachHost && AsyncRuns.StartsAsyncVoidPerElement(invocation, action.Target, BodyOf(action, forEachHost), _symbols))
            {
                // Async void runs: nothing joins them, so they are unscoped work that overlaps itself.
                return ImmutableArray.Create(new SpawnSite(SpawnKind.Unscoped, method.ContainingType.Name + ".ForEach(async …)", invocation, action, HandleKind.None, mayOverlapItself: true, inTurnUntilAwait: true));
            }
            else
            {
                return ImmutableArray<SpawnSite>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<SpawnSite>();
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate && SpawnClassifier.Unwrap(argument.Value) is IDelegateCreationOperation creation)
                {
                    builder.Add(new SpawnSite(SpawnKind.Structured, api, invocation, creation, handle, mayOverlapItself: true));
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>x.Event += handler for an event .NET raises on a thread of its own (<see cref="OffThreadEvent"/>).</summary>
        private ImmutableArray<WorkItem> EventHandler(IEventAssignmentOperation assignment)
        {
            if (!(SpawnClassifier.HandedDelegate(assignment.HandlerValue, assignment) is { } handler) || HostOf(assignment) is not { } host ||
                !(OffThreadEvent.Of(assignment, _symbols, host) is { } raised))
            {
                return ImmutableArray<WorkItem>.Empty;
            }

            var site = new SpawnSite(SpawnKind.Unscoped, raised.Api, assignment, handler, HandleKind.None, raised.OverlapsItself, ticks: raised.OverlapsItself);
            return ImmutableArray.Create(new WorkItem(site, WorkShape.Spawned, raised.OverlapsItself, false, host, BodyOf(handler, host), raised));
        }

        /// <summary>The body of the innermost lambda or local function holding <paramref name="operation"/>, else the member's block.</summary>
        public static IOperation? HostOf(IOperation operation)
        {
            var last = operation;
            for (var parent = operation.Parent; parent != null; last = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Body;
                    case ILocalFunctionOperation local:
                        return local.Body;
                }
            }

            return last;
        }

        /// <summary>The operations the delegate runs: a lambda's body, a local function's body found in <paramref name="host"/>'s tree, or the body of a method of the same file.</summary>
        private static IOperation? BodyOf(IOperation delegateValue, IOperation host)
        {
            var target = delegateValue is IDelegateCreationOperation creation ? creation.Target : delegateValue;
            var local = target switch
            {
                IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction } group } => group,
                IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } called } => called,
                _ => null,
            };

            switch (target)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Body;
                case IMethodReferenceOperation or IInvocationOperation when local != null:
                    // A local function named by method group, or called (an async one left running).
                    return AccessCollector.FindLocalFunction(Flow.Functions.Root(host), local)?.Body;
                case IMethodReferenceOperation { Method: { MethodKind: MethodKind.Ordinary } method }:
                    // new Thread(Worker), Task.Run(Process): a method of the same file runs as the work.
                    return SourceCallees.BodyOf(method, delegateValue);
                case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Ordinary } called }:
                    // An async method left running with one of the caller's objects (see AsyncRuns.IsCallLeftRunning).
                    return SourceCallees.BodyOf(called, delegateValue, anyFile: true);
                default:
                    return null;
            }
        }
    }
}
