using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using VerifyCapture = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Orderings of a start signal: the method writes, then hands an item over (a <c>BlockingCollection</c>'s <c>Add</c>, a
/// channel's <c>WriteAsync</c>, completing a <c>TaskCompletionSource</c>), and the work reads only after it took the item
/// (<c>Take</c>, a tested <c>TryTake</c>, <c>await channel.Reader.ReadAsync()</c>, <c>if (done.Wait(timeout))</c>). Each
/// hazard beside its silent twin. The race tests' class starts at line 10, the capture tests' at line 20.
/// </summary>
public class QueueHandoverTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings + """
        using System.Collections.Concurrent;
        using System.Threading.Channels;

        """;

    [Fact]
    public Task A_write_before_the_item_is_added_is_ordered_with_the_read_after_it_is_taken() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int data;
            static void Taken()
            {
                var queue = new BlockingCollection<int>();
                var consumer = new Thread(() => { queue.Take(); Console.WriteLine(data); });
                consumer.Start();
                data = 5;
                queue.Add(1);
                consumer.Join();
            }

            static void TriedWithTimeout()
            {
                var queue = new BlockingCollection<int>(16);
                var consumer = new Thread(() =>
                {
                    if (queue.TryTake(out var item, 1000))
                    {
                        Console.WriteLine(data + item);
                    }
                });
                consumer.Start();
                data = 5;
                queue.Add(1);
                consumer.Join();
            }

            static async Task Read()
            {
                var channel = Channel.CreateUnbounded<int>();
                var consumer = Task.Run(async () => { await channel.Reader.ReadAsync(); Console.WriteLine(data); });
                data = 5;
                await channel.Writer.WriteAsync(1);
                await consumer;
            }
        }
        """);

    [Fact]
    public Task A_write_after_the_item_is_added_races_with_the_read() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int data;
            static void M()
            {
                var queue = new BlockingCollection<int>();
                var consumer = new Thread(() => { queue.Take(); Console.WriteLine({|#0:data|}); });
                consumer.Start();
                queue.Add(1);
                data = 5;
                consumer.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.data", "the method at line 18", "work started with new Thread at line 15", "read"));

    [Fact]
    public Task An_untested_try_take_or_a_queue_made_from_items_orders_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int data;
            static void Untested()
            {
                var queue = new BlockingCollection<int>();
                var consumer = new Thread(() => { queue.TryTake(out _); Console.WriteLine({|#0:data|}); });
                consumer.Start();
                data = 5;
                queue.Add(1);
                consumer.Join();
            }

            static void FromItems(ConcurrentQueue<int> items)
            {
                var queue = new BlockingCollection<int>(items);
                var consumer = new Thread(() => { queue.Take(); Console.WriteLine({|#1:data|}); });
                consumer.Start();
                data = 5;
                queue.Add(1);
                consumer.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.data", "the method at line 17", "work started with new Thread at line 15", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("C.data", "the method at line 27", "work started with new Thread at line 25", "read"));

    [Fact]
    public Task A_timed_wait_tested_by_an_if_orders_the_read_in_its_branch_only() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            static int data;
            static void M()
            {
                var ready = new ManualResetEventSlim();
                var consumer = new Thread(() =>
                {
                    if (ready.Wait(1000))
                    {
                        Console.WriteLine(data);
                    }
                    else
                    {
                        Console.WriteLine({|#0:data|});
                    }
                });
                consumer.Start();
                data = 5;
                ready.Set();
                consumer.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("C.data", "the method at line 27", "work started with new Thread at line 15", "read"));

    [Fact]
    public Task A_captured_local_written_before_the_signal_the_work_waits_for_is_not_shared() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static async Task Signalled()
            {
                var data = 0;
                var go = new TaskCompletionSource();
                var consumer = Task.Run(async () => { await go.Task; Console.WriteLine(data); });
                data = 5;
                go.SetResult();
                await consumer;
            }

            static async Task WrittenAfterTheSignal()
            {
                var data = 0;
                var go = new TaskCompletionSource();
                var consumer = Task.Run(async () => { await go.Task; Console.WriteLine({|#0:data|}); });
                go.SetResult();
                data = 5;
                await consumer;
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(0).WithArguments("data", "the method", "work started with Task.Run", "read"));

    [Fact]
    public Task A_captured_local_written_before_the_event_is_set_is_ordered_even_when_the_work_reads_it_after() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static int ReadAfterSet()
            {
                var value = 0;
                var ready = new ManualResetEventSlim();
                var t = new Thread(() => { value = 1; ready.Set(); Console.WriteLine(value); });
                t.Start();
                ready.Wait();
                var seen = value;
                t.Join();
                return seen;
            }

            static int WriteAfterSet()
            {
                var value = 0;
                var ready = new ManualResetEventSlim();
                var t = new Thread(() => { {|#0:value|} = 1; ready.Set(); value = 2; });
                t.Start();
                ready.Wait();
                var seen = value;
                t.Join();
                return seen;
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(0).WithArguments("value", "work started with new Thread", "the method", "read"));
}
