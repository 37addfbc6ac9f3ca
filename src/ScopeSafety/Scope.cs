namespace ScopeSafety;

/// <summary>Placeholder; the runtime scope lands with the foundation issue.</summary>
public sealed class Scope
{
    private Scope() { }
}
