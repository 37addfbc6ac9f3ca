using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// An expression that yields one element of a .NET collection, chosen by a key: <c>lists[k]</c> on a list or a
    /// dictionary, <c>groups.GetOrAdd(k, …)</c> on a <c>ConcurrentDictionary</c>. The element is an object of its own:
    /// a <c>List</c> held in a <c>ConcurrentDictionary</c> is no safer for the dictionary being thread-safe, and two runs
    /// that choose it by keys that may be equal share it. Arrays are <see cref="Place"/>s already (<c>a[i]</c>).
    /// </summary>
    internal static class CollectionElements
    {
        /// <summary>The collection and the key of the element <paramref name="operation"/> reads; null for anything else.</summary>
        public static (IOperation Collection, IOperation Key)? Of(IOperation operation, KnownSymbols symbols)
        {
            switch (operation)
            {
                case IPropertyReferenceOperation { Property: { IsIndexer: true } indexer, Instance: { } collection, Arguments: { Length: 1 } arguments }
                    when KnownSymbols.IsLibrary(indexer) && !Spawns.AccessCollector.Kind(operation).Write &&
                         symbols.Collections.IsCollection(collection.Type):
                    // A library collection's indexer: the value stored under the key (a string's or a span's index is no
                    // collection of objects, and their elements are values).
                    return (collection, arguments[0].Value);

                case IInvocationOperation { TargetMethod: { Name: "GetOrAdd" } method, Instance: { } collection, Arguments: { Length: >= 2 } arguments }
                    when KnownSymbols.Is(method.ContainingType, symbols.Collections.ConcurrentDictionary):
                    return (collection, arguments[0].Value);

                default:
                    return null;
            }
        }

        /// <summary>
        /// The value a <c>ConcurrentDictionary.AddOrUpdate</c> hands its update factory (the factory's second parameter) is
        /// the element under the call's key: a factory that changes it (<c>(_, list) =&gt; { list.Add(x); return list; }</c>)
        /// changes an object that another run updating the same key holds too. Null for any other parameter.
        /// </summary>
        public static (IOperation Collection, IOperation Key)? UpdatedBy(IParameterReferenceOperation reference, KnownSymbols symbols)
        {
            if (!(reference.Parameter is { Ordinal: 1, ContainingSymbol: IMethodSymbol factory }) || reference.SemanticModel is not { } model ||
                !(Flow.Functions.CallHandedTo(factory, model) is { Call: { TargetMethod: { Name: "AddOrUpdate" } method, Instance: { } collection } update, Argument: var handed }) ||
                handed.Parameter?.Name != "updateValueFactory" || !KnownSymbols.Is(method.ContainingType, symbols.Collections.ConcurrentDictionary))
            {
                return null;
            }

            IOperation? key = null;
            foreach (var argument in update.Arguments)
            {
                if (argument.Parameter?.Name == "key")
                {
                    key = argument.Value;
                }
            }

            return key != null ? (collection, key) : null;
        }

        /// <summary>
        /// The element a local stands for (its object, or the value it copied) when its one definition takes it from a
        /// collection and nothing assigns it again: <c>var list = groups.GetOrAdd(k, …);</c>, <c>var list = lists[k];</c>,
        /// <c>groups.TryGetValue(k, out var list)</c>. Null for any other local.
        /// </summary>
        public static (IOperation Collection, IOperation Key)? HeldBy(ILocalReferenceOperation reference, KnownSymbols symbols)
        {
            var local = reference.Local;
            if (local.IsRef || local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model ||
                local.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree)
            {
                return null;
            }

            (IOperation, IOperation)? element = null;
            var definitions = 0;
            foreach (var operation in Flow.LocalMentions.Of(local, reference))
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (declarator.Initializer is { Value: var value })
                        {
                            definitions++;
                            element = Of(Spawns.SpawnClassifier.Unwrap(value), symbols);
                        }

                        break;

                    case ILocalReferenceOperation other when SymbolEqualityComparer.Default.Equals(other.Local, local) &&
                                                             (other.IsDeclaration || Spawns.AccessCollector.Kind(other).Write):
                        // out var list declares the local inside the argument.
                        var argument = other.Parent as IArgumentOperation ?? (other.Parent as IDeclarationExpressionOperation)?.Parent as IArgumentOperation;
                        definitions++;
                        element = argument is { Parameter: { RefKind: RefKind.Out } } ? OutOfTryGetValue(argument, symbols) : null;
                        break;
                }
            }

            return definitions == 1 ? element : null;
        }

        /// <summary>
        /// A write of one entry of a <c>ConcurrentDictionary</c>, with <c>IsSplitUpdate</c> when the value written is computed
        /// from the entry's value read by an earlier call (<c>counts[k] = counts[k] + 1</c>, <c>counts[k]++</c>,
        /// <c>TryGetValue(k, out var n)</c> then <c>counts[k] = n + 1</c>): each call is atomic, but a write another thread
        /// makes between the read and the write is lost. <c>AddOrUpdate</c>, <c>TryUpdate</c> and the other single calls
        /// are atomic writes. Null for anything else.
        /// </summary>
        public static (IOperation Collection, IOperation Key, bool IsSplitUpdate)? ConcurrentWriteOf(IOperation operation, KnownSymbols symbols)
        {
            switch (operation)
            {
                case IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } collection, Arguments: { Length: 1 } arguments }
                    when KnownSymbols.Is(collection.Type, symbols.Collections.ConcurrentDictionary):
                    var key = arguments[0].Value;
                    switch (operation.Parent)
                    {
                        case ISimpleAssignmentOperation assignment when assignment.Target == operation:
                            return (collection, key, ReadsEntry(assignment.Value, collection, key, symbols));
                        case ICompoundAssignmentOperation compound when compound.Target == operation:
                        case ICoalesceAssignmentOperation coalesce when coalesce.Target == operation:
                        case IIncrementOrDecrementOperation _:
                            return (collection, key, true);
                        default:
                            return null;
                    }

                case IInvocationOperation { TargetMethod: { Name: "TryAdd" or "TryRemove" or "TryUpdate" or "AddOrUpdate" or "GetOrAdd" } method, Instance: { } collection, Arguments: { Length: >= 1 } arguments }
                    when KnownSymbols.Is(method.ContainingType, symbols.Collections.ConcurrentDictionary) &&
                         arguments[0].Parameter?.OriginalDefinition.Type is ITypeParameterSymbol:
                    return (collection, arguments[0].Value, false);

                default:
                    return null;
            }
        }

        /// <summary>Whether <paramref name="value"/> reads the entry of <paramref name="collection"/> under <paramref name="key"/>, or a local copied from it.</summary>
        private static bool ReadsEntry(IOperation value, IOperation collection, IOperation key, KnownSymbols symbols)
        {
            foreach (var operation in value.DescendantsAndSelf())
            {
                var read = operation switch
                {
                    IPropertyReferenceOperation { Property: { IsIndexer: true }, Instance: { } instance, Arguments: { Length: 1 } arguments } => ((IOperation, IOperation)?)(instance, arguments[0].Value),
                    IInvocationOperation { TargetMethod: { Name: "GetValueOrDefault" }, Instance: { } instance, Arguments: { Length: >= 1 } arguments } => (instance, arguments[0].Value),
                    IInvocationOperation { TargetMethod: { Name: "GetValueOrDefault", IsExtensionMethod: true }, Instance: null, Arguments: { Length: >= 2 } arguments } => (arguments[0].Value, arguments[1].Value),
                    ILocalReferenceOperation local => HeldBy(local, symbols),
                    _ => null,
                };

                if (read is { } entry && Places.TextOf(entry.Item1.Syntax) == Places.TextOf(collection.Syntax) && Places.TextOf(entry.Item2.Syntax) == Places.TextOf(key.Syntax))
                {
                    return true;
                }
            }

            return false;
        }

        // dict.TryGetValue(key, out var value) on a library dictionary: value is the element under key.
        private static (IOperation, IOperation)? OutOfTryGetValue(IArgumentOperation argument, KnownSymbols symbols) =>
            argument.Parent is IInvocationOperation { TargetMethod: { Name: "TryGetValue" } method, Instance: { } collection, Arguments: { Length: 2 } arguments } &&
            KnownSymbols.IsLibrary(method) && arguments[1] == argument && symbols.Collections.IsCollection(collection.Type)
                ? (collection, arguments[0].Value)
                : ((IOperation, IOperation)?)null;

        /// <summary>
        /// A variable that is the element of a loop over a collection whose values may repeat: a string or a value
        /// (<c>words</c>, <c>data</c>) of a <c>foreach</c>, <c>Parallel.ForEach</c> or PLINQ source not known to be
        /// distinct. Runs with their own element are told apart as array indices are, but two runs that count the same
        /// word share its entry. A set, a dictionary's <c>Keys</c>, <c>Distinct()</c> or <c>Range</c> (and what
        /// <c>Where</c>, <c>OrderBy</c>, <c>ToList</c> keep of them) never repeat, and neither are objects of a class
        /// taken to repeat (a list of objects holds different ones).
        /// </summary>
        public static bool MayRepeat(ISymbol variable, SemanticModel? model)
        {
            var type = variable switch
            {
                IParameterSymbol parameter => parameter.Type,
                ILocalSymbol local => local.Type,
                _ => null,
            };

            return type != null && (type.IsValueType || type.SpecialType == SpecialType.System_String) &&
                   LoopSourceOf(variable, model) is { } source && !IsDistinct(source, 4);
        }

        /// <summary>
        /// The <c>Key</c> of a pair a loop takes from a dictionary (<c>Parallel.ForEach(groups, pair => groups[pair.Key]…)</c>):
        /// a dictionary holds each key once, so every run has its own.
        /// </summary>
        public static bool IsKeyOfOwnPair(IOperation key) =>
            Spawns.SpawnClassifier.Unwrap(key) is IPropertyReferenceOperation { Property: { Name: "Key" }, Instance: { } pair } &&
            Places.VariableOf(Spawns.SpawnClassifier.Unwrap(pair)) is { } variable &&
            LoopSourceOf(variable, key.SemanticModel) is { } source && IsKeyed(Spawns.SpawnClassifier.Unwrap(source));

        /// <summary>The collection a <c>foreach</c>, <c>Parallel.ForEach</c> or PLINQ operator takes <paramref name="variable"/> from, one element per run.</summary>
        private static IOperation? LoopSourceOf(ISymbol variable, SemanticModel? model)
        {
            if (model == null || variable.DeclaringSyntaxReferences.Length != 1 || variable.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree)
            {
                return null;
            }

            var declaration = variable.DeclaringSyntaxReferences[0].GetSyntax();
            if (variable is ILocalSymbol && declaration is ForEachStatementSyntax loop)
            {
                return (model.GetOperation(loop) as IForEachLoopOperation)?.Collection;
            }

            return variable is IParameterSymbol { Ordinal: 0, ContainingSymbol: IMethodSymbol function } &&
                   Flow.Functions.CallHandedTo(function, model) is { Call: { Arguments: { Length: > 1 } arguments } invocation } && IsElementLoop(invocation.TargetMethod)
                ? arguments[0].Value
                : null;
        }

        // Parallel.ForEach(source, item => …), Parallel.ForEachAsync, and PLINQ operators given the query first.
        private static bool IsElementLoop(IMethodSymbol method) =>
            method.ContainingType is { Name: "Parallel" or "ParallelEnumerable", ContainingNamespace: { Name: "Tasks" or "Linq" } } &&
            method.Name is "ForEach" or "ForEachAsync" or "ForAll" or "Select" or "SelectMany" or "Where";

        private static readonly ImmutableHashSet<string> DistinctResults = ImmutableHashSet.Create(
            "Distinct", "DistinctBy", "ToHashSet", "Range", "Union", "UnionBy", "Intersect", "IntersectBy", "Except", "ExceptBy");

        // Operators whose result holds some of their source's elements, each once at most when the source had it once.
        private static readonly ImmutableHashSet<string> KeepDistinct = ImmutableHashSet.Create(
            "Where", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Take", "Skip", "TakeWhile", "SkipWhile", "Reverse",
            "ToList", "ToArray", "AsEnumerable", "AsParallel", "AsOrdered", "AsUnordered", "WithDegreeOfParallelism", "WithCancellation",
            "WithExecutionMode", "WithMergeOptions", "AsReadOnly", "ToImmutableArray", "ToImmutableList");

        private static bool IsDistinct(IOperation source, int depth)
        {
            source = Spawns.SpawnClassifier.Unwrap(source);
            if (depth < 0)
            {
                return false;
            }

            if (source.Type is INamedTypeSymbol type && IsSet(type))
            {
                return true;
            }

            switch (source)
            {
                case IPropertyReferenceOperation { Property: { Name: "Keys" } }:
                    return true;
                case IInvocationOperation { TargetMethod: var method } invocation when DistinctResults.Contains(method.Name):
                    return true;
                case IInvocationOperation { TargetMethod: var method } invocation when KeepDistinct.Contains(method.Name):
                    var inner = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                    return inner != null && IsDistinct(inner, depth - 1);
                case ILocalReferenceOperation local when local.Local.DeclaringSyntaxReferences.Length == 1 && local.SemanticModel is { } model &&
                                                          local.Local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { Value: var value } } declarator &&
                                                          declarator.SyntaxTree == model.SyntaxTree && model.GetOperation(value) is { } initial:
                    return IsDistinct(initial, depth - 1);
                default:
                    return false;
            }
        }

        /// <summary>A dictionary's entries are chosen by key (values that may repeat), a list's or an array's by index.</summary>
        public static bool IsKeyed(IOperation collection) =>
            collection.Type is INamedTypeSymbol type && Implements(type, "IDictionary", "IReadOnlyDictionary");

        private static bool IsSet(INamedTypeSymbol type) => Implements(type, "ISet", "IReadOnlySet");

        // The type is, or implements, a System.Collections(.Generic) interface of one of these names (Hashtable's IDictionary too).
        private static bool Implements(INamedTypeSymbol type, string name, string readOnlyName)
        {
            foreach (var candidate in type.AllInterfaces.Add(type))
            {
                if ((candidate.Name == name || candidate.Name == readOnlyName) &&
                    candidate.ContainingNamespace is { Name: "Generic" or "Collections" })
                {
                    return true;
                }
            }

            return false;
        }

    }
}
