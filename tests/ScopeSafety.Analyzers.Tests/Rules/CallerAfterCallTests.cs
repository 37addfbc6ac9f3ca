using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 between work a method starts and leaves running and the code its callers run after the call. Each hazard
/// beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class CallerAfterCallTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_caller_reading_a_field_that_a_thread_left_running_by_the_callee_writes_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Test
        {
            private int race;

            public void Init()
            {
                new Thread(() => {|#0:race|} = 1).Start();
            }

            public int Do()
            {
                Init();
                return race;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("race", "work started with new Thread at line 13", "Test.Do at line 19 (after it calls Init at line 18)", "read"));

    [Fact]
    public Task A_caller_reading_every_field_the_work_clears_is_one_report() => Verify.VerifyAnalyzerAsync(Usings + """
        class Connection
        {
            private Task _reader;
            private Task _writer;

            private void CheckHealth(Task task)
            {
                if (task != null && task.IsFaulted)
                {
                    Task.Run(() =>
                    {
                        {|#0:_reader|} = null;
                        _writer = null;
                    });
                }
            }

            public void Monitor()
            {
                CheckHealth(null);
                Console.WriteLine(_reader);
                Console.WriteLine(_writer);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_reader", "work started with Task.Run at line 16", "Connection.Monitor at line 27 (after it calls CheckHealth at line 26)", "read"));

    [Fact]
    public Task Two_callers_reading_the_fields_the_work_clears_are_two_reports() => Verify.VerifyAnalyzerAsync(Usings + """
        class Connection
        {
            private Task _reader;
            private Task _writer;

            private void CheckHealth(Task task)
            {
                if (task != null && task.IsFaulted)
                {
                    Task.Run(() =>
                    {
                        {|#0:_reader|} = null;
                        {|#1:_writer|} = null;
                    });
                }
            }

            public void Monitor()
            {
                CheckHealth(null);
                Console.WriteLine(_reader);
            }

            public void Report()
            {
                CheckHealth(null);
                Console.WriteLine(_writer);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_reader", "work started with Task.Run at line 16", "Connection.Monitor at line 27 (after it calls CheckHealth at line 26)", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_writer", "work started with Task.Run at line 16", "Connection.Report at line 33 (after it calls CheckHealth at line 32)", "read"));

    [Fact]
    public Task A_caller_reading_the_field_before_the_call_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Test
        {
            private int race;

            public void Init()
            {
                new Thread(() => race = 1).Start();
            }

            public int Do()
            {
                var seen = race;
                Init();
                return seen;
            }
        }
        """);

    [Fact]
    public Task A_constructor_setting_a_field_after_starting_the_loop_that_reads_it_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            private Action _handler;

            public Client()
            {
                StartPolling();
                _handler = () => Console.WriteLine("tick");
            }

            private void StartPolling()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        {|#0:_handler|}?.Invoke();
                        Thread.Sleep(10);
                    }
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_handler", "the constructor of Client at line 14 (after it calls StartPolling at line 13)", "work started with Task.Run at line 19", "read"));

    [Fact]
    public Task A_constructor_setting_the_field_before_starting_the_loop_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            private Action _handler;

            public Client()
            {
                _handler = () => Console.WriteLine("tick");
                StartPolling();
            }

            private void StartPolling()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        _handler?.Invoke();
                        Thread.Sleep(10);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task A_caller_that_stops_the_work_through_its_handle_first_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private Thread _thread;
            private int _result;

            public void Start()
            {
                _thread = new Thread(() => _result = 42);
                _thread.Start();
            }

            public void Stop() => _thread.Join();

            public int Run()
            {
                Start();
                Stop();
                return _result;
            }
        }
        """);

    [Fact]
    public Task A_caller_that_waits_for_the_work_s_signal_first_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private readonly ManualResetEventSlim _ready = new ManualResetEventSlim();
            private int _port;

            public void Start()
            {
                Task.Run(() =>
                {
                    _port = 8080;
                    _ready.Set();
                });
            }

            public int Open()
            {
                Start();
                _ready.Wait();
                return _port;
            }
        }
        """);

    [Fact]
    public Task A_call_on_another_object_leaves_this_one_s_fields_alone() => Verify.VerifyAnalyzerAsync(Usings + """
        class Test
        {
            private int race;

            public void Init()
            {
                new Thread(() => race = 1).Start();
            }

            public int Do()
            {
                var other = new Test();
                other.Init();
                return race;
            }
        }
        """);

    [Fact]
    public Task A_caller_and_the_work_under_one_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Test
        {
            private readonly object _gate = new object();
            private int race;

            public void Init()
            {
                new Thread(() => { lock (_gate) race = 1; }).Start();
            }

            public int Do()
            {
                Init();
                lock (_gate)
                {
                    return race;
                }
            }
        }
        """);

    [Fact]
    public Task Work_joined_before_the_method_returns_does_not_race_with_its_callers() => Verify.VerifyAnalyzerAsync(Usings + """
        class Test
        {
            private int race;

            public void Init()
            {
                var thread = new Thread(() => race = 1);
                thread.Start();
                thread.Join();
            }

            public int Do()
            {
                Init();
                return race;
            }
        }
        """);
}
