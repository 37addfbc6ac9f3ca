namespace ScopeSafety;

/// <summary>
/// A read-only span borrowed through <see cref="Scope.Run{T}(ReadOnlySpan{T}, Action{Scope, ReadOnlySpanBorrow{T}})"/>:
/// unlike <see cref="ReadOnlySpan{T}"/> it is a plain struct, so lambdas may capture it and spawned work may use it.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// The memory stays valid (pinned, if it is on the heap) until the <c>Scope.Run</c> that created the
/// borrow returns; after that <see cref="Span"/> throws. Read-only slices handed to spawned work with
/// <see cref="Scope.Spawn{T}(ReadOnlySpanBorrow{T}, ReadOnlySpanAction{T})"/> may overlap each other, but not a
/// writable slice that other work may still be using.
/// </remarks>
public readonly unsafe struct ReadOnlySpanBorrow<T>
    where T : unmanaged
{
    private readonly T* _pointer;
    private readonly int _length;
    private readonly BorrowState? _state;

    internal ReadOnlySpanBorrow(T* pointer, int length, BorrowState state)
    {
        _pointer = pointer;
        _length = length;
        _state = state;
    }

    /// <summary>
    /// Gets the borrowed memory. The default value gives an empty span.
    /// </summary>
    /// <exception cref="InvalidOperationException">The <c>Scope.Run</c> that created the borrow has returned.</exception>
    public ReadOnlySpan<T> Span
    {
        get
        {
            _state?.ThrowIfEnded();
            return new ReadOnlySpan<T>(_pointer, _length);
        }
    }

    /// <summary>Gets the number of elements.</summary>
    public int Length => _length;

    /// <summary>Gets whether the borrow has no elements.</summary>
    public bool IsEmpty => _length == 0;

    internal T* Pointer => _pointer;

    internal BorrowState? State => _state;

    /// <summary>Borrows the elements from <paramref name="start"/> to the end.</summary>
    /// <param name="start">The first element.</param>
    /// <returns>A borrow of the same memory, valid as long as this one.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is outside the borrow.</exception>
    public ReadOnlySpanBorrow<T> Slice(int start)
    {
        if ((uint)start > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        return new ReadOnlySpanBorrow<T>(_pointer + start, _length - start, _state!);
    }

    /// <summary>Borrows <paramref name="length"/> elements from <paramref name="start"/>.</summary>
    /// <param name="start">The first element.</param>
    /// <param name="length">The number of elements.</param>
    /// <returns>A borrow of the same memory, valid as long as this one.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the borrow.</exception>
    public ReadOnlySpanBorrow<T> Slice(int start, int length)
    {
        if ((ulong)(uint)start + (uint)length > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        return new ReadOnlySpanBorrow<T>(_pointer + start, length, _state!);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ScopeSafety.ReadOnlySpanBorrow<{typeof(T).Name}>[{_length}]";
}
