

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>What the spawn API gives back to wait for the work.</summary>
    internal enum HandleKind
    {
        /// <summary>Nothing can wait for the work (ThreadPool, Timer, an API returning void).</summary>
        None,

        /// <summary>A Task: joined by Wait, Result, GetAwaiter().GetResult(), await, Task.WaitAll/WhenAll.</summary>
        Task,

        /// <summary>A Thread: the work starts at Start and is joined by Join.</summary>
        Thread,
    }
}
