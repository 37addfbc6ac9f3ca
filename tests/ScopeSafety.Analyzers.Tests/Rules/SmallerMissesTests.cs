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
}
