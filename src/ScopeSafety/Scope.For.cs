namespace ScopeSafety;

// A parallel loop over a range of indices, after rayon's (a..b).into_par_iter().for_each and Parallel.For. Like the
// chunk loops, it spawns no item per index: one loop object is shared by a worker per core (the caller is one of them),
// and each worker claims a run of indices with one Interlocked.Add, a run that doubles while many indices are left and
// shrinks as they run out. So an index costs a delegate call, and the claims stay few for tiny bodies and fine-grained
// near the end, where the last indices are shared out.
public sealed partial class Scope
{
    /// <summary>
    /// Runs <paramref name="body"/> for every index from <paramref name="fromInclusive"/> up to
    /// <paramref name="toExclusive"/>, in parallel, and returns when every call has finished (rayon's
    /// <c>(a..b).into_par_iter().for_each</c>, <c>Parallel.For</c>). Each index is given to exactly one call, so the
    /// body may write the elements its index names.
    /// </summary>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index; nothing runs when it is not above <paramref name="fromInclusive"/>.</param>
    /// <param name="body">The work for one index.</param>
    /// <exception cref="AggregateException">The body failed for some indices; indices not started after the first
    /// failure are skipped.</exception>
    public static void For(int fromInclusive, int toExclusive, [StructuredWork] Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (toExclusive > fromInclusive)
        {
            new IndexLoop(fromInclusive, toExclusive, body).Run();
        }
    }
}

// The shared state of one index loop: the next index to claim and a stop flag.
internal sealed class IndexLoop(int fromInclusive, int toExclusive, Action<int> body)
{
    // The largest run of indices one claim takes: a claim is one interlocked add on a shared word, so runs grow to
    // amortise it, but not so far that one worker holds back indices that an idle one could take.
    private const int MaxRun = 1024;

    private long _next = fromInclusive;
    private volatile bool _stop;

    internal void Run() => LoopWorkers.Run((long)toExclusive - fromInclusive, Work);

    private void Work()
    {
        // A worker's runs double from one index, but never past a share of what was left when it last claimed (guided
        // self-scheduling): the runs shrink towards the end, so no worker is left with a long run while the others idle.
        var run = 1L;
        var share = 2L * Environment.ProcessorCount;
        while (!_stop)
        {
            var end = Interlocked.Add(ref _next, run);
            var start = end - run;
            if (start >= toExclusive)
            {
                return;
            }

            end = Math.Min(end, toExclusive);
            try
            {
                for (var index = start; index < end && !_stop; index++)
                {
                    body((int)index);
                }
            }
            catch
            {
                // Like Parallel.For: after a failure no new index starts; running ones finish.
                _stop = true;
                throw;
            }

            run = Math.Clamp(Math.Min(run * 2, (toExclusive - end) / share), 1, MaxRun);
        }
    }
}
