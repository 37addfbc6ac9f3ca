using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>Where the new scope ends, which is what the fix's title tells the user.</summary>
    internal enum RegionEnd
    {
        /// <summary>At the statement that joined the work before: no new waiting.</summary>
        Join,

        /// <summary>Just before the statement the analyzer found in conflict with the work (a write, a Dispose).</summary>
        Conflict,

        /// <summary>At the end of the block (of a fixed or using block, or before using declarations dispose).</summary>
        BlockEnd,
    }

    /// <summary>One Scope.Run to write: a contiguous run of statements of one block, and the edits inside and around it.</summary>
    internal sealed class ScopePlan
    {
        public ScopePlan(BlockSyntax block, int start, int end, IReadOnlyList<FixSite> sites, EditSet edits, IReadOnlyList<ILocalSymbol> escapingLocals, string scopeName, string title, TextSpan touchedSpan, bool isAsync = false)
        {
            IsAsync = isAsync;
            Block = block;
            Start = start;
            End = end;
            Sites = sites;
            Edits = edits;
            EscapingLocals = escapingLocals;
            ScopeName = scopeName;
            Title = title;
            TouchedSpan = touchedSpan;
        }

        public BlockSyntax Block { get; }

        /// <summary>Index in Block.Statements of the first statement moved into the scope.</summary>
        public int Start { get; }

        /// <summary>Index in Block.Statements of the last statement moved into the scope.</summary>
        public int End { get; }

        public IReadOnlyList<FixSite> Sites { get; }

        public EditSet Edits { get; }

        /// <summary>Locals declared in the region and used after it: the scope returns them.</summary>
        public IReadOnlyList<ILocalSymbol> EscapingLocals { get; }

        public string ScopeName { get; }

        /// <summary>The region is in an async function: await Scope.RunAsync(async scope => { … }) with awaited joins.</summary>
        public bool IsAsync { get; }

        public string Title { get; }

        /// <summary>Everything the plan rewrites; plans whose spans overlap are applied in separate rounds.</summary>
        public TextSpan TouchedSpan { get; }
    }

    /// <summary>
    /// A diagnostic reduced to what the planner needs: the spawn, where the analyzer saw the conflict, and the host's
    /// waits that the analyzer counts as finishing the work for the reported variable.
    /// </summary>
    internal readonly struct FixSeed
    {
        public FixSeed(ExpressionSyntax spawn, SyntaxNode? conflict, IReadOnlyList<SyntaxNode> waits, bool removesHazard = true)
        {
            Spawn = spawn;
            Conflict = conflict;
            Waits = waits;
            RemovesHazard = removesHazard || conflict != null || waits.Count > 0;
        }

        public ExpressionSyntax Spawn { get; }

        public SyntaxNode? Conflict { get; }

        public IReadOnlyList<SyntaxNode> Waits { get; }

        /// <summary>
        /// Whether waiting for the work removes a hazard (SCOPE001–003, a compiler error's work); false for SCOPE004 alone,
        /// work nobody joins that harms nothing, where the only thing a wait changes is that the code now waits.
        /// </summary>
        public bool RemovesHazard { get; }

        /// <summary>A spawn with no diagnostic behind it (a compiler error's work, a spawn found again): no conflict, no waits.</summary>
        public static FixSeed Alone(ExpressionSyntax spawn) => new FixSeed(spawn, null, System.Array.Empty<SyntaxNode>());
    }
}
