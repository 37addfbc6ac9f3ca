using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// The branches whose way is already decided at a point: a bool local or parameter that control tested to get
    /// there and that nothing assigns again tests the same later. <c>if (concurrent) tasks.Add(Task.Run(…));</c> …
    /// <c>if (concurrent) await Task.WhenAll(tasks);</c>: from the spawn, the second test is true.
    /// </summary>
    internal static class BranchGuards
    {
        /// <summary>For each branch block whose way is decided at <paramref name="point"/> (by its block): true when it takes its conditional successor.</summary>
        public static Dictionary<int, bool> At(FlowIndex flow, FlowPoint point) =>
            flow.DecidedTests.GetOrAdd(point.Block, block => Decided(flow, block));

        private static Dictionary<int, bool> Decided(FlowIndex flow, int pointBlock)
        {
            var decided = new Dictionary<int, bool>();
            var graph = flow.Graph;
            var tests = new Dictionary<ISymbol, List<BasicBlock>>(SymbolEqualityComparer.Default);
            foreach (var block in graph.Blocks)
            {
                if (block.ConditionKind != ControlFlowConditionKind.None && TestedVariable(block.BranchValue, out _) is { } tested)
                {
                    if (!tests.TryGetValue(tested, out var blocks))
                    {
                        blocks = new List<BasicBlock>();
                        tests.Add(tested, blocks);
                    }

                    blocks.Add(block);
                }
            }

            if (tests.Count == 0)
            {
                return decided;
            }

            if (!Reachable(graph, new[] { 0 }, new Dictionary<int, bool>()).Contains(pointBlock))
            {
                // In a catch or unreachable code: exception edges are not followed, so nothing is known.
                return decided;
            }

            var fromPoint = Reachable(graph, new[] { pointBlock }, new Dictionary<int, bool>());
            foreach (var pair in tests)
            {
                if (!IsUnchangedFrom(pair.Key, flow, pointBlock, fromPoint))
                {
                    continue;
                }

                foreach (var value in new[] { true, false })
                {
                    // The point cannot be reached when the variable is 'value': it holds the other one there, and after.
                    var ways = Ways(pair.Value, value);
                    if (!Reachable(graph, new[] { 0 }, ways).Contains(pointBlock))
                    {
                        foreach (var way in Ways(pair.Value, !value))
                        {
                            decided[way.Key] = way.Value;
                        }

                        break;
                    }
                }
            }

            return decided;
        }

        /// <summary>The successor each test block takes when the variable holds <paramref name="value"/>.</summary>
        private static Dictionary<int, bool> Ways(List<BasicBlock> blocks, bool value)
        {
            var ways = new Dictionary<int, bool>();
            foreach (var block in blocks)
            {
                TestedVariable(block.BranchValue, out var negated);
                ways[block.Ordinal] = (value ^ negated) == (block.ConditionKind == ControlFlowConditionKind.WhenTrue);
            }

            return ways;
        }

        private static ISymbol? TestedVariable(IOperation? value, out bool negated)
        {
            negated = false;
            while (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            {
                negated = !negated;
                value = not.Operand;
            }

            return value switch
            {
                ILocalReferenceOperation { Local: { Type.SpecialType: SpecialType.System_Boolean, RefKind: RefKind.None } local } => local,
                IParameterReferenceOperation { Parameter: { Type.SpecialType: SpecialType.System_Boolean, RefKind: RefKind.None } parameter } => parameter,
                _ => null,
            };
        }

        /// <summary>
        /// Nothing assigns the variable on a path from the point, nor twice on the way there (a parameter is never
        /// assigned, a local once where it is declared), nor in a lambda or local function.
        /// </summary>
        private static bool IsUnchangedFrom(ISymbol variable, FlowIndex flow, int block, HashSet<int> fromPoint)
        {
            var writes = 0;
            foreach (var operation in flow.Graph.OriginalOperation.Descendants())
            {
                var written = operation is IVariableDeclaratorOperation declarator
                    ? SymbolEqualityComparer.Default.Equals(declarator.Symbol, variable) ? declarator.Syntax : null
                    : IsWriteOf(operation, variable) ? operation.Parent!.Syntax : null;
                if (written == null)
                {
                    continue;
                }

                writes++;

                // A nested function of the body could assign it at any time.
                if (operation.Ancestors().Any(a => a is IAnonymousFunctionOperation || a is ILocalFunctionOperation) ||
                    !(flow.PointOf(written, written.SpanStart) is { } at) ||
                    at.Block == block || fromPoint.Contains(at.Block))
                {
                    return false;
                }
            }

            return writes <= (variable is ILocalSymbol ? 1 : 0);
        }

        private static bool IsWriteOf(IOperation reference, ISymbol variable)
        {
            var named = reference switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => (ISymbol)parameter.Parameter,
                _ => null,
            };

            if (!SymbolEqualityComparer.Default.Equals(named, variable))
            {
                return false;
            }

            return IsWrite(reference);
        }

        /// <summary>The reference is assigned, incremented, passed by ref or out, or declared by a deconstruction.</summary>
        public static bool IsWrite(IOperation reference) => reference.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == reference,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            IDeclarationExpressionOperation => true,
            _ => false,
        };

        /// <summary>The blocks reached from <paramref name="starts"/>' successors, each decided block taking only its way.</summary>
        private static HashSet<int> Reachable(ControlFlowGraph graph, IEnumerable<int> starts, Dictionary<int, bool> ways)
        {
            var visited = new HashSet<int>();
            var queue = new Queue<int>();
            foreach (var start in starts)
            {
                Next(graph.Blocks[start], ways, visited, queue);
                if (start == 0)
                {
                    visited.Add(0);
                }
            }

            while (queue.Count > 0)
            {
                Next(graph.Blocks[queue.Dequeue()], ways, visited, queue);
            }

            return visited;
        }

        /// <summary>The successors of <paramref name="block"/> control may take, through finally regions.</summary>
        public static IEnumerable<ControlFlowBranch> Successors(BasicBlock block, Dictionary<int, bool> ways)
        {
            var decided = ways.TryGetValue(block.Ordinal, out var conditional);
            if (block.FallThroughSuccessor != null && !(decided && conditional))
            {
                yield return block.FallThroughSuccessor;
            }

            if (block.ConditionalSuccessor != null && !(decided && !conditional))
            {
                yield return block.ConditionalSuccessor;
            }
        }

        private static void Next(BasicBlock block, Dictionary<int, bool> ways, HashSet<int> visited, Queue<int> queue)
        {
            foreach (var branch in Successors(block, ways))
            {
                foreach (var target in branch.FinallyRegions.Select(r => r.FirstBlockOrdinal).Concat(branch.Destination == null ? Enumerable.Empty<int>() : new[] { branch.Destination.Ordinal }))
                {
                    if (visited.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }
        }
    }
}
