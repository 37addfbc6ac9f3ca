namespace ScopeSafety;

/// <summary>
/// A <c>ref</c> borrowed through <see cref="Scope.Run{T}(ref T, Action{Scope, RefBorrow{T}})"/>: unlike a
/// <c>ref</c> local or parameter it is a plain struct, so lambdas may capture it and spawned work may use it.
/// </summary>
/// <typeparam name="T">The type of the referenced variable.</typeparam>
/// <remarks>
/// The variable stays valid (pinned, if it is on the heap) until the <c>Scope.Run</c> that created the
/// borrow returns; after that <see cref="Value"/> throws. The borrow checks lifetime only: work that
/// writes <see cref="Value"/> while other work uses it must synchronise (e.g. with <c>Interlocked</c>).
/// </remarks>
public readonly unsafe struct RefBorrow<T>
    where T : unmanaged
{
    private readonly T* _pointer;
    private readonly BorrowState? _state;

    internal RefBorrow(T* pointer, BorrowState state)
    {
        _pointer = pointer;
        _state = state;
    }

    /// <summary>Gets a reference to the borrowed variable.</summary>
    /// <exception cref="InvalidOperationException">The <c>Scope.Run</c> that created the borrow has returned,
    /// or this is the default value, which refers to nothing.</exception>
    public ref T Value
    {
        get
        {
            if (_state is null)
            {
                throw new InvalidOperationException("This RefBorrow is the default value and refers to no variable.");
            }

            _state.ThrowIfEnded();
            return ref *_pointer;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"ScopeSafety.RefBorrow<{typeof(T).Name}>";
}
