using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// One piece of code that runs as concurrent work: a delegate handed to a spawn API. The method body is the other
    /// piece (the "host": the function that holds the spawn call). An item may stand for many instances: each iteration
    /// of a Parallel loop or PLINQ query, each tick of a periodic timer, or each run of a spawn inside a loop.
    /// </summary>
    internal sealed class WorkItem
    {
        public WorkItem(SpawnSite site, WorkShape shape, bool replicated, bool siblingsRunTogether, IOperation host, IOperation? body, OffThreadEvent? raisedBy = null)
        {
            RaisedBy = raisedBy;
            Site = site;
            Shape = shape;
            Replicated = replicated;
            SiblingsRunTogether = siblingsRunTogether;
            Host = host;
            Body = body;
            Line = site.Operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        }

        public SpawnSite Site { get; }

        public WorkShape Shape { get; }

        /// <summary>The API itself runs many instances of the delegate at once (Parallel.For body, PLINQ selector, periodic timer).</summary>
        public bool Replicated { get; }

        /// <summary>Delegates handed to the same call run at the same time (Parallel.Invoke actions, Scope.Join's two sides, localInit/body/localFinally, a structured user API's delegates).</summary>
        public bool SiblingsRunTogether { get; }

        /// <summary>The body of the function that holds the spawn call: the code that runs alongside the item.</summary>
        public IOperation Host { get; }

        /// <summary>The code the work runs (lambda or local function body, or a method of the same file run by method group); null when it is elsewhere.</summary>
        public IOperation? Body { get; }

        /// <summary>What the delegate is made from: the lambda, or the method group (<c>new Thread(Work)</c>); the delegate itself otherwise.</summary>
        public IOperation Target => Site.Delegate is IDelegateCreationOperation creation ? creation.Target : Site.Delegate;

        /// <summary>The event whose handler this is, when the work is a handler of an event raised on another thread.</summary>
        public OffThreadEvent? RaisedBy { get; }

        /// <summary>
        /// Where the work's own body starts it again before its last step (<c>BeginAccept(OnAccept, null)</c> inside
        /// <c>OnAccept</c>, the accepted client handled after): from there on the next run goes on beside the rest of this
        /// one. Null when the work never restarts itself, or only as its last step.
        /// </summary>
        public IOperation? RestartedAt { get; set; }

        /// <summary>
        /// SCOPE002 speaks of this item's captured variables (against its host and another run of it): unscoped work
        /// that the spawn classifier knows. Event handlers it does not see, so the race rules speak of theirs.
        /// </summary>
        public bool CapturesAreScope002s => IsUnscoped && RaisedBy == null;

        /// <summary>The 1-based line of the spawn call, for messages.</summary>
        public int Line { get; }

        public bool IsUnscoped => Site.Kind == SpawnKind.Unscoped;

        /// <summary>"work started with Scope.Spawn at line 12".</summary>
        public string Description => "work started with " + Site.Api + " at line " + Line;

        /// <summary>The description, and the method an access is made in when the work reaches it through a call.</summary>
        public string DescriptionOf(Access access) => access.Via == null ? Description : Description + " (in " + access.Via + ")";
    }
}
