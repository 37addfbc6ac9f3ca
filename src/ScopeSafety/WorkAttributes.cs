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
