namespace ScopeSafety;

/// <summary>
/// Marks a delegate parameter whose delegate runs on another thread and may still be running when
/// the method returns (like <c>Task.Run</c>). ScopeSafety's analyzers treat a lambda passed here as
/// unscoped work: it must not borrow the caller's stack state.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class UnscopedWorkAttribute : Attribute
{
}

/// <summary>
/// Marks a delegate parameter whose delegate may run concurrently with other work but is always
/// finished before the method returns (like <c>Parallel.Invoke</c> or <c>Scope.Spawn</c>).
/// ScopeSafety's analyzers treat a lambda passed here as structured work: it may borrow the caller's
/// stack state, and SCOPE001–SCOPE004 (which check work that may outlive the method) do not report it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class StructuredWorkAttribute : Attribute
{
}

/// <summary>
/// Declares that the type's public members may be called from several threads at once, as a lock's or a concurrent
/// collection's may. ScopeSafety's analyzers check the claim: every two such members (a member and another call of
/// itself included) are compared as two work items that run at the same time, and a field, static or
/// non-thread-safe object that one writes without a lock both hold is reported (SCOPE010, SCOPE011). Constructors and
/// <c>Dispose</c> are left out: .NET types, thread-safe ones included, are disposed once nothing else uses them.
/// Types derived from a marked type are checked too. The same can be said in <c>.editorconfig</c> with
/// <c>scopesafety.checked_thread_safe_types</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
public sealed class ThreadSafeAttribute : Attribute
{
}
