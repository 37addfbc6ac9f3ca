using System;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// A program point: the top-level operation <see cref="Index"/> of basic block <see cref="Block"/>
    /// (the branch value counts as the last one), and a text position that orders points inside one operation.
    /// </summary>
    internal readonly struct FlowPoint : IComparable<FlowPoint>
    {
        public FlowPoint(int block, int index, int position)
        {
            Block = block;
            Index = index;
            Position = position;
        }

        public int Block { get; }

        public int Index { get; }

        public int Position { get; }

        public int CompareTo(FlowPoint other)
        {
            var c = Block.CompareTo(other.Block);
            if (c != 0)
            {
                return c;
            }

            c = Index.CompareTo(other.Index);
            return c != 0 ? c : Position.CompareTo(other.Position);
        }

        /// <summary>Same block and same operation, ordered by position: "this happens after <paramref name="other"/>".</summary>
        public bool IsAfterInSameBlock(FlowPoint other) =>
            Block == other.Block && (Index > other.Index || (Index == other.Index && Position > other.Position));
    }
}
