namespace ScopeSafety;

// Data-parallel loops over a span, after rayon's par_chunks_mut / par_chunks. Like Parallel.For, they
// do not spawn one item per chunk: one loop object is shared by a worker per core (the caller is one
// of them) and each worker takes the next chunk index with one Interlocked.Increment, so a chunk
// costs a delegate call and an atomic add, and there is no allocation per chunk or per element.
public sealed partial class Scope
{
    /// <summary>
    /// Runs <paramref name="body"/> on every chunk of <paramref name="chunkSize"/> elements of
    /// <paramref name="data"/> (the last chunk may be shorter), in parallel; each chunk is given to
    /// exactly one call, so the body may write it freely.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="data">The memory to process: an array, <c>stackalloc</c> memory, any span.</param>
    /// <param name="chunkSize">Elements per chunk; at least 1.</param>
    /// <param name="body">The work for one chunk.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is not positive.</exception>
    /// <exception cref="AggregateException">The body failed for some chunks; chunks not started after the first
    /// failure are skipped.</exception>
    public static unsafe void ForEachChunk<T>(scoped Span<T> data, int chunkSize, [StructuredWork] SpanAction<T> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (data.IsEmpty)
        {
            return;
        }

        fixed (T* pointer = data)
        {
            new ForEachChunkLoop<T>(pointer, data.Length, chunkSize, body).Run();
        }
    }

    /// <summary>
    /// Computes <paramref name="body"/> for every chunk of <paramref name="chunkSize"/> elements of
    /// <paramref name="data"/> (the last chunk may be shorter), in parallel, and returns the results in
    /// chunk order.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TResult">The type of a chunk's result.</typeparam>
    /// <param name="data">The memory to read.</param>
    /// <param name="chunkSize">Elements per chunk; at least 1.</param>
    /// <param name="body">The work for one chunk.</param>
    /// <returns>One result per chunk, the first chunk's first; empty for empty data.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is not positive.</exception>
    /// <exception cref="AggregateException">The body failed for some chunks.</exception>
    public static unsafe TResult[] MapChunks<T, TResult>(scoped ReadOnlySpan<T> data, int chunkSize, [StructuredWork] ReadOnlySpanFunc<T, TResult> body)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (data.IsEmpty)
        {
            return [];
        }

        fixed (T* pointer = data)
        {
            var loop = new MapChunksLoop<T, TResult>(pointer, data.Length, chunkSize, body);
            loop.Run();
            return loop.Results;
        }
    }
}

// The shared state of one chunked loop: the data, the next chunk to take, and a stop flag.
internal abstract unsafe class ChunkLoop<T>
    where T : unmanaged
{
    private readonly T* _pointer;
    private readonly int _length;
    private readonly int _chunkSize;
    private int _next;
    private volatile bool _stop;

    protected ChunkLoop(T* pointer, int length, int chunkSize)
    {
        _pointer = pointer;
        _length = length;
        _chunkSize = chunkSize;
        ChunkCount = (int)(((long)length + chunkSize - 1) / chunkSize);
    }

    protected int ChunkCount { get; }

    internal void Run() => LoopWorkers.Run(ChunkCount, Work);

    private void Work()
    {
        while (!_stop)
        {
            var chunk = Interlocked.Increment(ref _next) - 1;
            if (chunk >= ChunkCount)
            {
                return;
            }

            var start = chunk * (long)_chunkSize;
            var length = (int)Math.Min(_chunkSize, _length - start);
            try
            {
                Process(chunk, _pointer + start, length);
            }
            catch
            {
                // Like Parallel.For: after a failure no new chunk starts; running ones finish.
                _stop = true;
                throw;
            }
        }
    }

    protected abstract void Process(int chunk, T* start, int length);
}

internal sealed unsafe class ForEachChunkLoop<T> : ChunkLoop<T>
    where T : unmanaged
{
    private readonly SpanAction<T> _body;

    internal ForEachChunkLoop(T* pointer, int length, int chunkSize, SpanAction<T> body)
        : base(pointer, length, chunkSize) => _body = body;

    protected override void Process(int chunk, T* start, int length) => _body(new Span<T>(start, length));
}

internal sealed unsafe class MapChunksLoop<T, TResult> : ChunkLoop<T>
    where T : unmanaged
{
    private readonly ReadOnlySpanFunc<T, TResult> _body;

    internal MapChunksLoop(T* pointer, int length, int chunkSize, ReadOnlySpanFunc<T, TResult> body)
        : base(pointer, length, chunkSize)
    {
        _body = body;
        Results = new TResult[ChunkCount];
    }

    internal TResult[] Results { get; }

    protected override void Process(int chunk, T* start, int length) => Results[chunk] = _body(new ReadOnlySpan<T>(start, length));
}

// The workers of a loop (the chunk loops, Scope.For): one per core, at most one per unit of work, the caller one of them.
// The others are Go items of a scope, so the loop has the scope's guarantees (it returns after every worker, a failure
// is reported, a worker nobody started yet never strands anything); one that starts after the others took every unit
// finds nothing to do and returns at once. With one worker the loop runs on the calling thread alone.
internal static class LoopWorkers
{
    public static void Run(long units, Action work)
    {
        var workers = (int)Math.Min(units, Environment.ProcessorCount);
        if (workers == 1)
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                // The same shape as the parallel case (and Parallel.For): failures come wrapped.
                throw new AggregateException(e);
            }

            return;
        }

        Scope.Run(scope =>
        {
            for (var i = 1; i < workers; i++)
            {
                scope.Go(work);
            }

            work();
        });
    }
}
