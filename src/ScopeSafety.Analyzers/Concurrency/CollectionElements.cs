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

        private static bool IsWritten(IOperation reference) =>
            reference.Parent is IAssignmentOperation assignment && assignment.Target == reference ||
            reference.Parent is IIncrementOrDecrementOperation;
    }
}
