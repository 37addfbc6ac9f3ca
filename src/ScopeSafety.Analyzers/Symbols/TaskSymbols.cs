using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>Tasks, their factories and schedulers, Parallel and PLINQ.</summary>
    internal sealed class TaskSymbols
    {
        internal TaskSymbols(Compilation compilation)
        {
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
            TaskScheduler = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskScheduler");
            TaskCreationOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskCreationOptions");
            Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
        }

        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? ValueTask { get; }
        public INamedTypeSymbol? ValueTaskOfT { get; }
        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? TaskFactoryOfT { get; }
        public INamedTypeSymbol? TaskScheduler { get; }
        public INamedTypeSymbol? TaskCreationOptions { get; }
        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol? ParallelEnumerable { get; }

        /// <summary>Exactly Task or Task&lt;T&gt;: the handle types whose joins a rewrite knows.</summary>
        public bool IsExactlyTask(ITypeSymbol? type) => KnownSymbols.Is(type, Task) || KnownSymbols.Is(type, TaskOfT);

        /// <summary>Task, Task&lt;T&gt; or a type derived from them.</summary>
        public bool IsTask(ITypeSymbol? type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (IsExactlyTask(t))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// What <c>ConfigureAwait</c> makes of a task (<c>ConfiguredTaskAwaitable</c>, <c>ConfiguredValueTaskAwaitable</c>,
        /// with or without a result): awaiting it, or <c>GetAwaiter().GetResult()</c> on it, waits for the task.
        /// </summary>
        public static bool IsConfiguredAwaitable(ITypeSymbol? type) =>
            type is INamedTypeSymbol { Name: "ConfiguredTaskAwaitable" or "ConfiguredValueTaskAwaitable" } named &&
            named.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices";

        /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt; or a type derived from them.</summary>
        public bool IsTaskLike(ITypeSymbol? type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                if (IsExactlyTask(t) || KnownSymbols.Is(t, ValueTask) || KnownSymbols.Is(t, ValueTaskOfT))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
