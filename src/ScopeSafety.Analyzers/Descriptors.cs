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
            "'{0}' is captured by work started with {1} that may still run when the method returns",
            RuleIds.LifetimeCategory,
            DiagnosticSeverity.Info,
            "A delegate that captures locals or parameters is handed to an API that runs it on another thread, and it is not joined on every path before the method returns (Rust's 'static rule). Run it in Scope.Run with scope.Spawn, join it, or return the task so that the caller owns the join.");

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
            "Scope.Spawn, Scope.Run and Scope.Join run a synchronous delegate. An async lambda or async method handed to them (directly, through a cast to Action or through a delegate local) becomes 'async void' or returns a task nobody awaits: the scope ends at the work's first await while the rest of the work still runs and may use the caller's locals, and its exception is lost. Use SpawnAsync inside 'await Scope.RunAsync(async scope => ...)'.");

        private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
            new DiagnosticDescriptor(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: RuleIds.HelpLink(id));
    }
}
