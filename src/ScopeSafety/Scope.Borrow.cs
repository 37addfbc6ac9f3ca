namespace ScopeSafety;

// Borrowing spans and refs through a scope. A Span<T> or a ref cannot be captured by a lambda, because
// the compiler cannot prove the lambda does not outlive the memory. Scope.Run can: it returns only after
// every item has finished. So Run pins the memory (a no-op for stack memory), hands out plain structs
// holding a pointer, and marks them ended when it returns.
public sealed partial class Scope
{
    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and a borrow of <paramref name="data"/> that spawned
    /// work may capture; returns after the body and all the work it spawned have finished.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="data">The memory to borrow: an array, <c>stackalloc</c> memory, any span. Heap memory is
    /// pinned until <c>Run</c> returns.</param>
    /// <param name="body">Code that spawns work over the borrowed memory.</param>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the failure.</exception>
    /// <example>
    /// <code>
    /// Span&lt;int&gt; buffer = stackalloc int[1000];
    /// Scope.Run(buffer, (scope, borrowed) =&gt;
    /// {
    ///     scope.Spawn(borrowed.Slice(0, 500), half =&gt; half.Fill(1));
    ///     scope.Spawn(borrowed.Slice(500), half =&gt; half.Fill(2));
    /// });
    /// </code>
    /// </example>
    public static unsafe void Run<T>(scoped Span<T> data, [StructuredWork] Action<Scope, SpanBorrow<T>> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        fixed (T* pointer = data)
        {
            var address = (nint)pointer;
            var length = data.Length;
            BorrowState? state = null;
            try
            {
                Run(scope =>
                {
                    state = new BorrowState(scope);
                    body(scope, new SpanBorrow<T>((T*)address, length, state));
                });
            }
            finally
            {
                state?.End();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and a borrow of <paramref name="data"/> that spawned
    /// work may capture; returns the body's result after the body and all the work it spawned have finished.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TResult">The type of the body's result.</typeparam>
    /// <param name="data">The memory to borrow. Heap memory is pinned until <c>Run</c> returns.</param>
    /// <param name="body">Code that spawns work over the borrowed memory and computes the result.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the failure.</exception>
    public static unsafe TResult Run<T, TResult>(scoped Span<T> data, [StructuredWork] Func<Scope, SpanBorrow<T>, TResult> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        fixed (T* pointer = data)
        {
            var address = (nint)pointer;
            var length = data.Length;
            BorrowState? state = null;
            try
            {
                return Run(scope =>
                {
                    state = new BorrowState(scope);
                    return body(scope, new SpanBorrow<T>((T*)address, length, state));
                });
            }
            finally
            {
                state?.End();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and a read-only borrow of <paramref name="data"/> that
    /// spawned work may capture and share; returns after the body and all the work it spawned have finished.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="data">The memory to borrow. Heap memory is pinned until <c>Run</c> returns.</param>
    /// <param name="body">Code that spawns work over the borrowed memory.</param>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the failure.</exception>
    public static unsafe void Run<T>(scoped ReadOnlySpan<T> data, [StructuredWork] Action<Scope, ReadOnlySpanBorrow<T>> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        fixed (T* pointer = data)
        {
            var address = (nint)pointer;
            var length = data.Length;
            BorrowState? state = null;
            try
            {
                Run(scope =>
                {
                    state = new BorrowState(scope);
                    body(scope, new ReadOnlySpanBorrow<T>((T*)address, length, state));
                });
            }
            finally
            {
                state?.End();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and a read-only borrow of <paramref name="data"/> that
    /// spawned work may capture and share; returns the body's result after the body and all the work it
    /// spawned have finished.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TResult">The type of the body's result.</typeparam>
    /// <param name="data">The memory to borrow. Heap memory is pinned until <c>Run</c> returns.</param>
    /// <param name="body">Code that spawns work over the borrowed memory and computes the result.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the failure.</exception>
    /// <example>
    /// <code>
    /// Span&lt;int&gt; numbers = stackalloc int[5000];
    /// for (var i = 0; i &lt; numbers.Length; i++) numbers[i] = i;
    /// long sum = Scope.Run((ReadOnlySpan&lt;int&gt;)numbers, (scope, data) =&gt;
    /// {
    ///     var parts = new List&lt;ScopedTask&lt;long&gt;&gt;();
    ///     for (var start = 0; start &lt; data.Length; start += 625)
    ///         parts.Add(scope.Spawn(data.Slice(start, 625), chunk =&gt; { long s = 0; foreach (var x in chunk) s += x; return s; }));
    ///     return parts.Sum(p =&gt; p.Join());
    /// });                                                              // 12497500
    /// </code>
    /// </example>
    public static unsafe TResult Run<T, TResult>(scoped ReadOnlySpan<T> data, [StructuredWork] Func<Scope, ReadOnlySpanBorrow<T>, TResult> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        fixed (T* pointer = data)
        {
            var address = (nint)pointer;
            var length = data.Length;
            BorrowState? state = null;
            try
            {
                return Run(scope =>
                {
                    state = new BorrowState(scope);
                    return body(scope, new ReadOnlySpanBorrow<T>((T*)address, length, state));
                });
            }
            finally
            {
                state?.End();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and a borrow of the variable <paramref name="value"/>
    /// that spawned work may capture; returns after the body and all the work it spawned have finished.
    /// </summary>
    /// <typeparam name="T">The type of the variable.</typeparam>
    /// <param name="value">The variable to borrow: a local, a <c>ref</c> parameter, an array element, a field.
    /// A variable on the heap is pinned until <c>Run</c> returns.</param>
    /// <param name="body">Code that spawns work using <see cref="RefBorrow{T}.Value"/>.</param>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the failure.</exception>
    public static unsafe void Run<T>(ref T value, [StructuredWork] Action<Scope, RefBorrow<T>> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        fixed (T* pointer = &value)
        {
            var address = (nint)pointer;
            BorrowState? state = null;
            try
            {
                Run(scope =>
                {
                    state = new BorrowState(scope);
                    body(scope, new RefBorrow<T>((T*)address, state));
                });
            }
            finally
            {
                state?.End();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a new scope and a borrow of the variable <paramref name="value"/>
    /// that spawned work may capture; returns the body's result after the body and all the work it spawned
    /// have finished.
    /// </summary>
    /// <typeparam name="T">The type of the variable.</typeparam>
    /// <typeparam name="TResult">The type of the body's result.</typeparam>
    /// <param name="value">The variable to borrow. A variable on the heap is pinned until <c>Run</c> returns.</param>
    /// <param name="body">Code that spawns work using <see cref="RefBorrow{T}.Value"/> and computes the result.</param>
    /// <returns>The body's result.</returns>
    /// <exception cref="AggregateException">The body or spawned work failed and nobody joined the failure.</exception>
    public static unsafe TResult Run<T, TResult>(ref T value, [StructuredWork] Func<Scope, RefBorrow<T>, TResult> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        fixed (T* pointer = &value)
        {
            var address = (nint)pointer;
            BorrowState? state = null;
            try
            {
                return Run(scope =>
                {
                    state = new BorrowState(scope);
                    return body(scope, new RefBorrow<T>((T*)address, state));
                });
            }
            finally
            {
                state?.End();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> over the writable <paramref name="slice"/>; the work has it to itself
    /// (Rust's <c>&amp;mut</c>) until it finishes.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="slice">Part of a borrow from <c>Scope.Run(span, …)</c>.</param>
    /// <param name="work">The work; it gets the slice as a <see cref="Span{T}"/>.</param>
    /// <returns>The spawned work, which may be joined.</returns>
    /// <exception cref="InvalidOperationException">Work spawned earlier over an overlapping slice (writable or
    /// read-only) may still be running; or the borrow's <c>Run</c> or this scope has finished.</exception>
    public unsafe ScopedTask Spawn<T>(SpanBorrow<T> slice, [StructuredWork] SpanAction<T> work)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(work);
        var claim = Claim(slice.State, slice.Pointer, slice.Length, writable: true);
        return Track(claim, () =>
        {
            try
            {
                work(slice.Span);
            }
            finally
            {
                claim?.Release();
            }
        });
    }

    /// <summary>
    /// Starts <paramref name="work"/> over the writable <paramref name="slice"/>; the work has it to itself
    /// until it finishes. Join the returned task to get the result.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="slice">Part of a borrow from <c>Scope.Run(span, …)</c>.</param>
    /// <param name="work">The work; it gets the slice as a <see cref="Span{T}"/>.</param>
    /// <returns>The spawned work, whose <see cref="ScopedTask{T}.Join"/> returns the result.</returns>
    /// <exception cref="InvalidOperationException">Work spawned earlier over an overlapping slice may still be
    /// running; or the borrow's <c>Run</c> or this scope has finished.</exception>
    public unsafe ScopedTask<TResult> Spawn<T, TResult>(SpanBorrow<T> slice, [StructuredWork] SpanFunc<T, TResult> work)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(work);
        var claim = Claim(slice.State, slice.Pointer, slice.Length, writable: true);
        return Track(claim, () =>
        {
            try
            {
                return work(slice.Span);
            }
            finally
            {
                claim?.Release();
            }
        });
    }

    /// <summary>
    /// Starts <paramref name="work"/> over the read-only <paramref name="slice"/>; other work may read
    /// overlapping slices at the same time, but no work may write them.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="slice">Part of a borrow from <c>Scope.Run(span, …)</c>.</param>
    /// <param name="work">The work; it gets the slice as a <see cref="ReadOnlySpan{T}"/>.</param>
    /// <returns>The spawned work, which may be joined.</returns>
    /// <exception cref="InvalidOperationException">Work spawned earlier over an overlapping writable slice may
    /// still be running; or the borrow's <c>Run</c> or this scope has finished.</exception>
    public unsafe ScopedTask Spawn<T>(ReadOnlySpanBorrow<T> slice, [StructuredWork] ReadOnlySpanAction<T> work)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(work);
        var claim = Claim(slice.State, slice.Pointer, slice.Length, writable: false);
        return Track(claim, () =>
        {
            try
            {
                work(slice.Span);
            }
            finally
            {
                claim?.Release();
            }
        });
    }

    /// <summary>
    /// Starts <paramref name="work"/> over the read-only <paramref name="slice"/>; other work may read
    /// overlapping slices at the same time. Join the returned task to get the result.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="slice">Part of a borrow from <c>Scope.Run(span, …)</c>.</param>
    /// <param name="work">The work; it gets the slice as a <see cref="ReadOnlySpan{T}"/>.</param>
    /// <returns>The spawned work, whose <see cref="ScopedTask{T}.Join"/> returns the result.</returns>
    /// <exception cref="InvalidOperationException">Work spawned earlier over an overlapping writable slice may
    /// still be running; or the borrow's <c>Run</c> or this scope has finished.</exception>
    public unsafe ScopedTask<TResult> Spawn<T, TResult>(ReadOnlySpanBorrow<T> slice, [StructuredWork] ReadOnlySpanFunc<T, TResult> work)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(work);
        var claim = Claim(slice.State, slice.Pointer, slice.Length, writable: false);
        return Track(claim, () =>
        {
            try
            {
                return work(slice.Span);
            }
            finally
            {
                claim?.Release();
            }
        });
    }

    private static unsafe SliceClaim? Claim<T>(BorrowState? state, T* pointer, int length, bool writable)
        where T : unmanaged
    {
        // The default borrow refers to no memory, so there is nothing to share or to protect.
        if (state is null)
        {
            return null;
        }

        var start = (nuint)pointer;
        return state.Claim(start, start + ((nuint)length * (nuint)sizeof(T)), writable, sizeof(T));
    }

    private ScopedTask Track(SliceClaim? claim, Action work)
    {
        ScopedTask task;
        try
        {
            task = Spawn(work);
        }
        catch
        {
            claim?.Release();
            throw;
        }

        if (claim is not null)
        {
            claim.Task = task;
        }

        return task;
    }

    private ScopedTask<TResult> Track<TResult>(SliceClaim? claim, Func<TResult> work)
    {
        ScopedTask<TResult> task;
        try
        {
            task = Spawn(work);
        }
        catch
        {
            claim?.Release();
            throw;
        }

        if (claim is not null)
        {
            claim.Task = task;
        }

        return task;
    }
}
