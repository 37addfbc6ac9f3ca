using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 orderings read per use: a barrier orders the host's writes before its arrival against the work's reads after
/// the work's own arrival (every party must arrive, so the work's arrival does not let it through alone), and a host's
/// wait for an object the work releases ends the work for the uses the work makes before that release, even when the
/// work uses other cells after it. Each hazard beside its silent twin. The class starts at line 8.
/// </summary>
public class PerUseOrderingTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_barrier_orders_the_methods_write_before_its_arrival_against_the_threads_read_after_its_own() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int x, y;
            static void M()
            {
                var barrier = new Barrier(2);
                var t = new Thread(() =>
                {
                    x = 1;
                    barrier.SignalAndWait();
                    Console.WriteLine(y);
                });
                t.Start();
                y = 2;
                barrier.SignalAndWait();
                Console.WriteLine(x);
                t.Join();
            }
        }
        """);

    [Fact]
    public Task A_write_after_the_methods_arrival_races_with_the_threads_read_after_its_own() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int y;
            static void M()
            {
                var barrier = new Barrier(2);
                var t = new Thread(() =>
                {
                    barrier.SignalAndWait();
                    Console.WriteLine({|#0:y|});
                });
                t.Start();
                barrier.SignalAndWait();
                y = 2;
                t.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.y", "the method at line 20", "work started with new Thread at line 13", "read"));

    [Fact]
    public Task A_barrier_the_method_never_arrives_at_orders_nothing_for_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int y;
            static void M()
            {
                var barrier = new Barrier(2);
                var a = new Thread(() =>
                {
                    barrier.SignalAndWait();
                    Console.WriteLine({|#0:y|});
                });
                var b = new Thread(() => barrier.SignalAndWait());
                a.Start();
                b.Start();
                y = 2;
                a.Join();
                b.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.y", "the method at line 21", "work started with new Thread at line 13", "read"));

    [Fact]
    public Task Cells_of_one_array_each_ordered_by_its_own_side_of_the_barrier_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static void M()
            {
                var data = new int[2];
                var barrier = new Barrier(2);
                var t = new Thread(() =>
                {
                    data[0] = 1;
                    barrier.SignalAndWait();
                    Console.WriteLine(data[1]);
                });
                t.Start();
                data[1] = 2;
                barrier.SignalAndWait();
                Console.WriteLine(data[0]);
                t.Join();
            }
        }
        """);

    [Fact]
    public Task An_event_set_between_two_cells_orders_the_cell_written_before_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static void M()
            {
                var data = new int[2];
                var ready = new ManualResetEventSlim();
                var t = new Thread(() =>
                {
                    data[0] = 1;
                    ready.Set();
                    Console.WriteLine(data[1]);
                });
                t.Start();
                ready.Wait();
                Console.WriteLine(data[0]);
                t.Join();
            }
        }
        """);

    [Fact]
    public Task A_cell_written_after_the_event_is_set_races_with_the_read_after_the_wait() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static void M()
            {
                var data = new int[2];
                var ready = new ManualResetEventSlim();
                var t = new Thread(() =>
                {
                    data[0] = 1;
                    ready.Set();
                    {|#0:data[1]|} = 1;
                });
                t.Start();
                ready.Wait();
                Console.WriteLine(data[1]);
                t.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("data[]", "work started with new Thread at line 13", "the method at line 21", "read"));
}
