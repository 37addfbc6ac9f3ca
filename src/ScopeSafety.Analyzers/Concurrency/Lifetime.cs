using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Where an item starts and where it is certainly finished, as points of its host's control-flow graph: the spawn
    /// (Thread.Start for a thread), and the joins — Join(), Wait(), Result, await, Task.WaitAll/WhenAll, Thread.Join
    /// (through <see cref="HandleTracker"/>), ScopedTask.Join()/await, and the end of a blocking call (Parallel.*,
    /// Scope.Join, PLINQ). The end of Scope.Run needs no point: an item never outlives its host's body.
    /// </summary>
    internal sealed class Lifetime
    {
        public Lifetime(List<FlowPoint> starts, List<FlowPoint> joins, HandleTracker? handle = null)
        {
            Starts = starts;
            Joins = joins;
            Handle = handle;
        }

        /// <summary>Where the work may start; empty when it never runs beside its host (a <c>new Task</c> never started).</summary>
        public List<FlowPoint> Starts { get; }

        public List<FlowPoint> Joins { get; }

        /// <summary>What became of the spawn's Task or Thread (escapes, continuations); null for work without one.</summary>
        public HandleTracker? Handle { get; }

        public static Lifetime Of(WorkItem item, FlowIndex flow, KnownSymbols symbols, System.Func<IOperation, bool> isUnscopedSpawn)
        {
            var lifetime = Of(item.Site, item.Shape, item.Host, flow, symbols, isUnscopedSpawn);
            if (item.RaisedBy == null || lifetime.Starts.Count == 0)
            {
                return lifetime;
            }

            if (item.RaisedBy.StartsIn(item.Host, item.Site.Operation) is { } starts)
            {
                // The source raises nothing before it is started (timer.Start(), watcher.EnableRaisingEvents = true).
                lifetime.Starts.Clear();
                foreach (var start in starts)
                {
                    if (item.RaisedBy.TestedForSynchronousCompletion(start) is { } test)
                    {
                        // if (!_socket.ReceiveAsync(_args)) Process(_args); raises Completed only when the call returned
                        // true: the branch for false is the caller's own processing, and the handler starts after the if.
                        lifetime.Starts.Add(Functions.NextStatement(test) is { } next && flow.FirstPointIn(next) is { } after
                            ? after
                            : new FlowPoint(flow.ExitBlock, 0, int.MaxValue));
                        continue;
                    }

                    if (flow.PointOf(start.Syntax, start.Syntax.SpanStart) is { } point)
                    {
                        lifetime.Starts.Add(point);
                    }
                }

                if (starts.Count == 0 && item.RaisedBy.StartedByAnotherMember(item.Host))
                {
                    // Made here and started by another member (Connect makes the socket args, Receive starts an operation
                    // with them): its handlers run once this method has returned, beside the class's other members.
                    lifetime.Starts.Add(new FlowPoint(flow.ExitBlock, 0, int.MaxValue));
                }
            }

            // An event's handlers have no handle; what waits for them is a call on the event's source (WaitForExit).
            foreach (var join in item.RaisedBy.JoinsIn(item.Host))
            {
                if (lifetime.Starts.Count > 0 && flow.PointOf(join.Syntax, JoinPosition(join, item.Site.Operation, item.Host)) is { } point)
                {
                    lifetime.Joins.Add(point);
                }
            }

            return lifetime;
        }

        /// <summary>
        /// The lifetime of the work <paramref name="site"/> starts in <paramref name="host"/>, the body of the function
        /// that holds the spawn. Work whose handle starts it later (<c>new Thread</c>, <c>new Task</c>) starts at its Start
        /// calls, and never when a <c>new Task</c> is only run synchronously or not at all.
        /// </summary>
        public static Lifetime Of(SpawnSite site, WorkShape shape, IOperation host, FlowIndex flow, KnownSymbols symbols, System.Func<IOperation, bool> isUnscopedSpawn)
        {
            var syntax = site.Operation.Syntax;
            var starts = new List<FlowPoint>();
            var joins = new List<FlowPoint>();
            var spawn = flow.PointOf(syntax, syntax.SpanStart);
            if (spawn == null || !flow.Graph.Blocks[spawn.Value.Block].IsReachable)
            {
                // No point, or code the compiler proves is never reached (after a throw, under if (false)).
                return Never();
            }

            if (shape == WorkShape.Blocking)
            {
                starts.Add(spawn.Value);
                joins.Add(new FlowPoint(spawn.Value.Block, spawn.Value.Index, syntax.Span.End));
                return new Lifetime(starts, joins);
            }

            var joinOperations = new List<IOperation>();
            HandleTracker? handle = null;
            if (site.Handle != HandleKind.None)
            {
                handle = HandleTracker.Track(site, host, symbols, isUnscopedSpawn);
                if (handle.NeverStarted)
                {
                    return Never();
                }

                joinOperations.AddRange(handle.Joins);
                foreach (var region in handle.FinishedIn)
                {
                    if (flow.FirstPointIn(region) is { } entry)
                    {
                        joins.Add(entry);
                    }
                }
                if (site.StartsAtStart)
                {
                    foreach (var call in handle.Starts)
                    {
                        var point = flow.PointOf(call.Syntax, AfterArguments(call));
                        if (point != null)
                        {
                            starts.Add(point.Value);
                        }
                    }
                }
            }
            else if (symbols.Runtime.IsScopedTask(site.Operation.Type))
            {
                ScopedTaskJoins(site, host, joinOperations, symbols);
            }

            if (site.LoopRepeatedOnceRun is { Body: { } body } && flow.FirstPointIn(body.Syntax) is { } nextRound)
            {
                // The loop goes round only after the call completed synchronously, its callback run inside it.
                joins.Add(nextRound);
            }

            if (starts.Count == 0)
            {
                starts.AddRange(StartsOfStored(site, host, flow, symbols, joinOperations));
            }

            if (starts.Count == 0)
            {
                starts.Add(spawn.Value);
            }

            foreach (var join in joinOperations)
            {
                var point = AfterLoopOverHandles(join, flow) ?? flow.PointOf(join.Syntax, JoinPosition(join, site.Operation, host));
                if (point != null)
                {
                    joins.Add(point.Value);
                }

                if (handle != null && AfterNullGuard(join, flow, handle) is { } guarded)
                {
                    joins.Add(guarded);
                }
            }

            return new Lifetime(starts, joins, handle);
        }

        /// <summary>
        /// Work that waits for a later start (a new Thread or Task whose Start the handle tracking did not find, a paused
        /// Timer) created as the whole value of a variable's initialiser or of an assignment statement: it starts at the
        /// Start (for a timer: a Change with a due time) that this function makes on that variable or field of this, or,
        /// when it makes none, after the statement that stored it at the earliest (nothing can start it before). A timer
        /// due late (<see cref="SpawnSite.StartsLate"/>) starts after that statement too. Empty otherwise. A thread or task
        /// started through that variable or field is waited for through it too
        /// (<c>_thread.Start(); _thread.Join();</c>): those waits go to <paramref name="joins"/>.
        /// </summary>
        private static List<FlowPoint> StartsOfStored(SpawnSite site, IOperation host, FlowIndex flow, KnownSymbols symbols, List<IOperation> joins)
        {
            var starts = new List<FlowPoint>();
            if (!site.StartsAtStart && !site.StartsPaused && !site.StartsLate)
            {
                return starts;
            }

            var value = site.Operation;
            while (value.Parent is IConversionOperation conversion)
            {
                value = conversion;
            }

            (IOperation Statement, ISymbol? Holder)? stored = value.Parent switch
            {
                ISimpleAssignmentOperation assignment when assignment.Value == value && assignment.Parent is IExpressionStatementOperation whole =>
                    (whole, Places.SharedObjectOf(assignment.Target)),
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } declarator } =>
                    (group, declarator.Symbol),
                IFieldInitializerOperation or IPropertyInitializerOperation => (value.Parent, Places.InitializedMember(value.Parent)),
                _ => null,
            };
            if (stored == null)
            {
                return starts;
            }

            // A late timer runs on its own once due: no call starts it, and none is looked for.
            if (stored.Value.Holder is { } holder && !site.StartsLate)
            {
                foreach (var call in host.Descendants().OfType<IInvocationOperation>())
                {
                    // A call inside the spawn itself (the timer's callback re-arming it) runs only once the work does.
                    if (!site.Operation.Syntax.Span.Contains(call.Syntax.Span) &&
                        (StartsThroughHolder(call, holder, site, symbols) || StartsInCallee(call, holder, site, symbols)) &&
                        flow.PointOf(call.Syntax, AfterArguments(call)) is { } point)
                    {
                        starts.Add(point);
                    }
                }

                if (starts.Count == 0 && site.StartsPaused &&
                    ((BuildsTheObject(host) && holder is IFieldSymbol { IsStatic: false }) || host is IFieldInitializerOperation or IPropertyInitializerOperation))
                {
                    // A paused timer in a field of the object being built (by a constructor, a helper only constructors
                    // call, or the field's initializer, a static one's by the type's initializer): only a member called once
                    // the constructor has returned can arm it, so it starts after all of this code.
                    starts.Add(new FlowPoint(flow.ExitBlock, 0, int.MaxValue));
                    return starts;
                }

                if (site.StartsAtStart && starts.Count > 0)
                {
                    foreach (var wait in host.Descendants())
                    {
                        if (!site.Operation.Syntax.Span.Contains(wait.Syntax.Span) && WaitsFor(wait, holder, symbols))
                        {
                            joins.Add(wait);
                        }
                    }
                }
            }

            if (starts.Count == 0 && flow.PointOf(site.Operation.Syntax, stored.Value.Statement.Syntax.Span.End) is { } after)
            {
                starts.Add(after);
            }

            return starts;
        }

        /// <summary>A constructor's body, or that of a method only constructors of its object call (<see cref="Flow.ConstructorHelpers"/>).</summary>
        private static bool BuildsTheObject(IOperation host) =>
            host is IConstructorBodyOperation ||
            (host is IMethodBodyOperation && host.SemanticModel is { } model && model.GetDeclaredSymbol(host.Syntax) is IMethodSymbol method &&
             Flow.ConstructorHelpers.OnlyCalledFromConstructors(method, model.Compilation));

        /// <summary>
        /// <paramref name="wait"/> waits for the thread or task held in <paramref name="holder"/>, as
        /// <see cref="HandleTracker.JoinedInstance(IOperation, KnownSymbols)"/> tells a wait (also <c>await _task.ConfigureAwait(false)</c>).
        /// </summary>
        private static bool WaitsFor(IOperation wait, ISymbol holder, KnownSymbols symbols)
        {
            if (!(HandleTracker.JoinedInstance(wait, symbols) is { } waited))
            {
                return false;
            }

            waited = SpawnClassifier.Unwrap(waited);
            if (Flow.AwaitedValues.ConfiguredTask(waited) is { } configured)
            {
                waited = SpawnClassifier.Unwrap(configured);
            }

            return SymbolEqualityComparer.Default.Equals(Places.SharedObjectOf(waited), holder);
        }

        // Where a start call (thread.Start(token), timer.Change(…)) starts the work: after its receiver and arguments,
        // which the starting thread reads before the work runs.
        private static int AfterArguments(IOperation call) => call.Syntax.Span.End;

        /// <summary>
        /// <paramref name="call"/> starts the work of <paramref name="site"/>, created waiting for a later start, through the
        /// variable or field that holds it: <c>_thread.Start()</c>, or a <c>Change</c> with a due time of a paused timer.
        /// </summary>
        public static bool StartsThrough(IInvocationOperation call, ISymbol holder, SpawnSite site, KnownSymbols symbols) =>
            (site.StartsAtStart || site.StartsPaused) && StartsThroughHolder(call, holder, site, symbols);

        private static bool StartsThroughHolder(IInvocationOperation call, ISymbol holder, SpawnSite site, KnownSymbols symbols) =>
            call.Instance is { } instance && SymbolEqualityComparer.Default.Equals(Places.SharedObjectOf(instance), holder) && StartsIt(call, site, symbols);

        /// <summary>A method of the same object, called by the host, that starts the work through its holder (<c>Arm()</c> calling <c>_timer.Change(…)</c>).</summary>
        private static bool StartsInCallee(IInvocationOperation call, ISymbol holder, SpawnSite site, KnownSymbols symbols) =>
            holder is IFieldSymbol && (call.Instance == null || Places.IsThis(SpawnClassifier.Unwrap(call.Instance))) &&
            SourceCallees.BodyOf(call.TargetMethod, call) is { } body &&
            body.Descendants().OfType<IInvocationOperation>().Any(inner => StartsThroughHolder(inner, holder, site, symbols));

        private static bool StartsIt(IInvocationOperation call, SpawnSite site, KnownSymbols symbols) =>
            site.StartsPaused
                ? call.TargetMethod.Name == "Change" && !SpawnClassifier.IsPaused(call.Arguments)
                : HandleTracker.IsStart(call.TargetMethod, symbols);

        /// <summary>
        /// A loop that waits for each handle it walks (foreach (var t in tasks) t.Wait()) stands for its join: each round
        /// may wait for another item, so all are finished only where the statement after the loop starts. Null when the
        /// join is no such loop or the loop ends its block (then the loop's head is taken, as before).
        /// </summary>
        private static FlowPoint? AfterLoopOverHandles(IOperation join, FlowIndex flow)
        {
            return join.Parent is IForEachLoopOperation loop && loop.Collection == join ? StartOfNextStatement(loop, flow) : null;
        }

        /// <summary>Where the statement after <paramref name="statement"/> in its block starts; null when it ends its block.</summary>
        internal static FlowPoint? StartOfNextStatement(IOperation statement, FlowIndex flow)
        {
            if (!(statement.Parent is IBlockOperation block))
            {
                return null;
            }

            var index = block.Operations.IndexOf(statement);
            if (index < 0 || index + 1 >= block.Operations.Length)
            {
                return null;
            }

            // The first operation of the graph inside it: a declaration or a foreach starts below its own syntax.
            return flow.FirstPointIn(block.Operations[index + 1].Syntax);
        }

        /// <summary>
        /// A join made only where what holds the handles is not null (<c>var threads = Interlocked.Exchange(ref _threads,
        /// null); if (threads != null) { foreach (var t in threads) t.Join(); }</c>): the branch that skips it finds no handle
        /// there (another call took them, or none was kept), so the work is no longer this code's to wait for where the
        /// statement after the <c>if</c> starts. That point, or null when the join (a statement, or a loop over the handles)
        /// is not directly in such an <c>if</c> without <c>else</c>, or the <c>if</c> ends its block.
        /// </summary>
        private static FlowPoint? AfterNullGuard(IOperation join, FlowIndex flow, HandleTracker handle)
        {
            IOperation statement = join.Parent is IForEachLoopOperation loop && loop.Collection == join ? loop : join;
            if (statement.Parent is IExpressionStatementOperation expression)
            {
                statement = expression;
            }

            var guard = statement.Parent is IBlockOperation block ? block.Parent : statement.Parent;
            return guard is IConditionalOperation { WhenFalse: null } conditional && handle.TestsHolderNotNull(conditional.Condition)
                ? StartOfNextStatement(conditional, flow)
                : null;
        }

        /// <summary>No start: the work never runs beside its host.</summary>
        private static Lifetime Never() => new Lifetime(new List<FlowPoint>(), new List<FlowPoint>());

        /// <summary>
        /// A join inside a loop that does not also start the work (foreach (var t in parts) t.Join()) may join another
        /// item in each round: all are finished when that loop ends. A join in the same loop body as its spawn
        /// (for (…) { var t = Task.Run(…); t.Wait(); }) finishes this round's work where it stands.
        /// </summary>
        /// <summary>The point where control enters <paramref name="region"/>: before its first operation in the graph.</summary>
        private static int JoinPosition(IOperation join, IOperation spawn, IOperation host)
        {
            var end = join.Syntax.Span.End;
            for (var parent = join.Parent; parent != null && parent != host; parent = parent.Parent)
            {
                if (parent is ILoopOperation loop)
                {
                    if (loop.Syntax.Span.Contains(spawn.Syntax.Span))
                    {
                        break;
                    }

                    end = loop.Syntax.Span.End;
                }
            }

            return end;
        }

        /// <summary>
        /// Joins of a ScopedTask: Join() or await on the spawn itself, on the local that holds it, or — once handles
        /// go into a list or array — any ScopedTask join in the host (the list is usually joined as a whole).
        /// </summary>
        private static void ScopedTaskJoins(SpawnSite site, IOperation host, List<IOperation> joins, KnownSymbols symbols)
        {
            var operation = site.Operation;
            var parent = operation.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                operation = parent;
                parent = parent.Parent;
            }

            ILocalSymbol? holder = null;
            var collected = false;
            switch (parent)
            {
                case IInvocationOperation { TargetMethod: { Name: "Join" } } join when join.Instance == operation:
                    joins.Add(join);
                    return;
                case IAwaitOperation await:
                    joins.Add(await);
                    return;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    holder = declarator.Symbol;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == operation:
                    holder = local.Local;
                    break;
                case IArgumentOperation _:
                case IArrayInitializerOperation _:
                case ICollectionExpressionOperation _:
                case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation _ }:
                    collected = true;
                    break;
                default:
                    return;
            }

            foreach (var candidate in host.DescendantsAndSelf())
            {
                IOperation? instance = candidate switch
                {
                    IInvocationOperation { TargetMethod: { Name: "Join", IsStatic: false } } call => call.Instance,
                    IAwaitOperation await => await.Operation,
                    _ => null,
                };

                if (instance == null || !symbols.Runtime.IsScopedTask(SpawnClassifier.Unwrap(instance).Type))
                {
                    continue;
                }

                var value = SpawnClassifier.Unwrap(instance);
                if (holder != null)
                {
                    if (value is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, holder))
                    {
                        joins.Add(candidate);
                    }
                }
                else if (collected)
                {
                    joins.Add(candidate);
                }
            }
        }
    }
}
