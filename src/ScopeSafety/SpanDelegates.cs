namespace ScopeSafety;

/// <summary>Work over a writable span, e.g. one chunk of a buffer borrowed through a scope.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="span">The span the work may read and write while it runs.</param>
public delegate void SpanAction<T>(Span<T> span);

/// <summary>Work over a writable span that produces a result.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TResult">The type of the result.</typeparam>
/// <param name="span">The span the work may read and write while it runs.</param>
/// <returns>The work's result.</returns>
public delegate TResult SpanFunc<T, out TResult>(Span<T> span);

/// <summary>Work over a read-only span.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="span">The span the work may read while it runs.</param>
public delegate void ReadOnlySpanAction<T>(ReadOnlySpan<T> span);

/// <summary>Work over a read-only span that produces a result.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TResult">The type of the result.</typeparam>
/// <param name="span">The span the work may read while it runs.</param>
/// <returns>The work's result.</returns>
public delegate TResult ReadOnlySpanFunc<T, out TResult>(ReadOnlySpan<T> span);
