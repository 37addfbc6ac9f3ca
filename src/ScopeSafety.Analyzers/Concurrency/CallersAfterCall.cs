using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Work that a method starts and leaves running (a thread, a task, a timer not joined before it returns) runs beside
    /// the code its callers run after the call: <c>Start(); _running = true;</c> against a loop that reads
    /// <c>_running</c>. Only callers in the method's own file that call it on this (or a static method) are read, and
    /// only their own code after the call, up to anything that may wait for the work: a wait or await of any kind, a
    /// use of the field the method stores the work's handle in, or a call of a method of the type that does either.
    /// Places are fields of this and statics, so that both sides name the same object.
    /// </summary>
    internal sealed class CallersAfterCall
    {
        private readonly KnownSymbols _symbols;
        private readonly SignalObjects _signals;
        private readonly MemberAccesses _accesses;
        // Shared by the analyses of one compilation, which run at the same time: a caller is read once for all the
        // methods it calls.
        private readonly ConcurrentDictionary<IMethodSymbol, List<(SyntaxNode, IMethodSymbol, IOperation)>> _calls =
            new ConcurrentDictionary<IMethodSymbol, List<(SyntaxNode, IMethodSymbol, IOperation)>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IOperation, Dictionary<Place, List<Access>>> _callers =
            new ConcurrentDictionary<IOperation, Dictionary<Place, List<Access>>>();
        private readonly ConcurrentDictionary<IOperation, FlowIndex?> _flows = new ConcurrentDictionary<IOperation, FlowIndex?>();
        private readonly ConcurrentDictionary<(IOperation Body, ISymbol? Handle), List<FlowPoint>> _waits =
            new ConcurrentDictionary<(IOperation, ISymbol?), List<FlowPoint>>();

        /// <summary>A caller's own code is read with the methods it calls, one call deep: a long caller reaches much code further down.</summary>
        public const int CallerDepth = 1;

        public CallersAfterCall(KnownSymbols symbols, SignalObjects signals)
        {
            _symbols = symbols;
            _signals = signals;
            _accesses = new MemberAccesses(symbols);
        }

        /// <summary>
        /// The first access of <paramref name="place"/> in a caller of <paramref name="method"/> after the call that
        /// conflicts with one of <paramref name="uses"/> (the work's), with that use; null when there is none.
        /// </summary>
        public (Access Mine, Access Theirs, IMethodSymbol Caller, int CallLine)? FirstRace(IMethodSymbol method, WorkItem item, Place place, List<Access> uses) =>
            item.Host.SemanticModel is { } model ? FirstRace(method, model, HandleMemberOf(item.Site.Operation), place, uses) : null;

        /// <summary>As above, for work whose handle, if the method keeps one, is in <paramref name="handle"/>.</summary>
        public (Access Mine, Access Theirs, IMethodSymbol Caller, int CallLine)? FirstRace(IMethodSymbol method, SemanticModel model, ISymbol? handle, Place place, List<Access> uses)
        {
            if (!IsSharedWithCallers(place, method))
            {
                return null;
            }

            foreach (var (call, caller, body) in CallsThatGoOn(method, model))
            {
                if (!AccessesOf(body, caller).TryGetValue(place, out var theirs) || !(FlowOf(body) is { } flow) || !(flow.PointOf(call, call.Span.End) is { } after))
                {
                    continue;
                }

                var targets = new List<(FlowPoint, int)>();
                for (var i = 0; i < theirs.Count; i++)
                {
                    if (!call.Span.Contains(theirs[i].Operation.Syntax.Span) && flow.PointOf(theirs[i].Operation.Syntax, theirs[i].Position) is { } point)
                    {
                        targets.Add((point, i));
                    }
                }

                var waits = _waits.GetOrAdd((body, handle), key => WaitsIn(flow, key.Body, caller, key.Handle));
                var reached = new Reachability(flow, waits, targets, 0, flow.ExitBlock).Reached(after);
                reached.Sort();
                foreach (var index in reached)
                {
                    foreach (var mine in uses)
                    {
                        if (Access.Conflict(mine, theirs[index]))
                        {
                            return (mine, theirs[index], caller, call.GetLocation().GetLineSpan().StartLinePosition.Line + 1);
                        }
                    }
                }
            }

            return null;
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
                if (!(call.Expression is SimpleNameSyntax || call.Expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }) ||
                    WaitedAtOnce(call) || !(call.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>() is { } declaration) ||
                    call.Ancestors().TakeWhile(n => n != declaration).Any(n => n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax) ||
                    !(model.GetSymbolInfo(call).Symbol is IMethodSymbol called) || !SymbolEqualityComparer.Default.Equals(called.OriginalDefinition, method.OriginalDefinition) ||
                    !(model.GetDeclaredSymbol(declaration) is IMethodSymbol caller) || SymbolEqualityComparer.Default.Equals(caller, method) ||
                    !(model.GetOperation(declaration) is { } body))
                {
                    continue;
                }

                found.Add((call, caller, body));
            }

            return _calls.GetOrAdd(method, found);
        }

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
        private static bool IsSharedWithCallers(Place place, IMethodSymbol method) =>
            place.Root switch
            {
                IFieldSymbol field => field.IsStatic || (!method.IsStatic && SymbolEqualityComparer.Default.Equals(field.ContainingType, method.ContainingType)),
                IPropertySymbol property => property.IsStatic || (!method.IsStatic && SymbolEqualityComparer.Default.Equals(property.ContainingType, method.ContainingType)),
                _ => false,
            };

        /// <summary>The caller's own accesses of places (also in the methods it calls), read once per caller.</summary>
        private Dictionary<Place, List<Access>> AccessesOf(IOperation body, IMethodSymbol caller)
        {
            if (!_callers.TryGetValue(body, out var found))
            {
                found = new Dictionary<Place, List<Access>>();
                foreach (var (place, access) in _accesses.Collect(body, caller, null, operation => Functions.EnclosingFunction(operation) != null, null, CallerDepth).Places)
                {
                    SharedPlaces.ListOf(found, place).Add(access);
                }

                found = _callers.GetOrAdd(body, found);
            }

            return found;
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
        /// the member holding the work's handle, or a call of a method of the type whose own code does either. The graph's
        /// operations carry no semantic model: callees are read through <paramref name="body"/>'s.
        /// </summary>
        private List<FlowPoint> WaitsIn(FlowIndex flow, IOperation body, IMethodSymbol caller, ISymbol? handle)
        {
            var points = new List<FlowPoint>();
            foreach (var (operation, block, index) in flow.Operations())
            {
                if (MayWait(operation, handle) ||
                    (operation is IInvocationOperation call && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, caller.ContainingType) &&
                     SourceCallees.BodyOf(call.TargetMethod, body) is { } callee && WaitsInCall(call.TargetMethod, callee, handle)))
                {
                    points.Add(new FlowPoint(block, index, operation.Syntax.Span.End));
                }
            }

            return points;
        }

        /// <summary>
        /// A call of <paramref name="method"/> may wait: its code does. An async method returns to the caller at its first
        /// await, so only what it does before that blocks the caller (a call awaited where it is made is itself a wait).
        /// </summary>
        private bool WaitsInCall(IMethodSymbol method, IOperation callee, ISymbol? handle)
        {
            if (!method.IsAsync)
            {
                return callee.Descendants().Any(inner => MayWait(inner, handle));
            }

            var own = callee.Descendants().Where(inner => Functions.EnclosingFunction(inner) == null).ToList();
            var firstAwait = own.OfType<IAwaitOperation>().Select(a => a.Syntax.SpanStart).DefaultIfEmpty(int.MaxValue).Min();
            return own.Any(inner => !(inner is IAwaitOperation) && inner.Syntax.SpanStart < firstAwait && MayWait(inner, handle));
        }

        private bool MayWait(IOperation operation, ISymbol? handle)
        {
            switch (operation)
            {
                case IAwaitOperation:
                    return true;
                case IFieldReferenceOperation field when handle != null && SymbolEqualityComparer.Default.Equals(field.Field, handle):
                    return true;
                case IPropertyReferenceOperation property when handle != null && SymbolEqualityComparer.Default.Equals(property.Property, handle):
                    return true;
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

        /// <summary>The field or property the spawn's handle is stored in (<c>_loop = Task.Run(…)</c>, <c>_thread = new Thread(…)</c>); null otherwise.</summary>
        private static ISymbol? HandleMemberOf(IOperation spawn)
        {
            var value = spawn;
            while (value.Parent is IConversionOperation || value.Parent is IParenthesizedOperation)
            {
                value = value.Parent;
            }

            return value.Parent is ISimpleAssignmentOperation assignment && assignment.Value == value
                ? assignment.Target switch
                {
                    IFieldReferenceOperation field => field.Field,
                    IPropertyReferenceOperation property => property.Property,
                    _ => null,
                }
                : null;
        }
    }
}
