using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The object a spawn API hands its work as state: <c>ThreadPool.QueueUserWorkItem(Work, list)</c>,
    /// <c>new Thread(Fill)</c> started with <c>Start(list)</c>, <c>Task.Factory.StartNew(action, list)</c>,
    /// <c>new Timer(callback, list, …)</c>, <c>ContinueWith(action, list)</c>. Inside the work, the parameter that receives
    /// it, and a local of the work that only ever holds that parameter (<c>var l = (List&lt;int&gt;)o;</c>,
    /// <c>o is List&lt;int&gt; l</c>), are the host's variable under another name: the work uses the host's object.
    /// </summary>
    internal static class StateArguments
    {
        private static readonly IReadOnlyDictionary<ISymbol, ISymbol> None = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>
        /// The host variable each such name in the work's code <paramref name="body"/> stands for, given what
        /// <see cref="HandedTo"/> found; empty when the work is handed no state of the host's.
        /// </summary>
        public static IReadOnlyDictionary<ISymbol, ISymbol> AliasesIn((IParameterSymbol Parameter, IOperation Argument, ISymbol Variable)? handed, IOperation body)
        {
            if (!(handed is { } state))
            {
                return None;
            }

            var parameter = state.Parameter;
            var aliases = new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default) { [parameter] = state.Variable };
            foreach (var operation in body.Descendants())
            {
                switch (operation)
                {
                    // An initialiser that is not the parameter settles it without reading the rest of the member.
                    case IVariableDeclaratorOperation { Symbol: var local } declarator
                        when (declarator.Initializer == null || IsParameter(declarator.Initializer.Value, parameter)) && Holds(local, declarator, state):
                        aliases[local] = state.Variable;
                        break;

                    case IPatternOperation pattern when Flow.LocalValues.PatternVariable(pattern) is { } local && Holds(local, pattern, state):
                        aliases[local] = state.Variable;
                        break;
                }
            }

            return aliases;
        }

        /// <summary>
        /// The parameter of <paramref name="function"/> (the work) that receives the host's state, the argument that hands
        /// it over and the host's variable it names; null when the work is handed no state of the host's.
        /// </summary>
        public static (IParameterSymbol Parameter, IOperation Argument, ISymbol Variable)? HandedTo(WorkItem item, IMethodSymbol function, KnownSymbols symbols)
        {
            if (!(HostState(item, symbols) is { } state))
            {
                return null;
            }

            // The parameter that receives the state: the last one of the state's type (ContinueWith's action gets the
            // antecedent first).
            var parameter = function.OriginalDefinition.Parameters.LastOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, state.Type));
            return parameter == null ? null : (parameter, state.Argument, state.Variable);
        }

        /// <summary>
        /// The host's variable handed to the work as state, and the type the API takes it as: a local that certainly holds
        /// one object, a parameter or a readonly field, so that every use of it in the host is a use of that object.
        /// </summary>
        private static (ISymbol Variable, ITypeSymbol Type, IOperation Argument)? HostState(WorkItem item, KnownSymbols symbols)
        {
            IArgumentOperation? state = null;
            var arguments = item.Site.Operation switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => System.Collections.Immutable.ImmutableArray<IArgumentOperation>.Empty,
            };

            state = arguments.FirstOrDefault(a => a.Parameter?.Name == "state");
            if (state == null && item.Site.Handle == HandleKind.Thread && item.Site.StartsAtStart)
            {
                // new Thread(Fill) … thread.Start(list): one object, whichever Start starts it.
                var starts = HandleTracker.Track(item.Site, item.Host, symbols, _ => false).Starts;
                var handed = starts.Select(s => s is IInvocationOperation { Arguments: { Length: 1 } startArguments } ? startArguments[0] : null).ToList();
                if (handed.Count == 0 || handed.Any(a => a == null) ||
                    handed.Select(a => Places.SharedObjectOf(SpawnClassifier.Unwrap(a!.Value))).Distinct(SymbolEqualityComparer.Default).Count() != 1)
                {
                    return null;
                }

                state = handed[0];
            }

            if (state?.Parameter == null || !(Places.SharedObjectOf(SpawnClassifier.Unwrap(state.Value)) is { } variable) || !HoldsOneObject(variable, item.Host))
            {
                return null;
            }

            return (variable, state.Parameter.Type, state.Value);
        }

        private static bool HoldsOneObject(ISymbol variable, IOperation host) => variable switch
        {
            ILocalSymbol local => Flow.LocalValues.OnlyValue(local, host) != null,
            IParameterSymbol parameter => parameter.RefKind == RefKind.None && !IsWritten(parameter, Flow.Functions.Root(host)),
            IFieldSymbol field => Places.HoldsOneObject(field, host.SemanticModel?.Compilation),
            _ => false,
        };

        // Whether local only holds the state's parameter, and may hold the host's object (o is Job j names nothing when the
        // host hands over a list).
        private static bool Holds(ILocalSymbol local, IOperation declaration, (IParameterSymbol Parameter, IOperation Argument, ISymbol Variable) state) =>
            Flow.LocalValues.ParameterHeldBy(local, declaration) is { } held && IsParameter(held, state.Parameter) &&
            declaration.SemanticModel is { } model && Flow.LocalValues.CanHold(local, Places.TypeOf(state.Variable), model.Compilation);

        private static bool IsParameter(IOperation value, IParameterSymbol parameter) =>
            SpawnClassifier.Unwrap(value) is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);

        private static bool IsWritten(ISymbol variable, IOperation root) =>
            root.Descendants().Any(o => Places.VariableOf(o) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, variable) &&
                                        AccessCollector.Kind(o).Write);
    }
}
