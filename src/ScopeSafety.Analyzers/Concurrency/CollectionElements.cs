using Microsoft.CodeAnalysis;
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
                    when indexer.Locations.Length > 0 && !indexer.Locations[0].IsInSource && !IsWritten(operation) &&
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
            foreach (var operation in Flow.Functions.Root(reference).Descendants())
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
            method.Locations.Length > 0 && !method.Locations[0].IsInSource && arguments[1] == argument && symbols.Collections.IsCollection(collection.Type)
                ? (collection, arguments[0].Value)
                : ((IOperation, IOperation)?)null;

        private static bool IsWritten(IOperation reference) =>
            reference.Parent is IAssignmentOperation assignment && assignment.Target == reference ||
            reference.Parent is IIncrementOrDecrementOperation;
    }
}
