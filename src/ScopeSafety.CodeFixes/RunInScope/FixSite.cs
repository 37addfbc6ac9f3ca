using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>How the code keeps hold of the started work.</summary>
    internal enum HandleShape
    {
        /// <summary>Nothing: an expression statement (ThreadPool, a discarded Task, new Thread(...).Start()).</summary>
        None,

        /// <summary>A local declared by the spawn statement: var t = Task.Run(...), var t = new Thread(...).</summary>
        Local,

        /// <summary>A local List&lt;Task&gt; or Task[] the spawn is added to.</summary>
        Collection,

        /// <summary>Joined where it starts: Task.Run(...).Wait(), Task.Run(...).Result.</summary>
        Joined,
    }

    /// <summary>A spawn the fixer knows how to turn into scope.Spawn, with the edits that do it.</summary>
    internal sealed class FixSite
    {
        public FixSite(ExpressionSyntax spawnExpression, StatementSyntax anchor, HandleShape shape, ILocalSymbol? handle, bool isThread, EditSet edits)
        {
            SpawnExpression = spawnExpression;
            Anchor = anchor;
            Shape = shape;
            Handle = handle;
            IsThread = isThread;
            Edits = edits;
        }

        /// <summary>The expression the diagnostic points at (AdditionalLocations[0]).</summary>
        public ExpressionSyntax SpawnExpression { get; }

        /// <summary>The statement at which the work starts: the region starts at the block statement holding it.</summary>
        public StatementSyntax Anchor { get; }

        public HandleShape Shape { get; }

        public ILocalSymbol? Handle { get; }

        public bool IsThread { get; }

        /// <summary>The edits of the spawn itself (and of a Thread's declaration and Start); joins are found by the planner.</summary>
        public EditSet Edits { get; }
    }
}
