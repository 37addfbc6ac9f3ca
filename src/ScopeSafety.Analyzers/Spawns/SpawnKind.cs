

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>How the work handed to an API runs relative to the caller.</summary>
    internal enum SpawnKind
    {
        /// <summary>Runs on another thread and may outlive the caller (Task.Run, new Thread, ThreadPool, Timer, ContinueWith).</summary>
        Unscoped,

        /// <summary>Runs concurrently but is joined before the call returns (Scope.Spawn, Parallel.*, ForAll).</summary>
        Structured,

        /// <summary>The body of Scope.Run/RunAsync: runs on the caller's thread, the scope joins what it spawns.</summary>
        ScopeBody,
    }
}
