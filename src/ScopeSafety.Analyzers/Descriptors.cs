using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers
{
    /// <summary>Every diagnostic descriptor of the analyzers, in one place.</summary>
    internal static class Descriptors
    {
        public static readonly DiagnosticDescriptor StackPointerCapturedByUnscopedWork = Create(
            RuleIds.StackPointerCapturedByUnscopedWork,
            "A pointer into stack or pinned memory is captured by unscoped work",
            "'{0}' points into {2} and is captured by work started with {1} that may still run after that memory is released",
            RuleIds.LifetimeCategory,
            DiagnosticSeverity.Error,
            "Work started with Task.Run, new Thread, ThreadPool, a Timer or ContinueWith may outlive the method. A pointer to a stackalloc buffer, to a local or to memory pinned by 'fixed' is dangling once the frame returns or the fixed block ends. Run the work in Scope.Run with scope.Spawn, or join it before the memory is released.");

        public static readonly DiagnosticDescriptor LocalSharedMutablyWithUnscopedWork = Create(
            RuleIds.LocalSharedMutablyWithUnscopedWork,
            "A captured variable is shared mutably with unscoped work",
            "'{0}' is written by {1} while {2} may still {3} it",
            RuleIds.ConcurrencyCategory,
            DiagnosticSeverity.Warning,
            "A local or parameter captured by work that runs on another thread is written by one side while the other side may still use it, without Interlocked, Volatile or lock. Join the work before the method touches the variable again, synchronise every access, or let the work return its result through the task.");

        public static readonly DiagnosticDescriptor DisposedWhileUnscopedWorkMayRun = Create(
            RuleIds.DisposedWhileUnscopedWorkMayRun,
            "A disposable captured by unscoped work is disposed while the work may still run",
            "'{0}' is disposed while work started with {1} that uses it may still run",
            RuleIds.LifetimeCategory,
            DiagnosticSeverity.Warning,
            "The method disposes an object (end of a using, Dispose or DisposeAsync) that work started on another thread still uses, and nothing joins the work before. Join the work before the disposal, or run it in Scope.Run with scope.Spawn.");

        public static readonly DiagnosticDescriptor UnscopedWorkNotJoined = Create(
            RuleIds.UnscopedWorkNotJoined,
            "Work capturing stack state may outlive the method",
            "Work started with {1} captures {0} and may still run when the method returns",
            RuleIds.LifetimeCategory,
            DiagnosticSeverity.Hidden,
            "A delegate that captures locals or parameters is handed to an API that runs it on another thread, and it is not joined on every path before the method returns (Rust's 'static rule). Run it in Scope.Run with scope.Spawn, join it, or return the task so that the caller owns the join.");

        /// <summary>Reported once per compilation, without a location: the option lives in .editorconfig, not in source.</summary>
        public static readonly DiagnosticDescriptor InvalidOption = new DiagnosticDescriptor(
            RuleIds.InvalidOption,
            "Invalid ScopeSafety option",
            "'{0}' in {1} configures nothing: {2}",
            RuleIds.UsageCategory,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "An item of scopesafety.unscoped_methods, scopesafety.structured_methods, scopesafety.not_thread_safe_types or scopesafety.thread_safe_types (.editorconfig or .globalconfig) is malformed, was cut short by a '#' or ';' (both start a comment there), or names a method, constructor, overload or type that the project's compilation does not have. Such an item configures nothing. Write constructors as 'M:MyLib.Worker..ctor(System.Action)'.",
            helpLinkUri: RuleIds.HelpLink(RuleIds.InvalidOption),
            customTags: WellKnownDiagnosticTags.CompilationEnd);
        public static readonly DiagnosticDescriptor ScopeValueEscapes = Create(
            RuleIds.ScopeValueEscapes,
            "A scope, a borrow or a scoped task escapes its scope",
            "'{0}' ({1}) escapes its scope: {2}",
            RuleIds.UsageCategory,
            DiagnosticSeverity.Error,
            "A Scope, a SpanBorrow/ReadOnlySpanBorrow/RefBorrow and a ScopedTask are valid only while their Scope.Run runs: after it returns the scope refuses work, a borrow's memory may be gone and a task's failure has already been reported. Keep them inside the body: pass them to methods that use them and return, but do not store them in fields, statics, collections or locals that outlive the body, return them from the body, or hand them to unscoped work such as Task.Run.");

        public static readonly DiagnosticDescriptor BorrowOutlivedByScope = Create(
            RuleIds.BorrowOutlivedByScope,
            "A borrow is used by work of a scope that may outlive it",
            "'{0}' borrows memory that only its own Scope.Run keeps alive, but it is used by work spawned into '{1}', which may still run after that Run returns",
            RuleIds.LifetimeCategory,
            DiagnosticSeverity.Error,
            "A SpanBorrow, ReadOnlySpanBorrow or RefBorrow is valid until the Scope.Run that created it returns; that Run waits only for work spawned into its own scope (or into scopes created inside it). Work spawned into an outer scope may still run when the memory (for example a stackalloc buffer of the body) is gone. Spawn the work into the scope that Run hands to its body.");
        public static readonly DiagnosticDescriptor DataRaceOnCapturedVariable = Create(
            RuleIds.DataRaceOnCapturedVariable,
            "Work items that may run at once race on a shared variable, field or array element",
            "'{0}' is written by {1} while {2} may {3} it",
            RuleIds.ConcurrencyCategory,
            DiagnosticSeverity.Warning,
            "Two pieces of code that may run at the same time — two spawned items, both sides of Scope.Join, iterations of a Parallel loop or PLINQ query, a scope body and its unjoined items, two unscoped lambdas or methods — use the same place (a captured local or parameter, a static, a field of this or of an object reached through a variable, an array element) and one of them writes it, also in a method of the same file they call, without Interlocked, Volatile or a lock on a common object on both sides. Updates are lost and reads see stale or torn values. Use Interlocked, give each item its own slot (an array element per index), or return the result through Spawn<T> and Join().");

        public static readonly DiagnosticDescriptor NonThreadSafeObjectSharedByConcurrentWork = Create(
            RuleIds.NonThreadSafeObjectSharedByConcurrentWork,
            "A non-thread-safe object is mutated by work that may run at once with other uses",
            "'{0}' ({1}) is mutated by {2} while {3} may {4} it",
            RuleIds.ConcurrencyCategory,
            DiagnosticSeverity.Warning,
            "List, Dictionary, HashSet, Queue, Stack, the Sorted collections, LinkedList, BitArray, StringBuilder, a Random instance, streams and their readers and writers, hash algorithms, DataTable and the types listed in scopesafety.not_thread_safe_types must not be mutated by one thread while another uses them: items are lost, the internal state is corrupted, or an exception is thrown far from the cause. Lock a common object around every use, use a concurrent collection, or let each item build its own part and merge after the join.");

        public static readonly DiagnosticDescriptor LoopVariableCapturedByConcurrentWork = Create(
            RuleIds.LoopVariableCapturedByConcurrentWork,
            "A for loop variable is captured by work that may run after the iteration moves on",
            "'{0}' is the variable of a for loop and is captured by {1}, which may run after the loop has changed it",
            RuleIds.ConcurrencyCategory,
            DiagnosticSeverity.Warning,
            "A for loop has one variable for all iterations; a lambda captures the variable, not its value. Work started in an iteration that is not joined within the iteration may see the value of a later iteration (often the final one). Copy the variable into a local declared inside the loop body and capture the copy, or use foreach, whose variable is fresh per iteration.");
        public static readonly DiagnosticDescriptor BlockingScopeInAsyncCode = Create(
            RuleIds.BlockingScopeInAsyncCode,
            "Blocking on a scope in async code",
            "{0} blocks the thread in async code; use {1}",
            RuleIds.UsageCategory,
            DiagnosticSeverity.Warning,
            "Scope.Run and ScopedTask.Join() block the calling thread until the work has finished. In an async method, an async lambda or the body of Scope.RunAsync that holds a thread (a thread-pool thread, or the UI thread) while other work could run on it. Use 'await Scope.RunAsync(async scope => ...)' with SpawnAsync, and 'await task' instead of task.Join().");

        public static readonly DiagnosticDescriptor AsyncWorkInSynchronousScope = Create(
            RuleIds.AsyncWorkInSynchronousScope,
            "Asynchronous work is handed to a synchronous scope API",
            "{0} is handed to {1}, which does not wait for it past its first await; use {2}",
            RuleIds.UsageCategory,
            DiagnosticSeverity.Error,
            "Scope.Spawn, Scope.Go, Scope.Run and Scope.Join run a synchronous delegate. An async lambda or async method handed to them (directly, through a cast to Action or through a delegate local) becomes 'async void' or returns a task nobody awaits: the scope ends at the work's first await while the rest of the work still runs and may use the caller's locals, and its exception is lost. Use SpawnAsync inside 'await Scope.RunAsync(async scope => ...)'.");

        public static readonly DiagnosticDescriptor NestedTaskUsedAsWork = Create(
            RuleIds.NestedTaskUsedAsWork,
            "The outer task of a nested task is used as the work",
            "{0}: {1} at line {2} sees only the outer task, not the asynchronous work; {3}",
            RuleIds.UsageCategory,
            DiagnosticSeverity.Warning,
            "Task.Factory.StartNew, TaskFactory.StartNew, ContinueWith and new Task<Task> do not unwrap the task an async delegate (or one returning a task) gives back: they return a Task<Task> whose outer task completes at the work's first await. Waiting for it, awaiting it once, passing it to Task.WaitAll/WhenAll/WaitAny/WhenAny or checking IsFaulted, Status or Exception sees neither the end of the work nor its exceptions; new Task(async ...) even runs the lambda as async void. Add .Unwrap() to the start, or start the work with Task.Run, which unwraps.");

        private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
            new DiagnosticDescriptor(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: RuleIds.HelpLink(id));
    }
}
