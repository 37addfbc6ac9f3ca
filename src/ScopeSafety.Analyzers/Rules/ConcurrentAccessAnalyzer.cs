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
    /// SCOPE010–SCOPE012: races between pieces of code that may run at the same time — work items of a scope, of
    /// Parallel loops and PLINQ queries, unscoped lambdas, and the body that spawns them — as told by the
    /// may-happen-in-parallel model in <c>Concurrency/</c>. This file only turns the model's answers into reports.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ConcurrentAccessAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.DataRaceOnCapturedVariable,
            Descriptors.NonThreadSafeObjectSharedByConcurrentWork,
            Descriptors.LoopVariableCapturedByConcurrentWork);

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
            if (!symbols.HasAnyThreadApi && symbols.Tasks.Parallel == null && symbols.Runtime.Scope == null)
            {
                return;
            }

            var synchronization = SignalObjects.Create(symbols);
            var uiContext = AsyncMethodContinuation.HasUiContext(start.Compilation);
            // One reader of member accesses for the compilation: what it learns of a local (the member or element it holds)
            // holds for every block that walks the same callee.
            var accesses = new MemberAccesses(symbols);
            var callers = new CallersAfterCall(symbols, synchronization, accesses);
            var finder = new WorkItemFinder(new SpawnClassifier(symbols));
            var spawnOptions = new SpawnOptions.Cache(start.Options.AnalyzerConfigOptionsProvider);
            var safetyOptions = new ThreadSafetyOptions.Cache(start.Options.AnalyzerConfigOptionsProvider);
            start.RegisterSymbolStartAction(typeStart => CollectThreadSafeType(typeStart, symbols, safetyOptions, callers), SymbolKind.NamedType);
            start.RegisterOperationBlockStartAction(block =>
            {
                if (block.OwningSymbol is IMethodSymbol { MethodKind: MethodKind.Destructor } finalizer)
                {
                    block.RegisterOperationBlockEndAction(end => CheckFinalizer(end, finalizer, symbols, safetyOptions, accesses));
                }

                // An async iterator runs nothing when called: its code runs step by step as the caller enumerates it.
                if (block.OwningSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsAsync: true } asyncMethod && !IsIterator(asyncMethod))
                {
                    block.RegisterOperationBlockEndAction(end => CheckAsyncCallers(end, asyncMethod, callers, uiContext));
                }

                var items = new List<WorkItem>();
                block.RegisterOperationAction(
                    operationContext =>
                    {
                        var operation = operationContext.Operation;
                        var found = finder.Find(operation, spawnOptions.Get(operation.Syntax.SyntaxTree));
                        if (!found.IsEmpty)
                        {
                            lock (items)
                            {
                                items.AddRange(found);
                            }
                        }
                    },
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation,
                    OperationKind.EventAssignment);

                block.RegisterOperationBlockEndAction(end =>
                {
                    List<WorkItem> all;
                    lock (items)
                    {
                        all = new List<WorkItem>(items);
                    }

                    // Cheap filter: a race needs two items, an item that overlaps itself, or a spawned item beside its body.
                    if (all.Count == 0 || (all.Count == 1 && !all[0].Replicated && all[0].Shape == WorkShape.Blocking))
                    {
                        return;
                    }

                    all.Sort((a, b) => a.Site.Delegate.Syntax.SpanStart.CompareTo(b.Site.Delegate.Syntax.SpanStart));
                    var model = new MayRunInParallel(end, symbols, synchronization, new WorkItems(all));
                    var options = safetyOptions.Get(end.OwningSymbol.Locations.Length > 0 && end.OwningSymbol.Locations[0].SourceTree != null
                        ? end.OwningSymbol.Locations[0].SourceTree!
                        : all[0].Site.Operation.Syntax.SyntaxTree);
                    new Analysis(end, symbols, options, model, callers).Run();
                });
            });
        }

        /// <summary>SCOPE010/011 for a finalizer: its uses of statics against the other members of its type (<see cref="FinalizerRaces"/>).</summary>
        private static void CheckFinalizer(OperationBlockAnalysisContext context, IMethodSymbol finalizer, KnownSymbols symbols, ThreadSafetyOptions.Cache safetyOptions, MemberAccesses accesses)
        {
            var body = BodyOf(context);
            if (body == null || finalizer.Locations.Length == 0 || !(finalizer.Locations[0].SourceTree is { } tree))
            {
                return;
            }

            var finalizerSide = "the finalizer of " + finalizer.ContainingType.Name + " (on the finalizer thread)";
            foreach (var race in new FinalizerRaces(symbols, safetyOptions.Get(tree), accesses).Find(finalizer, body))
            {
                var other = race.Other;
                var memberSide = MemberName(race.Member) + " at line " + Analysis.Line(other.Operation) + (other.Via == null ? "" : " (in " + other.Via + ")");
                context.ReportDiagnostic(RaceDiagnostic(race.Place.Root, race.Place.Name, race.IsObject, null, race.Finalizer, Sides(race.Finalizer, finalizerSide, other, memberSide, race.IsObject),
                    new[] { finalizer.Locations[0], other.Operation.Syntax.GetLocation() }, DiagnosticProperties.OtherSideMember));
            }
        }

        /// <summary>
        /// SCOPE010/011 for a type declared thread-safe: the bodies of the members its users call are gathered as the type is
        /// analysed, and compared with each other at its end (<see cref="ThreadSafeTypes"/>).
        /// </summary>
        private static void CollectThreadSafeType(SymbolStartAnalysisContext context, KnownSymbols symbols, ThreadSafetyOptions.Cache safetyOptions, CallersAfterCall callers)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var tree = type.Locations.FirstOrDefault(location => location.IsInSource)?.SourceTree;
            if (tree == null || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return;
            }

            if (!ThreadSafeTypes.IsDeclared(type, symbols, safetyOptions.Get(tree)))
            {
                return;
            }

            var members = new List<(IMethodSymbol Member, IOperation Body)>();
            context.RegisterOperationBlockAction(block =>
            {
                if (block.OwningSymbol is IMethodSymbol member && SymbolEqualityComparer.Default.Equals(member.ContainingType, type) &&
                    ThreadSafeTypes.IsComparedWithOthers(member) && BodyOf(block) is { } body)
                {
                    lock (members)
                    {
                        members.Add((member, body));
                    }
                }
            });
            context.RegisterSymbolEndAction(end =>
            {
                List<(IMethodSymbol Member, IOperation Body)> all;
                lock (members)
                {
                    all = new List<(IMethodSymbol, IOperation)>(members);
                }

                // Declaration order, whatever order the blocks were analysed in: the first write reported is the first in the text.
                all.Sort((a, b) => CompareLocations(a.Body.Syntax, b.Body.Syntax));
                foreach (var race in new ThreadSafeTypes(symbols, safetyOptions.Get(tree), callers).Find(all))
                {
                    var write = race.Write;
                    var other = race.Other;
                    var writer = MemberName(race.Writer) + " at line " + Analysis.Line(write.Operation) + (write.Via == null ? "" : " (in " + write.Via + ")");
                    var otherSide = (race.SameMember ? "another call of " + MemberName(race.OtherMember) : "a call of " + MemberName(race.OtherMember) + " at line " + Analysis.Line(other.Operation) + FileOf(other, write)) +
                                    (other.Via == null || race.SameMember ? "" : " (in " + other.Via + ")") + " at the same time (" + type.Name + " is declared thread-safe)";
                    end.ReportDiagnostic(RaceDiagnostic(race.Place.Root, race.Place.Name, race.IsObject, null, write, Sides(write, writer, other, otherSide, race.IsObject),
                        new[] { race.Writer.Locations[0], other.Operation.Syntax.GetLocation() }, DiagnosticProperties.OtherSideConcurrentMember));
                }
            });
        }

        /// <summary>" of Client.Dispose.cs" when <paramref name="other"/> is in another file than <paramref name="mine"/> (a part of a partial class); else nothing.</summary>
        private static string FileOf(Access other, Access mine) =>
            other.Operation.Syntax.SyntaxTree == mine.Operation.Syntax.SyntaxTree ? "" : " of " + System.IO.Path.GetFileName(other.Operation.Syntax.SyntaxTree.FilePath);

        private static int CompareLocations(SyntaxNode a, SyntaxNode b)
        {
            var byFile = string.CompareOrdinal(a.SyntaxTree.FilePath, b.SyntaxTree.FilePath);
            return byFile != 0 ? byFile : a.SpanStart.CompareTo(b.SpanStart);
        }

        /// <summary>
        /// SCOPE010 for an async method: its code after an await against its callers' code after a call they do not await
        /// at once (<see cref="AsyncMethodContinuation"/>, <see cref="CallersAfterCall"/>).
        /// </summary>
        private static void CheckAsyncCallers(OperationBlockAnalysisContext context, IMethodSymbol method, CallersAfterCall callers, bool uiContext)
        {
            var block = BodyOf(context);
            if (block == null || !(block.SemanticModel is { } model))
            {
                return;
            }

            // Most async calls are awaited where they are made: then nothing of the caller runs beside the continuation.
            // The callers are read first because the method's own code is read further down its calls.
            var shared = callers.PlacesOfCallers(method, model);
            if (shared.Count == 0)
            {
                return;
            }

            var body = Functions.Root(block);
            var graph = context.GetControlFlowGraph(block);
            var continuation = AsyncMethodContinuation.AccessesAfterAwait(body, new FlowIndex(graph), method, callers.Accesses, uiContext || AsyncMethodContinuation.RunsInTurns(method.ContainingType));
            if (continuation.Count == 0)
            {
                return;
            }

            var byPlace = new Dictionary<Place, List<(Access Access, int AwaitLine)>>();
            foreach (var (place, access, line) in continuation)
            {
                if (!shared.Contains(place))
                {
                    continue;
                }

                if (!byPlace.TryGetValue(place, out var list))
                {
                    list = new List<(Access, int)>();
                    byPlace.Add(place, list);
                }

                list.Add((access, line));
            }

            // One caller beside the continuation is one cause, however many fields they share: reported once, at the first.
            var reported = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var entry in byPlace)
            {
                var uses = entry.Value.ConvertAll(u => u.Access);
                if (!(callers.FirstRace(method, model, null, entry.Key, uses, reported.Contains, body) is { } race))
                {
                    continue;
                }

                reported.Add(race.Caller);

                var awaitLine = entry.Value.Find(u => u.Access == race.Mine).AwaitLine;
                var mine = method.Name + " after its await at line " + awaitLine;
                var theirs = CallerSide(race.Caller, race.Theirs, method, race.CallLine);
                context.ReportDiagnostic(RaceDiagnostic(entry.Key.Root, entry.Key.Name, false, null, race.Mine, Sides(race.Mine, mine, race.Theirs, theirs, false),
                    new[] { method.Locations[0], race.Theirs.Operation.Syntax.GetLocation() }, DiagnosticProperties.OtherSideCaller));
            }
        }

        /// <summary>
        /// A method whose body yields (an async iterator): calling it runs none of its code. Only a method returning an
        /// async enumerable or enumerator can be one, so no other method's text is searched.
        /// </summary>
        private static bool IsIterator(IMethodSymbol method) =>
            method.ReturnType.Name is "IAsyncEnumerable" or "IAsyncEnumerator" &&
            method.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes(node => !(node is AnonymousFunctionExpressionSyntax) && !(node is LocalFunctionStatementSyntax))
                .OfType<YieldStatementSyntax>().Any());

        /// <summary>The body block of the member an operation block action analyses.</summary>
        private static IOperation? BodyOf(OperationBlockAnalysisContext context) =>
            context.OperationBlocks.FirstOrDefault(b => b.Kind == OperationKind.Block || b.Kind == OperationKind.MethodBody);

        /// <summary>
        /// How a report of two racing sides reads: the side that writes is named first ("… is written by …"), and the other
        /// side "may also write", "may also mutate" or "may read" it.
        /// </summary>
        private static (string Writer, string Other, string Verb) Sides(Access mine, string mineSide, Access theirs, string theirSide, bool isObject) =>
            mine.IsWrite
                ? (mineSide, theirSide, theirs.IsWrite ? AlsoWriteVerb(isObject) : theirs.ReadVerb)
                : (theirSide, mineSide, mine.ReadVerb);

        /// <summary>
        /// What a report says the other side does when both sides write: "also write", or for an object "also mutate". The
        /// fixes learn the same from <see cref="DiagnosticProperties.BothWrite"/>, set where the report is made.
        /// </summary>
        private static string AlsoWriteVerb(bool isObject) => isObject ? "also mutate" : "also write";

        /// <summary>The SCOPE010 (or, for an object, SCOPE011) diagnostic at <paramref name="primary"/>, with what the fixes read.</summary>
        private static Diagnostic RaceDiagnostic(ISymbol shared, string name, bool isObject, string? typeName, Access primary, (string Writer, string Other, string Verb) sides, Location[] additional, string otherSide,
            IFieldSymbol? field = null, bool besideMembers = false)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Variable, name).Add(DiagnosticProperties.OtherSide, otherSide);
            if (besideMembers)
            {
                properties = properties.Add(DiagnosticProperties.BesideMembers, "true");
            }

            if (sides.Verb == AlsoWriteVerb(isObject))
            {
                properties = properties.Add(DiagnosticProperties.BothWrite, "true");
            }

            if (field != null && DocumentationCommentId.CreateDeclarationId(field) is { } fieldId)
            {
                properties = properties.Add(DiagnosticProperties.Field, fieldId);
            }

            return isObject
                ? Diagnostic.Create(Descriptors.NonThreadSafeObjectSharedByConcurrentWork, primary.Operation.Syntax.GetLocation(), additional, properties,
                    name, typeName ?? Places.TypeNameOf(shared), sides.Writer, sides.Other, sides.Verb)
                : Diagnostic.Create(Descriptors.DataRaceOnCapturedVariable, primary.Operation.Syntax.GetLocation(), additional, properties,
                    name, sides.Writer, sides.Other, sides.Verb);
        }

        /// <summary>How a report names a caller's access after its call: "Test.Do at line 19 (after it calls Init at line 18)".</summary>
        private static string CallerSide(IMethodSymbol caller, Access access, IMethodSymbol called, int callLine) =>
            MemberName(caller) + " at line " + Analysis.Line(access.Operation) + (access.Via == null ? "" : " (in " + access.Via + ")") +
            " (after it calls " + called.Name + " at line " + callLine + ")";

        /// <summary>
        /// How a report names a member: "the constructor of Block", "Block.Add", "Block.Count", and an explicit interface
        /// implementation as it is written ("Block.IDisposable.Dispose", "Block.IEnumerable&lt;int&gt;.GetEnumerator").
        /// </summary>
        private static string MemberName(IMethodSymbol member) =>
            member.MethodKind == MethodKind.Constructor
                ? "the constructor of " + member.ContainingType.Name
                : member.MethodKind == MethodKind.ExplicitInterfaceImplementation && member.ExplicitInterfaceImplementations.Length > 0
                    ? member.ContainingType.Name + "." + member.ExplicitInterfaceImplementations[0].ContainingType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "." +
                      member.ExplicitInterfaceImplementations[0].Name
                    : member.ContainingType.Name + "." + (member.AssociatedSymbol?.Name ?? member.Name);

        private sealed class Analysis
        {
            private readonly OperationBlockAnalysisContext _context;
            private readonly KnownSymbols _symbols;
            private readonly MayRunInParallel _model;
            private readonly SharedPlaces _places;
            private readonly CallersAfterCall _callers;
            private readonly HashSet<(ISymbol, IOperation, IOperation)> _reported = new HashSet<(ISymbol, IOperation, IOperation)>();
            private readonly Dictionary<(IOperation, bool, string, int, string?, int?), List<string>> _reportedNames = new Dictionary<(IOperation, bool, string, int, string?, int?), List<string>>();
            // The work items and the other methods (members beside them, callers after the call) already reported against them.
            private readonly HashSet<(IOperation, IMethodSymbol)> _membersReported = new HashSet<(IOperation, IMethodSymbol)>();
            // The member races reported, by the member, the place and the two accesses: work started twice in the method
            // (a listener loop per socket) races with a member through the same two lines, one cause.
            private readonly HashSet<(IMethodSymbol, string, SyntaxNode, SyntaxNode)> _memberPairsReported = new HashSet<(IMethodSymbol, string, SyntaxNode, SyntaxNode)>();
            private readonly Dictionary<WorkItem, bool> _leftRunning = new Dictionary<WorkItem, bool>();
            // The self-races of a periodic timer's runs, by the work and the rule, in the order found: one report per work and
            // rule at the end (see SelfRace).
            private readonly Dictionary<(IOperation, bool), List<TickRace>> _tickRaces = new Dictionary<(IOperation, bool), List<TickRace>>();
            private readonly List<List<TickRace>> _tickOrder = new List<List<TickRace>>();

            public Analysis(OperationBlockAnalysisContext context, KnownSymbols symbols, ThreadSafetyOptions options, MayRunInParallel model, CallersAfterCall callers)
            {
                _context = context;
                _symbols = symbols;
                _model = model;
                _callers = callers;
                _places = new SharedPlaces(symbols, options, model.Items, callers.Accesses);
            }

            public void Run()
            {
                foreach (var (symbol, isObject) in _places.Order)
                {
                    if (isObject)
                    {
                        CheckObject(symbol, _places.Objects[symbol]);
                    }
                    else
                    {
                        CheckVariable(symbol, _places.Variables[symbol]);
                    }
                }

                foreach (var place in _places.MemberOrder)
                {
                    CheckMember(place, _places.Members[place]);
                }

                foreach (var (place, typeName) in _places.MemberObjectOrder)
                {
                    CheckMemberObject(place, typeName, _places.MemberObjects[place]);
                }

                foreach (var races in _tickOrder)
                {
                    // At the place that comes first in the code (a method run by the timer reports them all at its name),
                    // naming the rest in the order they come.
                    var ordered = races.OrderBy(r => r.Start).ThenBy(r => r.Within).ToList();
                    var others = ordered.Skip(1).Select(r => r.Name).Where(n => n != ordered[0].Name).Distinct().ToList();
                    ordered[0].Report(TickRaces.OtherPlaces(others));
                }
            }

            /// <summary>A place a periodic timer's runs race on, and how to report it, given what to add to its other side.</summary>
            private sealed class TickRace
            {
                public TickRace(string name, Access access, System.Action<string> report)
                {
                    Name = name;
                    Start = access.Operation.Syntax.SpanStart;
                    Within = access.Reference.Syntax.SpanStart;
                    Report = report;
                }

                public string Name { get; }

                /// <summary>Where the report would be.</summary>
                public int Start { get; }

                /// <summary>Where the access is made, in the method the timer runs when the report is at its name.</summary>
                public int Within { get; }

                public System.Action<string> Report { get; }
            }

            // ---- SCOPE010 and SCOPE012: captured variables ------------------------------------------------

            private void CheckVariable(ISymbol variable, Dictionary<WorkItem, List<Access>> byItem)
            {
                var items = Ordered(byItem);
                var covered = new HashSet<(WorkItem, WorkItem)>();
                foreach (var item in items)
                {
                    var uses = byItem[item];
                    if (CheckLoopVariable(variable, item, uses))
                    {
                        continue;
                    }

                    if (SelfRace(variable, variable.Name, item, uses, isObject: false))
                    {
                        continue;
                    }

                    if (PairRace(variable, variable.Name, item, uses, items, byItem, covered, isObject: false))
                    {
                        continue;
                    }

                    if (!item.CapturesAreScope002s)
                    {
                        HostRace(variable, variable.Name, item, uses, isObject: false, _places.HostAccesses(item, variable, isObject: false).Accesses);
                    }
                }
            }

            // ---- SCOPE010: statics, fields and array elements -----------------------------------------------

            /// <summary>
            /// A member place races like a variable; against the host also for unscoped work (SCOPE002 speaks only of
            /// captured variables).
            /// </summary>
            private void CheckMember(Place place, Dictionary<WorkItem, List<Access>> byItem)
            {
                var items = Ordered(byItem);
                var covered = new HashSet<(WorkItem, WorkItem)>();
                foreach (var item in items)
                {
                    var uses = byItem[item];
                    if (SelfRace(place.Root, place.Name, item, uses, isObject: false, member: true) ||
                        PairRace(place.Root, place.Name, item, uses, items, byItem, covered, isObject: false))
                    {
                        continue;
                    }

                    if (!HostRace(place.Root, place.Name, item, uses, isObject: false, _places.HostMemberAccesses(item, place)) && !CallerRace(place, item, uses))
                    {
                        MemberRace(place, item, uses, isObject: false);
                    }
                }
            }

            /// <summary>
            /// Unscoped work a member starts and leaves running against the type's other members, which its users may call
            /// while it runs (<see cref="CallersAfterCall.FirstMemberRace"/>): a loop that reads <c>_running</c> beside a
            /// <c>Stop()</c> that clears it, or that takes from <c>_items</c> beside an <c>Add</c> that adds to it.
            /// </summary>
            private void MemberRace(Place place, WorkItem item, List<Access> uses, bool isObject)
            {
                // One member beside the work is one cause, however many fields they share (a Dispose that clears them
                // all): reported once, at the first; the search for another place goes on past it to the next member.
                var work = item.Body ?? item.Site.Operation;
                if (!LeftRunning(item) || !(StartingMember is { } method) ||
                    !(_callers.FirstMemberRace(method, item, HeldIn(item), place, isObject, uses, member => _membersReported.Contains((work, member))) is { } race))
                {
                    return;
                }

                _membersReported.Add((work, race.Member));
                if (!_memberPairsReported.Add((race.Member, place.Name, race.Mine.Reference.Syntax, race.Theirs.Reference.Syntax)))
                {
                    return;
                }

                var other = race.Theirs;
                var memberSide = MemberName(race.Member) + " at line " + Line(other.Operation) + FileOf(other, race.Mine) + (other.Via == null ? "" : " (in " + other.Via + ")");
                var sides = Sides(race.Mine, item.DescriptionOf(race.Mine), other, memberSide, isObject);
                Report(place.Root, place.Name, isObject, race.Mine, sides.Writer, sides.Other, sides.Verb, item, other.Operation, DiagnosticProperties.OtherSideTypeMember,
                    isObject ? Places.TypeNameOf(place.Root) : null, place.Path.Length == 0 ? place.Root as IFieldSymbol : null);
            }

            /// <summary>The work is left running beside another member of the type that uses the place (<see cref="MemberRace"/>), reported or not.</summary>
            private bool BesideMembers(Place place, WorkItem item, List<Access> uses) =>
                LeftRunning(item) && StartingMember is { } method && _callers.FirstMemberRace(method, item, HeldIn(item), place, isObject: true, uses, _ => false) != null;

            /// <summary>
            /// The member whose code starts the work: the analysed method, or for a field's or property's initializer
            /// (<c>static readonly Timer Renew = new Timer(RenewAll, null, 5000, 2000);</c>) the constructor that runs it, the
            /// static one for a static field. Its work then runs beside the type's members as work a constructor starts does.
            /// </summary>
            private IMethodSymbol? StartingMember => _context.OwningSymbol switch
            {
                IMethodSymbol method => method,
                IFieldSymbol or IPropertySymbol when _context.OwningSymbol.ContainingType is { } type =>
                    _context.OwningSymbol.IsStatic ? type.StaticConstructors.FirstOrDefault() : type.InstanceConstructors.FirstOrDefault(),
                _ => null,
            };

            /// <summary>The field of this object the member keeps the work's handles in, when it keeps them in a collection or stores them later (see <see cref="HandleTracker.HeldIn"/>).</summary>
            private ISymbol? HeldIn(WorkItem item) => _model.LifetimeOf(item)?.Handle?.HeldIn;

            /// <summary>Unscoped work started in the member's own code, not in a lambda of it.</summary>
            private static bool StartedHere(WorkItem item) => item.IsUnscoped && item.Shape == WorkShape.Spawned && item.Host.Parent == null;

            /// <summary>Unscoped work started in the member's own code that may still run when the member returns.</summary>
            private bool LeftRunning(WorkItem item)
            {
                if (!_leftRunning.TryGetValue(item, out var left))
                {
                    left = StartedHere(item) && _model.MayOutliveHost(item);
                    _leftRunning.Add(item, left);
                }

                return left;
            }

            /// <summary>
            /// Unscoped work the method leaves running against its callers' code after the call (<see cref="CallersAfterCall"/>):
            /// <c>Start(); _running = true;</c> beside a loop that reads <c>_running</c>, or with <paramref name="isObject"/>
            /// <c>Start(); _pending.Clear();</c> beside a loop that adds to the list a field holds.
            /// </summary>
            private bool CallerRace(Place place, WorkItem item, List<Access> uses, bool isObject = false)
            {
                if (!StartedHere(item) || !(_context.OwningSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method) ||
                    !(LeftRunning(item) || _model.MayRunPastAnAwait(item)))
                {
                    return false;
                }

                // One caller beside the work is one cause, however many fields they share (a health check that reads each
                // task field the work clears): reported once, at the first.
                var work = item.Body ?? item.Site.Operation;
                if (!(_callers.FirstRace(method, item, HeldIn(item), place, uses, caller => _membersReported.Contains((work, caller)), isObject) is { } race))
                {
                    return false;
                }

                _membersReported.Add((work, race.Caller));

                var sides = Sides(race.Mine, item.DescriptionOf(race.Mine), race.Theirs, CallerSide(race.Caller, race.Theirs, method, race.CallLine), isObject);
                Report(place.Root, place.Name, isObject, race.Mine, sides.Writer, sides.Other, sides.Verb, item, race.Theirs.Operation, DiagnosticProperties.OtherSideCaller,
                    isObject ? Places.TypeNameOf(place.Root) : null, place.Path.Length == 0 ? place.Root as IFieldSymbol : null);
                return true;
            }

            /// <summary>SCOPE012: a for variable read by the item while the loop may already have moved it on.</summary>
            private bool CheckLoopVariable(ISymbol variable, WorkItem item, List<Access> uses)
            {
                if (item.Shape == WorkShape.Blocking || !ForLoops.IsLoopVariable(variable))
                {
                    return false;
                }

                var writes = new List<IOperation>();
                foreach (var reference in _places.HostReferences(item.Host, variable))
                {
                    if (AccessCollector.Kind(reference).Write)
                    {
                        writes.Add(reference);
                    }
                }

                if (_model.HostAccessesDuring(item, writes, variable).Count == 0)
                {
                    return false;
                }

                var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Variable, variable.Name);
                _context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.LoopVariableCapturedByConcurrentWork,
                    uses[0].Operation.Syntax.GetLocation(),
                    new[] { item.Site.Operation.Syntax.GetLocation() },
                    properties,
                    variable.Name,
                    item.Description));
                return true;
            }

            // ---- SCOPE011: non-thread-safe objects --------------------------------------------------------

            private void CheckObject(ISymbol shared, Dictionary<WorkItem, List<Access>> byItem)
            {
                var items = Ordered(byItem);
                var covered = new HashSet<(WorkItem, WorkItem)>();
                foreach (var item in items)
                {
                    var uses = byItem[item];
                    var heldByMember = shared is IFieldSymbol || shared is IPropertySymbol;
                    if (SelfRace(shared, shared.Name, item, uses, isObject: true, besideMembers: () => heldByMember && BesideMembers(CallersAfterCall.ObjectPlace(shared), item, uses)) ||
                        PairRace(shared, shared.Name, item, uses, items, byItem, covered, isObject: true))
                    {
                        continue;
                    }

                    if (!HostRace(shared, shared.Name, item, uses, isObject: true, _places.HostAccesses(item, shared, isObject: true).Accesses) && heldByMember &&
                        !CallerRace(CallersAfterCall.ObjectPlace(shared), item, uses, isObject: true))
                    {
                        MemberRace(CallersAfterCall.ObjectPlace(shared), item, uses, isObject: true);
                    }
                }
            }

            /// <summary>An object held in a member or an element of a shared object (<c>buffer.elements</c>, <c>buckets[]</c>) is checked like a shared object.</summary>
            private void CheckMemberObject(Place place, string typeName, Dictionary<WorkItem, List<Access>> byItem)
            {
                var items = Ordered(byItem);
                var covered = new HashSet<(WorkItem, WorkItem)>();
                foreach (var item in items)
                {
                    var uses = byItem[item];
                    if (SelfRace(place.Root, place.Name, item, uses, isObject: true, typeName: typeName) ||
                        PairRace(place.Root, place.Name, item, uses, items, byItem, covered, isObject: true, typeName))
                    {
                        continue;
                    }

                    HostRace(place.Root, place.Name, item, uses, isObject: true, _places.HostMemberObjectUses(item, place), typeName);
                }
            }

            // ---- the three kinds of "other side" ----------------------------------------------------------

            private bool SelfRace(ISymbol shared, string name, WorkItem item, List<Access> uses, bool isObject, bool member = false, string? typeName = null,
                System.Func<bool>? besideMembers = null)
            {
                if (!isObject && !member && item.CapturesAreScope002s)
                {
                    return false;
                }

                var first = _model.SelfRace(item, uses, shared);
                if (first == null)
                {
                    return false;
                }

                // The other run makes the same write unless that write is excluded there (a lock, its own element): then it races with a read.
                var verb = Access.Conflict(first, first, sameItem: true) ? AlsoWriteVerb(isObject) : first.ReadVerb;
                void ReportAs(string other) => Report(shared, name, isObject, first, item.DescriptionOf(first), other, verb, item, null, DiagnosticProperties.OtherSideItem, typeName,
                    besideMembers: besideMembers?.Invoke() == true);

                if (!item.Site.Ticks)
                {
                    ReportAs("another run of the same work");
                    return true;
                }

                // A timer's runs overlapping is one cause whatever they share, cured once (runs that do not overlap): one
                // report per work, naming the other places, where a Parallel body's places are each a bug. Per rule, as
                // teams set SCOPE010 and SCOPE011 apart: the objects' report stays a SCOPE011.
                var key = (item.Body ?? item.Site.Operation, isObject);
                if (!_tickRaces.TryGetValue(key, out var races))
                {
                    races = new List<TickRace>();
                    _tickRaces.Add(key, races);
                    _tickOrder.Add(races);
                }

                races.Add(new TickRace(name, first, suffix => ReportAs("another run of the same work" + suffix)));
                return true;
            }

            private bool PairRace(ISymbol shared, string name, WorkItem item, List<Access> uses, List<WorkItem> items, Dictionary<WorkItem, List<Access>> byItem, HashSet<(WorkItem, WorkItem)> covered, bool isObject, string? typeName = null)
            {
                foreach (var other in items)
                {
                    if (other == item || covered.Contains((other, item)))
                    {
                        continue;
                    }

                    if (!(_model.PairRace(item, uses, other, byItem[other], shared) is { } pair))
                    {
                        continue;
                    }

                    var (mine, theirs) = pair;

                    covered.Add((item, other));
                    Report(shared, name, isObject, mine, item.DescriptionOf(mine), other.DescriptionOf(theirs), theirs.IsWrite ? AlsoWriteVerb(isObject) : theirs.ReadVerb, item, theirs.Operation, DiagnosticProperties.OtherSideItem, typeName);
                    return true;
                }

                return false;
            }

            private bool HostRace(ISymbol shared, string name, WorkItem item, List<Access> uses, bool isObject, List<Access> hostUses, string? typeName = null)
            {
                if (item.Shape == WorkShape.Blocking || hostUses.Count == 0)
                {
                    return false;
                }

                var operations = hostUses.ConvertAll(u => u.Operation);

                var body = HostName(item);
                foreach (var index in _model.HostAccessesDuring(item, operations, shared, uses.ConvertAll(u => u.MadeIn(item.Body))))
                {
                    var host = hostUses[index];
                    foreach (var mine in uses)
                    {
                        if (!Access.Conflict(mine, host) || (IsMember(shared) && Access.ReadsAWholeValue(mine, host)) || _model.MadeBeforeItYields(item, mine) || _model.HostSignalsBefore(item, mine.MadeIn(item.Body), host.Operation, shared) ||
                            _model.MeetsOnlyInOtherIterations(item, mine, host) || _model.HostWaitsAfterUse(item, mine.MadeIn(item.Body), host.Operation, shared) ||
                            _model.OnOneContextWithHost(item, mine, host) || SynchronousCompletion.Excludes(item, mine, host))
                        {
                            continue;
                        }

                        var hostSide = body + " at line " + Line(host.Operation) + (host.Via == null ? "" : " (in " + host.Via + ")");
                        var sides = Sides(mine, item.DescriptionOf(mine), host, hostSide, isObject);
                        Report(shared, name, isObject, mine, sides.Writer, sides.Other, sides.Verb, item, host.Operation, DiagnosticProperties.OtherSideBody, typeName);

                        return true;
                    }
                }

                return false;
            }

            // A field's counter read by the method that started the work is read as the type's other members read it (a log
            // line, a heuristic); a captured local read before a join is the caller's own result, not yet complete.
            private static bool IsMember(ISymbol shared) => shared is not (ILocalSymbol or IParameterSymbol);

            // One write reported under two names of one chain against one other side is one cause: 'progress' and
            // 'progress.Status' for a write to a struct local's field, or a lazily created field and the members its creator
            // sets on the new object (the getter called by the work). Reported once, under the name found first, per work,
            // rule, line and other side (another member that writes the field itself is another cause).
            private bool NewChain(string name, bool isObject, Access primary, WorkItem item, IOperation? otherUse)
            {
                var line = primary.Operation.Syntax.GetLocation().GetLineSpan();
                var other = otherUse?.Syntax.GetLocation().GetLineSpan();
                var key = (item.Body ?? item.Site.Operation, isObject, line.Path, line.StartLinePosition.Line, other?.Path, other?.StartLinePosition.Line);
                if (!_reportedNames.TryGetValue(key, out var names))
                {
                    _reportedNames.Add(key, new List<string> { name });
                    return true;
                }

                if (names.Exists(n => Place.NameExtends(name, n) || Place.NameExtends(n, name)))
                {
                    return false;
                }

                names.Add(name);
                return true;
            }

            private string HostName(WorkItem item) =>
                item.Host.Parent is IAnonymousFunctionOperation { Parent: IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation run } } } &&
                KnownSymbols.Is(run.TargetMethod.ContainingType, _symbols.Runtime.Scope) && (run.TargetMethod.Name == "Run" || run.TargetMethod.Name == "RunAsync")
                    ? "the scope body"
                    : "the method";

            public static int Line(IOperation operation) => operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

            private static List<WorkItem> Ordered(Dictionary<WorkItem, List<Access>> byItem)
            {
                var items = new List<WorkItem>(byItem.Keys);
                items.Sort((a, b) => a.Site.Delegate.Syntax.SpanStart.CompareTo(b.Site.Delegate.Syntax.SpanStart));
                return items;
            }

            private void Report(ISymbol shared, string name, bool isObject, Access primary, string writer, string other, string verb, WorkItem item, IOperation? otherUse, string otherSide, string? typeName = null,
                IFieldSymbol? field = null, bool besideMembers = false)
            {
                // One handler subscribed to several events (a watcher's Changed, Created and Deleted), or one method
                // started at several sites, races the same other access for one cause: reported once.
                if (otherUse != null && item.Body != null && !_reported.Add((shared, item.Body, otherUse)))
                {
                    return;
                }

                if (!NewChain(name, isObject, primary, item, otherUse))
                {
                    return;
                }

                var additional = otherUse == null
                    ? new[] { item.Site.Operation.Syntax.GetLocation() }
                    : new[] { item.Site.Operation.Syntax.GetLocation(), otherUse.Syntax.GetLocation() };
                _context.ReportDiagnostic(RaceDiagnostic(shared, name, isObject, typeName, primary, (writer, other, verb), additional, otherSide, field, besideMembers));
            }
        }
    }
}
