using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 for handlers of events that .NET raises on a thread of its own (a process's output, a file watcher, a
/// serial port, Ctrl+C, a System.Timers.Timer): against each other and against the method that subscribed them. Each
/// hazard beside the twin that must stay silent. The class starts at line 10.
/// </summary>
public class OffThreadEventTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings + """
        using System.Diagnostics;
        using System.IO;
        using System.Text;

        """;

    private static string Runner(string body) => Usings + """
        class Runner
        {
            static string Run(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
        BODY
            }
        }
        """.Replace("BODY", body);

    [Fact]
    public Task Output_and_error_handlers_appending_to_one_builder_race() => Verify.VerifyAnalyzerAsync(Runner("""
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) => {|#0:output|}.AppendLine(e.Data);
                p.ErrorDataReceived += (s, e) => output.AppendLine(e.Data);
                p.Start();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                return output.ToString();
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("output", "StringBuilder", "work started with Process.OutputDataReceived at line 16", "work started with Process.ErrorDataReceived at line 17", "also mutate"));

    [Fact]
    public Task Output_and_error_handlers_under_one_lock_read_after_WaitForExit_do_not_race() => Verify.VerifyAnalyzerAsync(Runner("""
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) => { lock (output) output.AppendLine(e.Data); };
                p.ErrorDataReceived += (s, e) => { lock (output) output.AppendLine(e.Data); };
                p.Start();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                return output.ToString();
        """));

    [Fact]
    public Task One_handler_held_in_a_local_for_both_streams_races_with_itself_across_them() => Verify.VerifyAnalyzerAsync(Runner("""
                var lines = new List<string>();
                DataReceivedEventHandler collect = (s, e) => {|#0:lines|}.Add(e.Data);
                p.OutputDataReceived += collect;
                p.ErrorDataReceived += collect;
                p.Start();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                return string.Join("\n", lines);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("lines", "List<string>", "work started with Process.OutputDataReceived at line 17", "work started with Process.ErrorDataReceived at line 18", "also mutate"));

    [Fact]
    public Task Reading_the_output_before_the_process_has_exited_races() => Verify.VerifyAnalyzerAsync(Runner("""
                var lines = new List<string>();
                p.OutputDataReceived += (s, e) => {|#0:lines|}.Add(e.Data);
                p.Start();
                p.BeginOutputReadLine();
                Console.WriteLine(lines.Count);
                p.WaitForExit();
                return string.Join("\n", lines);
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("lines", "List<string>", "work started with Process.OutputDataReceived at line 16", "the method at line 19", "read"));

    [Fact]
    public Task A_wait_with_a_timeout_does_not_wait_for_the_output() => Verify.VerifyAnalyzerAsync(Runner("""
                var lines = new List<string>();
                p.OutputDataReceived += (s, e) => {|#0:lines|}.Add(e.Data);
                p.Start();
                p.BeginOutputReadLine();
                if (!p.WaitForExit(5000))
                {
                    p.Kill();
                }

                return lines.Count + " lines";
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("lines", "List<string>", "work started with Process.OutputDataReceived at line 16", "the method at line 24", "read"));

    [Fact]
    public Task Reading_after_an_infinite_wait_or_an_awaited_WaitForExitAsync_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static string Run(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                var lines = new List<string>();
                p.OutputDataReceived += (s, e) => lines.Add(e.Data);
                p.Start();
                p.BeginOutputReadLine();
                p.WaitForExit(Timeout.Infinite);
                return string.Join("\n", lines);
            }

            static async Task<string> RunAsync(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info };
                var lines = new List<string>();
                p.OutputDataReceived += (s, e) => lines.Add(e.Data);
                p.Start();
                p.BeginOutputReadLine();
                await p.WaitForExitAsync().ConfigureAwait(false);
                return string.Join("\n", lines);
            }
        }
        """);

    [Fact]
    public Task A_line_count_kept_in_a_local_is_reported_as_SCOPE010() => Verify.VerifyAnalyzerAsync(Runner("""
                var count = 0;
                p.OutputDataReceived += (s, e) => {|#0:count|}++;
                p.Start();
                p.BeginOutputReadLine();
                Console.WriteLine(count);
                p.WaitForExit();
                return count.ToString();
        """),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("count", "work started with Process.OutputDataReceived at line 16", "the method at line 19", "read"));

    [Fact]
    public Task A_completion_set_when_the_stream_ends_orders_every_line_before_the_read() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static async Task<string> Run(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info };
                var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) =>
                {
                    if (e.Data == null)
                    {
                        ended.TrySetResult(true);
                    }
                    else
                    {
                        output.AppendLine(e.Data);
                    }
                };
                p.Start();
                p.BeginOutputReadLine();
                await ended.Task;
                return output.ToString();
            }
        }
        """);

    [Fact]
    public Task Completions_awaited_through_a_list_and_WhenAll_order_the_lines_before_the_read() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static async Task<string> Run(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info, EnableRaisingEvents = true };
                var pending = new List<Task>();
                var exited = new TaskCompletionSource<bool>();
                p.Exited += (s, e) => exited.TrySetResult(true);
                pending.Add(exited.Task);
                var outEnded = new TaskCompletionSource<bool>();
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) =>
                {
                    if (e.Data is null)
                    {
                        outEnded.TrySetResult(true);
                        return;
                    }

                    output.AppendLine(e.Data);
                };
                pending.Add(outEnded.Task);
                p.Start();
                p.BeginOutputReadLine();
                var all = Task.WhenAll(pending);
                await all.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                return output.ToString();
            }
        }
        """);

    [Fact]
    public Task Awaiting_only_the_exit_does_not_wait_for_the_output() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static async Task<string> Run(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info, EnableRaisingEvents = true };
                var exited = new TaskCompletionSource<bool>();
                var outEnded = new TaskCompletionSource<bool>();
                p.Exited += (s, e) => exited.TrySetResult(true);
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) =>
                {
                    if (e.Data == null)
                    {
                        outEnded.TrySetResult(true);
                    }
                    else
                    {
                        {|#0:output|}.AppendLine(e.Data);
                    }
                };
                p.Start();
                p.BeginOutputReadLine();
                await Task.WhenAll(new[] { exited.Task });
                return output.ToString();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("output", "StringBuilder", "work started with Process.OutputDataReceived at line 19", "the method at line 33", "read"));

    [Fact]
    public Task A_completion_set_in_the_else_of_a_not_null_test_orders_every_line_before_the_read() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static async Task<string> Run(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info };
                var ended = new TaskCompletionSource<bool>();
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) =>
                {
                    if (e.Data is not null)
                    {
                        output.AppendLine(e.Data);
                    }
                    else
                    {
                        ended.TrySetResult(true);
                    }
                };
                p.Start();
                p.BeginOutputReadLine();
                await ended.Task;
                return output.ToString();
            }
        }
        """);

    [Fact]
    public Task A_completion_set_on_every_line_does_not_order_the_later_lines() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static async Task<string> Run(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info };
                var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var output = new StringBuilder();
                p.OutputDataReceived += (s, e) =>
                {
                    if (e.Data != null)
                    {
                        {|#0:output|}.AppendLine(e.Data);
                    }

                    started.TrySetResult(true);
                };
                p.Start();
                p.BeginOutputReadLine();
                await started.Task;
                return output.ToString();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("output", "StringBuilder", "work started with Process.OutputDataReceived at line 17", "the method at line 29", "read"));

    [Fact]
    public Task An_exit_handler_that_awaits_the_completion_set_when_the_stream_ends_reads_after_every_line() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static void Run(ProcessStartInfo info, Action<string> report)
            {
                var errors = new List<string>();
                var ended = new TaskCompletionSource<bool>();
                var p = new Process { StartInfo = info, EnableRaisingEvents = true };
                p.ErrorDataReceived += (s, e) =>
                {
                    if (e.Data != null)
                    {
                        lock (errors) errors.Add(e.Data);
                    }
                    else
                    {
                        ended.TrySetResult(true);
                    }
                };
                p.Exited += async (s, e) =>
                {
                    await ended.Task;
                    report(errors.Count == 0 ? "ok" : string.Join(",", errors));
                };
                p.Start();
                p.BeginErrorReadLine();
            }
        }
        """);

    [Fact]
    public Task An_exit_handler_that_awaits_a_completion_set_on_every_line_races_with_the_later_lines() => Verify.VerifyAnalyzerAsync(Usings + """
        class Runner
        {
            static void Run(ProcessStartInfo info, Action<string> report)
            {
                var errors = new List<string>();
                var first = new TaskCompletionSource<bool>();
                var p = new Process { StartInfo = info, EnableRaisingEvents = true };
                p.ErrorDataReceived += (s, e) =>
                {
                    if (e.Data != null)
                    {
                        lock (errors) {|#0:errors|}.Add(e.Data);
                    }

                    first.TrySetResult(true);
                };
                p.Exited += async (s, e) =>
                {
                    await first.Task;
                    report(errors.Count == 0 ? "ok" : string.Join(",", errors));
                };
                p.Start();
                p.BeginErrorReadLine();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("errors", "List<string>", "work started with Process.ErrorDataReceived at line 17", "work started with Process.Exited at line 26", "read"));

    [Fact]
    public Task A_file_watcher_handler_races_with_the_loop_that_reads_its_list() => Verify.VerifyAnalyzerAsync(Usings + """
        class Watch
        {
            static void Main()
            {
                var changed = new List<string>();
                var watcher = new FileSystemWatcher(".");
                watcher.Changed += (s, e) => {|#0:changed|}.Add(e.FullPath);
                watcher.EnableRaisingEvents = true;
                while (true)
                {
                    Console.WriteLine(changed.Count);
                    Thread.Sleep(1000);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("changed", "List<string>", "work started with FileSystemWatcher.Changed at line 16", "the method at line 20", "read"));

    [Fact]
    public Task Two_events_of_one_watcher_come_one_after_another_but_two_watchers_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Watch
        {
            static void One(string path)
            {
                var seen = new List<string>();
                var watcher = new FileSystemWatcher(path);
                watcher.Changed += (s, e) => seen.Add(e.FullPath);
                watcher.Created += (s, e) => seen.Add(e.FullPath);
                watcher.EnableRaisingEvents = true;
            }

            static void Two(string a, string b)
            {
                var seen = new List<string>();
                var first = new FileSystemWatcher(a);
                var second = new FileSystemWatcher(b);
                first.Changed += (s, e) => {|#0:seen|}.Add(e.FullPath);
                second.Changed += (s, e) => seen.Add(e.FullPath);
                first.EnableRaisingEvents = true;
                second.EnableRaisingEvents = true;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("seen", "List<string>", "work started with FileSystemWatcher.Changed at line 26", "work started with FileSystemWatcher.Changed at line 27", "also mutate"));

    [Fact]
    public Task A_watcher_started_before_the_field_its_handler_reads_is_set_is_reported_once_for_all_its_events() => Verify.VerifyAnalyzerAsync(Usings + """
        class Reloader
        {
            private readonly FileSystemWatcher _watcher;
            private Timer _timer;

            public Reloader(string path)
            {
                _watcher = new FileSystemWatcher(path);
                _watcher.Changed += {|#0:OnChanged|};
                _watcher.Created += OnChanged;
                _watcher.Deleted += OnChanged;
                _watcher.EnableRaisingEvents = true;
                _timer = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
            }

            private void OnChanged(object sender, FileSystemEventArgs e) => _timer.Change(500, Timeout.Infinite);

            private void Reload()
            {
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_timer", "the method at line 22", "work started with FileSystemWatcher.Changed at line 18 (in Reloader.OnChanged)", "read"));

    [Fact]
    public Task A_watcher_started_after_the_field_its_handler_reads_is_set_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Reloader
        {
            private readonly FileSystemWatcher _watcher;
            private Timer _timer;

            public Reloader(string path)
            {
                _timer = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
                _watcher = new FileSystemWatcher(path);
                _watcher.Changed += OnChanged;
                _watcher.Created += OnChanged;
                _watcher.EnableRaisingEvents = true;
            }

            private void OnChanged(object sender, FileSystemEventArgs e) => _timer.Change(500, Timeout.Infinite);

            private void Reload()
            {
            }
        }
        """);

    [Fact]
    public Task A_timer_the_constructor_makes_and_another_method_starts_does_not_run_in_the_constructor() => Verify.VerifyAnalyzerAsync(Usings + """
        class Monitor
        {
            private readonly System.Timers.Timer _timer;
            private object _client;

            public Monitor()
            {
                _timer = new System.Timers.Timer(30000) { AutoReset = false };
                _timer.Elapsed += (s, e) => Console.WriteLine(_client);
                _client = new object();
            }

            public void Start() => _timer.Start();
        }
        """);

    [Fact]
    public Task A_timer_started_before_the_field_its_handler_reads_is_set_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Monitor
        {
            private readonly System.Timers.Timer _timer;
            private object _client;

            public Monitor()
            {
                _timer = new System.Timers.Timer(30000) { AutoReset = false };
                _timer.Elapsed += (s, e) => Console.WriteLine({|#0:_client|});
                _timer.Start();
                _client = new object();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_client", "the method at line 20", "work started with System.Timers.Timer.Elapsed at line 18", "read"));

    [Fact]
    public Task A_registry_in_a_static_auto_property_races_with_the_exit_handler_that_empties_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Children
        {
            public static Dictionary<string, Process> Running { get; } = new Dictionary<string, Process>();

            public static void Start(string alias, ProcessStartInfo info)
            {
                var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                process.Exited += (s, e) => {|#0:Running|}.Remove(alias);
                process.Start();
                Running.Add(alias, process);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("Running", "Dictionary<string, Process>", "work started with Process.Exited at line 17", "the method at line 19", "also mutate"));

    [Fact]
    public Task A_Ctrl_C_flag_read_in_a_loop_races_unless_it_is_volatile() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loop
        {
            static bool stop;
            static volatile bool quit;

            static void Main()
            {
                Console.CancelKeyPress += (s, e) => { {|#0:stop|} = true; e.Cancel = true; };
                while (!stop)
                {
                    Thread.Sleep(100);
                }

                Console.CancelKeyPress += (s, e) => { quit = true; e.Cancel = true; };
                while (!quit)
                {
                    Thread.Sleep(100);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Loop.stop", "work started with Console.CancelKeyPress at line 17", "the method at line 18", "read"));

    [Fact]
    public Task A_serial_port_handler_races_with_the_reader_of_its_buffer() => Verify.VerifyAnalyzerAsync(Usings + """
        class Device
        {
            static void Main(System.IO.Ports.SerialPort port)
            {
                var received = new StringBuilder();
                port.DataReceived += (s, e) => {|#0:received|}.Append(port.ReadExisting());
                port.Open();
                Thread.Sleep(1000);
                Console.WriteLine(received.ToString());
            }
        }

        namespace System.IO.Ports
        {
            // The real type lives in a package the test does not reference: what counts is its full name.
            public class SerialPort
            {
                public event EventHandler DataReceived;
                public void Open() => DataReceived?.Invoke(this, EventArgs.Empty);
                public string ReadExisting() => "";
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("received", "StringBuilder", "work started with SerialPort.DataReceived at line 15", "the method at line 18", "read"));

    [Fact]
    public Task A_timer_made_one_shot_or_marshalled_to_a_form_in_its_field_initialiser_does_not_overlap_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private readonly System.Timers.Timer _once = new System.Timers.Timer(100) { AutoReset = false };
            private readonly System.Timers.Timer _onForm;
            private int _ticks;
            private int _other;

            public Poller(System.ComponentModel.ISynchronizeInvoke form)
            {
                _onForm = new System.Timers.Timer(100);
                _onForm.SynchronizingObject = form;
                _once.Elapsed += OnTick;
                _onForm.Elapsed += (s, e) => _other++;
                _once.Start();
            }

            private void OnTick(object sender, System.Timers.ElapsedEventArgs e) => _ticks++;
        }
        """);

    [Fact]
    public Task A_periodic_timer_held_in_a_field_overlaps_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            private readonly System.Timers.Timer _timer = new System.Timers.Timer(100);
            private int _ticks;

            public Poller()
            {
                // An access in another method of the file is reported at the handler that reaches it.
                _timer.Elapsed += {|#0:OnTick|};
                _timer.Start();
            }

            private void OnTick(object sender, System.Timers.ElapsedEventArgs e) => _ticks++;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_ticks", "work started with System.Timers.Timer.Elapsed at line 18 (in Poller.OnTick)", "another run of the same work", "also write"));

    [Fact]
    public Task A_background_worker_races_with_the_method_that_runs_it_from_RunWorkerAsync_on() => Verify.VerifyAnalyzerAsync(Usings + """
        class Form
        {
            private readonly List<string> _rows = new List<string>();

            public void Load(string[] files)
            {
                var worker = new System.ComponentModel.BackgroundWorker();
                worker.DoWork += (s, e) =>
                {
                    foreach (var file in files)
                    {
                        {|#0:_rows|}.Add(file);
                    }
                };
                _rows.Clear();
                worker.RunWorkerAsync();
                Console.WriteLine(_rows.Count);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_rows", "List<string>", "work started with BackgroundWorker.DoWork at line 17", "the method at line 26", "read"));

    [Fact]
    public Task A_worker_the_object_owns_and_another_method_starts_does_not_run_in_the_constructor() => Verify.VerifyAnalyzerAsync(Usings + """
        class Game
        {
            private readonly System.ComponentModel.BackgroundWorker _worker = new System.ComponentModel.BackgroundWorker();
            private object _socket;

            public Game()
            {
                _worker.DoWork += (s, e) => Console.WriteLine(_socket);
                _socket = new object();
            }

            public void OnTick() => _worker.RunWorkerAsync();
        }
        """);

    [Fact]
    public Task A_worker_the_constructor_starts_through_a_method_of_the_type_races_with_what_follows() => Verify.VerifyAnalyzerAsync(Usings + """
        class Game
        {
            private readonly System.ComponentModel.BackgroundWorker _worker = new System.ComponentModel.BackgroundWorker();
            private object _socket;

            public Game()
            {
                _worker.DoWork += (s, e) => Console.WriteLine({|#0:_socket|});
                Begin();
                _socket = new object();
            }

            private void Begin() => _worker.RunWorkerAsync();
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_socket", "the method at line 19", "work started with BackgroundWorker.DoWork at line 17", "read"));

    [Fact]
    public Task A_builder_read_through_interpolation_or_concatenation_after_a_timed_wait_races() => Verify.VerifyAnalyzerAsync(Runner("""
                var errors = new StringBuilder();
                var output = new StringBuilder();
                p.ErrorDataReceived += (s, e) => {|#0:errors|}.AppendLine(e.Data);
                p.OutputDataReceived += (s, e) => {|#1:output|}.AppendLine(e.Data);
                p.Start();
                p.BeginErrorReadLine();
                p.BeginOutputReadLine();
                p.WaitForExit(TimeSpan.FromSeconds(30));
                return $"{errors}" + output;
        """),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("errors", "StringBuilder", "work started with Process.ErrorDataReceived at line 17", "the method at line 23", "read"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("output", "StringBuilder", "work started with Process.OutputDataReceived at line 18", "the method at line 23", "read"));

    [Fact]
    public Task A_one_shot_timer_that_sets_an_event_the_method_waits_for_is_ordered() => Verify.VerifyAnalyzerAsync(Usings + """
        class Probe
        {
            private int _result;

            public int Run()
            {
                var done = new ManualResetEventSlim();
                var timer = new System.Timers.Timer(10) { AutoReset = false };
                timer.Elapsed += (s, e) => { _result = 42; done.Set(); };
                timer.Start();
                done.Wait();
                return _result;
            }

            public int Exit(System.Diagnostics.Process p)
            {
                var exited = new ManualResetEventSlim();
                p.EnableRaisingEvents = true;
                p.Exited += (s, e) => { _result = p.ExitCode; exited.Set(); };
                p.Start();
                exited.Wait();
                return _result;
            }
        }
        """);

    [Fact]
    public Task A_timer_that_fires_again_after_setting_the_event_races_with_the_method_after_its_wait() => Verify.VerifyAnalyzerAsync(Usings + """
        class Probe
        {
            private int _result;
            private int _ticks;

            public int Restarted()
            {
                var done = new ManualResetEventSlim();
                var timer = new System.Timers.Timer(10) { AutoReset = false };
                timer.Elapsed += (s, e) => { {|#0:_result|} = 42; done.Set(); timer.Start(); };
                timer.Start();
                done.Wait();
                return _result;
            }

            public int Periodic()
            {
                var done = new ManualResetEventSlim();
                var timer = new System.Timers.Timer(10);
                timer.Elapsed += (s, e) => { {|#1:_ticks|} = 1; done.Set(); };
                timer.Start();
                done.Wait();
                return _ticks;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_result", "work started with System.Timers.Timer.Elapsed at line 19", "the method at line 22", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_ticks", "work started with System.Timers.Timer.Elapsed at line 29", "another run of the same work", "also write"));
}

