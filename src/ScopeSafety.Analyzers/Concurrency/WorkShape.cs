

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>How instances of one delegate handed to a concurrency API run relative to each other and to the caller.</summary>
    internal enum WorkShape
    {
        /// <summary>Started by the call, joined later through its handle or at the end of the scope (Scope.Spawn, Task.Run, new Thread).</summary>
        Spawned,

        /// <summary>Runs inside the call, which returns only after it finished (Parallel.*, Scope.Join, PLINQ, [StructuredWork] APIs).</summary>
        Blocking,
    }
}
