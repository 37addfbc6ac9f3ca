using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 on smaller patterns (issue 17, item 6): writes made by calling a delegate the host made, and ordering
/// through a volatile flag handshake. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class SmallerMissesTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // ---- writes made by calling a captured delegate --------------------------------------------------------

    [Fact]
    public Task Two_spawns_calling_one_delegate_that_increments_a_local_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => counter++;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:bump()|});
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 15", "work started with Scope.Spawn at line 16", "also write"));

    [Fact]
    public Task Two_spawns_calling_one_delegate_that_increments_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => Interlocked.Increment(ref counter);
                Scope.Run(scope =>
                {
                    scope.Spawn(() => bump());
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task The_scope_body_calling_a_local_function_that_writes_what_a_spawn_writes_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                void Bump() => counter++;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:counter|}++);
                    Bump();
                });
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 15", "the scope body at line 16", "also write"));

    [Fact]
    public Task The_scope_body_calling_a_delegate_local_that_writes_what_a_spawn_writes_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => counter++;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:counter|}++);
                    bump();
                });
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 15", "the scope body at line 16", "also write"));

    [Fact]
    public Task The_scope_body_calling_a_delegate_local_under_the_spawns_lock_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            readonly object _gate = new object();

            int M()
            {
                var counter = 0;
                Action bump = () => counter++;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { lock (_gate) { counter++; } });
                    lock (_gate)
                    {
                        bump();
                    }
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task Two_tasks_running_a_delegate_local_that_increments_a_local_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => {|#0:counter|}++;
                var a = Task.Run(bump);
                var b = Task.Run(bump);
                Task.WaitAll(a, b);
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Task.Run at line 13", "work started with Task.Run at line 14", "also write"));

    [Fact]
    public Task Two_tasks_running_a_delegate_local_that_increments_through_Interlocked_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                Action bump = () => Interlocked.Increment(ref counter);
                var a = Task.Run(bump);
                var b = Task.Run(bump);
                Task.WaitAll(a, b);
                return counter;
            }
        }
        """);

    [Fact]
    public Task Two_spawns_calling_a_delegate_made_from_a_local_function_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                void Bump() => counter++;
                Action bump = Bump;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => {|#0:bump()|});
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("counter", "work started with Scope.Spawn at line 16", "work started with Scope.Spawn at line 17", "also write"));

    [Fact]
    public Task Two_spawns_calling_the_delegate_or_a_local_function_under_one_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M()
            {
                var counter = 0;
                var gate = new object();
                void Bump() => counter++;
                Action bump = () => counter++;
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { lock (gate) { bump(); Bump(); } });
                    scope.Spawn(() => { lock (gate) { bump(); Bump(); } });
                });
                return counter;
            }
        }
        """);

    [Fact]
    public Task A_delegate_local_given_two_values_is_not_followed() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(bool flag)
            {
                var counter = 0;
                Action bump = () => counter++;
                if (flag) bump = () => Interlocked.Increment(ref counter);
                Scope.Run(scope =>
                {
                    scope.Spawn(() => bump());
                    scope.Spawn(() => bump());
                });
                return counter;
            }
        }
        """);

    // ---- ordering through a volatile flag handshake --------------------------------------------------------

    [Fact]
    public Task Data_written_before_a_volatile_flag_is_raised_and_read_after_spinning_on_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _data;
            private volatile bool _ready;

            void M()
            {
                var producer = Task.Run(() => { _data = 42; _ready = true; });
                var consumer = Task.Run(() => { while (!_ready) { } Console.WriteLine(_data); });
                Task.WaitAll(producer, consumer);
            }
        }
        """);

    [Fact]
    public Task Data_written_after_the_volatile_flag_is_raised_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _data;
            private volatile bool _ready;

            void M()
            {
                var producer = Task.Run(() => { _ready = true; {|#0:_data|} = 42; });
                var consumer = Task.Run(() => { while (!_ready) { } Console.WriteLine(_data); });
                Task.WaitAll(producer, consumer);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_data", "work started with Task.Run at line 14", "work started with Task.Run at line 15", "read"));

    [Fact]
    public Task Volatile_Write_and_SpinUntil_on_a_plain_flag_order_the_data() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _data;
            private bool _ready;

            void M()
            {
                var producer = Task.Run(() => { _data = 42; Volatile.Write(ref _ready, true); });
                var consumer = Task.Run(() => { SpinWait.SpinUntil(() => Volatile.Read(ref _ready)); Console.WriteLine(_data); });
                Task.WaitAll(producer, consumer);
            }
        }
        """);

    [Fact]
    public Task Spinning_on_a_flag_with_a_way_out_or_a_plain_write_of_the_flag_orders_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _data;
            private int _other;
            private volatile bool _ready;
            private volatile bool _set;

            void M(bool giveUp)
            {
                var producer = Task.Run(() => { {|#0:_data|} = 42; _ready = true; {|#1:_other|} = 1; _set = false; });
                var consumer = Task.Run(() =>
                {
                    while (!_ready) { if (giveUp) break; }
                    Console.WriteLine(_data);
                    while (!_set) { }
                    Console.WriteLine(_other);
                });
                Task.WaitAll(producer, consumer);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_data", "work started with Task.Run at line 16", "work started with Task.Run at line 17", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_other", "work started with Task.Run at line 16", "work started with Task.Run at line 17", "read"));

    // A number or a reference raised from its default by an interlocked write, and waited for by a loop that spins
    // while an interlocked read of it still gives the default (inline, or in a method of the file that does nothing
    // else first). Twins: data written after the raise, and a wait that can give up.
    [Fact]
    public Task An_interlocked_flag_raised_from_its_default_orders_the_data_written_before_it() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Published
        {
            public static int Data;
            public static int Late;
            public static int Flag;
            public static string Name;
            public static int Other;

            public static void ThroughANumber()
            {
                var producer = Task.Run(() => { Data = 42; Interlocked.Exchange(ref Flag, 1); {|#0:Late|} = 1; });
                var consumer = Task.Run(() =>
                {
                    var spinner = new SpinWait();
                    while (Interlocked.CompareExchange(ref Flag, 0, 0) == 0)
                        spinner.SpinOnce();

                    Console.WriteLine(Data + Late);
                });
                Task.WaitAll(producer, consumer);
            }

            public static void ThroughAReference()
            {
                var producer = Task.Run(() => { Other = 42; Interlocked.Exchange(ref Name, "published"); });
                var consumer = Task.Run(() =>
                {
                    while (Interlocked.CompareExchange(ref Name, null, null) is null)
                        Thread.Yield();

                    Console.WriteLine(Other);
                });
                Task.WaitAll(producer, consumer);
            }

            public static void ThroughAWaitingMethod(bool giveUp)
            {
                var producer = Task.Run(() => { Data = 42; Interlocked.Exchange(ref Flag, 1); {|#1:Other|} = 7; });
                var consumer = Task.Run(() => { AwaitFlag(); Console.WriteLine(Data); MayGiveUp(giveUp); Console.WriteLine(Other); });
                Task.WaitAll(producer, consumer);
            }

            private static void AwaitFlag()
            {
                var spinner = new SpinWait();
                while (Volatile.Read(ref Flag) == 0)
                    spinner.SpinOnce();
            }

            private static void MayGiveUp(bool giveUp)
            {
                while (Volatile.Read(ref Flag) != 2)
                {
                    if (giveUp) return;
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Published.Late", "work started with Task.Run at line 17", "work started with Task.Run at line 18", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("Published.Other", "work started with Task.Run at line 44", "work started with Task.Run at line 45", "read"));

    // WaitHandle.SignalAndWait(toSignal, toWaitOn) sets its first handle and waits on its second; WaitAll given a
    // collection expression waits for every handle in it; a one-slot semaphore's WaitAsync blocked on with
    // GetAwaiter().GetResult() or Wait() takes it like Wait(). Twins: a write after the answer is set, a WaitAll that
    // leaves one publisher out, and a semaphore taken by one side only.
    [Fact]
    public Task SignalAndWait_WaitAll_of_a_collection_and_a_blocked_on_WaitAsync_order_the_data() => Verify.VerifyAnalyzerAsync(Usings + """
        static class Handshakes
        {
            public static int Data;
            public static int Other;
            public static int Guarded;
            private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

            public static void PingPong()
            {
                using var request = new AutoResetEvent(false);
                using var response = new AutoResetEvent(false);
                var first = Task.Run(() => { Data = 1; WaitHandle.SignalAndWait(request, response); Console.WriteLine(Data); });
                var second = Task.Run(() => { request.WaitOne(); Data = 2; response.Set(); });
                Task.WaitAll(first, second);
            }

            public static void ReadTooEarly()
            {
                using var request = new AutoResetEvent(false);
                using var response = new AutoResetEvent(false);
                var first = Task.Run(() => { WaitHandle.SignalAndWait(request, response); Console.WriteLine(Other); });
                var second = Task.Run(() => { request.WaitOne(); response.Set(); {|#0:Other|} = 2; });
                Task.WaitAll(first, second);
            }

            public static void BothPublishers()
            {
                using var one = new ManualResetEvent(false);
                using var two = new ManualResetEvent(false);
                var a = Task.Run(() => { Data = 1; one.Set(); });
                var b = Task.Run(() => { Other = 1; two.Set(); });
                var c = Task.Run(() => { WaitHandle.WaitAll([one, two]); Console.WriteLine(Data + Other); });
                Task.WaitAll(a, b, c);
            }

            public static void OnePublisherLeftOut()
            {
                using var one = new ManualResetEvent(false);
                using var two = new ManualResetEvent(false);
                var a = Task.Run(() => { Data = 1; one.Set(); });
                var b = Task.Run(() => { {|#1:Other|} = 1; two.Set(); });
                var c = Task.Run(() => { WaitHandle.WaitAll([one]); Console.WriteLine(Data + Other); });
                Task.WaitAll(a, b, c);
            }

            public static void BlockedOnWaitAsync()
            {
                var a = Task.Run(() => { Gate.WaitAsync().GetAwaiter().GetResult(); try { Guarded++; } finally { Gate.Release(); } });
                var b = Task.Run(() => { Gate.WaitAsync().Wait(); try { Guarded++; } finally { Gate.Release(); } });
                var c = Task.Run(() => { Gate.Wait(); try { Guarded++; } finally { Gate.Release(); } });
                Task.WaitAll(a, b, c);
            }

            public static void TakenByOneSideOnly()
            {
                var a = Task.Run(() => { Gate.WaitAsync().GetAwaiter().GetResult(); try { {|#2:Guarded|}++; } finally { Gate.Release(); } });
                var b = Task.Run(() => Guarded++);
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Handshakes.Other", "work started with Task.Run at line 28", "work started with Task.Run at line 27", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("Handshakes.Other", "work started with Task.Run at line 47", "work started with Task.Run at line 48", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("Handshakes.Guarded", "work started with Task.Run at line 62", "work started with Task.Run at line 63", "also write"));

    // A state raised twice by the work (to "starting" before the data, then to "ready") lets a waiter that waits only for
    // "not idle" through at the first raise: no ordering. Twin: the state raised once, after the data.
    [Fact]
    public Task A_flag_raised_twice_by_the_work_orders_nothing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Starter
        {
            private volatile int _state;
            private int _data;

            public void Start()
            {
                var worker = Task.Run(() => { _state = 1; {|#0:_data|} = 42; _state = 2; });
                var reader = Task.Run(() => { while (_state == 0) Thread.Yield(); Console.WriteLine(_data); });
                Task.WaitAll(worker, reader);
            }
        }

        class OnceStarter
        {
            private volatile int _state;
            private int _data;

            public void Start()
            {
                var worker = Task.Run(() => { _data = 42; _state = 2; });
                var reader = Task.Run(() => { while (_state == 0) Thread.Yield(); Console.WriteLine(_data); });
                Task.WaitAll(worker, reader);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_data", "work started with Task.Run at line 14", "work started with Task.Run at line 15", "read"));
}
