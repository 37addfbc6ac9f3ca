using System.Collections.Generic;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// Answers "from point S, can control reach a target point without passing a join?" on one control-flow graph.
    /// Blocks are followed through fall-through and conditional successors and through finally regions; exception
    /// edges are not followed (a join that throws has still waited for the work, and catch paths are rare hazards).
    /// </summary>
    internal sealed class Reachability
    {
        private readonly FlowIndex _index;
        private readonly Dictionary<int, List<(FlowPoint Point, bool IsJoin, int Payload)>> _events = new Dictionary<int, List<(FlowPoint, bool, int)>>();
        private readonly int _first;
        private readonly int _last;

        /// <param name="index">The graph.</param>
        /// <param name="joins">Points that join the work: no path continues past them.</param>
        /// <param name="targets">The points asked about, with a payload returned when one is reached.</param>
        /// <param name="first">First block of the region the search stays in (a variable's scope).</param>
        /// <param name="last">Last block of that region.</param>
        public Reachability(FlowIndex index, IEnumerable<FlowPoint> joins, IEnumerable<(FlowPoint Point, int Payload)> targets, int first, int last)
        {
            _index = index;
            _first = first;
            _last = last;
            foreach (var join in joins)
            {
                Add(join, true, -1);
            }

            foreach (var (point, payload) in targets)
            {
                Add(point, false, payload);
            }

            foreach (var list in _events.Values)
            {
                // Joins sort before targets at the same point: "x = Task.Run(...).Result" writes x after the join.
                list.Sort((a, b) =>
                {
                    var c = a.Point.CompareTo(b.Point);
                    return c != 0 ? c : b.IsJoin.CompareTo(a.IsJoin);
                });
            }
        }

        /// <summary>The payload of the first target reached from <paramref name="start"/> without a join, or null.</summary>
        public int? FirstReached(FlowPoint start)
        {
            var reached = Reached(start, stopAtFirst: true);
            return reached.Count > 0 ? reached[0] : (int?)null;
        }

        /// <summary>The payloads of every target reachable from <paramref name="start"/> without a join.</summary>
        public List<int> Reached(FlowPoint start, bool stopAtFirst = false)
        {
            var result = new List<int>();
            if (_events.TryGetValue(start.Block, out var list))
            {
                foreach (var e in list)
                {
                    if (!e.Point.IsAfterInSameBlock(start))
                    {
                        continue;
                    }

                    if (e.IsJoin)
                    {
                        // Every path from the start passes this join before leaving the block.
                        return result;
                    }

                    result.Add(e.Payload);
                    if (stopAtFirst)
                    {
                        return result;
                    }
                }
            }

            // Tests of a bool nothing assigns again go the way they went to reach the start.
            var ways = BranchGuards.At(_index, start);
            var visited = new HashSet<int>();
            var queue = new Queue<int>();
            Enqueue(_index.Graph.Blocks[start.Block], ways, queue, visited);
            while (queue.Count > 0)
            {
                var ordinal = queue.Dequeue();
                var blocked = false;
                if (_events.TryGetValue(ordinal, out var events))
                {
                    foreach (var e in events)
                    {
                        if (e.IsJoin)
                        {
                            blocked = true;
                            break;
                        }

                        result.Add(e.Payload);
                        if (stopAtFirst)
                        {
                            return result;
                        }
                    }
                }

                if (!blocked)
                {
                    Enqueue(_index.Graph.Blocks[ordinal], ways, queue, visited);
                }
            }

            return result;
        }

        private void Enqueue(BasicBlock block, Dictionary<int, bool> ways, Queue<int> queue, HashSet<int> visited)
        {
            foreach (var branch in BranchGuards.Successors(block, ways))
            {
                Follow(branch, queue, visited);
            }
        }

        private void Follow(ControlFlowBranch? branch, Queue<int> queue, HashSet<int> visited)
        {
            if (branch == null)
            {
                return;
            }

            foreach (var region in branch.FinallyRegions)
            {
                Visit(region.FirstBlockOrdinal, queue, visited);
                if (AlwaysJoins(region))
                {
                    return;
                }
            }

            if (branch.Destination != null)
            {
                Visit(branch.Destination.Ordinal, queue, visited);
            }
        }

        private void Visit(int ordinal, Queue<int> queue, HashSet<int> visited)
        {
            if (ordinal >= _first && ordinal <= _last && visited.Add(ordinal))
            {
                queue.Enqueue(ordinal);
            }
        }

        /// <summary>True when every path through a finally region passes a join (e.g. "finally { t.Wait(); }").</summary>
        private bool AlwaysJoins(ControlFlowRegion region)
        {
            var visited = new HashSet<int> { region.FirstBlockOrdinal };
            var queue = new Queue<int>();
            queue.Enqueue(region.FirstBlockOrdinal);
            while (queue.Count > 0)
            {
                var block = _index.Graph.Blocks[queue.Dequeue()];
                var joined = false;
                if (_events.TryGetValue(block.Ordinal, out var events))
                {
                    foreach (var e in events)
                    {
                        joined |= e.IsJoin;
                    }
                }

                if (joined)
                {
                    continue;
                }

                foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
                {
                    if (branch == null)
                    {
                        continue;
                    }

                    var next = branch.Destination;
                    if (next == null || next.Ordinal < region.FirstBlockOrdinal || next.Ordinal > region.LastBlockOrdinal)
                    {
                        // Leaves the finally region without a join.
                        return false;
                    }

                    if (visited.Add(next.Ordinal))
                    {
                        queue.Enqueue(next.Ordinal);
                    }
                }
            }

            return true;
        }

        private void Add(FlowPoint point, bool isJoin, int payload)
        {
            if (!_events.TryGetValue(point.Block, out var list))
            {
                list = new List<(FlowPoint, bool, int)>();
                _events.Add(point.Block, list);
            }

            list.Add((point, isJoin, payload));
        }
    }
}
