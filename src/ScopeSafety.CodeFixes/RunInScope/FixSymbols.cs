using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// The types the rewrite needs, resolved once per fix. The analyzer's KnownSymbols answers "is this a spawn";
    /// the fixer also needs the ScopeSafety types it writes and the types of the arguments it may drop.
    /// </summary>
    internal sealed class FixSymbols
    {
        private FixSymbols(Compilation compilation, INamedTypeSymbol scope, INamedTypeSymbol scopedTask, INamedTypeSymbol scopedTaskOfT)
        {
            Scope = scope;
            ScopedTask = scopedTask;
            ScopedTaskOfT = scopedTaskOfT;
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            TaskScheduler = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskScheduler");
            TaskCreationOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskCreationOptions");
            ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            Action = compilation.GetTypeByMetadataName("System.Action");
            Func = compilation.GetTypeByMetadataName("System.Func`1");
        }

        public INamedTypeSymbol Scope { get; }
        public INamedTypeSymbol ScopedTask { get; }
        public INamedTypeSymbol ScopedTaskOfT { get; }
        public INamedTypeSymbol? Thread { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? TaskScheduler { get; }
        public INamedTypeSymbol? TaskCreationOptions { get; }
        public INamedTypeSymbol? ThreadPool { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public INamedTypeSymbol? List { get; }
        public INamedTypeSymbol? Action { get; }
        public INamedTypeSymbol? Func { get; }

        /// <summary>Null when the compilation does not reference ScopeSafety: a fix that writes Scope.Run would not compile.</summary>
        public static FixSymbols? Create(Compilation compilation)
        {
            var scope = compilation.GetTypeByMetadataName("ScopeSafety.Scope");
            var scopedTask = compilation.GetTypeByMetadataName("ScopeSafety.ScopedTask");
            var scopedTaskOfT = compilation.GetTypeByMetadataName("ScopeSafety.ScopedTask`1");
            return scope == null || scopedTask == null || scopedTaskOfT == null
                ? null
                : new FixSymbols(compilation, scope, scopedTask, scopedTaskOfT);
        }

        /// <summary>Exactly Task or Task&lt;T&gt;: the handle types whose joins the rewrite knows.</summary>
        public bool IsTask(ITypeSymbol? type) => KnownSymbols.Is(type, Task) || KnownSymbols.Is(type, TaskOfT);
    }
}
