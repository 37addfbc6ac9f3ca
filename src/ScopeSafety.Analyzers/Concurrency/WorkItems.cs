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
            var span = operation.Syntax.Span;
            WorkItem? found = null;
            var size = int.MaxValue;
            foreach (var item in All)
            {
                var code = item.Site.Delegate.Syntax.Span.Contains(span) ? item.Site.Delegate.Syntax.Span
                    : item.Body != null && item.Body.Syntax.Span.Contains(span) && !ReferenceEquals(item.Body.Syntax, operation.Syntax) ? item.Body.Syntax.Span
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
            var span = operation.Syntax.Span;
            foreach (var item in All)
            {
                if (item.Body != null && item.Body.Syntax.Span.Contains(span) && !ReferenceEquals(item.Body.Syntax, operation.Syntax))
                {
                    return true;
                }

                if (item.Site.Delegate.Syntax.Span.Contains(span))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
