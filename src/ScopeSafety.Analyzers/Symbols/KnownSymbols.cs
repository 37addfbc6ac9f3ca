using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>The framework and ScopeSafety types the spawn classification matches, resolved once per compilation.</summary>
    internal sealed class KnownSymbols
    {
        private KnownSymbols(Compilation compilation)
        {
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
            ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
            Timer = compilation.GetTypeByMetadataName("System.Threading.Timer");
            Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
            Interlocked = compilation.GetTypeByMetadataName("System.Threading.Interlocked");
            Volatile = compilation.GetTypeByMetadataName("System.Threading.Volatile");
            Unsafe = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.Unsafe");
            IntPtr = compilation.GetSpecialType(SpecialType.System_IntPtr);
            UIntPtr = compilation.GetSpecialType(SpecialType.System_UIntPtr);
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            AsyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
            Scope = compilation.GetTypeByMetadataName("ScopeSafety.Scope");
            UnscopedWorkAttribute = compilation.GetTypeByMetadataName("ScopeSafety.UnscopedWorkAttribute");
            StructuredWorkAttribute = compilation.GetTypeByMetadataName("ScopeSafety.StructuredWorkAttribute");
        }

        public INamedTypeSymbol? Thread { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? TaskFactoryOfT { get; }
        public INamedTypeSymbol? ThreadPool { get; }
        public INamedTypeSymbol? Timer { get; }
        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol? ParallelEnumerable { get; }
        public INamedTypeSymbol? Interlocked { get; }
        public INamedTypeSymbol? Volatile { get; }
        public INamedTypeSymbol? Unsafe { get; }
        public INamedTypeSymbol IntPtr { get; }
        public INamedTypeSymbol UIntPtr { get; }
        public INamedTypeSymbol Disposable { get; }
        public INamedTypeSymbol? AsyncDisposable { get; }
        public INamedTypeSymbol? Scope { get; }
        public INamedTypeSymbol? UnscopedWorkAttribute { get; }
        public INamedTypeSymbol? StructuredWorkAttribute { get; }

        /// <summary>True when the compilation has a thread API at all; without one no unscoped spawn can exist.</summary>
        public bool HasAnyThreadApi => Thread != null || Task != null || ThreadPool != null || Timer != null;

        public static KnownSymbols Create(Compilation compilation) => new KnownSymbols(compilation);

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            type != null && known != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

        /// <summary>Task, Task&lt;T&gt; or a type derived from them.</summary>
        public bool IsTask(ITypeSymbol? type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (Is(t, Task) || Is(t, TaskOfT))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsThread(ITypeSymbol? type) => Is(type, Thread);

        public bool IsDisposable(ITypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            if (Is(type, Disposable) || Is(type, AsyncDisposable))
            {
                return true;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (Is(i, Disposable) || Is(i, AsyncDisposable))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
