using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A polling thread that a constructor starts and that first waits for a wake-up only a later call gives (NEventStore's
/// <c>PollingClient2</c>): what the constructor stores after the start comes first. Three shapes the constructor's wait
/// did not see: a loop over a queue's consuming enumeration as the wait, an auto-property set after the start, and a
/// timer whose handler wakes the thread but which only a later <c>Start()</c> starts. Each beside its twin that races.
/// The class starts at line 7.
/// </summary>
public class HeldUntilConstructedTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // The loop takes an item before each run of its body, and only a later call adds one; the twin's constructor adds one
    // itself before its store.
    [Fact]
    public Task A_thread_consuming_a_queue_that_only_a_later_call_fills_comes_after_the_constructor() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;

        class Poller
        {
            private readonly BlockingCollection<object> _wake = new BlockingCollection<object>();
            private readonly Thread _thread;
            private DateTime _lastActivity;

            public Poller()
            {
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
                _lastActivity = DateTime.UtcNow;
            }

            public void PollNow() => _wake.Add(new object());

            private void Loop()
            {
                foreach (var _ in _wake.GetConsumingEnumerable())
                {
                    _lastActivity = DateTime.UtcNow;
                }
            }
        }

        class EagerPoller
        {
            private readonly BlockingCollection<object> _wake = new BlockingCollection<object>();
            private readonly Thread _thread;
            private DateTime _lastActivity;

            public EagerPoller()
            {
                _thread = new Thread({|#0:Loop|}) { IsBackground = true };
                _thread.Start();
                _wake.Add(new object());
                _lastActivity = DateTime.UtcNow;
            }

            private void Loop()
            {
                foreach (var _ in _wake.GetConsumingEnumerable())
                {
                    _lastActivity = DateTime.UtcNow;
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_lastActivity", "work started with new Thread at line 41 (in EagerPoller.Loop)", "the method at line 44", "also write"));

    // Only the loop's body comes after a take: what the thread does once the loop has ended (the queue completed, maybe
    // having taken nothing) is not ordered by the adds.
    [Fact]
    public Task What_a_consumer_does_after_its_loop_is_not_ordered_by_the_queue() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;

        class Drainer
        {
            private readonly BlockingCollection<int> _items = new BlockingCollection<int>();
            private readonly Thread _thread;
            private int _drained;

            public Drainer()
            {
                _thread = new Thread({|#0:Drain|}) { IsBackground = true };
                _thread.Start();
                _items.CompleteAdding();
                _drained = -1;
            }

            private void Drain()
            {
                foreach (var item in _items.GetConsumingEnumerable())
                {
                }

                _drained = 1;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_drained", "work started with new Thread at line 17 (in Drainer.Drain)", "the method at line 20", "also write"));

    // An auto-property set after the start runs no code of the type's: the constructor still lets nothing through. A
    // setter with a body of its own may (the twin's sets the event).
    [Fact]
    public Task An_auto_property_set_after_the_start_lets_nothing_through_a_setter_with_a_body_may() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private readonly ManualResetEventSlim _go = new ManualResetEventSlim();
            private readonly Thread _thread;

            public Poller()
            {
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
                LastActivity = DateTime.UtcNow;
            }

            public DateTime LastActivity { get; private set; }

            public void PollNow() => _go.Set();

            private void Loop()
            {
                _go.Wait();
                LastActivity = DateTime.UtcNow;
            }
        }

        class SignallingPoller
        {
            private readonly ManualResetEventSlim _go = new ManualResetEventSlim();
            private readonly Thread _thread;
            private DateTime _last;

            public SignallingPoller()
            {
                _thread = new Thread({|#0:Loop|}) { IsBackground = true };
                _thread.Start();
                Last = DateTime.UtcNow;
            }

            public DateTime Last
            {
                get => _last;
                private set
                {
                    _last = value;
                    _go.Set();
                }
            }

            private void Loop()
            {
                _go.Wait();
                _last = DateTime.UtcNow;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_last", "work started with new Thread at line 38 (in SignallingPoller.Loop)", "the method at line 40 (in SignallingPoller.Last)", "also write"));

    // A timer whose handler wakes the thread, made by the constructor and started only by a later Start(), cannot wake
    // it while the constructor runs; the twin's constructor starts the timer.
    [Fact]
    public Task A_wake_up_timer_the_constructor_does_not_start_lets_nothing_through_one_it_starts_does() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private readonly ManualResetEventSlim _go = new ManualResetEventSlim();
            private readonly System.Timers.Timer _timer;
            private readonly Thread _thread;
            private DateTime _lastActivity;

            public Poller()
            {
                _timer = new System.Timers.Timer(100);
                _timer.Elapsed += (s, e) => _go.Set();
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
                _lastActivity = DateTime.UtcNow;
            }

            public void Start() => _timer.Start();

            private void Loop()
            {
                _go.Wait();
                _lastActivity = DateTime.UtcNow;
            }
        }

        class StartedPoller
        {
            private readonly ManualResetEventSlim _go = new ManualResetEventSlim();
            private readonly System.Timers.Timer _timer;
            private readonly Thread _thread;
            private DateTime _lastActivity;

            public StartedPoller()
            {
                _timer = new System.Timers.Timer(100);
                _timer.Elapsed += (s, e) => _go.Set();
                _timer.Start();
                _thread = new Thread({|#0:Loop|}) { IsBackground = true };
                _thread.Start();
                _lastActivity = DateTime.UtcNow;
            }

            private void Loop()
            {
                _go.Wait();
                _lastActivity = DateTime.UtcNow;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_lastActivity", "work started with new Thread at line 44 (in StartedPoller.Loop)", "the method at line 46", "also write"));

    // Two spawned items handing over through a queue: the consumer's loop body reads what the producer wrote before its
    // add. The twin's producer writes after its add and the completion.
    [Fact]
    public Task A_consumer_loop_reads_what_the_producer_wrote_before_adding() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;

        class Handover
        {
            public void Run()
            {
                var queue = new BlockingCollection<int>();
                var data = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        data = 42;
                        queue.Add(1);
                        queue.CompleteAdding();
                    });
                    scope.Spawn(() =>
                    {
                        foreach (var _ in queue.GetConsumingEnumerable())
                        {
                            Console.WriteLine(data);
                        }
                    });
                });
            }

            public void RunLate()
            {
                var queue = new BlockingCollection<int>();
                var data = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        queue.Add(1);
                        queue.CompleteAdding();
                        {|#0:data|} = 42;
                    });
                    scope.Spawn(() =>
                    {
                        foreach (var _ in queue.GetConsumingEnumerable())
                        {
                            Console.WriteLine(data);
                        }
                    });
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("data", "work started with Scope.Spawn at line 39", "work started with Scope.Spawn at line 45", "read"));

    // The thread's method reaches the write through a call of its own, inside the loop that takes from an empty queue
    // (a collection expression): the call comes after a take as the write would. The twin calls it before its loop.
    [Fact]
    public Task A_write_in_a_method_the_thread_calls_after_its_wait_comes_after_the_constructor() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;

        class Poller
        {
            private readonly BlockingCollection<object> _wake = [];
            private readonly Thread _thread;
            private DateTime _lastActivity;

            public Poller()
            {
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
                _lastActivity = DateTime.UtcNow;
            }

            public void PollNow() => _wake.Add(new object());

            private void Loop()
            {
                foreach (var _ in _wake.GetConsumingEnumerable())
                {
                    if (Poll())
                    {
                        return;
                    }
                }
            }

            private bool Poll()
            {
                _lastActivity = DateTime.UtcNow;
                return false;
            }
        }

        class EarlyPoller
        {
            private readonly BlockingCollection<object> _wake = [];
            private readonly Thread _thread;
            private DateTime _lastActivity;

            public EarlyPoller()
            {
                _thread = new Thread({|#0:Loop|}) { IsBackground = true };
                _thread.Start();
                _lastActivity = DateTime.UtcNow;
            }

            public void PollNow() => _wake.Add(new object());

            private void Loop()
            {
                Poll();
                foreach (var _ in _wake.GetConsumingEnumerable())
                {
                    Poll();
                }
            }

            private void Poll() => _lastActivity = DateTime.UtcNow;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_lastActivity", "work started with new Thread at line 50 (in EarlyPoller.Loop)", "the method at line 52", "also write"));
}
