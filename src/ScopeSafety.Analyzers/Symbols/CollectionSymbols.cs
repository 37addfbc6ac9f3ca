using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>Collections, LINQ, and the types whose instances are not thread-safe unless the user says otherwise.</summary>
    internal sealed class CollectionSymbols
    {
        /// <summary>Types whose instances must not be mutated by two threads at once, nor read while one mutates.</summary>
        public static readonly ImmutableArray<string> DefaultNotThreadSafe = ImmutableArray.Create(
            "System.Collections.Generic.List`1",
            "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.HashSet`1",
            "System.Collections.Generic.Queue`1",
            "System.Collections.Generic.Stack`1",
            "System.Collections.Generic.SortedDictionary`2",
            "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.LinkedList`1",
            "System.Collections.Generic.PriorityQueue`2",
            "System.Collections.ArrayList",
            "System.Collections.Queue",
            "System.Collections.Stack",
            "System.Collections.SortedList",
            "System.Collections.ObjectModel.Collection`1",
            "System.Collections.BitArray",
            "System.Text.StringBuilder",
            "System.Random",
            "System.IO.StreamWriter",
            "System.IO.StreamReader",
            "System.IO.StringWriter",
            "System.IO.BinaryWriter",
            "System.IO.BinaryReader",
            "System.IO.FileStream",
            "System.IO.MemoryStream",
            "System.IO.BufferedStream",
            "System.Security.Cryptography.HashAlgorithm",
            "System.Data.DataTable",
            "System.Data.DataSet");

        internal CollectionSymbols(Compilation compilation)
        {
            List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            Dictionary = compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2");
            Queue = compilation.GetTypeByMetadataName("System.Collections.Generic.Queue`1");
            ConcurrentDictionary = compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentDictionary`2");
            Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            CollectionExtensions = compilation.GetTypeByMetadataName("System.Collections.Generic.CollectionExtensions");
            NonGenericEnumerable = compilation.GetTypeByMetadataName("System.Collections.IEnumerable");
            var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in DefaultNotThreadSafe)
            {
                var type = compilation.GetTypeByMetadataName(name);
                if (type != null)
                {
                    builder.Add(type);
                }
            }

            NotThreadSafe = builder.ToImmutable();
        }

        public INamedTypeSymbol? List { get; }
        public INamedTypeSymbol? Dictionary { get; }
        public INamedTypeSymbol? Queue { get; }
        public INamedTypeSymbol? ConcurrentDictionary { get; }

        /// <summary>System.Linq.Enumerable: its extension methods only read their source.</summary>
        public INamedTypeSymbol? Enumerable { get; }
        public INamedTypeSymbol? CollectionExtensions { get; }

        /// <summary>System.Collections.IEnumerable.</summary>
        public INamedTypeSymbol? NonGenericEnumerable { get; }

        /// <summary>The defaults of <see cref="DefaultNotThreadSafe"/> this compilation has.</summary>
        public ImmutableHashSet<INamedTypeSymbol> NotThreadSafe { get; }

        /// <summary>An array or an IEnumerable other than string.</summary>
        public bool IsCollection(ITypeSymbol? type) =>
            type != null && NonGenericEnumerable != null && type.SpecialType != SpecialType.System_String &&
            (type is IArrayTypeSymbol || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, NonGenericEnumerable)));
    }
}
