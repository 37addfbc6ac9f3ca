using System.Runtime.CompilerServices;

namespace ScopeSafety;

// A thread's execution and synchronization contexts, read through a Thread object the caller already holds.
//
// ExecutionContext.Capture and ExecutionContext.Run each find the current thread through a thread-static, and on
// Linux every thread-static access is a call (__tls_get_addr): the two of them were about a quarter of an
// unstolen Scope.Join. A JoinStack keeps its own thread, so reading the contexts from it costs a field load.
// The fields are the runtime's own private ones (the ones Capture and Run read); the first use checks that they
// exist and agree with the public API, and where they do not, ReadableThread gives null and callers keep to
// ExecutionContext.Capture and ExecutionContext.Run. Only reads go through here: a context is put back with the
// public ExecutionContext.Restore and SynchronizationContext.SetSynchronizationContext, which also raise the
// AsyncLocal change notifications.
internal static class ThreadContexts
{
    // Setting this AppContext switch (runtimeconfig.json, or AppContext.SetSwitch before a thread's first join)
    // makes joins use the public API only: an escape hatch should a runtime keep these fields but change what
    // they mean in a way the probe below does not see.
    public const string PublicApiSwitch = "ScopeSafety.UsePublicExecutionContextApi";

    // The default context (which Capture returns for a thread that stores none), or null where the fields cannot
    // be read.
    private static readonly ExecutionContext? DefaultContext = Probe();

    // The current thread, if its contexts may be read through ExecutionContextOf and SynchronizationContextOf;
    // else null.
    public static Thread? ReadableThread() =>
        DefaultContext is not null && !(AppContext.TryGetSwitch(PublicApiSwitch, out var publicOnly) && publicOnly)
            ? Thread.CurrentThread
            : null;

    // The thread's execution context as the runtime stores it: null for the default context, and possibly a
    // context with flow suppressed (which Capture would turn into null).
    public static ExecutionContext? ExecutionContextOf(Thread thread) => ExecutionContextField(thread);

    public static SynchronizationContext? SynchronizationContextOf(Thread thread) => SynchronizationContextField(thread);

    // What ExecutionContext.Capture would have returned while the thread held this context.
    public static ExecutionContext? CaptureOf(ExecutionContext? stored) =>
        stored is null ? DefaultContext : FlowSuppressedField(stored) ? null : stored;

    // ExecutionContext.Capture on the current thread, given as a readable thread (ReadableThread) or null.
    public static ExecutionContext? Capture(Thread? current) =>
        current is null ? ExecutionContext.Capture() : CaptureOf(ExecutionContextOf(current));

    // Switches the current thread, given as a readable thread, to context (a captured one, or one as the thread
    // stores it), as ExecutionContext.Run does before its callback; Leave puts back what this returns, as Run does
    // after it.
    public static Saved Enter(Thread current, ExecutionContext? context)
    {
        var saved = Save(current);
        var target = StoredOf(context);
        if (!ReferenceEquals(saved.Execution, target))
        {
            Restore(target);
        }

        return saved;
    }

    // The thread's contexts as they are now, for Leave to put back.
    public static Saved Save(Thread current) => new(ExecutionContextOf(current), SynchronizationContextOf(current));

    // A context as a thread stores it (the default context is stored as null).
    public static ExecutionContext? StoredOf(ExecutionContext? context) => ReferenceEquals(context, DefaultContext) ? null : context;

    // Gives the current thread, as a readable thread, the execution context stored (as a thread stores it) and the
    // synchronization context, changing only what differs.
    public static void Switch(Thread current, ExecutionContext? stored, SynchronizationContext? synchronization)
    {
        if (!ReferenceEquals(ExecutionContextOf(current), stored))
        {
            Restore(stored);
        }

        if (!ReferenceEquals(SynchronizationContextOf(current), synchronization))
        {
            SynchronizationContext.SetSynchronizationContext(synchronization);
        }
    }

    public static void Leave(Thread current, in Saved saved)
    {
        if (!ReferenceEquals(SynchronizationContextOf(current), saved.Synchronization))
        {
            SynchronizationContext.SetSynchronizationContext(saved.Synchronization);
        }

        if (!ReferenceEquals(ExecutionContextOf(current), saved.Execution))
        {
            Restore(saved.Execution);
        }
    }

    // A thread's contexts as Enter found them.
    public readonly record struct Saved(ExecutionContext? Execution, SynchronizationContext? Synchronization);

    // Puts a context as a thread stores it back on the current thread, with the notifications Run would raise.
    private static void Restore(ExecutionContext? stored) => ExecutionContext.Restore(stored ?? DefaultContext!);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_executionContext")]
    private static extern ref ExecutionContext? ExecutionContextField(Thread thread);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_synchronizationContext")]
    private static extern ref SynchronizationContext? SynchronizationContextField(Thread thread);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_isFlowSuppressed")]
    private static extern ref bool FlowSuppressedField(ExecutionContext context);

    // Runs on a thread of its own, so that the contexts it sets up for the check are nobody else's. The check
    // touches no static field of this class: the type initializer that runs it waits for it.
    private static ExecutionContext? Probe()
    {
        try
        {
            ExecutionContext? agrees = null;
            var probe = new Thread(() =>
            {
                try
                {
                    agrees = Agree();
                }
                catch (Exception)
                {
                    // MissingFieldException or FieldAccessException on another runtime, with other fields; whatever
                    // went wrong, the public API is the answer.
                }
            })
            {
                IsBackground = true,
            };

            // Unsafe: the probe starts in the default context whatever the caller's.
            probe.UnsafeStart();
            probe.Join();
            return agrees;
        }
        catch (Exception)
        {
            // No thread to probe on (a platform without threads, or none left): the public API always works.
            return null;
        }
    }

    // The default context if the fields agree with the public API on this thread, else null.
    private static ExecutionContext? Agree()
    {
        var value = new AsyncLocal<object?>();
        var thread = Thread.CurrentThread;
        var defaultContext = ExecutionContext.Capture();
        if (ExecutionContextField(thread) is not null || defaultContext is null)
        {
            return null;
        }

        value.Value = new object();
        var withValue = ExecutionContextField(thread);
        if (withValue is null || withValue != ExecutionContext.Capture() || FlowSuppressedField(withValue))
        {
            return null;
        }

        using (ExecutionContext.SuppressFlow())
        {
            var suppressed = ExecutionContextField(thread);
            if (suppressed is null || !FlowSuppressedField(suppressed) || ExecutionContext.Capture() is not null)
            {
                return null;
            }
        }

        var sync = new SynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(sync);
        return SynchronizationContextField(thread) == sync ? defaultContext : null;
    }
}
