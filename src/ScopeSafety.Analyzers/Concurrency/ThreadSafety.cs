using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The .editorconfig lists that adjust which types are thread-safe: <c>scopesafety.not_thread_safe_types</c> adds
    /// types (yours, or framework ones we do not list), <c>scopesafety.thread_safe_types</c> removes types from the
    /// defaults. Each is a list of documentation comment ids (<c>T:MyLib.Counter</c>; the <c>T:</c> may be left out)
    /// separated by ',' or '|'. A type derived from a listed type is listed too.
    /// </summary>
    internal sealed class ThreadSafetyOptions
    {
        public const string NotThreadSafeTypesKey = "scopesafety.not_thread_safe_types";
        public const string ThreadSafeTypesKey = "scopesafety.thread_safe_types";

        public static readonly ThreadSafetyOptions Empty = new ThreadSafetyOptions(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);

        private readonly ImmutableHashSet<string> _notThreadSafe;
        private readonly ImmutableHashSet<string> _threadSafe;

        private ThreadSafetyOptions(ImmutableHashSet<string> notThreadSafe, ImmutableHashSet<string> threadSafe)
        {
            _notThreadSafe = notThreadSafe;
            _threadSafe = threadSafe;
        }

        /// <summary>True when instances of <paramref name="type"/> are not thread-safe under these options.</summary>
        public bool IsNotThreadSafe(ITypeSymbol? type, KnownSymbols symbols)
        {
            for (var t = type as INamedTypeSymbol; t != null; t = t.BaseType)
            {
                if (t.SpecialType == SpecialType.System_Object)
                {
                    return false;
                }

                var definition = t.OriginalDefinition;
                var listedByUser = !_notThreadSafe.IsEmpty || !_threadSafe.IsEmpty;
                var id = listedByUser ? definition.GetDocumentationCommentId() : null;
                if (id != null && _threadSafe.Contains(id))
                {
                    return false;
                }

                if (symbols.Collections.NotThreadSafe.Contains(definition) || (id != null && _notThreadSafe.Contains(id)))
                {
                    return true;
                }
            }

            return false;
        }

        public static ImmutableHashSet<string> ParseList(string? value)
        {
            var builder = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(value))
            {
                return builder.ToImmutable();
            }

            foreach (var part in value!.Split(',', '|'))
            {
                var item = part.Trim();
                if (item.Length > 0)
                {
                    builder.Add(item.Length > 1 && item[1] == ':' ? item : "T:" + item);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>Reads and caches the options per syntax tree; one cache lives per compilation.</summary>
        internal sealed class Cache
        {
            private readonly AnalyzerConfigOptionsProvider _provider;
            private readonly ConcurrentDictionary<SyntaxTree, ThreadSafetyOptions> _byTree = new ConcurrentDictionary<SyntaxTree, ThreadSafetyOptions>();
            private readonly ConcurrentDictionary<(string, string), ThreadSafetyOptions> _byText = new ConcurrentDictionary<(string, string), ThreadSafetyOptions>();

            public Cache(AnalyzerConfigOptionsProvider provider) => _provider = provider;

            public ThreadSafetyOptions Get(SyntaxTree tree) => _byTree.GetOrAdd(tree, Read);

            private ThreadSafetyOptions Read(SyntaxTree tree)
            {
                var options = _provider.GetOptions(tree);
                options.TryGetValue(NotThreadSafeTypesKey, out var notThreadSafe);
                options.TryGetValue(ThreadSafeTypesKey, out var threadSafe);
                if (string.IsNullOrWhiteSpace(notThreadSafe) && string.IsNullOrWhiteSpace(threadSafe))
                {
                    return Empty;
                }

                return _byText.GetOrAdd((notThreadSafe ?? string.Empty, threadSafe ?? string.Empty),
                    key => new ThreadSafetyOptions(ParseList(key.Item1), ParseList(key.Item2)));
            }
        }
    }

    /// <summary>What a use of a non-thread-safe object does to it.</summary>
    internal enum ObjectUse
    {
        /// <summary>Not a use we can judge (passed to a method, stored, compared).</summary>
        None,

        Read,

        Mutate,
    }

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

                case IPropertyReferenceOperation property when property.Instance == current:
                    if (IsWritten(property))
                    {
                        // list[i] = x on distinct indices is the List form of "each item writes its own element".
                        return property.Property.IsIndexer && KnownSymbols.Is(property.Property.ContainingType, symbols.Collections.List) && property.Parent is ISimpleAssignmentOperation
                            ? ObjectUse.None
                            : ObjectUse.Mutate;
                    }

                    return ObjectUse.Read;

                case IForEachLoopOperation loop when loop.Collection == current:
                    return ObjectUse.Read;

                default:
                    return ObjectUse.None;
            }
        }

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
