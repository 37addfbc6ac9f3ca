using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using ScopeSafety.Analyzers.Tests.Verifiers;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 between work a member starts and leaves running and the type's other members, which its users may call
/// while the work runs. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class TypeMemberRaceTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_stop_method_clearing_the_flag_a_thread_loop_polls_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private bool _running;
            private Thread _thread;

            public void Start()
            {
                _running = true;
                _thread = new Thread({|#0:Loop|});
                _thread.Start();
            }

            public void Stop()
            {
                _running = false;
                _thread.Join();
            }

            private void Loop()
            {
                while (_running)
                {
                    Thread.Sleep(1);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_running", "Worker.Stop at line 21", "work started with new Thread at line 15 (in Worker.Loop)", "read"));

    [Fact]
    public Task Work_a_dispose_leaves_running_does_not_race_the_members_called_after_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client : IDisposable
        {
            private TaskCompletionSource<bool> _connected = new TaskCompletionSource<bool>();

            public void Connect()
            {
                _connected.TrySetResult(true);
            }

            public void Dispose()
            {
                var disconnect = Task.Run(() => _connected = new TaskCompletionSource<bool>());
                disconnect.WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            }
        }
        """);

    [Fact]
    public Task Work_a_close_method_leaves_running_races_the_members_called_after_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            private TaskCompletionSource<bool> _connected = new TaskCompletionSource<bool>();

            public void Connect()
            {
                _connected.TrySetResult(true);
            }

            public void Disconnect()
            {
                var disconnect = Task.Run(() => {|#0:_connected|} = new TaskCompletionSource<bool>());
                disconnect.WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_connected", "work started with Task.Run at line 18", "Client.Connect at line 13", "read"));

    [Fact]
    public Task What_a_start_method_writes_before_it_starts_the_constructor_s_thread_comes_before_the_thread() => Verify.VerifyAnalyzerAsync(Usings + """
        class Listener
        {
            private bool _active;
            private int _count;
            private readonly Thread _thread;

            public Listener()
            {
                _thread = new Thread({|#0:Loop|});
            }

            public void Start()
            {
                _active = true;
                _count = 0;
                _thread.Start();
            }

            public void Stop()
            {
                _active = false;
            }

            private void Loop()
            {
                while (_active)
                {
                    _count++;
                    Thread.Sleep(100);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_active", "Listener.Stop at line 27", "work started with new Thread at line 15 (in Listener.Loop)", "read"));

    [Fact]
    public Task What_a_start_method_writes_after_it_starts_the_constructor_s_thread_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Listener
        {
            private int _count;
            private readonly Thread _thread;

            public Listener()
            {
                _thread = new Thread({|#0:Loop|});
            }

            public void Start()
            {
                _thread.Start();
                _count = 0;
            }

            private void Loop()
            {
                while (true)
                {
                    _count++;
                    Thread.Sleep(100);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "work started with new Thread at line 14 (in Listener.Loop)", "Listener.Start at line 20", "also write"));

    [Fact]
    public Task A_paused_timer_of_the_constructor_runs_beside_the_members_once_armed_but_not_beside_what_the_arming_member_did_first() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private bool _active;
            private readonly Timer _timer;

            public Poller()
            {
                _timer = new Timer({|#0:Tick|}, null, Timeout.Infinite, Timeout.Infinite);
            }

            public void Start()
            {
                _active = true;
                _timer.Change(100, 100);
            }

            public void Stop()
            {
                _active = false;
            }

            private void Tick(object state)
            {
                if (_active) Console.WriteLine("tick");
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_active", "Poller.Stop at line 25", "work started with new Timer at line 14 (in Poller.Tick)", "read"));

    [Fact]
    public Task A_stop_method_that_joins_the_thread_before_it_writes_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private int _last;
            private Thread _thread;

            public void Start()
            {
                _thread = new Thread(Loop);
                _thread.Start();
            }

            public int Stop()
            {
                _thread.Join();
                _last = 0;
                return _last;
            }

            private void Loop()
            {
                _last = 42;
            }
        }
        """);

    [Fact]
    public Task A_volatile_flag_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private volatile bool _running = true;

            public Worker()
            {
                new Thread(Loop).Start();
            }

            public void Stop() => _running = false;

            private void Loop()
            {
                while (_running)
                {
                    Thread.Sleep(1);
                }
            }
        }
        """);

    [Fact]
    public Task A_property_reading_a_count_that_a_timer_started_in_the_constructor_increments_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Meter
        {
            private readonly Timer _timer;
            private int _ticks;

            public Meter()
            {
                _timer = new Timer(_ => {|#0:_ticks|}++, null, 100, Timeout.Infinite);
            }

            public int Ticks => _ticks;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_ticks", "work started with new Timer at line 14", "Meter.Ticks at line 17", "read"));

    [Fact]
    public Task A_property_reading_the_count_under_the_lock_the_timer_takes_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Meter
        {
            private readonly object _gate = new object();
            private readonly Timer _timer;
            private int _ticks;

            public Meter()
            {
                _timer = new Timer(_ => { lock (_gate) { _ticks++; } }, null, 0, 100);
            }

            public int Ticks
            {
                get
                {
                    lock (_gate)
                    {
                        return _ticks;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task An_add_method_mutating_the_list_a_thread_loop_takes_from_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Queue
        {
            private readonly List<int> _items = new List<int>();

            public void Start()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        if ({|#0:_items|}.Count > 0)
                        {
                            _items.RemoveAt(0);
                        }
                    }
                });
            }

            public void Add(int item) => _items.Add(item);
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<int>", "Queue.Add at line 25", "work started with Task.Run at line 13", "read"));

    [Fact]
    public Task A_concurrent_queue_shared_with_an_add_method_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Queue
        {
            private readonly System.Collections.Concurrent.ConcurrentQueue<int> _items = new System.Collections.Concurrent.ConcurrentQueue<int>();

            public void Start()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        _items.TryDequeue(out _);
                    }
                });
            }

            public void Add(int item) => _items.Enqueue(item);
        }
        """);

    [Fact]
    public Task A_public_method_the_loop_itself_calls_is_the_work_s_own_code() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private int _pumped;

            public Pump()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        PumpOnce();
                    }
                }).Start();
            }

            public void PumpOnce() => _pumped++;
        }
        """);

    [Fact]
    public Task A_member_that_starts_the_work_again_is_a_caller_not_a_user() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private int _interval;

            public void Start()
            {
                new Thread(() => Thread.Sleep(_interval)).Start();
            }

            public void Restart(int interval)
            {
                _interval = interval;
                Start();
            }
        }
        """);

    // A pooled execution (Polly's hedging TaskExecution): InitializeAsync reaches, through a private helper, the private
    // method that runs the callback on the pool; MEMBER is where a test adds a member, CONTEXT the work's read.
    private const string PooledExecution = """
        class Context
        {
            public bool ContinueOnCapturedContext;
        }

        class Execution<T>
        {
            private readonly Context _cached = new Context();
            private Context? _active;

            public Task? Running { get; private set; }

            public Context Context => _active ?? throw new InvalidOperationException();

            public async ValueTask<bool> InitializeAsync(Func<Context, ValueTask<T>> callback, bool isSynchronous)
            {
                _active = _cached;
                await Task.Yield();
                Running = ExecuteAsync(callback, isSynchronous);
                return true;
            }

            MEMBER

            private async Task ExecuteAsync(Func<Context, ValueTask<T>> callback, bool isSynchronous)
            {
                var task = isSynchronous ? ExecuteOnPool(callback) : callback(Context);
                await task.ConfigureAwait(Context.ContinueOnCapturedContext);
            }

            private ValueTask<T> ExecuteOnPool(Func<Context, ValueTask<T>> callback) =>
                new(Task.Run(() => callback(CONTEXT).AsTask()));
        }
        """;

    [Fact]
    public Task A_member_that_starts_the_work_through_private_helpers_is_a_caller_not_a_user() =>
        Verify.VerifyAnalyzerAsync(Usings + PooledExecution.Replace("MEMBER", "public int Attempt { get; set; }").Replace("CONTEXT", "Context"));

    [Fact]
    public Task A_member_beside_work_started_through_private_helpers_still_races() => Verify.VerifyAnalyzerAsync(
        Usings + PooledExecution.Replace("MEMBER", "public void Reset() => _active = null;").Replace("CONTEXT", "{|#0:Context|}"),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_active", "Execution.Reset at line 29", "work started with Task.Run at line 38 (in Execution.Context)", "read"));

    [Fact]
    public Task A_member_that_reaches_an_ensure_method_that_may_leave_first_runs_beside_the_work() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pool
        {
            private readonly object _gate = new object();
            private bool _watching;
            private Exception? _failure;

            public bool Check()
            {
                _failure = null;
                Take();
                return true;
            }

            private void Take() => EnsureWatcher();

            private void EnsureWatcher()
            {
                lock (_gate)
                {
                    if (_watching)
                    {
                        return;
                    }

                    _watching = true;
                }

                new Thread({|#0:Watch|}).Start();
            }

            private void Watch()
            {
                while (true)
                {
                    Console.WriteLine(_failure);
                    Thread.Sleep(1000);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_failure", "Pool.Check at line 15", "work started with new Thread at line 34 (in Pool.Watch)", "read"));

    [Fact]
    public Task Work_the_starting_member_waits_for_does_not_run_beside_the_other_members() => Verify.VerifyAnalyzerAsync(Usings + """
        class Batch
        {
            private int _total;

            public void Run()
            {
                var worker = new Thread(() => _total = 42);
                worker.Start();
                worker.Join();
            }

            public int Total => _total;
        }
        """);

    [Fact]
    public Task A_helper_called_on_this_is_read_in_the_public_member_that_calls_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private string _status = "";

            public Worker()
            {
                new Thread(() => {|#0:_status|} = "running").Start();
            }

            public string Describe() => Format();

            private string Format() => "status: " + _status;

            public string Peek() => Format();
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_status", "work started with new Thread at line 13", "Worker.Describe at line 16 (in Worker.Format)", "read"));

    [Fact]
    public Task An_explicit_dispose_clearing_the_buffer_a_timer_callback_writes_to_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sampler : IDisposable
        {
            private readonly Timer _timer;
            private int[] _buffer = new int[16];

            public Sampler()
            {
                _timer = new Timer(_ => {|#0:_buffer|}[0] = 1, null, 10, Timeout.Infinite);
            }

            void IDisposable.Dispose()
            {
                _buffer = null;
                _timer.Dispose();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_buffer", "Sampler.IDisposable.Dispose at line 19", "work started with new Timer at line 14", "read"));

    [Fact]
    public Task A_dispose_that_disposes_the_timer_and_then_clears_the_buffer_races_with_a_callback_in_flight() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sampler : IDisposable
        {
            private Timer _timer;
            private int[] _buffer = new int[16];

            public void Start()
            {
                _timer = new Timer(_ => {|#0:_buffer|}[0] = 1, null, 10, Timeout.Infinite);
            }

            public void Dispose()
            {
                _timer?.Dispose();
                _buffer = null;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_buffer", "Sampler.Dispose at line 20", "work started with new Timer at line 14", "read"));

    [Fact]
    public Task A_timer_stopped_with_change_still_races_with_a_callback_in_flight() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sampler
        {
            private Timer _timer;
            private int[] _buffer = new int[16];

            public void Start()
            {
                _timer = new Timer(_ => {|#0:_buffer|}[0] = 1, null, 10, Timeout.Infinite);
            }

            public void Pause()
            {
                _timer.Change(Timeout.Infinite, Timeout.Infinite);
                _buffer = new int[16];
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_buffer", "Sampler.Pause at line 20", "work started with new Timer at line 14", "read"));

    [Fact]
    public Task A_dispose_that_awaits_the_timers_dispose_async_first_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sampler : IAsyncDisposable
        {
            private Timer _timer;
            private int[] _buffer = new int[16];

            public void Start()
            {
                _timer = new Timer(_ => _buffer[0] = 1, null, 10, Timeout.Infinite);
            }

            public async ValueTask DisposeAsync()
            {
                await _timer.DisposeAsync();
                _buffer = null;
            }
        }
        """);

    [Fact]
    public Task A_dispose_that_stops_the_timer_through_its_field_first_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sampler : IDisposable
        {
            private readonly ManualResetEvent _stopped = new ManualResetEvent(false);
            private readonly Timer _timer;
            private int[] _buffer = new int[16];

            public Sampler()
            {
                _timer = new Timer(_ => _buffer[0] = 1, null, 10, Timeout.Infinite);
            }

            public void Dispose()
            {
                _timer.Dispose(_stopped);
                _stopped.WaitOne();
                _buffer = null;
            }
        }
        """);

    [Fact]
    public Task A_static_method_does_not_race_on_an_instance_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private int _seen;

            public Worker()
            {
                new Thread(() => _seen = 1).Start();
            }

            public static int Read(Worker other) => other._seen;
        }
        """);

    [Fact]
    public Task A_program_using_the_worker_from_main_races_on_its_list() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private readonly List<int> _done = new List<int>();

            public void Start()
            {
                new Thread(() =>
                {
                    for (var i = 0; i < 100; i++)
                    {
                        {|#0:_done|}.Add(i);
                    }
                }).Start();
            }

            public int Done() => _done.Count;
        }

        static class Program
        {
            static void Main()
            {
                var worker = new Worker();
                worker.Start();
                Console.WriteLine(worker.Done());
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_done", "List<int>", "work started with new Thread at line 13", "Worker.Done at line 22", "read"));

    [Fact]
    public Task An_internal_member_of_a_public_class_is_not_taken_to_run_beside_the_work() => Verify.VerifyAnalyzerAsync(Usings + """
        public class Queue
        {
            private readonly List<int> _items = new List<int>();

            public Queue()
            {
                new Thread(() => _items.Clear()).Start();
            }

            internal void Add(int item) => _items.Add(item);
        }
        """);

    [Fact]
    public Task Another_member_that_starts_the_same_work_is_used_instead_not_beside_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Client
        {
            private Socket _socket;

            public void Connect()
            {
                _socket = new Socket();
                Task.Run(CheckTimeouts);
            }

            public async Task ConnectAsync()
            {
                await Task.Yield();
                _socket = new Socket();
                _ = Task.Run(CheckTimeouts);
            }

            private void CheckTimeouts()
            {
                Console.WriteLine(_socket);
            }
        }

        class Socket
        {
        }
        """);

    [Fact]
    public Task A_thread_held_in_a_field_and_joined_through_it_does_not_outlive_its_member() => Verify.VerifyAnalyzerAsync(Usings + """
        class Item
        {
            private Thread _thread;
            private int _context;

            public void InitializeContext(int context) => _context = context;

            public void Run(bool skip)
            {
                _thread = new Thread(Work);
                if (skip)
                {
                    return;
                }

                _thread.Start();
                _thread.Join();
            }

            private void Work() => Console.WriteLine(_context);
        }
        """);

    [Fact]
    public Task Work_whose_task_the_member_returns_is_the_caller_s_operation() => Verify.VerifyAnalyzerAsync(Usings + """
        class Store
        {
            private int _saved;

            public Task SaveAsync() => Task.Run(() => _saved++);

            public Task<int> LoadAsync()
            {
                var loading = Task.Run(() => _saved);
                return loading;
            }

            public int Saved => _saved;
        }
        """);

    [Fact]
    public Task A_property_reading_a_count_the_loop_only_changes_with_Interlocked_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private int _pumped;

            public Pump()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        Interlocked.Increment(ref _pumped);
                    }
                }).Start();
            }

            public int Pumped => _pumped;
        }
        """);

    [Fact]
    public Task The_starting_method_logging_a_count_the_work_only_changes_with_Interlocked_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class RequestQueue
        {
            private readonly object _gate = new object();
            private int _active;

            public void Schedule(Action request)
            {
                lock (_gate)
                {
                    Task.Run(() =>
                    {
                        Interlocked.Increment(ref _active);
                        try { request(); } finally { Interlocked.Decrement(ref _active); }
                    });
                }

                Console.WriteLine("busy: " + _active);
            }
        }
        """);

    [Fact]
    public Task The_starting_method_resetting_a_count_the_work_changes_with_Interlocked_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class RequestQueue
        {
            private int _active;

            public void Schedule(Action request)
            {
                Task.Run(() =>
                {
                    Interlocked.Increment(ref {|#0:_active|});
                    request();
                });

                _active = 0;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_active", "work started with Task.Run at line 13", "the method at line 19", "also write"));

    [Fact]
    public Task A_captured_count_read_before_the_scope_joins_its_work_still_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Counter
        {
            public int Count(Action item)
            {
                var done = 0;
                var seen = 0;
                Scope.Run(scope =>
                {
                    scope.Spawn(() =>
                    {
                        item();
                        Interlocked.Increment(ref {|#0:done|});
                    });
                    seen = done;
                });
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("done", "work started with Scope.Spawn at line 15", "the scope body at line 20", "read"));

    [Fact]
    public Task A_reset_method_writing_a_count_the_loop_changes_with_Interlocked_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private int _pumped;

            public Pump()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        Interlocked.Increment(ref {|#0:_pumped|});
                    }
                }).Start();
            }

            public void Reset() => _pumped = 0;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_pumped", "work started with new Thread at line 13", "Pump.Reset at line 22", "also write"));

    [Fact]
    public Task A_setter_storing_its_argument_in_a_setting_the_loop_reads_configures_the_type() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sink
        {
            private Action<string> _onFailure;

            public Sink()
            {
                Task.Run(() =>
                {
                    while (true)
                    {
                        _onFailure?.Invoke("lost");
                    }
                });
            }

            public void SetFailureListener(Action<string> listener) => _onFailure = listener ?? throw new ArgumentNullException(nameof(listener));

            public int Interval { get; set; }
        }
        """);

    [Fact]
    public Task A_private_member_returning_the_work_to_a_constructor_that_keeps_it_running_still_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Producer
        {
            private readonly Task _polling;
            private Exception _error;

            public Producer()
            {
                _polling = StartPolling();
            }

            private Task StartPolling() => Task.Factory.StartNew(() =>
            {
                while (true)
                {
                    if (_error != null)
                    {
                        Console.WriteLine(_error);
                        {|#0:_error|} = null;
                    }
                }
            }, TaskCreationOptions.LongRunning);

            public void Flush()
            {
                if (_error != null)
                {
                    _error = null;
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_error", "work started with Task.Factory.StartNew at line 17", "Producer.Flush at line 31", "read"));

    [Fact]
    public Task A_watcher_handler_adding_to_a_list_that_a_public_method_drains_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class ChangeLog
        {
            private readonly List<string> _changes = new List<string>();
            private readonly System.IO.FileSystemWatcher _watcher;

            public ChangeLog(string path)
            {
                _watcher = new System.IO.FileSystemWatcher(path);
                _watcher.Changed += (s, e) => {|#0:_changes|}.Add(e.Name);
                _watcher.EnableRaisingEvents = true;
            }

            public List<string> Drain()
            {
                var copy = _changes.ToList();
                _changes.Clear();
                return copy;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_changes", "List<string>", "work started with FileSystemWatcher.Changed at line 15", "ChangeLog.Drain at line 21", "read"));

    [Fact]
    public Task A_watcher_the_constructor_never_starts_raises_nothing_beside_the_members() => Verify.VerifyAnalyzerAsync(Usings + """
        class ChangeLog
        {
            private readonly List<string> _changes = new List<string>();
            private readonly System.IO.FileSystemWatcher _watcher;

            public ChangeLog(string path)
            {
                _watcher = new System.IO.FileSystemWatcher(path);
                _watcher.Changed += (s, e) => _changes.Add(e.Name);
            }

            public int Count => _changes.Count;
        }
        """);

    [Fact]
    public Task A_member_reaching_the_field_through_a_helper_that_another_helper_also_names_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private int _state;

            public Worker()
            {
                new Thread(() => {|#0:_state|} = 1).Start();
            }

            public void Close()
            {
                Flush();
                StopLoop();
            }

            private void Flush() => Console.WriteLine(nameof(StopLoop));

            private void StopLoop() => Console.WriteLine(_state);
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_state", "work started with new Thread at line 13", "Worker.Close at line 19 (in Worker.StopLoop)", "read"));

    [Fact]
    public Task Each_member_beside_the_work_is_reported_once_at_its_first_shared_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private int _interval;
            private string _target;

            public Poller()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        Thread.Sleep({|#0:_interval|});
                        Console.WriteLine({|#1:_target|});
                    }
                }).Start();
            }

            public void Reset()
            {
                _interval = 0;
                _target = null;
            }

            public void Clear() => _target = null;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_interval", "Poller.Reset at line 26", "work started with new Thread at line 14", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_target", "Poller.Clear at line 30", "work started with new Thread at line 14", "read"));

    [Fact]
    public Task A_member_in_another_part_of_the_class_is_named_with_its_file() => new Verify.Test
    {
        TestCode = Usings + """
            partial class Worker
            {
                private bool _running = true;

                public Worker()
                {
                    new Thread(() =>
                    {
                        while ({|#0:_running|})
                        {
                            Thread.Sleep(1);
                        }
                    }).Start();
                }
            }
            """,
        TestSources =
        {
            """
            partial class Worker
            {
                public void Stop() => _running = false;
            }
            """,
        },
        ExpectedDiagnostics =
        {
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_running", "Worker.Stop at line 3 of Test1.cs", "work started with new Thread at line 13", "read"),
        },
    }.RunAsync();

    [Fact]
    public Task A_public_handler_of_the_same_watcher_is_run_by_the_watcher_not_by_users() => Verify.VerifyAnalyzerAsync(Usings + """
        class SaveWatcher
        {
            private bool _changed;
            private readonly System.IO.FileSystemWatcher _watcher = new System.IO.FileSystemWatcher(".");

            public void Start()
            {
                _watcher.Changed += OnChanged;
                _watcher.Created += OnCreated;
                _watcher.EnableRaisingEvents = true;
            }

            public void OnChanged(object sender, System.IO.FileSystemEventArgs e) => _changed = true;

            public void OnCreated(object sender, System.IO.FileSystemEventArgs e) => _changed = true;
        }
        """);

    // ---- a volatile flag spun on before the read ----------------------------------------------------------------

    [Fact]
    public Task A_member_spinning_until_the_volatile_flag_the_thread_raises_reads_after_it_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private List<int> _data;
            private volatile bool _ready;

            public void Start() => new Thread(() => { _data = new List<int> { 1, 2 }; _ready = true; }).Start();

            public int Count()
            {
                while (!_ready)
                {
                    Thread.SpinWait(10);
                }

                return _data.Count;
            }
        }
        """);

    [Fact]
    public Task A_member_reading_before_it_spins_on_the_flag_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private List<int> _data;
            private volatile bool _ready;

            public void Start() => new Thread(() => { {|#0:_data|} = new List<int> { 1, 2 }; _ready = true; }).Start();

            public int Count()
            {
                var early = _data;
                while (!_ready)
                {
                    Thread.SpinWait(10);
                }

                return early.Count;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_data", "work started with new Thread at line 12", "Loader.Count at line 16", "read"));

    // ---- a wait inside a signal object of the project's own ---------------------------------------------------------

    // NetMQ's Switch: a class of the project that waits on a monitor until a flag changes. A member that calls it waits
    // for the work that flips it, as one that waits on an event does.
    [Fact]
    public Task A_member_that_waits_in_the_project_s_own_monitor_switch_before_it_writes_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Switch
        {
            private readonly object _sync = new object();
            private bool _on = true;

            public void WaitForOff()
            {
                lock (_sync)
                {
                    while (_on)
                    {
                        Monitor.Wait(_sync);
                    }
                }
            }

            public void SwitchOff()
            {
                lock (_sync)
                {
                    _on = false;
                    Monitor.PulseAll(_sync);
                }
            }
        }

        class Poller
        {
            private readonly List<int> _sockets = new List<int>();
            private readonly Switch _running = new Switch();

            public void Start() => new Thread(() => { _sockets.Add(1); _running.SwitchOff(); }).Start();

            public void Dispose()
            {
                _running.WaitForOff();
                _sockets.Clear();
            }
        }
        """);

    [Fact]
    public Task A_member_that_calls_a_method_of_another_class_that_does_not_wait_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Switch
        {
            private readonly object _sync = new object();
            private bool _on = true;

            public void Off()
            {
                lock (_sync)
                {
                    _on = false;
                    Monitor.PulseAll(_sync);
                }
            }
        }

        class Poller
        {
            private readonly List<int> _sockets = new List<int>();
            private readonly Switch _running = new Switch();

            public void Start() => new Thread(() => { {|#0:_sockets|}.Add(1); }).Start();

            public void Dispose()
            {
                _running.Off();
                _sockets.Clear();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_sockets", "List<int>", "work started with new Thread at line 27", "Poller.Dispose at line 32", "also mutate"));

    // ---- members of a type the assembly alone can call ----------------------------------------------------------

    [Fact]
    public Task An_internal_stop_of_an_internal_class_clearing_the_flag_a_thread_loop_polls_races() => Verify.VerifyAnalyzerAsync(Usings + """
        internal class Worker
        {
            private bool _running;

            internal void Start()
            {
                _running = true;
                new Thread({|#0:Loop|}).Start();
            }

            internal void Stop() => _running = false;

            private void Loop()
            {
                while (_running)
                {
                    Thread.Sleep(1);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_running", "Worker.Stop at line 17", "work started with new Thread at line 14 (in Worker.Loop)", "read"));

    // A watchdog whose start member returns the loop's task, and a class of the same assembly that calls it. The
    // class starts at line 7.
    private static string WatchDog(string access, string caller) => Usings + """
        ACCESS class WatchDog
        {
            private CancellationTokenSource _cts;

            ACCESS Task StartAsync()
            {
                _cts = new CancellationTokenSource();
                return Task.Run({|#0:MonitorAsync|});
            }

            ACCESS async Task StopAsync()
            {
                _cts.Cancel();
                await Task.Delay(400);
                _cts = null;
            }

            private async Task MonitorAsync()
            {
                while (_cts != null && !_cts.IsCancellationRequested)
                {
                    await Task.Delay(200);
                }
            }
        }

        internal class Services
        {
            private readonly WatchDog _watchDog = new WatchDog();
            private Task _monitor;

            CALLER
        }
        """.Replace("ACCESS", access).Replace("CALLER", caller);

    private static string Unmarked(string source) => source.Replace("{|#0:MonitorAsync|}", "MonitorAsync");

    [Fact]
    public Task An_internal_member_whose_returned_task_a_caller_keeps_in_a_field_leaves_the_work_running() => Verify.VerifyAnalyzerAsync(
        WatchDog("internal", "internal void Start() => _monitor = _watchDog.StartAsync();"),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_cts", "WatchDog.StopAsync at line 21", "work started with Task.Run at line 14 (in WatchDog.MonitorAsync)", "read"));

    [Fact]
    public Task An_internal_member_whose_returned_task_a_caller_discards_leaves_the_work_running() => Verify.VerifyAnalyzerAsync(
        WatchDog("internal", "internal void Start() { _ = _watchDog.StartAsync(); }"),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_cts", "WatchDog.StopAsync at line 21", "work started with Task.Run at line 14 (in WatchDog.MonitorAsync)", "read"));

    [Fact]
    public Task An_internal_member_whose_returned_task_every_caller_awaits_hands_the_work_to_them() => Verify.VerifyAnalyzerAsync(
        Unmarked(WatchDog("internal", "internal async Task StartAsync() => await _watchDog.StartAsync();")));

    [Fact]
    public Task A_public_member_whose_returned_task_a_caller_keeps_is_taken_to_be_awaited_by_the_type_s_users() => Verify.VerifyAnalyzerAsync(
        Unmarked(WatchDog("public", "internal void Start() => _monitor = _watchDog.StartAsync();")));

    // A recorder whose background recovery clears the dictionary under the gate, beside a RecordAsync whose flag picks
    // between calling without the gate and calling under it. The class starts at line 7; RecordAsync's first call is at
    // line 18.
    private static string Recorder(string flag, string condition, string lockedCall) => Usings + """
        internal class Recorder
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private readonly Dictionary<string, int> _recorded = new Dictionary<string, int>();

            internal void StartRecovery() => Task.Run({|#0:RecoverAsync|});

            internal async Task RecordAsync(string name, bool FLAG)
            {
                if (CONDITION)
                {
                    DoRecord(name);
                }
                else
                {
                    await _gate.WaitAsync();
                    try
                    {
                        LOCKED(name);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }

            private void DoRecord(string name) => _recorded[name] = 1;

            private void DoRecordChecked(string name) => _recorded[name] = 2;

            private async Task RecoverAsync()
            {
                await _gate.WaitAsync();
                try
                {
                    _recorded.Clear();
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """.Replace("FLAG", flag).Replace("CONDITION", condition).Replace("LOCKED", lockedCall);

    private static DiagnosticResult RecorderRace() =>
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_recorded", "Dictionary<string, int>", "work started with Task.Run at line 12 (in Recorder.RecoverAsync)", "Recorder.RecordAsync at line 18 (in Recorder.DoRecord)", "also mutate");

    [Fact]
    public Task A_member_whose_caller_says_it_holds_the_lock_runs_under_it_on_that_branch() =>
        Verify.VerifyAnalyzerAsync(Recorder("gateHeld", "gateHeld", "DoRecord").Replace("{|#0:RecoverAsync|}", "RecoverAsync"));

    [Fact]
    public Task A_flag_whose_other_branch_makes_another_call_under_the_lock_vouches_for_nothing() =>
        Verify.VerifyAnalyzerAsync(Recorder("quick", "quick", "DoRecordChecked"), RecorderRace());

    [Fact]
    public Task A_flag_that_says_to_take_the_lock_vouches_for_nothing_when_it_is_false() =>
        Verify.VerifyAnalyzerAsync(Recorder("useGate", "!useGate", "DoRecord"), RecorderRace());

    // ---- a delay is no wait ---------------------------------------------------------------------------------------

    [Fact]
    public Task A_member_that_gives_the_loop_a_delay_before_it_clears_the_field_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class WatchDog
        {
            private CancellationTokenSource _cts;

            public void Start()
            {
                _cts = new CancellationTokenSource();
                Task.Run({|#0:MonitorAsync|});
            }

            public async Task StopAsync()
            {
                _cts.Cancel();
                await Task.Delay(400).ConfigureAwait(false);
                _cts = null;
            }

            private async Task MonitorAsync()
            {
                while (_cts != null && !_cts.IsCancellationRequested)
                {
                    await Task.Delay(200);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_cts", "WatchDog.StopAsync at line 21", "work started with Task.Run at line 14 (in WatchDog.MonitorAsync)", "read"));

    [Fact]
    public Task A_member_that_awaits_the_loop_s_task_before_it_clears_the_field_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class WatchDog
        {
            private CancellationTokenSource _cts;
            private Task _monitor;

            public void Start()
            {
                _cts = new CancellationTokenSource();
                _monitor = Task.Run(MonitorAsync);
            }

            public async Task StopAsync()
            {
                _cts.Cancel();
                await _monitor.ConfigureAwait(false);
                _cts = null;
            }

            private async Task MonitorAsync()
            {
                while (_cts != null && !_cts.IsCancellationRequested)
                {
                    await Task.Delay(200);
                }
            }
        }
        """);

    // ---- a member the work calls only when it fails -------------------------------------------------------------

    [Fact]
    public Task A_stop_the_loop_also_calls_when_it_fails_is_still_the_users_and_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class WatchDog
        {
            private CancellationTokenSource _cts;

            public void Start()
            {
                _cts = new CancellationTokenSource();
                Task.Run({|#0:MonitorAsync|});
            }

            public void Stop()
            {
                _cts?.Cancel();
                _cts = null;
            }

            private async Task MonitorAsync()
            {
                try
                {
                    while (_cts != null && !_cts.IsCancellationRequested)
                    {
                        await Task.Delay(200);
                    }
                }
                catch (Exception)
                {
                    Stop();
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_cts", "work started with Task.Run at line 14 (in WatchDog.MonitorAsync)", "WatchDog.Stop at line 19", "read"));

    [Fact]
    public Task A_pump_method_the_loop_calls_on_its_normal_path_is_the_work_s_own_code() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pump
        {
            private int _pumped;

            public void Start() => Task.Run(Loop);

            public void PumpOnce() => _pumped++;

            private async Task Loop()
            {
                while (true)
                {
                    PumpOnce();
                    await Task.Delay(200);
                }
            }
        }
        """);
}
