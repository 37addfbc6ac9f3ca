using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

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
