using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>
    /// Every type and member the analyzers and fixes match, resolved once per compilation and shared by all of them
    /// (after roslyn-analyzers' WellKnownTypeProvider). Grouped by what the types are for; a group never throws and
    /// holds null for a type the compilation lacks.
    /// </summary>
    internal sealed class KnownSymbols
    {
        private static readonly ConditionalWeakTable<Compilation, KnownSymbols> ByCompilation = new ConditionalWeakTable<Compilation, KnownSymbols>();

        private KnownSymbols(Compilation compilation)
        {
            Core = new CoreSymbols(compilation);
            Threading = new ThreadingSymbols(compilation);
            Tasks = new TaskSymbols(compilation);
            Synchronisation = new SynchronisationSymbols(compilation);
            Collections = new CollectionSymbols(compilation);
            Runtime = new RuntimeSymbols(compilation);
            EventSources = new EventSourceSymbols(compilation);
        }

        /// <summary>System's own types: disposables, pointers' integer forms, delegates, spans, Unsafe.</summary>
        public CoreSymbols Core { get; }

        /// <summary>Threads, the thread pool, timers, cancellation.</summary>
        public ThreadingSymbols Threading { get; }

        /// <summary>Tasks, their factories and schedulers, Parallel and PLINQ.</summary>
        public TaskSymbols Tasks { get; }

        /// <summary>Locks, atomics and the objects that order two threads (events, semaphores, barriers, TaskCompletionSource).</summary>
        public SynchronisationSymbols Synchronisation { get; }

        /// <summary>Collections, LINQ, and the types that are not thread-safe by default.</summary>
        public CollectionSymbols Collections { get; }

        /// <summary>ScopeSafety's own types: Scope, ScopedTask, the borrows and the work attributes.</summary>
        public RuntimeSymbols Runtime { get; }

        /// <summary>Processes, file watchers, serial ports and the console, whose events come on another thread.</summary>
        public EventSourceSymbols EventSources { get; }

        /// <summary>True when the compilation has a thread API at all; without one no unscoped spawn can exist.</summary>
        public bool HasAnyThreadApi => Threading.Thread != null || Tasks.Task != null || Threading.ThreadPool != null || Threading.Timer != null;

        /// <summary>The symbols of <paramref name="compilation"/>, resolved on first use and cached for its lifetime.</summary>
        public static KnownSymbols Get(Compilation compilation) => ByCompilation.GetValue(compilation, c => new KnownSymbols(c));

        /// <summary>The type, or its generic definition, is <paramref name="known"/>.</summary>
        /// <summary>
        /// A member of a referenced library, not of this compilation: what it does is its documented behaviour, not source
        /// code that could do anything.
        /// </summary>
        public static bool IsLibrary(ISymbol member) => member.Locations.Length > 0 && !member.Locations[0].IsInSource;

        /// <summary><c>System.Lazy&lt;T&gt;</c>.</summary>
        public static bool IsLazy(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "Lazy", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        /// <summary>
        /// The type is <paramref name="known"/>, or a construction of it (<c>Task&lt;int&gt;</c> is <c>Task&lt;TResult&gt;</c>).
        /// Every invocation of a compilation is tested against several known types; the name, which equal symbols share,
        /// turns almost all of them away before the symbols are compared.
        /// </summary>
        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            type != null && known != null && type.Name == known.Name && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

        /// <summary>The type is <paramref name="known"/> or derives from it.</summary>
        public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? known)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (Is(t, known))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
