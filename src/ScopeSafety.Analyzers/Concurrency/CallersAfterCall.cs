using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Work that a method starts and leaves running (a thread, a task, a timer not joined before it returns) runs beside
    /// the code its callers run after the call: <c>Start(); _running = true;</c> against a loop that reads
    /// <c>_running</c>. Only callers in the method's own file that call it on this (or a static method) are read, and
    /// only their own code after the call, up to anything that may wait for the work: a wait, an await of a task that can
    /// reach the work (CallersAfterCall.Awaits.cs), a use of the field the method stores the work's handle in, or a call of
    /// a method of the type that does either.
    /// Places are fields of this and statics, so that both sides name the same object. The type's other members are read
    /// the same way (<see cref="FirstMemberRace"/>): its users may call them, from any thread, while the work runs.
    /// </summary>
    internal sealed partial class CallersAfterCall
    {
        private readonly KnownSymbols _symbols;
        private readonly SignalObjects _signals;
        private readonly MemberAccesses _accesses;
        // Shared by the analyses of one compilation, which run at the same time: a caller is read once for all the
        // methods it calls.
        private readonly ConcurrentDictionary<IMethodSymbol, List<(SyntaxNode, IMethodSymbol, IOperation)>> _calls =
            new ConcurrentDictionary<IMethodSymbol, List<(SyntaxNode, IMethodSymbol, IOperation)>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IOperation, Uses> _callers = new ConcurrentDictionary<IOperation, Uses>();
        private readonly ConcurrentDictionary<IMethodSymbol, IOperation?> _memberBodies = new ConcurrentDictionary<IMethodSymbol, IOperation?>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IOperation, HashSet<IMethodSymbol>> _reachedByWork = new ConcurrentDictionary<IOperation, HashSet<IMethodSymbol>>();
        private readonly ConcurrentDictionary<IOperation, WorkTrace?> _sharedByWork = new ConcurrentDictionary<IOperation, WorkTrace?>();
        private readonly ConcurrentDictionary<IOperation, Dictionary<(SyntaxNode, OperationKind), IOperation>> _originals =
            new ConcurrentDictionary<IOperation, Dictionary<(SyntaxNode, OperationKind), IOperation>>();
        private readonly ConcurrentDictionary<(IOperation Member, IOperation Spawn), bool> _besideWork = new ConcurrentDictionary<(IOperation, IOperation), bool>();
        private readonly ConcurrentDictionary<INamedTypeSymbol, List<(IMethodSymbol, HashSet<string>)>> _entryPoints =
            new ConcurrentDictionary<INamedTypeSymbol, List<(IMethodSymbol, HashSet<string>)>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _keptRunning = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _monitorWaits = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IOperation, FlowIndex?> _flows = new ConcurrentDictionary<IOperation, FlowIndex?>();
        private readonly ConcurrentDictionary<(IOperation Body, ISymbol? Handle, WorkTrace? Shared), List<FlowPoint>> _waits =
            new ConcurrentDictionary<(IOperation, ISymbol?, WorkTrace?), List<FlowPoint>>();

        /// <summary>A caller's own code is read with the methods it calls, one call deep: a long caller reaches much code further down.</summary>
        public const int CallerDepth = 1;

        public CallersAfterCall(KnownSymbols symbols, SignalObjects signals, MemberAccesses accesses)
        {
            _symbols = symbols;
            _signals = signals;
            _accesses = accesses;
        }

        /// <summary>The compilation's reader of member accesses, which every analysis of it shares.</summary>
        public MemberAccesses Accesses => _accesses;

        /// <summary>
        /// The first access of <paramref name="place"/> in a caller of <paramref name="method"/> after the call that
        /// conflicts with one of <paramref name="uses"/> (the work's), with that use; null when there is none.
        /// </summary>
        public (Access Mine, Access Theirs, IMethodSymbol Caller, int CallLine)? FirstRace(IMethodSymbol method, WorkItem item, ISymbol? heldIn, Place place, List<Access> uses,
            System.Func<IMethodSymbol, bool> skip, bool isObject = false) =>
            item.Host.SemanticModel is { } model ? FirstRace(method, model, HandleMemberOf(item.Site.Operation) ?? heldIn, place, uses, skip, item.Body, SharedBy(item), isObject) : null;

        /// <summary>
        /// As above, for work whose handle, if the method keeps one, is in <paramref name="handle"/>; callers for which
        /// <paramref name="skip"/> holds are passed over. <paramref name="usesBody"/>: the code that makes
        /// <paramref name="uses"/>, when known; a use and a caller's access that both run on one context's thread do not
        /// race (<see cref="ContextSwitches"/>).
        /// </summary>
        public (Access Mine, Access Theirs, IMethodSymbol Caller, int CallLine)? FirstRace(IMethodSymbol method, SemanticModel model, ISymbol? handle, Place place, List<Access> uses,
            System.Func<IMethodSymbol, bool> skip, IOperation? usesBody) =>
            FirstRace(method, model, handle, place, uses, skip, usesBody, SharedBy(usesBody, method), isObject: false);

        /// <summary>
        /// As above, with what the work's code uses (<see cref="SharedBy(WorkItem)"/>; null where unknown); with
        /// <paramref name="isObject"/>, <paramref name="place"/> stands for the object a field holds
        /// (<see cref="ObjectPlace"/>) and the callers' uses of that object are read.
        /// </summary>
        private (Access Mine, Access Theirs, IMethodSymbol Caller, int CallLine)? FirstRace(IMethodSymbol method, SemanticModel model, ISymbol? handle, Place place, List<Access> uses,
            System.Func<IMethodSymbol, bool> skip, IOperation? usesBody, WorkTrace? shared, bool isObject)
        {
            if (!IsSharedWithCallers(place, method))
            {
                return null;
            }

            foreach (var (call, caller, body) in CallsThatGoOn(method, model))
            {
                var callerUses = UsesOf(body, caller);
                if (!skip(caller) && (isObject ? callerUses.Objects : callerUses.Places).TryGetValue(place, out var theirs) && FlowOf(body) is { } flow && flow.PointOf(call, call.Span.End) is { } after &&
                    FirstConflictReached(flow, body, caller, handle, shared, after, theirs, uses,
                        (a, b) => Access.Conflict(a, b) && !ContextSwitches.OnOneContext(usesBody, a, body, b, _symbols)) is { } race)
                {
                    return (race.Mine, race.Theirs, caller, call.GetLocation().GetLineSpan().StartLinePosition.Line + 1);
                }
            }

            return null;
        }

        /// <summary>
        /// The first of <paramref name="theirs"/> that the code reaches from <paramref name="start"/> before anything that
        /// may wait for the work, and that conflicts with one of <paramref name="uses"/>, with that use; null when there is
        /// none. The call that starts the work is itself after the start only on a later round of a loop around it (an
        /// access made inside a call takes effect by the call's end, <see cref="Access.Position"/>).
        /// </summary>
        private (Access Mine, Access Theirs)? FirstConflictReached(FlowIndex flow, IOperation body, IMethodSymbol caller, ISymbol? handle, WorkTrace? shared, FlowPoint start,
            List<Access> theirs, List<Access> uses, System.Func<Access, Access, bool> conflict)
        {
            var targets = new List<(FlowPoint, int)>();
            for (var i = 0; i < theirs.Count; i++)
            {
                if (flow.PointOf(theirs[i].Operation.Syntax, theirs[i].Position) is { } point)
                {
                    targets.Add((point, i));
                }
            }

            var waits = _waits.GetOrAdd((body, handle, shared), key => WaitsIn(flow, key.Body, caller, key.Handle, key.Shared));
            var reached = new Reachability(flow, waits, targets, 0, flow.ExitBlock).Reached(start);
            reached.Sort();
            foreach (var index in reached)
            {
                foreach (var mine in uses)
                {
                    if (conflict(mine, theirs[index]))
                    {
                        return (mine, theirs[index]);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The first access of <paramref name="place"/> (a field or static of <paramref name="method"/>'s type; with
        /// <paramref name="isObject"/>, a use of the object it holds) in another member of the type that conflicts with one of
        /// the work's <paramref name="uses"/>, with that use and the member; null when there is none. Work that a member
        /// starts and leaves running runs beside whatever the type's users call next, from any thread: every entry point of
        /// the type (see <see cref="EntryPoints"/>) but the one that started it, which the work itself does not call, read
        /// from its start up to anything that may wait for the work, as a caller's code after the call is read.
        /// </summary>
        public (Access Mine, Access Theirs, IMethodSymbol Member)? FirstMemberRace(IMethodSymbol method, WorkItem item, ISymbol? heldIn, Place place, bool isObject, List<Access> uses,
            System.Func<IMethodSymbol, bool> skip)
        {
            if (!IsSharedWithCallers(place, method) || !(item.Host.SemanticModel is { } model) ||
                (ReturnsTheWork(item) && !CallersKeepItRunning(method, model)))
            {
                // A member that returns the work's task hands it to callers that await it.
                return null;
            }

            if (ThreadSafeTypes.IsDispose(method))
            {
                // Work a Dispose leaves running (a disconnect handed to the pool and waited for with a timeout) runs beside
                // no call of the users: a member called after Dispose, or during it, uses a disposed object. Work it races
                // with that is already running is found in that work's own member.
                return null;
            }

            var handle = HandleMemberOf(item.Site.Operation) ?? heldIn;
            var onlyStatic = place.Root.IsStatic;
            foreach (var (member, names) in EntryPoints(method.ContainingType))
            {
                if (SymbolEqualityComparer.Default.Equals(member, method.OriginalDefinition) || (member.IsStatic && !onlyStatic) || skip(member) ||
                    !names.Contains(place.Root.Name) || !(_memberBodies.GetOrAdd(member, m => SourceCallees.BodyOf(m, item.Host, anyFile: true)) is { } body))
                {
                    continue;
                }

                var memberUses = UsesOf(body, member);
                if (!(isObject ? memberUses.Objects : memberUses.Places).TryGetValue(place, out var theirs))
                {
                    continue;
                }

                if (!_besideWork.GetOrAdd((body, item.Site.Operation), _ => !MethodsReachedBy(item).Contains(member) &&
                                                                           !Calls(body, method, AlwaysStarts(item) ? SourceCallees.MaxDepth : 0) &&
                                                                           !StartsTheSameWork(body, item)))
                {
                    // The work's own code; a member that calls the one that starts the work (its code after that call is a
                    // caller's); or another way to start the same work (Connect and ConnectAsync), which users call instead.
                    continue;
                }

                if (item.RaisedBy?.StartsNextOperationIn(body, item.Host) == true)
                {
                    // The member starts the next operation on the same socket args: one at a time, so it runs between
                    // their completions, not beside one.
                    continue;
                }

                if (StateGuards.ExcludesWork(body, theirs, item))
                {
                    // The member refuses to run once the work has started (Start throwing "already started").
                    continue;
                }

                (Access Mine, Access Theirs)? race = null;
                if (FlowOf(body) is { } flow)
                {
                    foreach (var start in StartsIn(member, body, flow, item, handle))
                    {
                        race ??= FirstConflictReached(flow, body, member, handle, SharedBy(item), start, theirs, uses, MemberConflict);
                    }
                }
                else if (!body.Descendants().Any(operation => MayWait(operation, handle, SharedBy(item))))
                {
                    race = FirstConflict(theirs, uses);
                }

                if (race is { } found)
                {
                    return (found.Mine, found.Theirs, member);
                }
            }

            return null;
        }

        /// <summary>
        /// A conflict between the work and a member (or two members of a type declared thread-safe, see <see cref="ThreadSafeTypes"/>), except a plain read of what the other side only writes with
        /// Interlocked or Volatile (a counter a property shows, a flag a loop polls): it sees a whole value, if not the latest,
        /// and the type's users cannot order their calls with the work anyway.
        /// </summary>
        public static bool MemberConflict(Access mine, Access theirs) =>
            Access.Conflict(mine, theirs) && !Access.ReadsAWholeValue(mine, theirs) &&
            !(theirs.IsWrite && !mine.IsWrite && StoresAParameter(theirs));

        /// <summary>
        /// The member stores what its caller passed (<c>SetListener(listener) =&gt; _listener = listener</c>, a property
        /// setter's <c>value</c>), or is a property setter that stores a setting it made from <c>value</c> (<c>if (value is
        /// null || value.Count == 0) _acl = Empty; else _acl = value;</c>, a default, a path it normalised): it configures
        /// the type, and its users call it while they set the type up, before the work that reads the setting has anything
        /// to read it for. Not a store whose value reads the place itself (an update), not a setter's store of null (work
        /// that tests the field and then reads it again, <c>if (_acl != null) foreach (var a in _acl)</c>, fails when null
        /// lands in between), and against work that also writes the place it still counts.
        /// </summary>
        private static bool StoresAParameter(Access write)
        {
            if (!(write.Reference.Parent is ISimpleAssignmentOperation assignment) || assignment.Target != write.Reference)
            {
                return false;
            }

            var value = assignment.Value;
            while (value is IConversionOperation || value is ICoalesceOperation)
            {
                value = value is IConversionOperation conversion ? conversion.Operand : ((ICoalesceOperation)value).Value;
            }

            return value is IParameterReferenceOperation ||
                   (InSetterBody(assignment) && !ReadsTarget(assignment) && !(value.ConstantValue is { HasValue: true, Value: null }));
        }

        /// <summary>The store is the code of a property's <c>set</c> or <c>init</c> accessor itself, not of a lambda in it.</summary>
        private static bool InSetterBody(IOperation store)
        {
            foreach (var node in store.Syntax.Ancestors())
            {
                switch (node)
                {
                    case AccessorDeclarationSyntax accessor:
                        return accessor.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SetAccessorDeclaration) ||
                               accessor.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.InitAccessorDeclaration);
                    case AnonymousFunctionExpressionSyntax _:
                    case LocalFunctionStatementSyntax _:
                    case MemberDeclarationSyntax _:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The stored value reads the place it is stored in (<c>_count = _count + value</c>).</summary>
        private static bool ReadsTarget(ISimpleAssignmentOperation assignment) =>
            assignment.Target is IFieldReferenceOperation target &&
            assignment.Value.DescendantsAndSelf().Any(operation => operation is IFieldReferenceOperation read && SymbolEqualityComparer.Default.Equals(read.Field, target.Field));

        private static (Access Mine, Access Theirs)? FirstConflict(List<Access> theirs, List<Access> uses)
        {
            foreach (var other in theirs)
            {
                foreach (var mine in uses)
                {
                    if (MemberConflict(mine, other))
                    {
                        return (mine, other);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The members of <paramref name="type"/> that its users call: its public and protected methods, property accessors
        /// and indexers with a body, and its explicit interface implementations, that no code of the type calls on this by
        /// name (a helper's code is read in the member that calls it) or subscribes to an event (see <see cref="HandlerNames"/>).
        /// Internal members are left out: code of the same assembly calls them, under locks and in an order this file does
        /// not show. Constructors build an object nobody else holds yet, and
        /// <c>Main</c> is where the program starts. Found once per type, in declaration order.
        /// </summary>
        private List<(IMethodSymbol Member, HashSet<string> Names)> EntryPoints(INamedTypeSymbol type) =>
            _entryPoints.GetOrAdd(type.OriginalDefinition, t =>
            {
                var found = new List<(IMethodSymbol, HashSet<string>)>();
                var handlers = HandlerNames(t);
                foreach (var symbol in t.GetMembers())
                {
                    if (!(symbol is IMethodSymbol member) || !IsCalledByUsers(member) ||
                        (member.IsStatic && member.Name == "Main") || CalledOnThis(member) || (member.MethodKind == MethodKind.Ordinary && handlers.Contains(member.Name)))
                    {
                        continue;
                    }

                    found.Add((member, NamesIn(member, t)));
                }

                return found;
            });

        /// <summary>
        /// A member the type's users call: a public or protected method, property or indexer accessor with a body, an
        /// explicit interface implementation, or an internal one of a type code outside the assembly cannot name (where
        /// internal and public say the same). Constructors are not: they build an object nobody else holds yet.
        /// </summary>
        public static bool IsCalledByUsers(IMethodSymbol member) =>
            !member.IsImplicitlyDeclared && !member.IsAbstract &&
            member.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.ExplicitInterfaceImplementation &&
            (member.MethodKind == MethodKind.ExplicitInterfaceImplementation ||
             member.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal ||
             (member.DeclaredAccessibility == Accessibility.Internal && IsAssemblyInternal(member.ContainingType)));

        /// <summary>
        /// The methods the type subscribes to events by name (<c>watcher.Created += OnCreated</c>, the designer's
        /// <c>new EventHandler(this.OnClick)</c>): whatever raises the event runs them, on a thread and in an order that event
        /// decides (one watcher's events one after another, a worker's completion after its work), not its users.
        /// </summary>
        private static HashSet<string> HandlerNames(INamedTypeSymbol type)
        {
            var names = new HashSet<string>();
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var subscription in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    if (!subscription.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AddAssignmentExpression))
                    {
                        continue;
                    }

                    var handler = subscription.Right is ObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } ? arguments[0].Expression : subscription.Right;
                    if ((handler is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? member.Name : handler) is IdentifierNameSyntax name)
                    {
                        names.Add(name.Identifier.ValueText);
                    }
                }
            }

            return names;
        }

        /// <summary>
        /// The simple names a member's text mentions, and those of the type's methods it calls by name (one call deep, as far
        /// as its uses are read): a member that names neither a place nor a method that does cannot use it, and is not bound.
        /// </summary>
        private static HashSet<string> NamesIn(IMethodSymbol member, INamedTypeSymbol type)
        {
            var names = new HashSet<string>();
            var own = new HashSet<string>();
            foreach (var name in IdentifiersOf(member))
            {
                names.Add(name);
                if (own.Add(name))
                {
                    foreach (var callee in type.GetMembers(name))
                    {
                        if (callee is IMethodSymbol method)
                        {
                            names.UnionWith(IdentifiersOf(method));
                        }
                        else if (callee is IPropertySymbol property)
                        {
                            names.UnionWith(property.GetMethod != null ? IdentifiersOf(property.GetMethod) : Enumerable.Empty<string>());
                            names.UnionWith(property.SetMethod != null ? IdentifiersOf(property.SetMethod) : Enumerable.Empty<string>());
                        }
                    }
                }
            }

            return names;
        }

        private static IEnumerable<string> IdentifiersOf(IMethodSymbol method) =>
            method.DeclaringSyntaxReferences.SelectMany(reference => reference.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>().Select(name => name.Identifier.ValueText));

        /// <summary>
        /// Some code of the method's type calls it on this, or by its simple name (in any part of the type), other than in a
        /// catch clause: a <c>Stop()</c> that a loop calls when it fails is still one its users call.
        /// </summary>
        private static bool CalledOnThis(IMethodSymbol method)
        {
            if (method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            foreach (var reference in method.ContainingType.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax();
                foreach (var call in CallIndex.Named(reference.SyntaxTree, method.Name))
                {
                    if (IsOnThis(call) && declaration.Span.Contains(call.Span) && !InCatchClause(call, declaration))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Whether a member that returns its work's task has callers that leave the task running. The type's users, for a
        /// member code outside the assembly can call, are taken to await it. A private member's callers are its calls on
        /// this in the file, any of which goes on beside the task (<see cref="CallsThatGoOn"/>). A member only the assembly
        /// can call has all its callers in the compilation: one of them keeps the task running when it stores it in a
        /// field or property, discards it, or drops it (<c>_monitor = _watchDog.StartMonitorAsync();</c>).
        /// </summary>
        private bool CallersKeepItRunning(IMethodSymbol method, SemanticModel model)
        {
            if (method.DeclaredAccessibility == Accessibility.Private)
            {
                return CallsThatGoOn(method, model).Count > 0;
            }

            return IsAssemblyInternal(method) &&
                   _keptRunning.GetOrAdd(method.OriginalDefinition, m => AnyCallKeepsItsTask((IMethodSymbol)m, model.Compilation));
        }

        private static bool AnyCallKeepsItsTask(IMethodSymbol method, Compilation compilation)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var call in CallIndex.Named(tree, method.Name))
                {
                    // What the text tells first; the binding of the call, which costs most, last.
                    if (KeptByStatement(call) is { } target &&
                        SourceCallees.ModelOf(compilation, tree) is { } model &&
                        model.GetSymbolInfo(call).Symbol is IMethodSymbol called &&
                        SymbolEqualityComparer.Default.Equals(called.OriginalDefinition, method) &&
                        (target is ExpressionStatementSyntax ||
                         model.GetSymbolInfo(target).Symbol is IFieldSymbol or IPropertySymbol or IDiscardSymbol))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Where the call's value goes when it is kept or dropped: the statement itself for <c>Start();</c>, the assignment's
        /// target for <c>x = Start()</c>; null for anything else (awaited, returned, passed on).
        /// </summary>
        private static SyntaxNode? KeptByStatement(InvocationExpressionSyntax call)
        {
            SyntaxNode node = call;
            while (node.Parent is ParenthesizedExpressionSyntax || node.Parent is CastExpressionSyntax)
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                ExpressionStatementSyntax statement => statement,
                AssignmentExpressionSyntax assignment when assignment.Right == node &&
                    assignment.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleAssignmentExpression) => assignment.Left,
                _ => null,
            };
        }

        /// <summary>Code outside the assembly cannot name the symbol: it, or a type that contains it, is internal or private.</summary>
        private static bool IsAssemblyInternal(ISymbol symbol)
        {
            for (var current = symbol; current != null && !(current is INamespaceSymbol); current = current.ContainingSymbol)
            {
                if (current.DeclaredAccessibility is Accessibility.Internal or Accessibility.Private or Accessibility.ProtectedAndInternal)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The member hands the work's task to its caller (<c>return Task.Run(…)</c>, <c>=&gt; new(Task.Run(…))</c>, or a local
        /// holding it returned): the work is the caller's operation.
        /// </summary>
        private static bool ReturnsTheWork(WorkItem item)
        {
            var value = item.Site.Operation;
            while (value.Parent is IConversionOperation || value.Parent is IParenthesizedOperation ||
                   value.Parent is IArgumentOperation { Parent: IObjectCreationOperation } || value.Parent is IObjectCreationOperation)
            {
                value = value.Parent;
            }

            switch (value.Parent)
            {
                case IReturnOperation:
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: { } local } }:
                    return item.Host.Descendants().OfType<IReturnOperation>().Any(returned =>
                        returned.ReturnedValue?.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(reference => SymbolEqualityComparer.Default.Equals(reference.Local, local)) == true);
                default:
                    return false;
            }
        }

        /// <summary>
        /// The method that starts the work starts it whenever it is called: no <c>return</c> before the start. One that may
        /// leave first (<c>if (_watcherRunning) return;</c> in an <c>EnsureWatcher()</c>) is called while the work already
        /// runs, so only its direct callers count as starting the work (their code after the call is case 5's).
        /// </summary>
        private static bool AlwaysStarts(WorkItem item) =>
            !item.Host.Descendants().Any(operation => operation is IReturnOperation { IsImplicit: false, Kind: OperationKind.Return } exit &&
                                                      exit.Syntax.SpanStart < item.Site.Operation.Syntax.SpanStart &&
                                                      Functions.EnclosingFunction(exit) == Functions.EnclosingFunction(item.Site.Operation));

        /// <summary>Whether <paramref name="body"/> names the method that <paramref name="item"/> runs as a method group (<c>Task.Run(Loop)</c>).</summary>
        private static bool StartsTheSameWork(IOperation body, WorkItem item) =>
            item.Target is IMethodReferenceOperation group &&
            body.Descendants().Any(operation => operation is IMethodReferenceOperation other &&
                                                SymbolEqualityComparer.Default.Equals(other.Method.OriginalDefinition, group.Method.OriginalDefinition));

        /// <summary>
        /// Whether <paramref name="body"/>'s code calls <paramref name="method"/>, also through methods of the same type it
        /// calls, up to <paramref name="depth"/> calls deeper (<c>InitializeAsync</c> calling a private <c>ExecuteAsync</c>
        /// that calls the method that starts the work): such a member starts the work itself.
        /// </summary>
        private static bool Calls(IOperation body, IMethodSymbol method, int depth)
        {
            foreach (var operation in body.Descendants())
            {
                if (!(operation is IInvocationOperation call))
                {
                    continue;
                }

                var target = call.TargetMethod.OriginalDefinition;
                if (SymbolEqualityComparer.Default.Equals(target, method.OriginalDefinition))
                {
                    return true;
                }

                if (depth > 0 && SymbolEqualityComparer.Default.Equals(target.ContainingType, method.ContainingType.OriginalDefinition) &&
                    SourceCallees.BodyOf(target, call, anyFile: true) is { } callee && Calls(callee, method, depth - 1))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The source methods and accessors the work runs: the method it is (<c>new Thread(Loop)</c>) and those its code calls,
        /// as deep as the place accesses are read (<see cref="SourceCallees.MaxDepth"/>), except in a catch clause.
        /// </summary>
        private HashSet<IMethodSymbol> MethodsReachedBy(WorkItem item) =>
            _reachedByWork.GetOrAdd(item.Site.Operation, _ => ReadReached(item.Target as IMethodReferenceOperation, item.Body, item.Host).Methods);

        /// <summary>
        /// The source methods code runs (<see cref="MethodsReachedBy"/>), from the method <paramref name="group"/> names or
        /// from <paramref name="body"/>, and the fields, properties and events named in all of their code (null when neither
        /// gives code to read).
        /// </summary>
        private static (HashSet<IMethodSymbol> Methods, HashSet<ISymbol>? Members) ReadReached(IMethodReferenceOperation? group, IOperation? body, IOperation host)
        {
            var reached = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var members = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var next = new List<IOperation>();
            if (group != null)
            {
                reached.Add(group.Method.OriginalDefinition);
                if (SourceCallees.BodyOf(group.Method, host, anyFile: true) is { } groupBody)
                {
                    next.Add(groupBody);
                }
            }
            else if (body != null)
            {
                next.Add(body);
            }

            var known = next.Count > 0;
            for (var depth = 0; depth <= SourceCallees.MaxDepth && next.Count > 0; depth++)
            {
                var current = next;
                next = new List<IOperation>();
                foreach (var code in current)
                {
                    foreach (var operation in code.DescendantsAndSelf())
                    {
                        if (Places.MemberOf(operation) is { } member)
                        {
                            members.Add(member.OriginalDefinition);
                        }

                        var called = operation switch
                        {
                            IInvocationOperation call => new[] { call.TargetMethod },
                            IMethodReferenceOperation reference => new[] { reference.Method },
                            IPropertyReferenceOperation property => new[] { property.Property.GetMethod, property.Property.SetMethod },
                            _ => System.Array.Empty<IMethodSymbol?>(),
                        };

                        // Only a call is looked up in its ancestors, not every operation of the body.
                        if (called.Length == 0 || InCatchClause(operation.Syntax, code.Syntax))
                        {
                            continue;
                        }

                        foreach (var method in called)
                        {
                            if (method != null && reached.Add(method.OriginalDefinition) && SourceCallees.BodyOf(method, host, anyFile: true) is { } callee)
                            {
                                next.Add(callee);
                            }
                        }
                    }
                }
            }

            return (reached, known ? members : null);
        }

        /// <summary>
        /// The code is in a catch clause inside <paramref name="within"/>: the work giving up, or the type handling a failure.
        /// A <c>Stop()</c> called there is still the users' way to stop the work, not the work's own code.
        /// </summary>
        private static bool InCatchClause(SyntaxNode node, SyntaxNode within)
        {
            for (var current = node == within ? null : node.Parent; current != null && current != within; current = current.Parent)
            {
                if (current is CatchClauseSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The places that the callers of <paramref name="method"/> whose calls go on (see <see cref="CallsThatGoOn"/>) use
        /// anywhere in their own code and the methods they call: no other place of the method's work can race with them.
        /// </summary>
        public HashSet<Place> PlacesOfCallers(IMethodSymbol method, SemanticModel model)
        {
            var places = new HashSet<Place>();
            foreach (var (_, caller, body) in CallsThatGoOn(method, model))
            {
                foreach (var place in AccessesOf(body, caller).Keys)
                {
                    if (IsSharedWithCallers(place, method))
                    {
                        places.Add(place);
                    }
                }
            }

            return places;
        }

        /// <summary>
        /// The calls of <paramref name="method"/> in its file, on this (or of a static method by its simple name), made in the own code of another method or
        /// constructor and not awaited or waited for at once: after them the caller goes on beside the work. Found once
        /// per method.
        /// </summary>
        public List<(SyntaxNode Call, IMethodSymbol Caller, IOperation Body)> CallsThatGoOn(IMethodSymbol method, SemanticModel model)
        {
            if (_calls.TryGetValue(method, out var found))
            {
                return found;
            }

            found = new List<(SyntaxNode, IMethodSymbol, IOperation)>();
            foreach (var call in CallIndex.Named(model.SyntaxTree, method.Name))
            {
                // What the text tells first; the binding of the call, which costs most, last.
                if (!IsOnThis(call) || WaitedAtOnce(call) || !(call.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>() is { } declaration) ||
                    call.Ancestors().TakeWhile(n => n != declaration).Any(n => n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax) ||
                    !(model.GetSymbolInfo(call).Symbol is IMethodSymbol called) || !SymbolEqualityComparer.Default.Equals(called.OriginalDefinition, method.OriginalDefinition) ||
                    !(model.GetDeclaredSymbol(declaration) is IMethodSymbol caller) || SymbolEqualityComparer.Default.Equals(caller, method) ||
                    !(model.GetOperation(declaration) is { } body) || HandedToWaitingMethod(call, model))
                {
                    continue;
                }

                found.Add((call, caller, body));
            }

            return _calls.GetOrAdd(method, found);
        }

        /// <summary>
        /// The call's task goes at once to a method that may wait for it (<see cref="Spawns.HandleTracker.MayWaitForHandedHandle"/>):
        /// <c>WaitForNextAsync().SafeWait()</c> with the project's own helper, <c>RunSync(LoadAsync())</c>.
        /// </summary>
        private static bool HandedToWaitingMethod(InvocationExpressionSyntax call, SemanticModel model) =>
            model.GetOperation(call) is IInvocationOperation operation && SpawnClassifier.Wrapped(operation).Parent is IArgumentOperation { Parent: IInvocationOperation receiver } &&
            Spawns.HandleTracker.MayWaitForHandedHandle(receiver.TargetMethod);

        /// <summary>A call made on this, said or implied (<c>Start()</c>, <c>this.Start()</c>), or of a static method by its simple name.</summary>
        private static bool IsOnThis(InvocationExpressionSyntax call) =>
            call.Expression is SimpleNameSyntax || call.Expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax };

        /// <summary>
        /// Nothing of the caller runs beside the call's work: its task is awaited or waited for where it is made
        /// (<c>await LoadAsync()</c>, <c>LoadAsync().Wait()</c>), or returned.
        /// </summary>
        private static bool WaitedAtOnce(SyntaxNode call)
        {
            var node = call;
            while (true)
            {
                switch (node.Parent)
                {
                    case ParenthesizedExpressionSyntax or CastExpressionSyntax:
                        node = node.Parent;
                        continue;
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" or "GetAwaiter" } access when access.Expression == node &&
                                                                                                                             access.Parent is InvocationExpressionSyntax configured:
                        node = configured;
                        continue;
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" or "Result" or "GetResult" } access when access.Expression == node:
                        return true;
                    case AwaitExpressionSyntax:
                        return true;
                    case ReturnStatementSyntax or ArrowExpressionClauseSyntax:
                        // return LoadAsync(); — the caller hands the task on and runs nothing after the call.
                        return true;
                    default:
                        return false;
                }
            }
        }

        /// <summary>A static, or a field of this (or an object reached through one) of the method's type: what its callers on this see too.</summary>
        public static bool IsSharedWithCallers(Place place, IMethodSymbol method) =>
            place.Root switch
            {
                IFieldSymbol field => field.IsStatic || (!method.IsStatic && SymbolEqualityComparer.Default.Equals(field.ContainingType, method.ContainingType)),
                IPropertySymbol property => property.IsStatic || (!method.IsStatic && SymbolEqualityComparer.Default.Equals(property.ContainingType, method.ContainingType)),
                IEventSymbol @event => @event.IsStatic || (!method.IsStatic && SymbolEqualityComparer.Default.Equals(@event.ContainingType, method.ContainingType)),
                _ => false,
            };

        /// <summary>The caller's own accesses of places (also in the methods it calls), read once per caller.</summary>
        private Dictionary<Place, List<Access>> AccessesOf(IOperation body, IMethodSymbol caller) => UsesOf(body, caller).Places;

        /// <summary>
        /// What a caller (or a member of the type, see <see cref="FirstMemberRace"/>) does in its own code and the methods it
        /// calls, read once: its accesses of places, and its uses of the objects held in fields or statics (keyed by a
        /// place of that field or static), which a work item may share as non-thread-safe objects.
        /// </summary>
        public Uses UsesOf(IOperation body, IMethodSymbol caller)
        {
            if (_callers.TryGetValue(body, out var found))
            {
                return found;
            }

            found = new Uses();
            var collected = _accesses.Collect(body, caller, null, operation => Functions.EnclosingFunction(operation) != null, null, CallerDepth);
            foreach (var (place, access) in collected.Places)
            {
                SharedPlaces.ListOf(found.Places, place).Add(access);
            }

            foreach (var (shared, _, access) in collected.Objects)
            {
                if (shared is IFieldSymbol || shared is IPropertySymbol)
                {
                    SharedPlaces.ListOf(found.Objects, ObjectPlace(shared)).Add(access);
                }
            }

            foreach (var operation in body.Descendants())
            {
                if ((operation is IFieldReferenceOperation || operation is IPropertyReferenceOperation) && Places.SharedObjectOf(operation) is { } shared &&
                    Functions.EnclosingFunction(operation) == null && Access.OfObject(shared, operation, _symbols) is { } use)
                {
                    SharedPlaces.ListOf(found.Objects, ObjectPlace(shared)).Add(use);
                }
            }

            return _callers.GetOrAdd(body, found);
        }

        /// <summary>The place that stands for the object a field or static holds, where a caller's uses of it are kept.</summary>
        public static Place ObjectPlace(ISymbol shared) => new Place(shared, "", shared.Name);

        internal sealed class Uses
        {
            public Dictionary<Place, List<Access>> Places { get; } = new Dictionary<Place, List<Access>>();

            public Dictionary<Place, List<Access>> Objects { get; } = new Dictionary<Place, List<Access>>();
        }

        /// <summary>The caller's graph, made once per caller and only when some access of it may race.</summary>
        private FlowIndex? FlowOf(IOperation body) =>
            _flows.GetOrAdd(body, b => GraphOf(b) is { } graph ? new FlowIndex(graph) : null);

        /// <summary>The graph of a caller's body; null when the compiler cannot make one (code being typed).</summary>
        private static ControlFlowGraph? GraphOf(IOperation body)
        {
            try
            {
                return body switch
                {
                    IMethodBodyOperation method => ControlFlowGraph.Create(method),
                    IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor),
                    _ => null,
                };
            }
            catch (System.ArgumentException)
            {
                // Create refuses a body that is not the root of its operation tree: then there is no graph to read.
                return null;
            }
        }

        /// <summary>
        /// The points of the caller's graph after which the work may have been waited for: any wait or await, a use of
        /// the member holding the work's handle (but a test of it for null, which waits for nothing), a call of a method of the type whose own code does either, or a call of
        /// another class's method that waits on a monitor until its state changes (<see cref="WaitsOnMonitor"/>). The graph's
        /// operations carry no semantic model: callees are read through <paramref name="body"/>'s.
        /// </summary>
        private List<FlowPoint> WaitsIn(FlowIndex flow, IOperation body, IMethodSymbol caller, ISymbol? handle, WorkTrace? shared)
        {
            // The graph's operations carry no semantic model: an await is weighed as the body's own operation of its syntax.
            var originals = _originals.GetOrAdd(body, OriginalsOf);
            bool MayWaitHere(IOperation operation) =>
                MayWait(originals.TryGetValue((operation.Syntax, operation.Kind), out var original) ? original : operation, handle, shared);

            // A loop spinning until a flag is raised waits too; the graph keeps only its condition, so it is found by syntax.
            var spins = body.Descendants().OfType<IWhileLoopOperation>().Where(loop => _signals.Acquired(loop).Any()).Select(loop => loop.Condition!.Syntax.Span).ToList();
            var points = new List<FlowPoint>();
            foreach (var guard in body.Descendants().OfType<IConditionalOperation>())
            {
                // if (_thread != null [&& …]) { …; _thread.Join(); }: past the if, the work was waited for, or there was no
                // handle to wait for.
                if (guard.WhenFalse == null && handle != null && TestsNotNull(guard.Condition, handle) &&
                    guard.WhenTrue.Descendants().Any(inner => MayWait(inner, handle, shared)) && Lifetime.StartOfNextStatement(guard, flow) is { } after)
                {
                    points.Add(after);
                }
            }

            foreach (var (operation, block, index) in flow.Operations())
            {
                if (MayWaitHere(operation) || spins.Exists(span => span.Contains(operation.Syntax.Span)) ||
                    (operation is IInvocationOperation call &&
                     (SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, caller.ContainingType)
                         ? SourceCallees.BodyOf(call.TargetMethod, body) is { } callee && WaitsInCall(call.TargetMethod, callee, handle, shared)
                         : WaitsOnMonitor(call.TargetMethod, body))))
                {
                    points.Add(new FlowPoint(block, index, operation.Syntax.Span.End));
                }
            }

            return points;
        }

        /// <summary>The operations of a body by syntax and kind, where the graph's copies of them are looked up.</summary>
        private static Dictionary<(SyntaxNode, OperationKind), IOperation> OriginalsOf(IOperation body)
        {
            var originals = new Dictionary<(SyntaxNode, OperationKind), IOperation>();
            foreach (var operation in body.Descendants())
            {
                if (operation is IAwaitOperation || operation is IInvocationOperation || operation is IPropertyReferenceOperation)
                {
                    var key = (operation.Syntax, operation.Kind);
                    if (!originals.ContainsKey(key))
                    {
                        originals.Add(key, operation);
                    }
                }
            }

            return originals;
        }

        /// <summary>
        /// A method of another class of the project that waits on a monitor until its state changes (<c>while (_on)
        /// Monitor.Wait(_sync);</c>): a signal object of the project's own, like NetMQ's <c>Switch.WaitForOff</c>, which a
        /// caller uses to wait for work that flips it, as it would wait on an event. Like any <c>Wait</c> call (see
        /// <see cref="MayWait"/>), it counts whoever flips the state. A method of another class that only may wait
        /// somewhere (a wait not in such a loop, a callee's) does not count: what it waits for is its own business.
        /// </summary>
        private bool WaitsOnMonitor(IMethodSymbol method, IOperation caller) =>
            _monitorWaits.GetOrAdd(method.OriginalDefinition, m =>
                _symbols.Synchronisation.Monitor is { } monitor && SourceCallees.BodyOf(m, caller, anyFile: true) is { } body &&
                body.Descendants().OfType<IWhileLoopOperation>().Any(loop => loop.Body.Descendants().Any(inner =>
                    inner is IInvocationOperation { TargetMethod: { Name: "Wait" } wait } && KnownSymbols.Is(wait.ContainingType, monitor) &&
                    Functions.EnclosingFunction(inner) == Functions.EnclosingFunction(loop))));

        /// <summary>
        /// A call of <paramref name="method"/> may wait: its code does. An async method returns to the caller at its first
        /// await, so only what it does before that blocks the caller (a call awaited where it is made is itself a wait).
        /// </summary>
        private bool WaitsInCall(IMethodSymbol method, IOperation callee, ISymbol? handle, WorkTrace? shared)
        {
            if (!method.IsAsync)
            {
                return callee.Descendants().Any(inner => MayWait(inner, handle, shared));
            }

            var own = callee.Descendants().Where(inner => Functions.EnclosingFunction(inner) == null).ToList();
            var firstAwait = own.OfType<IAwaitOperation>().Select(a => a.Syntax.SpanStart).DefaultIfEmpty(int.MaxValue).Min();
            return own.Any(inner => !(inner is IAwaitOperation) && inner.Syntax.SpanStart < firstAwait && MayWait(inner, handle, shared));
        }

        /// <summary><paramref name="condition"/>, or the first test of an <c>&amp;&amp;</c> chain, holds only where <paramref name="handle"/> is not null.</summary>
        private static bool TestsNotNull(IOperation condition, ISymbol handle)
        {
            while (condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both)
            {
                condition = both.LeftOperand;
            }

            return HandleTracker.TestedNotNull(condition) is { } tested && IsUseOf(SpawnClassifier.Unwrap(tested), handle);
        }

        /// <summary><paramref name="operation"/> references the field or property the work's handle is kept in.</summary>
        private static bool IsUseOf(IOperation operation, ISymbol handle) => SymbolEqualityComparer.Default.Equals(Places.MemberOf(operation), handle);

        /// <summary>
        /// <paramref name="operation"/> may wait for the work whose handle is kept in <paramref name="handle"/> and whose code
        /// uses <paramref name="shared"/> (null: not known): a wait or signal acquisition of any kind, a use of the handle but
        /// a null test or a timer stop, or an await or blocking wait on a task that may be the work's (see
        /// <see cref="AwaitMayWait"/>), read <paramref name="depth"/> calls down from the member.
        /// </summary>
        private bool MayWait(IOperation operation, ISymbol? handle, WorkTrace? shared, int depth = 0)
        {
            if (BlockingWaitMayWait(operation, handle, shared, depth) is { } blocks)
            {
                return blocks || _signals.Acquired(operation).Any();
            }

            switch (operation)
            {
                case IAwaitOperation awaited:
                    return AwaitMayWait(awaited, handle, shared, depth);
                case IInvocationOperation entry when Locks.EntersLock(entry, _symbols.Synchronisation):
                    return false;
                case IFieldReferenceOperation or IPropertyReferenceOperation when handle != null && IsUseOf(operation, handle):
                    return !StopsTimerWithoutWaiting(operation) && !SpawnClassifier.IsNullTest(SpawnClassifier.Wrapped(operation).Parent);
                case IPropertyReferenceOperation { Property: { Name: "Result" } } result when _symbols.Tasks.IsTask(result.Property.ContainingType):
                    return true;
                case IInvocationOperation { TargetMethod: { Name: "Wait" or "WaitAll" or "WaitAny" or "Join" or "GetResult" or "SpinUntil" } }:
                    return true;
                case IInvocationOperation:
                    foreach (var _ in _signals.Acquired(operation))
                    {
                        return true;
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>
        /// A use of a timer's handle that stops its callbacks without waiting for one in flight: <c>_timer.Dispose()</c>,
        /// <c>Change(…)</c>, <c>Stop()</c>, <c>Close()</c>, <c>Enabled = false</c> (also through <c>?.</c>). A callback that has
        /// started goes on after them, so what follows still runs beside it; <c>Dispose(waitHandle)</c> and
        /// <c>DisposeAsync()</c>, which signal or finish when the callbacks have, remain waits.
        /// </summary>
        private bool StopsTimerWithoutWaiting(IOperation handleUse)
        {
            var type = handleUse.Type?.OriginalDefinition;
            if (type == null || !(SymbolEqualityComparer.Default.Equals(type, _symbols.Threading.Timer) || SymbolEqualityComparer.Default.Equals(type, _symbols.Threading.TimersTimer)))
            {
                return false;
            }

            if (handleUse.Syntax.Parent is ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } call } access &&
                access.Expression == handleUse.Syntax)
            {
                // _timer?.Dispose(): in the flow graph the field is captured and the call made on the capture elsewhere.
                return binding.Name.Identifier.ValueText switch
                {
                    "Dispose" or "Stop" or "Close" => call.ArgumentList.Arguments.Count == 0,
                    "Change" => true,
                    _ => false,
                };
            }

            return handleUse.Parent switch
            {
                IInvocationOperation { TargetMethod: { Name: "Dispose" or "Stop" or "Close", Parameters: { Length: 0 } } } => true,
                IInvocationOperation { TargetMethod: { Name: "Change" } } => true,
                IPropertyReferenceOperation { Property: { Name: "Enabled" }, Parent: ISimpleAssignmentOperation { Value: { ConstantValue: { HasValue: true, Value: false } } } } => true,
                _ => false,
            };
        }

        /// <summary>
        /// Where the member's code may run beside the work: from its start, or, for a member that starts work created
        /// paused in <paramref name="handle"/> (<c>_thread.Start()</c>, <c>_timer.Change(…)</c> on a thread or timer the
        /// constructor made), from each such start on: what it does before the start comes before the work.
        /// </summary>
        private List<FlowPoint> StartsIn(IMethodSymbol member, IOperation body, FlowIndex flow, WorkItem item, ISymbol? handle)
        {
            var points = new List<FlowPoint>();
            if (handle is IFieldSymbol && member.MethodKind != MethodKind.Constructor)
            {
                foreach (var call in body.Descendants().OfType<IInvocationOperation>())
                {
                    if (Lifetime.StartsThrough(call, handle, item.Site, _symbols) && flow.PointOf(call.Syntax, call.Syntax.Span.End) is { } after)
                    {
                        points.Add(after);
                    }
                }
            }

            if (points.Count == 0)
            {
                points.Add(new FlowPoint(0, 0, 0));
            }

            return points;
        }

        /// <summary>
        /// The field or property the spawn's handle is stored in (<c>_loop = Task.Run(…)</c>, <c>_thread = new Thread(…)</c>,
        /// or the initializer <c>Timer _timer = new Timer(…)</c>); null otherwise.
        /// </summary>
        private static ISymbol? HandleMemberOf(IOperation spawn)
        {
            var value = SpawnClassifier.Wrapped(spawn);

            return value.Parent switch
            {
                ISimpleAssignmentOperation assignment when assignment.Value == value => Places.MemberOf(assignment.Target),
                var parent => Places.InitializedMember(parent),
            };
        }
    }
}
