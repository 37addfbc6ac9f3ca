using System.Runtime.CompilerServices;

namespace ScopeSafety.Tests;

/// <summary>Borrowing spans and refs through a scope: lifetime, pinning, shared-xor-mutable at Spawn.</summary>
public class BorrowTests
{
    [Fact]
    public void The_seed_in_span_form_sums_a_stackalloc_buffer() => Bounded.Run(() =>
    {
        // The snippet of the specification, as printed.
        Span<int> numbers = stackalloc int[5000];
        for (var i = 0; i < numbers.Length; i++) numbers[i] = i;
        long sum = Scope.Run((ReadOnlySpan<int>)numbers, (scope, data) =>
        {
            var parts = new List<ScopedTask<long>>();
            for (var start = 0; start < data.Length; start += 625)
                parts.Add(scope.Spawn(data.Slice(start, 625), chunk => { long s = 0; foreach (var x in chunk) s += x; return s; }));
            return parts.Sum(p => p.Join());
        });

        Assert.Equal(12497500, sum);
    });

    [Fact]
    public void Spawned_work_writes_disjoint_halves_of_a_stackalloc_buffer() => Bounded.Run(() =>
    {
        Span<int> buffer = stackalloc int[1000];
        Scope.Run(buffer, (scope, borrowed) =>
        {
            scope.Spawn(borrowed.Slice(0, 500), half => half.Fill(1));
            scope.Spawn(borrowed.Slice(500), half => half.Fill(2));
        });

        Assert.Equal(500, buffer.Count(1));
        Assert.Equal(500, buffer.Count(2));
        Assert.Equal(2, buffer[999]);
    });

    [Fact]
    public void A_result_flows_out_of_the_writable_form() => Bounded.Run(() =>
    {
        var array = new int[100];
        var written = Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            var task = scope.Spawn(borrowed, span =>
            {
                span.Fill(7);
                return span.Length;
            });
            return task.Join();
        });

