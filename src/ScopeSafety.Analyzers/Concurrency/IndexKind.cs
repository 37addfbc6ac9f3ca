namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>What an array index says about the element it names (see <see cref="ElementIndex"/>).</summary>
    internal enum IndexKind
    {
        /// <summary>A constant: the same element everywhere.</summary>
        Constant,

        /// <summary>Made of the run's own variables, kept apart, and terms the same in every run: another element in every run.</summary>
        Own,

        /// <summary>A for variable of the work starting from a constant: the work walks the whole array.</summary>
        Whole,

        /// <summary>Anything else: compared by its text.</summary>
        Other,

        /// <summary>Read in a callee: nothing is known about it.</summary>
        Unknown,
    }
}
