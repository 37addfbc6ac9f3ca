using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>Maps syntax of the operation tree onto points of one control-flow graph.</summary>
    internal sealed class FlowIndex
    {
        private readonly Dictionary<SyntaxNode, (int Block, int Index)> _bySyntax = new Dictionary<SyntaxNode, (int, int)>();
        private readonly Dictionary<CaptureId, IOperation> _captures = new Dictionary<CaptureId, IOperation>();

        public FlowIndex(ControlFlowGraph graph)
        {
            Graph = graph;
            foreach (var block in graph.Blocks)
            {
                var index = 0;
                foreach (var operation in block.Operations)
                {
                    Add(operation, block.Ordinal, index++);
                }

                if (block.BranchValue != null)
                {
                    Add(block.BranchValue, block.Ordinal, index);
                }
            }
        }

        public ControlFlowGraph Graph { get; }

        /// <summary>The tests decided in each block, by <see cref="BranchGuards"/> (they depend on the block alone).</summary>
        internal System.Collections.Concurrent.ConcurrentDictionary<int, Dictionary<int, bool>> DecidedTests { get; } = new System.Collections.Concurrent.ConcurrentDictionary<int, Dictionary<int, bool>>();

        public int ExitBlock => Graph.Blocks.Length - 1;

        /// <summary>The point of the operation of the graph that covers <paramref name="syntax"/> (or its nearest ancestor).</summary>
        public FlowPoint? PointOf(SyntaxNode? syntax, int position)
        {
            for (var node = syntax; node != null; node = node.Parent)
            {
                if (_bySyntax.TryGetValue(node, out var found))
                {
                    return new FlowPoint(found.Block, found.Index, position);
                }
            }

            return null;
        }

        /// <summary>The earliest point of the graph inside <paramref name="region"/> (a statement the code enters there), or null.</summary>
        public FlowPoint? FirstPointIn(SyntaxNode region)
        {
            FlowPoint? first = null;
            foreach (var (operation, block, index) in Operations())
            {
                if (operation.Syntax != null && operation.Syntax.SyntaxTree == region.SyntaxTree && region.Span.Contains(operation.Syntax.Span))
                {
                    var point = new FlowPoint(block, index, region.SpanStart);
                    if (first == null || point.CompareTo(first.Value) < 0)
                    {
                        first = point;
                    }
                }
            }

            return first;
        }

        /// <summary>All operations of the graph with their points, descendants included.</summary>
        public IEnumerable<(IOperation Operation, int Block, int Index)> Operations()
        {
            foreach (var block in Graph.Blocks)
            {
                var index = 0;
                foreach (var operation in block.Operations)
                {
                    foreach (var descendant in operation.DescendantsAndSelf())
                    {
                        yield return (descendant, block.Ordinal, index);
                    }

                    index++;
                }

                if (block.BranchValue != null)
                {
                    foreach (var descendant in block.BranchValue.DescendantsAndSelf())
                    {
                        yield return (descendant, block.Ordinal, index);
                    }
                }
            }
        }

        /// <summary>Looks through conversions and flow captures to the value an operation stands for.</summary>
        public IOperation Resolve(IOperation operation)
        {
            for (var i = 0; i < 16; i++)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IFlowCaptureReferenceOperation reference when _captures.TryGetValue(reference.Id, out var value):
                        operation = value;
                        continue;
                }

                break;
            }

            return operation;
        }

        /// <summary>The block range of the region that declares <paramref name="local"/>; the whole graph when none does.</summary>
        public (int First, int Last) RegionOf(ISymbol variable)
        {
            if (variable is ILocalSymbol local)
            {
                var region = Find(Graph.Root, local);
                if (region != null)
                {
                    return (region.FirstBlockOrdinal, region.LastBlockOrdinal);
                }
            }

            return (0, ExitBlock);
        }

        private static ControlFlowRegion? Find(ControlFlowRegion region, ILocalSymbol local)
        {
            foreach (var declared in region.Locals)
            {
                if (SymbolEqualityComparer.Default.Equals(declared, local))
                {
                    return region;
                }
            }

            foreach (var nested in region.NestedRegions)
            {
                var found = Find(nested, local);
                if (found != null)
                {
                    return found;
                }
            }

            return null;
        }

        private void Add(IOperation root, int block, int index)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation.Syntax != null && !_bySyntax.ContainsKey(operation.Syntax))
                {
                    _bySyntax.Add(operation.Syntax, (block, index));
                }

                if (operation is IFlowCaptureOperation capture && !_captures.ContainsKey(capture.Id))
                {
                    _captures.Add(capture.Id, capture.Value);
                }
            }
        }
    }
}
