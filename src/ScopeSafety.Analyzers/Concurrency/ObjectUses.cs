using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>Classifies the use of an object at a reference: a read (Count, Contains, foreach, LINQ) or a mutation (Add, indexer set, Next).</summary>
    internal static class ObjectUses
    {
        // Members that only read, on every non-thread-safe collection and on StringBuilder; every other method mutates
        // (Add, Remove, Clear, Enqueue, Pop, Append, Random.Next, EnsureCapacity, ...).
        private static readonly ImmutableHashSet<string> ReadingMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Contains", "ContainsKey", "ContainsValue", "TryGetValue", "IndexOf", "LastIndexOf", "BinarySearch",
            "Find", "FindAll", "FindIndex", "FindLast", "FindLastIndex", "Exists", "TrueForAll", "ForEach",
            "GetEnumerator", "ToArray", "CopyTo", "Peek", "TryPeek", "ToString", "Equals", "GetHashCode", "GetType",
            "IsSubsetOf", "IsSupersetOf", "IsProperSubsetOf", "IsProperSupersetOf", "Overlaps", "SetEquals",
            "GetRange", "ConvertAll", "AsReadOnly", "GetValueOrDefault", "GetViewBetween", "GetChunks", "Slice",
            "GetAlternateLookup", "GetBuffer", "ToList");

        public static ObjectUse Classify(IOperation reference, KnownSymbols symbols)
        {
            var current = reference;
            var parent = current.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation { TargetMethod: { Name: "Dispose" or "DisposeAsync" } } invocation when invocation.Instance == current:
                    // Disposal while work may run is SCOPE003's question.
                    return ObjectUse.None;

                case IInvocationOperation invocation when invocation.Instance == current:
                    return ReadingMethods.Contains(invocation.TargetMethod.Name) ? ObjectUse.Read : ObjectUse.Mutate;

                case IMethodReferenceOperation method when method.Instance == current:
                    return ReadingMethods.Contains(method.Method.Name) ? ObjectUse.Read : ObjectUse.Mutate;

                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { IsExtensionMethod: true } extension } } argument
                    when argument.Parameter?.Ordinal == 0:
                    if (KnownSymbols.Is(extension.ContainingType, symbols.Collections.Enumerable))
                    {
                        return ObjectUse.Read;
                    }

                    if (KnownSymbols.Is(extension.ContainingType, symbols.Collections.CollectionExtensions))
                    {
                        return ReadingMethods.Contains(extension.Name) ? ObjectUse.Read : ObjectUse.Mutate;
                    }

                    return ObjectUse.None;

                case IPropertyReferenceOperation { Property.Name: "Value" } lazy when lazy.Instance == current && KnownSymbols.IsLazy(lazy.Property.ContainingType):
                    // The first Value runs the factory and stores its result: on a Lazy<T> that is not thread-safe (the only
                    // kind judged here, see ThreadSafeOrigins.IsUnsafeLazy) that is a write.
                    return ObjectUse.Mutate;

                case IPropertyReferenceOperation property when property.Instance == current:
                    if (IsWritten(property))
                    {
                        // list[i] = x on distinct indices is the List form of "each item writes its own element".
                        return property.Property.IsIndexer && KnownSymbols.Is(property.Property.ContainingType, symbols.Collections.List) && property.Parent is ISimpleAssignmentOperation
                            ? ObjectUse.None
                            : ObjectUse.Mutate;
                    }

                    // table.Rows.Add(row), writer.BaseStream.Write(…): a part a library object hands out is that object's state.
                    return !property.Property.IsIndexer && property.Type is { IsReferenceType: true, SpecialType: not SpecialType.System_String } &&
                           KnownSymbols.IsLibrary(property.Property) &&
                           Classify(property, symbols) == ObjectUse.Mutate
                        ? ObjectUse.Mutate
                        : ObjectUse.Read;

                case IForEachLoopOperation loop when loop.Collection == current:
                    return ObjectUse.Read;

                case IArgumentOperation { Parameter: { } parameter, Parent: var call } when IsEnumerated(parameter, call):
                    // string.Join(",", list), new List<string>(seen), mine.AddRange(source): a library method that takes a
                    // sequence only walks it.
                    return ObjectUse.Read;

                case IInterpolationOperation interpolation when interpolation.Expression == current:
                    // $"{builder}" calls ToString.
                    return ObjectUse.Read;

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type: { SpecialType: SpecialType.System_String } }
                    when reference.Type?.SpecialType != SpecialType.System_String:
                    // "Errors: " + builder calls ToString.
                    return ObjectUse.Read;

                default:
                    return ObjectUse.None;
            }
        }

        // A parameter of a library method or constructor typed as a sequence it can only read (IEnumerable, IEnumerable<T>,
        // IReadOnlyCollection<T>, IReadOnlyList<T>); the user's own methods are read as source, where they are followed.
        private static bool IsEnumerated(IParameterSymbol parameter, IOperation? call) =>
            (call is IInvocationOperation { TargetMethod: var method } ? method : (call as IObjectCreationOperation)?.Constructor) is { } callee &&
            KnownSymbols.IsLibrary(callee) &&
            parameter.RefKind == RefKind.None &&
            (parameter.Type.SpecialType == SpecialType.System_Collections_IEnumerable ||
             parameter.Type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T
                 or SpecialType.System_Collections_Generic_IReadOnlyCollection_T or SpecialType.System_Collections_Generic_IReadOnlyList_T);

        private static bool IsWritten(IOperation target)
        {
            switch (target.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == target:
                case ICompoundAssignmentOperation compound when compound.Target == target:
                case ICoalesceAssignmentOperation coalesce when coalesce.Target == target:
                case IIncrementOrDecrementOperation _:
                    return true;
                default:
                    return false;
            }
        }
    }
}
