using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>All work items of one member, grouped by the function that hosts them.</summary>
    internal sealed class WorkItems
    {
        public WorkItems(List<WorkItem> items)
        {
            All = items;
            var byHost = new Dictionary<IOperation, List<WorkItem>>();
            foreach (var item in items)
            {
                if (!byHost.TryGetValue(item.Host, out var list))
                {
                    list = new List<WorkItem>();
                    byHost.Add(item.Host, list);
                }

                list.Add(item);
            }

            ByHost = byHost;
        }

        public List<WorkItem> All { get; }

        public Dictionary<IOperation, List<WorkItem>> ByHost { get; }

        /// <summary>The innermost work item whose code holds <paramref name="operation"/>; null when it runs in no item.</summary>
        public WorkItem? Holding(IOperation operation)
        {
            var syntax = operation.Syntax;
            WorkItem? found = null;
            var size = int.MaxValue;
            foreach (var item in All)
            {
                var code = Holds(item.Site.Delegate.Syntax, syntax) ? item.Site.Delegate.Syntax.Span
                    : item.Body != null && Holds(item.Body.Syntax, syntax) && !ReferenceEquals(item.Body.Syntax, syntax) ? item.Body.Syntax.Span
                    : (TextSpan?)null;
                if (code != null && code.Value.Length < size)
                {
                    found = item;
                    size = code.Value.Length;
                }
            }

            return found;
        }

        /// <summary>True when the syntax of <paramref name="operation"/> lies inside the code of some work item.</summary>
        public bool IsInsideAnyItem(IOperation operation)
        {
            var syntax = operation.Syntax;
            foreach (var item in All)
            {
                if (item.Body != null && Holds(item.Body.Syntax, syntax) && !ReferenceEquals(item.Body.Syntax, syntax))
                {
                    return true;
                }

                if (Holds(item.Site.Delegate.Syntax, syntax))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <paramref name="inner"/> lies inside <paramref name="outer"/>. A method run by method group has its body in
        /// its own declaration, maybe in another file, where spans of this file mean nothing.
        /// </summary>
        public static bool Holds(SyntaxNode outer, SyntaxNode inner) =>
            outer.SyntaxTree == inner.SyntaxTree && outer.Span.Contains(inner.Span);
    }
}
