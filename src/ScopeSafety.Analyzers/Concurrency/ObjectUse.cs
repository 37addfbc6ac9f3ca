

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>What a use of a non-thread-safe object does to it.</summary>
    internal enum ObjectUse
    {
        /// <summary>Not a use we can judge (passed to a method, stored, compared).</summary>
        None,

        Read,

        Mutate,
    }
}