        Assert.Equal(100, written);
        Assert.All(array, x => Assert.Equal(7, x));
    });

    [Fact]
    public void Captured_borrows_work_in_plain_Spawn_lambdas() => Bounded.Run(() =>
    {
        Span<long> cells = stackalloc long[4];
        Scope.Run(cells, (scope, borrowed) =>
        {
            for (var i = 0; i < 4; i++)
            {
                var index = i;
                scope.Spawn(() => borrowed.Span[index] = index * 10);
            }
        });

        Assert.Equal(new long[] { 0, 10, 20, 30 }, cells.ToArray());
    });

    [Fact]
    public void A_ref_borrow_lets_work_update_a_local() => Bounded.Run(() =>
    {
        var count = 0;
        Scope.Run(ref count, (scope, counter) =>
        {
            for (var i = 0; i < 100; i++)
            {
                scope.Spawn(() => Interlocked.Increment(ref counter.Value));
            }
        });

        Assert.Equal(100, count);
    });

    [Fact]
    public void A_ref_borrow_of_an_array_element_returns_a_result() => Bounded.Run(() =>
    {
        var array = new long[3];
        var seen = Scope.Run(ref array[1], (scope, cell) => scope.Spawn(() => cell.Value = 42).IsCompleted ? 0 : 1);

        Assert.Equal(42, array[1]);
        Assert.InRange(seen, 0, 1);
    });

    [Fact]
    public unsafe void Heap_memory_stays_pinned_while_forced_compacting_collections_run() => Bounded.Run(() =>
    {
        // Garbage around the array gives the compactor a reason to move it.
        var garbage = new List<object>();
        for (var i = 0; i < 10_000; i++)
        {
            garbage.Add(new byte[64]);
        }

        var array = new int[100_000];
        garbage.Clear();
        var moved = false;
        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            var before = (nint)Unsafe.AsPointer(ref array[0]);
            using var started = new CountdownEvent(4);
            var chunk = borrowed.Length / 4;
            for (var c = 0; c < 4; c++)
            {
                scope.Spawn(borrowed.Slice(c * chunk, chunk), span =>
                {
                    started.Signal();
                    for (var round = 0; round < 20; round++)
                    {
                        for (var i = 0; i < span.Length; i++)
                        {
                            span[i] += 1;
                        }
                    }
                });
            }

            for (var i = 0; i < 5; i++)
            {
                for (var j = 0; j < 1_000; j++)
                {
                    garbage.Add(new byte[128]);
                }

                garbage.Clear();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }

            Bounded.Wait(started);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            moved = before != (nint)Unsafe.AsPointer(ref array[0]);
        });

        Assert.False(moved, "The borrowed array moved while the scope ran.");
        Assert.All(array, x => Assert.Equal(20, x));
    });

    [Fact]
    public void An_overlapping_writable_slice_is_refused_while_the_first_may_run() => Bounded.Run(() =>
    {
        var array = new int[200];
        using var release = new ManualResetEventSlim();
        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            try
            {
                scope.Spawn(borrowed.Slice(0, 100), span => { release.Wait(); span.Fill(1); });

                var writer = Assert.Throws<InvalidOperationException>(() => scope.Spawn(borrowed.Slice(50, 100), span => span.Fill(2)));
                Assert.Contains("writable elements [50, 150)", writer.Message);
                Assert.Contains("writable elements [0, 100)", writer.Message);
                Assert.Throws<InvalidOperationException>(() => scope.Spawn(borrowed.Slice(99, 1).AsReadOnly(), span => { }));
                Assert.Throws<InvalidOperationException>(() => scope.Spawn(borrowed, span => 0));
            }
            finally
            {
                release.Set();
            }
        });

        Assert.Equal(100, array.Count(x => x == 1));
        Assert.Equal(100, array.Count(x => x == 0));
    });

    [Fact]
    public void Disjoint_and_adjacent_writable_slices_are_allowed() => Bounded.Run(() =>
    {
        var array = new int[300];
        using var release = new ManualResetEventSlim();
        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            try
            {
                scope.Spawn(borrowed.Slice(0, 100), span => { release.Wait(); span.Fill(1); });
                scope.Spawn(borrowed.Slice(100, 100), span => { release.Wait(); span.Fill(2); });
                scope.Spawn(borrowed.Slice(200).AsReadOnly(), span => release.Wait());
                scope.Spawn(borrowed.Slice(200, 0), span => { });
            }
            finally
            {
                release.Set();
            }
        });

        Assert.Equal(100, array.Count(x => x == 1));
        Assert.Equal(100, array.Count(x => x == 2));
    });

    [Fact]
    public void Read_only_slices_may_overlap_but_no_writer_may_join_them() => Bounded.Run(() =>
    {
        var array = Enumerable.Range(0, 100).ToArray();
        using var release = new ManualResetEventSlim();
        var sums = Scope.Run((ReadOnlySpan<int>)array, (scope, borrowed) =>
        {
            try
            {
                var a = scope.Spawn(borrowed, span => { release.Wait(); return span.Length; });
                var b = scope.Spawn(borrowed.Slice(10, 20), span => { release.Wait(); return span.Length; });
                release.Set();
                return a.Join() + b.Join();
            }
            finally
            {
                release.Set();
            }
        });
        Assert.Equal(120, sums);

        release.Reset();
        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            try
            {
                scope.Spawn(borrowed.AsReadOnly(), span => release.Wait());
                scope.Spawn(borrowed.Slice(0, 50).AsReadOnly(), span => release.Wait());
                Assert.Throws<InvalidOperationException>(() => scope.Spawn(borrowed.Slice(40, 1), span => span[0] = -1));
            }
            finally
            {
                release.Set();
            }
        });
        Assert.Equal(40, array[40]);
    });

    [Fact]
    public void A_slice_is_free_again_once_its_work_has_been_joined() => Bounded.Run(() =>
    {
        var array = new int[10];
        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            for (var round = 1; round <= 50; round++)
            {
                var value = round;
                scope.Spawn(borrowed, span => span.Fill(value)).Join();
            }
        });

        Assert.All(array, x => Assert.Equal(50, x));
    });

    [Fact]
    public void A_slice_whose_work_failed_is_free_again() => Bounded.Run(() =>
    {
        var array = new int[10];
        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            var failing = scope.Spawn(borrowed, span => throw new FormatException());
            Assert.Throws<FormatException>(() => failing.Join());

            // Not refused as overlapping; it does not run, because the failure cancelled the scope.
            Assert.True(scope.Spawn(borrowed, span => span.Fill(3)).IsCanceled || scope.CancellationToken.IsCancellationRequested);
        });

        Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            // Work the scope skips never runs its own release; its completion frees the slice.
            scope.Cancel();
            var skipped = scope.Spawn(borrowed, span => span.Fill(4));
            Assert.Throws<OperationCanceledException>(() => skipped.Join());
            Assert.True(skipped.IsCanceled);
            scope.Spawn(borrowed, span => span.Fill(5));
        });

        Assert.All(array, x => Assert.Equal(0, x));
    });

    [Fact]
    public void A_borrow_used_after_its_Run_has_returned_throws() => Bounded.Run(() =>
    {
        var array = new int[10];
        var escapedSpan = default(SpanBorrow<int>);
        var escapedReadOnly = default(ReadOnlySpanBorrow<int>);
        var escapedRef = default(RefBorrow<int>);
        Scope.Run(array.AsSpan(), (scope, borrowed) => escapedSpan = borrowed);
        Scope.Run((ReadOnlySpan<int>)array, (scope, borrowed) => escapedReadOnly = borrowed);
        Scope.Run(ref array[0], (scope, borrowed) => escapedRef = borrowed);

        Assert.Throws<InvalidOperationException>(() => escapedSpan.Span.Length);
        Assert.Throws<InvalidOperationException>(() => escapedSpan.Slice(2).Span.Length);
        Assert.Throws<InvalidOperationException>(() => escapedReadOnly.Span.Length);
        Assert.Throws<InvalidOperationException>(() => escapedRef.Value);
        Assert.Equal(10, escapedSpan.Length);
        Scope.Run(scope => Assert.Throws<InvalidOperationException>(() => scope.Spawn(escapedSpan, span => { })));
    });

    [Fact]
    public void A_borrow_ends_also_when_the_body_throws() => Bounded.Run(() =>
    {
        var array = new int[10];
        var escaped = default(SpanBorrow<int>);
        Assert.Throws<AggregateException>(() => Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            escaped = borrowed;
            throw new FormatException();
        }));

        Assert.Throws<InvalidOperationException>(() => escaped.Span.Length);
    });

    [Fact]
    public void Default_borrows_are_empty_or_refuse_to_dereference()
    {
        Assert.True(default(SpanBorrow<int>).Span.IsEmpty);
        Assert.True(default(ReadOnlySpanBorrow<int>).Span.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => default(RefBorrow<int>).Value);
    }

    [Fact]
    public void Slices_outside_the_borrow_are_refused()
    {
        Scope.Run(new int[10].AsSpan(), (scope, borrowed) =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => borrowed.Slice(11));
            Assert.Throws<ArgumentOutOfRangeException>(() => borrowed.Slice(5, 6));
            Assert.Throws<ArgumentOutOfRangeException>(() => borrowed.Slice(-1, 2));
            Assert.Equal(0, borrowed.Slice(10).Length);
        });
    }

    [Fact]
    public void ForEachChunk_gives_every_chunk_once_with_an_uneven_last_chunk() => Bounded.Run(() =>
    {
        var array = new int[10];
        Scope.ForEachChunk(array.AsSpan(), 3, chunk =>
        {
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] += chunk.Length;
            }
        });

        Assert.Equal(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3, 1 }, array);
    });

    [Fact]
    public void MapChunks_returns_results_in_chunk_order_with_an_uneven_last_chunk() => Bounded.Run(() =>
    {
        ReadOnlySpan<int> data = [1, 2, 3, 4, 5, 6, 7];
        var sums = Scope.MapChunks(data, 3, chunk =>
        {
            var s = 0;
            foreach (var x in chunk)
            {
                s += x;
            }

            return s;
        });

        Assert.Equal(new[] { 6, 15, 7 }, sums);
        Assert.Empty(Scope.MapChunks(ReadOnlySpan<int>.Empty, 3, chunk => 1));
    });

    [Fact]
    public void Chunk_loops_refuse_a_non_positive_chunk_size()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Scope.ForEachChunk(new int[3].AsSpan(), 0, chunk => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scope.MapChunks((ReadOnlySpan<int>)new int[3], -1, chunk => 0));
    }

    [Fact]
    public void A_failing_chunk_surfaces_as_AggregateException_and_stops_new_chunks() => Bounded.Run(() =>
    {
        var started = 0;
        var error = Assert.Throws<AggregateException>(() => Scope.ForEachChunk(new int[100_000].AsSpan(), 1, chunk => TenthFails.Unit(ref started)));

        Assert.All(error.InnerExceptions, e => Assert.IsType<FormatException>(e));
        Assert.True(started < 100_000, $"{started} chunks started after the failure.");
        Assert.Throws<AggregateException>(() => Scope.MapChunks((ReadOnlySpan<int>)new int[5], 10, chunk => chunk[0] / chunk[0]));
    });

    [Fact]
    public void A_million_elements_in_chunk_loops_and_spawned_slices() => Bounded.Run(() =>
    {
        const int n = 1_000_000;
        var array = new int[n];
        Scope.ForEachChunk(array.AsSpan(), 4_099, chunk =>
        {
            foreach (ref var x in chunk)
            {
                x += 1;
            }
        });
        Assert.All(array, x => Assert.Equal(1, x));

        var counts = Scope.MapChunks((ReadOnlySpan<int>)array, 1_000, chunk => chunk.Length);
        Assert.Equal(1_000, counts.Length);
        Assert.Equal(n, counts.Sum());

        var total = Scope.Run(array.AsSpan(), (scope, borrowed) =>
        {
            var parts = new List<ScopedTask<long>>();
            for (var start = 0; start < n; start += 1_000)
            {
                parts.Add(scope.Spawn(borrowed.Slice(start, 1_000), span =>
                {
                    long s = 0;
                    foreach (ref var x in span)
                    {
                        x += 1;
                        s += x;
                    }

                    return s;
                }));
            }

            return parts.Sum(p => p.Join());
        });
        Assert.Equal(2L * n, total);

        Span<byte> small = stackalloc byte[1_000];
        for (var round = 0; round < 200; round++)
        {
            Scope.ForEachChunk(small, 7, chunk => chunk[0]++);
        }

        Assert.Equal(200, small[0]);
        Assert.Equal(0, small[1]);
    });
}
