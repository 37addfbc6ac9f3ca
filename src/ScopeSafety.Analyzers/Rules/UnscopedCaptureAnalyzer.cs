using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// SCOPE001–SCOPE004: stack state captured by unscoped work (Task.Run, new Thread, ThreadPool, Timer,
    /// ContinueWith and user APIs marked or configured as unscoped) that may still run when that state is
    /// released, changed or disposed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnscopedCaptureAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.StackPointerCapturedByUnscopedWork,
            Descriptors.LocalSharedMutablyWithUnscopedWork,
            Descriptors.DisposedWhileUnscopedWorkMayRun,
            Descriptors.UnscopedWorkNotJoined);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext start)
        {
            var symbols = KnownSymbols.Get(start.Compilation);
            if (!symbols.HasAnyThreadApi)
            {
                return;
            }

            var finder = new WorkItemFinder(new SpawnClassifier(symbols));
            var synchronization = SignalObjects.Create(symbols);
            var options = new SpawnOptions.Cache(start.Options.AnalyzerConfigOptionsProvider);
            start.RegisterOperationBlockStartAction(block =>
            {
                // Every work item of the block (the race rules' model): the unscoped ones are checked here, the others
                // tell which accesses belong to other work (item against item is SCOPE010's).
                var items = new List<WorkItem>();
                var calls = new List<(IInvocationOperation Call, List<(ILocalSymbol Resource, IOperation Use)> Resources)>();
                block.RegisterOperationAction(
                    operationContext =>
                    {
                        var operation = operationContext.Operation;
                        var found = finder.Find(operation, options.Get(operation.Syntax.SyntaxTree));
                        if (!found.IsEmpty)
                        {
                            lock (items)
                            {
                                items.AddRange(found);
                            }
                        }

                        // An async local function's call is race work and, for what it was handed, an asynchronous call too.
                        if (operation is IInvocationOperation call && (found.IsEmpty || found.All(item => item.Site.IsAsyncCallLeftRunning)) &&
                            UnawaitedCalls.ResourcesHandedTo(call, symbols) is { Count: > 0 } resources)
                        {
                            lock (items)
                            {
                                calls.Add((call, resources));
                            }
                        }
                    },
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation);

                block.RegisterOperationBlockEndAction(end =>
                {
                    List<WorkItem> all;
                    List<(IInvocationOperation Call, List<(ILocalSymbol Resource, IOperation Use)> Resources)> unawaited;
                    lock (items)
                    {
                        all = new List<WorkItem>(items);
                        unawaited = new List<(IInvocationOperation, List<(ILocalSymbol, IOperation)>)>(calls);
                    }

                    if (!all.Exists(item => item.IsUnscoped) && unawaited.Count == 0)
                    {
                        return;
                    }

                    all.Sort((a, b) => a.Site.Delegate.Syntax.SpanStart.CompareTo(b.Site.Delegate.Syntax.SpanStart));
                    var analysis = new BlockAnalysis(end, symbols, new MayRunInParallel(end, symbols, synchronization, new WorkItems(all)));
                    foreach (var item in all)
                    {
                        if (!item.IsUnscoped)
                        {
                            continue;
                        }

                        var captures = DelegateCaptures.Analyze(item.Site.Delegate, Functions.Root(item.Site.Operation), symbols);
                        if (!captures.IsStatic && !captures.Accesses.IsEmpty)
                        {
                            analysis.Analyze(item, captures);
                        }
                    }

                    unawaited.Sort((a, b) => a.Call.Syntax.SpanStart.CompareTo(b.Call.Syntax.SpanStart));
                    foreach (var (call, resources) in unawaited)
                    {
                        analysis.AnalyzeCall(call, resources);
                    }
                });
            });
        }

        /// <summary>The control-flow work for the spawns of one operation block; graphs are shared between its spawns.</summary>
        private sealed class BlockAnalysis
        {
            private readonly OperationBlockAnalysisContext _context;
            private readonly KnownSymbols _symbols;
            private readonly MayRunInParallel _model;
            private readonly Dictionary<IOperation, PointerOrigins> _pointers = new Dictionary<IOperation, PointerOrigins>();

            // Where the work being analyzed must have finished, by each SCOPE001–SCOPE003 report of it so far (the
            // conflicting access, the end of the pinned region, the disposal).
            private readonly List<Location> _conflictsOfWork = new List<Location>();

            // The variables that the overlapping runs of the periodic timer being analyzed race on, each with where its
            // report would be: one report for them all (see Analyze).
            private readonly List<(ISymbol Variable, Location Primary)> _tickSelfRaces = new List<(ISymbol Variable, Location Primary)>();

            public BlockAnalysis(OperationBlockAnalysisContext context, KnownSymbols symbols, MayRunInParallel model)
            {
                _context = context;
                _symbols = symbols;
                _model = model;
            }

            public void Analyze(WorkItem item, DelegateCaptures captures)
            {
                var flow = _model.FlowOf(item.Host);
                var lifetime = flow == null ? null : _model.LifetimeOf(item);
                if (flow == null || lifetime == null)
                {
                    // No graph, or work that never runs beside its host (a new Task only run synchronously).
                    return;
                }

                var work = new WorkInHost(item, captures, flow, lifetime);
                _conflictsOfWork.Clear();
                _tickSelfRaces.Clear();
                var outliving = new List<(ISymbol Variable, Location Primary)>();
                foreach (var variable in captures.Variables)
                {
                    if (AnalyzeVariable(work, variable) is { } primary)
                    {
                        outliving.Add((variable, primary));
                    }
                }

                if (_tickSelfRaces.Count > 0)
                {
                    // A timer's runs overlapping is one cause whatever they share, cured once (runs that do not overlap), as
                    // SCOPE010 reports it: at the first use in the text, naming the other variables.
                    _tickSelfRaces.Sort((a, b) => a.Primary.SourceSpan.Start.CompareTo(b.Primary.SourceSpan.Start));
                    var first = _tickSelfRaces[0];
                    var others = _tickSelfRaces.Skip(1).Select(r => r.Variable.Name).ToList();
                    Report(Descriptors.LocalSharedMutablyWithUnscopedWork, work, _tickSelfRaces.Select(r => r.Variable).ToList(), first.Primary, null, null,
                        first.Variable.Name, "work started with " + work.Site.Api, "another run of the same work" + TickRaces.OtherPlaces(others), "access");
                }

                if (outliving.Count > 0)
                {
                    // One work item outliving the method is one finding, however many variables it captures: one
                    // diagnostic naming them all, at the first use in the text.
                    // Its conflict is the first place another rule needs the same work finished by, so that the fix of this
                    // report ends the scope before it rather than wrapping that hazard into the scope.
                    outliving.Sort((a, b) => a.Primary.SourceSpan.Start.CompareTo(b.Primary.SourceSpan.Start));
                    var firstConflict = _conflictsOfWork.OrderBy(c => c.SourceSpan.Start).FirstOrDefault();
                    Report(Descriptors.UnscopedWorkNotJoined, work, outliving.Select(o => o.Variable).ToList(), outliving[0].Primary, firstConflict, null,
                        NameList(outliving.Select(o => o.Variable.Name).ToList()), work.Site.Api);
                }
            }

            /// <summary>
            /// SCOPE003 for an asynchronous call that is not awaited where it is made: a disposable local it was handed is
            /// disposed before anything waits for its task (<c>using (var s = …) return s.CopyToAsync(d);</c>). Its task is
            /// its handle, followed as a spawn's is (<see cref="UnawaitedCalls"/>).
            /// </summary>
            public void AnalyzeCall(IInvocationOperation call, List<(ILocalSymbol Resource, IOperation Use)> resources)
            {
                var site = UnawaitedCalls.SiteOf(call, _symbols);
                if (!(WorkItemFinder.HostOf(site.Operation) is { } host))
                {
                    return;
                }

                var item = new WorkItem(site, WorkShape.Spawned, replicated: site.MayOverlapItself, siblingsRunTogether: false, host, body: null);
                var flow = _model.FlowOf(host);
                var lifetime = flow == null ? null : _model.LifetimeOf(item);
                if (flow == null || lifetime == null || lifetime.Handle?.InFirstFinished == true)
                {
                    return;
                }

                var work = new WorkInHost(item, DelegateCaptures.Analyze(call, Functions.Root(call), _symbols), flow, lifetime);
                var fix = UnawaitedCalls.AwaitFixOf(call, _symbols);
                foreach (var (resource, use) in resources)
                {
                    CheckDisposal(work, resource, use.Syntax.GetLocation(), fix, handedOver: true);
                }
            }

            // 'a', 'a' and 'b', 'a', 'b' and 'c', 'a', 'b', 'c' and 2 more.
            private static string NameList(List<string> names)
            {
                const int Shown = 3;
                var quoted = names.Take(Shown).Select(n => "'" + n + "'").ToList();
                if (names.Count > Shown)
                {
                    return string.Join(", ", quoted) + " and " + (names.Count - Shown).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more";
                }

                return quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.Take(quoted.Count - 1)) + " and " + quoted[quoted.Count - 1];
            }

            // Reports SCOPE001–SCOPE003 for the variable where they apply; returns where SCOPE004 would be reported for
            // it (the work outlives the method and nothing else was reported), else null.
            private Location? AnalyzeVariable(WorkInHost work, ISymbol variable)
            {
                var inDelegate = work.Captures.Accesses.Where(a => SymbolEqualityComparer.Default.Equals(a.Place, variable)).ToList();
                var primary = inDelegate[0].Operation.Syntax.GetLocation();
                work.UseJoinsFor(inDelegate, _model.Signals);
                var reported = false;

                reported |= CheckPointer(work, variable, primary);
                reported |= CheckDisposal(work, variable, primary);
                // A for variable that the work only reads, started inside that loop, is SCOPE012's report (with its
                // per-iteration copy fix), for the sharing and for the work outliving the method alike: one hazard, one
                // diagnostic.
                var loopVariableRead = ForLoops.IsLoopVariableAround(variable, work.Site.Operation.Syntax) && inDelegate.All(a => !a.IsWrite);
                if (loopVariableRead)
                {
                    return null;
                }

                // Work that runs in turn up to its first await (an async lambda that ForEach calls) makes its uses before
                // that await inside the call that runs it, not beside the method.
                var yielded = inDelegate.FindAll(a => !_model.MadeBeforeItYields(work.Item, a));
                reported |= yielded.Count > 0 && CheckSharing(work, variable, yielded, primary);
                if (!reported && yielded.Count > 0)
                {
                    reported |= CheckOuterSharing(work, variable, yielded, primary);
                }

                return !reported && yielded.Count > 0 && !work.Escapes && !work.IsDiscarded(_symbols) && work.FirstReached(new[] { (work.Exit, 0) }, (0, work.Flow.ExitBlock)) != null
                    ? primary
                    : null;
            }

            private string SideOf(Access access, WorkInHost work)
            {
                var other = _model.Items.Holding(access.Operation);
                return other != null && other.IsUnscoped && work.Scope.Syntax.Span.Contains(other.Site.Operation.Syntax.Span)
                    ? "work started with " + other.Site.Api + " at line " + other.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : "the method";
            }

            /// <summary>
            /// The spawn sits in a lambda or local function and the work captures a variable of an enclosing function:
            /// unless the work is joined before that inner function returns, the enclosing function's later accesses
            /// (after the inner function is created) may run at the same time as the work.
            /// </summary>
            private bool CheckOuterSharing(WorkInHost work, ISymbol variable, List<Access> inDelegate, Location primary)
            {
                // A handle the inner function returns or stores is joined, if at all, where we cannot see: stay silent.
                if (work.Escapes || work.Scope.Parent == null || !(work.Scope.Parent is IAnonymousFunctionOperation || work.Scope.Parent is ILocalFunctionOperation) ||
                    work.FirstReached(new[] { (work.Exit, 0) }, (0, work.Flow.ExitBlock)) == null)
                {
                    return false;
                }

                var inner = work.Scope.Parent;
                var function = inner is IAnonymousFunctionOperation lambda ? lambda.Symbol : ((ILocalFunctionOperation)inner).Symbol;
                if (DelegateCaptures.IsDeclaredIn(variable, function))
                {
                    return false;
                }

                var writes = inDelegate.Where(a => a.IsWrite).ToList();
                var root = Functions.Root(work.Scope);
                foreach (var operation in root.Descendants())
                {
                    if (operation.Syntax == null || inner.Syntax.Span.Contains(operation.Syntax.Span) || operation.Syntax.SpanStart < inner.Syntax.SpanStart)
                    {
                        continue;
                    }

                    var referenced = Places.VariableOf(operation);
                    if (referenced == null || !SymbolEqualityComparer.Default.Equals(referenced, variable))
                    {
                        continue;
                    }

                    var access = Access.OfVariable(variable, operation, _symbols);
                    var write = access.IsWrite;
                    var api = "work started with " + work.Site.Api;
                    if (writes.Any(w => Access.Conflict(w, access)))
                    {
                        Report(Descriptors.LocalSharedMutablyWithUnscopedWork, work, variable, primary, operation.Syntax.GetLocation(), variable.Name, api, "the method", write ? "write" : "read");
                        return true;
                    }

                    if (write && inDelegate.Any(a => Access.Conflict(access, a)))
                    {
                        Report(Descriptors.LocalSharedMutablyWithUnscopedWork, work, variable, primary, operation.Syntax.GetLocation(), variable.Name, "the method", api, "read");
                        return true;
                    }
                }

                return false;
            }

            private bool CheckPointer(WorkInHost work, ISymbol variable, Location primary)
            {
                // Only pointer-like locals can hold an address; skip the alias computation for everything else.
                if (!(variable is ILocalSymbol { Type: var type }) ||
                    !(type.TypeKind == TypeKind.Pointer || type.SpecialType == SpecialType.System_IntPtr || type.SpecialType == SpecialType.System_UIntPtr))
                {
                    return false;
                }

                if (!_pointers.TryGetValue(work.Scope, out var origins))
                {
                    origins = PointerOrigins.Compute(work.Scope, _symbols);
                    _pointers.Add(work.Scope, origins);
                }

                if (!origins.TryGet(variable, out var pinnedBy))
                {
                    return false;
                }

                var targets = new List<(FlowPoint, int)> { (work.Exit, 0) };
                if (pinnedBy != null)
                {
                    // The pinned region ends when control reaches any operation outside the fixed statement.
                    foreach (var (operation, block, index) in work.Flow.Operations())
                    {
                        if (operation.Parent == null && operation.Syntax != null && !pinnedBy.Span.Contains(operation.Syntax.Span))
                        {
                            targets.Add((new FlowPoint(block, index, operation.Syntax.SpanStart), 0));
                        }
                    }
                }

                if (work.FirstReached(targets, (0, work.Flow.ExitBlock)) == null)
                {
                    return false;
                }

                var regionEnd = pinnedBy == null ? null : EndOf(pinnedBy);
                var memory = pinnedBy == null ? "stack memory" : "memory pinned by 'fixed'";
                Report(Descriptors.StackPointerCapturedByUnscopedWork, work, variable, primary, regionEnd, variable.Name, work.Site.Api, memory);
                return true;
            }

            /// <param name="handedOver">
            /// The work was handed the variable's object at its start (a call's receiver or argument), not the variable: once
            /// the method assigns the variable again, disposing it disposes another object (<c>cmd = null;</c> after
            /// queueing <c>cmd.ExecuteNonQueryAsync()</c>, then <c>using (cmd) { }</c>).
            /// </param>
            private bool CheckDisposal(WorkInHost work, ISymbol variable, Location primary, string? fix = null, bool handedOver = false)
            {
                if (!(variable is ILocalSymbol local) || !_symbols.Core.IsDisposable(local.Type) || _symbols.Core.DisposesNothing(local.Type))
                {
                    return false;
                }

                var disposals = new List<IOperation>();
                var targets = new List<(FlowPoint, int)>();
                foreach (var (operation, block, index) in work.Flow.Operations())
                {
                    // A disposal in a catch clause is the failing method's clean-up on its way out: work still running
                    // then fails with it, which is what disposing there is for (aborting a pending call).
                    if (operation is IInvocationOperation { TargetMethod: { Name: "Dispose" or "DisposeAsync", Parameters: { Length: 0 } } } call &&
                        call.Instance != null && !call.Syntax.Ancestors().Any(node => node is CatchClauseSyntax && work.Scope.Syntax.Span.Contains(node.Span)) &&
                        DisposedLocal(work.Flow.Resolve(call.Instance)) is { } reference &&
                        SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        targets.Add((new FlowPoint(block, index, call.Syntax.Span.End), disposals.Count));
                        disposals.Add(call);
                    }
                }

                var reassigned = handedOver
                    ? work.HostAccesses(variable, _symbols).Where(access => access.IsWrite).Select(access => work.Flow.PointOf(access.Operation.Syntax, access.Position))
                        .Where(point => point != null).Select(point => point!.Value).ToList()
                    : null;
                // A local declared in a loop body is a fresh one per iteration: a later iteration disposes another object.
                var reached = work.FirstReached(targets, work.Flow.RegionOf(variable), reassigned);
                if (reached == null)
                {
                    return false;
                }

                Report(Descriptors.DisposedWhileUnscopedWorkMayRun, work, new List<ISymbol> { variable }, primary, DisposalLocation(disposals[reached.Value]), fix, variable.Name, work.Site.Api);
                return true;
            }

            /// <summary>
            /// The local a disposal disposes: <c>x.Dispose()</c>, the end of <c>using (var x = …)</c>, or the end of
            /// <c>using (x = …)</c>, which disposes the object it stores in <c>x</c>.
            /// </summary>
            private static ILocalReferenceOperation? DisposedLocal(IOperation instance) => instance switch
            {
                ILocalReferenceOperation local => local,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } => assigned,
                _ => null,
            };

            private bool CheckSharing(WorkInHost work, ISymbol variable, List<Access> inDelegate, Location primary)
            {
                var enclosing = work.HostAccesses(variable, _symbols);
                var region = work.Flow.RegionOf(variable);
                var targets = new List<(FlowPoint, int)>();
                for (var i = 0; i < enclosing.Count; i++)
                {
                    if (work.Site.Operation.Syntax.Span.Contains(enclosing[i].Operation.Syntax.Span))
                    {
                        // Arguments of the spawn call itself (a state argument) are evaluated before the work starts.
                        continue;
                    }

                    if (work.Continuations.Any(c => c.Arguments.Any(a => a.Syntax.Span.Contains(enclosing[i].Operation.Syntax.Span))))
                    {
                        // A continuation of this work runs after it.
                        continue;
                    }

                    if (_model.Items.Holding(enclosing[i].Operation) is { } other && other.Host == work.Item.Host)
                    {
                        // Another work item of the same function: item against item is SCOPE010's race (one hazard, one report).
                        continue;
                    }

                    var point = work.Flow.PointOf(enclosing[i].Operation.Syntax, enclosing[i].Position);
                    if (point != null)
                    {
                        targets.Add((point.Value, i));
                    }
                }

                var concurrent = work.AllReached(targets, region).Distinct().OrderBy(i => i).Select(i => enclosing[i]).ToList();
                var api = "work started with " + work.Site.Api;
                var writes = inDelegate.Where(a => a.IsWrite).ToList();

                // One pair at a time, what orders the variable's uses as a whole may not: the method waits for an object the
                // work releases after this use (though it uses the variable again after the release), or the work waits,
                // before its use, for an object only the method releases after its own (a start signal: data = …;
                // go.Set(); against go.Wait(); Use(data)).
                bool Races(Access mine, Access theirs) =>
                    Access.Conflict(mine, theirs) && !_model.HostWaitsAfterUse(work.Item, mine.MadeIn(work.Item.Body), theirs.Operation, variable) &&
                    !_model.HostSignalsBefore(work.Item, mine.MadeIn(work.Item.Body), theirs.Operation, variable);

                // (a) the work writes while the method may still read or write.
                foreach (var access in concurrent)
                {
                    if (writes.Any(w => Races(w, access)))
                    {
                        Report(Descriptors.LocalSharedMutablyWithUnscopedWork, work, variable, primary, access.Operation.Syntax.GetLocation(), variable.Name, api, SideOf(access, work), access.IsWrite ? "write" : "read");
                        return true;
                    }
                }

                // (a') two runs of the same work overlap: a periodic timer, a spawn repeated by a loop, or a spawn in a
                // local function called twice or a lambda that a method may call many times, and nothing orders the two
                // runs' uses (the model's answer, as for SCOPE010).
                if (writes.Count > 0 && _model.SelfRace(work.Item, inDelegate, variable) != null)
                {
                    if (work.Site.Ticks)
                    {
                        _tickSelfRaces.Add((variable, primary));
                        return true;
                    }

                    Report(Descriptors.LocalSharedMutablyWithUnscopedWork, work, variable, primary, null, variable.Name, api, "another run of the same work", "access");
                    return true;
                }

                // (b) the method writes while the work may still read.
                foreach (var access in concurrent)
                {
                    if (access.IsWrite && inDelegate.Any(a => Races(a, access)))
                    {
                        Report(Descriptors.LocalSharedMutablyWithUnscopedWork, work, variable, primary, access.Operation.Syntax.GetLocation(), variable.Name, SideOf(access, work), api, "read");
                        return true;
                    }
                }

                return false;
            }

            private static Location EndOf(FixedStatementSyntax statement) =>
                statement.Statement is BlockSyntax block ? block.CloseBraceToken.GetLocation() : statement.Statement.GetLocation();

            private static Location DisposalLocation(IOperation disposal)
            {
                // The implicit Dispose of a using happens at the end of its body or enclosing block.
                if (disposal.IsImplicit)
                {
                    for (var node = disposal.Syntax; node != null && !(node is MemberDeclarationSyntax); node = node.Parent)
                    {
                        switch (node)
                        {
                            case UsingStatementSyntax statement:
                                return statement.Statement is BlockSyntax body ? body.CloseBraceToken.GetLocation() : statement.Statement.GetLocation();
                            case LocalDeclarationStatementSyntax declaration when declaration.UsingKeyword.Span.Length > 0:
                                return declaration.Parent is BlockSyntax enclosing ? enclosing.CloseBraceToken.GetLocation() : declaration.GetLocation();
                        }
                    }
                }

                return disposal.Syntax.GetLocation();
            }

            /// <summary>
            /// Reports with the locations the fix reads (<see cref="DiagnosticProperties"/>): the spawn, the conflict (or
            /// none), and the host's waits on objects the work releases after its last use of the variable.
            /// </summary>
            private void Report(DiagnosticDescriptor descriptor, WorkInHost work, ISymbol variable, Location primary, Location? conflict, params object[] arguments) =>
                Report(descriptor, work, new List<ISymbol> { variable }, primary, conflict, null, arguments);

            // fix: the Fix property's value, for a diagnostic that a fix other than Run in a scope rewrites.
            private void Report(DiagnosticDescriptor descriptor, WorkInHost work, List<ISymbol> variables, Location primary, Location? conflict, string? fix, params object[] arguments)
            {
                if (conflict != null && conflict.IsInSource && conflict.SourceTree == work.Site.Operation.Syntax.SyntaxTree)
                {
                    _conflictsOfWork.Add(conflict);
                }

                var additional = new List<Location> { work.Site.Operation.Syntax.GetLocation() };
                var uses = work.Captures.Accesses.Where(a => variables.Contains(a.Place, SymbolEqualityComparer.Default)).Select(a => a.Reference).ToList();
                var waits = _model.Signals.HostWaits(work.Item, uses, work.Flow);
                if (conflict != null || waits.Count > 0)
                {
                    additional.Add(conflict ?? Location.None);
                }

                additional.AddRange(waits.Select(wait => wait.Wait.Syntax.GetLocation()));
                var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Api, work.Site.Api);
                if (fix != null)
                {
                    properties = properties.Add(DiagnosticProperties.Fix, fix);
                }

                _context.ReportDiagnostic(Diagnostic.Create(descriptor, primary, additional, properties, arguments));
            }
        }
    }
}
