using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>One delegate handed to a spawn API.</summary>
    internal sealed class SpawnSite
    {
        public SpawnSite(SpawnKind kind, string api, IOperation operation, IOperation delegateValue, HandleKind handle, bool mayOverlapItself, bool startsPaused = false,
            bool inTurnUntilAwait = false, bool ticks = false, bool startsLate = false)
        {
            StartsLate = startsLate;
            Ticks = ticks;
            InTurnUntilAwait = inTurnUntilAwait;
            StartsPaused = startsPaused;
            Kind = kind;
            Api = api;
            Operation = operation;
            Delegate = delegateValue;
            Handle = handle;
            MayOverlapItself = mayOverlapItself;
        }

        public SpawnKind Kind { get; }

        /// <summary>The API's display name used in messages and in Diagnostic.Properties["Api"], e.g. "Task.Run".</summary>
        public string Api { get; }

        /// <summary>The whole spawn expression: the invocation or object creation.</summary>
        public IOperation Operation { get; }

        /// <summary>
        /// The delegate argument's value, conversions removed; for a delegate local, the one delegate creation assigned
        /// to it (which may be written away from the spawn).
        /// </summary>
        public IOperation Delegate { get; }

        /// <summary>
        /// The code the delegate runs and the function it is: a lambda's body, or the body of the source method a method
        /// group names (in any file); (null, null) for a delegate made elsewhere.
        /// </summary>
        public (IOperation? Body, IMethodSymbol? Function) Code => SpawnClassifier.Unwrap(Delegate) switch
        {
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } => (lambda.Body, lambda.Symbol),
            IDelegateCreationOperation { Target: IMethodReferenceOperation reference } => (Concurrency.SourceCallees.BodyOf(reference.Method, reference, anyFile: true), reference.Method),
            IAnonymousFunctionOperation lambda => (lambda.Body, lambda.Symbol),
            _ => (null, null),
        };

        public HandleKind Handle { get; }

        /// <summary>True when one run of the work may overlap another run of the same work (a periodic Timer callback).</summary>
        public bool MayOverlapItself { get; }

        /// <summary>
        /// The runs are the ticks of one periodic timer, which starts the next while the last may still run: whatever the
        /// runs share, the overlap is one cause with one cure (runs that do not overlap), unlike the runs of a loop or a
        /// Parallel body, whose shared places are each a bug of their own.
        /// </summary>
        public bool Ticks { get; }

        /// <summary>
        /// The work starts at a later Start call on the handle, not where it is created: <c>new Thread(...)</c>,
        /// <c>new Task(...)</c>.
        /// </summary>
        public bool StartsAtStart => Handle == HandleKind.Thread || (Operation is IObjectCreationOperation && Handle == HandleKind.Task);

        /// <summary>
        /// The work cannot run before a later call starts it (<c>new Timer(callback, state, Timeout.Infinite, …)</c>
        /// waits for <c>Change</c>), though no call of the handle is followed to find where.
        /// </summary>
        public bool StartsPaused { get; }

        /// <summary>
        /// The work cannot run before a constant due time of at least <see cref="SpawnClassifier.LateDueMilliseconds"/>
        /// has passed (<c>_timer = new Timer(callback, null, 30_000, 30_000)</c>): not before the statement that made it,
        /// and stored it, has ended. Later statements are not weighed against the clock.
        /// </summary>
        public bool StartsLate { get; }

        /// <summary>
        /// The runs go one after another up to their first await, and on from there at the same time: an async lambda of
        /// a <c>Select</c> whose tasks are started at once (<see cref="Concurrency.AsyncRuns"/>).
        /// </summary>
        public bool InTurnUntilAwait { get; }

        /// <summary>
        /// The loop around a Begin call that goes round again only when the call completed synchronously (<c>do { r =
        /// stream.BeginRead(…, OnRead, …); } while (r.CompletedSynchronously);</c>), when no other loop of its function
        /// holds the call; null otherwise. The callback of a call that completed synchronously has run inside the call, so
        /// each round of that loop starts after the last round's run has ended.
        /// </summary>
        public IWhileLoopOperation? LoopRepeatedOnceRun
        {
            get
            {
                if (!(Operation is IInvocationOperation { TargetMethod.Name: var name }) || !name.StartsWith("Begin", System.StringComparison.Ordinal))
                {
                    return null;
                }

                IWhileLoopOperation? repeat = null;
                for (var parent = Operation.Parent; parent != null && !(parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation); parent = parent.Parent)
                {
                    if (parent is ILoopOperation loop)
                    {
                        if (repeat != null || !(loop is IWhileLoopOperation { ConditionIsUntil: false, Condition: { } condition } whileLoop) || !TestsCompletedSynchronously(condition))
                        {
                            return null;
                        }

                        repeat = whileLoop;
                    }
                }

                return repeat;
            }
        }

        /// <summary>
        /// The condition holds only when this call's result completed synchronously: <c>result.CompletedSynchronously</c>, as
        /// the whole condition or one side of an <c>&amp;&amp;</c>, with result the call itself or a local that it is assigned to.
        /// </summary>
        public bool TestsCompletedSynchronously(IOperation condition)
        {
            switch (condition)
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                    return TestsCompletedSynchronously(both.LeftOperand) || TestsCompletedSynchronously(both.RightOperand);
                case IParenthesizedOperation parenthesized:
                    return TestsCompletedSynchronously(parenthesized.Operand);
                case IPropertyReferenceOperation { Property.Name: "CompletedSynchronously", Instance: { } result }:
                    return result == Operation ||
                           result is ILocalReferenceOperation { Local: var local } &&
                           ((Operation.Parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment && assignment.Value == Operation &&
                             SymbolEqualityComparer.Default.Equals(target.Local, local)) ||
                            (Operation.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } &&
                             SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)));
                default:
                    return false;
            }
        }

        /// <summary>A call of an async local function or method left running (<see cref="Concurrency.AsyncRuns.IsCallLeftRunning"/>): work until its task is awaited.</summary>
        public bool IsAsyncCallLeftRunning => InTurnUntilAwait && Handle == HandleKind.Task && Delegate == Operation;

        /// <summary>
        /// A <c>Select</c> of tasks whose sequence the function waits for (<see cref="Concurrency.AsyncRuns.SelectedTasksFollowed"/>):
        /// its runs go on beside the function from the <c>Select</c> until that wait.
        /// </summary>
        public bool IsSelectOfTasksFollowed => InTurnUntilAwait && Handle == HandleKind.Task && Delegate != Operation;
    }
}
