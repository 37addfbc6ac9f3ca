using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>
    /// ScopeSafety's own types and the Scope/ScopedTask members the rules match. The attributes are matched by name, so
    /// a library may declare its own copies of them.
    /// </summary>
    internal sealed class RuntimeSymbols
    {
        internal RuntimeSymbols(Compilation compilation)
        {
            Scope = compilation.GetTypeByMetadataName("ScopeSafety.Scope");
            ScopedTask = compilation.GetTypeByMetadataName("ScopeSafety.ScopedTask");
            ScopedTaskOfT = compilation.GetTypeByMetadataName("ScopeSafety.ScopedTask`1");
            SpanBorrow = compilation.GetTypeByMetadataName("ScopeSafety.SpanBorrow`1");
            ReadOnlySpanBorrow = compilation.GetTypeByMetadataName("ScopeSafety.ReadOnlySpanBorrow`1");
            RefBorrow = compilation.GetTypeByMetadataName("ScopeSafety.RefBorrow`1");
            UnscopedWorkAttribute = compilation.GetTypeByMetadataName("ScopeSafety.UnscopedWorkAttribute");
            StructuredWorkAttribute = compilation.GetTypeByMetadataName("ScopeSafety.StructuredWorkAttribute");
            ThreadSafeAttribute = compilation.GetTypeByMetadataName("ScopeSafety.ThreadSafeAttribute");
            Spawn = Methods(Scope, "Spawn").Union(Methods(Scope, "Go"));
            Run = Methods(Scope, "Run");
            Join = Methods(Scope, "Join");
            SpawnAsync = Methods(Scope, "SpawnAsync");
            RunAsync = Methods(Scope, "RunAsync");
            TaskJoin = Methods(ScopedTask, "Join").Union(Methods(ScopedTaskOfT, "Join"));
        }

        public INamedTypeSymbol? Scope { get; }
        public INamedTypeSymbol? ScopedTask { get; }
        public INamedTypeSymbol? ScopedTaskOfT { get; }
        public INamedTypeSymbol? SpanBorrow { get; }
        public INamedTypeSymbol? ReadOnlySpanBorrow { get; }
        public INamedTypeSymbol? RefBorrow { get; }
        public INamedTypeSymbol? UnscopedWorkAttribute { get; }
        public INamedTypeSymbol? StructuredWorkAttribute { get; }

        /// <summary>Marks a type whose members are checked as if called from several threads at once (see <c>ThreadSafeTypes</c>).</summary>
        public INamedTypeSymbol? ThreadSafeAttribute { get; }

        /// <summary>
        /// The synchronous spawns: the Scope.Spawn overloads and Scope.Go, a spawn without a handle. Work started by either
        /// may run at once and is finished when its Scope.Run returns (a Spawn's work also where its handle is joined).
        /// </summary>
        public ImmutableHashSet<ISymbol> Spawn { get; }

        /// <summary>Scope.Run overloads.</summary>
        public ImmutableHashSet<ISymbol> Run { get; }

        /// <summary>Scope.Join overloads (the fork-join).</summary>
        public ImmutableHashSet<ISymbol> Join { get; }

        public ImmutableHashSet<ISymbol> SpawnAsync { get; }

        public ImmutableHashSet<ISymbol> RunAsync { get; }

        /// <summary>ScopedTask.Join and ScopedTask&lt;T&gt;.Join.</summary>
        public ImmutableHashSet<ISymbol> TaskJoin { get; }

        /// <summary>The compilation references ScopeSafety: a fix may write Scope.Run and its tasks.</summary>
        public bool CanWriteScopes => Scope != null && ScopedTask != null && ScopedTaskOfT != null;

        /// <summary>The method (or the extension it was reduced from) is one of <paramref name="set"/>.</summary>
        public static bool IsIn(ImmutableHashSet<ISymbol> set, IMethodSymbol method) =>
            set.Contains(method.OriginalDefinition) || (method.ReducedFrom != null && set.Contains(method.ReducedFrom.OriginalDefinition));

        public bool IsScope(ITypeSymbol? type) => KnownSymbols.Is(type, Scope);

        public bool IsScopedTask(ITypeSymbol? type) => KnownSymbols.Is(type, ScopedTask) || KnownSymbols.Is(type, ScopedTaskOfT);

        /// <summary>Scope.Run or Scope.RunAsync.</summary>
        public bool IsRun(IMethodSymbol method) =>
            method.IsStatic && (method.Name == "Run" || method.Name == "RunAsync") && SymbolEqualityComparer.Default.Equals(method.ContainingType, Scope);

        /// <summary>scope.Spawn, scope.Go or scope.SpawnAsync: work started into the scope, which runs beside its caller.</summary>
        public bool IsSpawn(IMethodSymbol method) => IsIn(Spawn, method) || IsIn(SpawnAsync, method);

        /// <summary>SpanBorrow, ReadOnlySpanBorrow or RefBorrow.</summary>
        public bool IsBorrow(ITypeSymbol? type) =>
            KnownSymbols.Is(type, SpanBorrow) || KnownSymbols.Is(type, ReadOnlySpanBorrow) || KnownSymbols.Is(type, RefBorrow);

        /// <summary>A value only valid while its scope runs: the scope, a borrow, or a scoped task.</summary>
        public bool IsScopeBound(ITypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type, Scope) || IsBorrow(type))
            {
                return true;
            }

            for (var current = type as INamedTypeSymbol; current != null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ScopedTask))
                {
                    return true;
                }
            }

            return false;
        }

        private static ImmutableHashSet<ISymbol> Methods(INamedTypeSymbol? type, string name) =>
            type == null
                ? ImmutableHashSet<ISymbol>.Empty
                : type.GetMembers(name).OfType<IMethodSymbol>().Cast<ISymbol>().ToImmutableHashSet(SymbolEqualityComparer.Default);
    }
}
