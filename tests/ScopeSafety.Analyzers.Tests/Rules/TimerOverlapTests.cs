using InterlockedFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.InterlockedFixer>;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using VerifyCapture = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A periodic timer whose runs overlap races on everything the runs share, for one cause with one cure (runs that do not
/// overlap): one report per timer's work and rule (SCOPE010 for variables, fields and elements, SCOPE011 for objects), at
/// the first place, naming the others. The runs of a Parallel body or of a loop of spawns stay one report per place: each
/// shared place there is a bug with its own fix. Locals that a timer's callback captures (SCOPE002) get one report the
/// same way. The class starts at line 7.
/// </summary>
public class TimerOverlapTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_periodic_timer_whose_runs_overlap_on_three_fields_is_one_report_per_rule_that_names_them_all() => Verify.VerifyAnalyzerAsync(Usings + """
        class Monitor
        {
            private Timer _timer;
            private int _polls;
            private string _last;
            private int _failures;
            private readonly List<string> _seen = new List<string>();
            private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();

            public void Start() => _timer = new Timer({|#0:Poll|}, null, 0, 100);

            private void Poll(object state)
            {
                _polls++;
                _last = DateTime.Now.ToString();
                _seen.Add(_last);
                _counts[_last] = _polls;
                _failures = 0;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_polls", "work started with new Timer at line 16 (in Monitor.Poll)",
            "another run of the same work (the runs also race on '_last' and '_failures')", "also write"),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_seen", "List<string>", "work started with new Timer at line 16 (in Monitor.Poll)",
            "another run of the same work (the runs also race on '_counts')", "also mutate"));

    // The twin: the same writes in a Parallel body are three bugs, and three reports.
    [Fact]
    public Task A_parallel_body_racing_on_three_fields_is_one_report_per_field() => Verify.VerifyAnalyzerAsync(Usings + """
        class Monitor
        {
            private int _polls;
            private string _last;
            private readonly List<string> _seen = new List<string>();

            public void Poll(int[] items)
            {
                Parallel.For(0, items.Length, i =>
                {
                    {|#0:_polls|}++;
                    {|#1:_last|} = items[i].ToString();
                    {|#2:_seen|}.Add(_last);
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_polls", "work started with Parallel.For at line 15", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_last", "work started with Parallel.For at line 15", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE011").WithLocation(2).WithArguments("_seen", "List<string>", "work started with Parallel.For at line 15", "another run of the same work", "also mutate"));

    // System.Timers.Timer with AutoReset (the default) overlaps its Elapsed handler the same way; one with AutoReset off
    // runs once per Start and is silent.
    [Fact]
    public Task An_auto_reset_timers_handler_racing_on_two_objects_is_one_report() => Verify.VerifyAnalyzerAsync(Usings + """
        class Sampler
        {
            private readonly System.Timers.Timer _timer = new System.Timers.Timer(100);
            private readonly System.Timers.Timer _once = new System.Timers.Timer(100) { AutoReset = false };
            private readonly Dictionary<int, long> _samples = new Dictionary<int, long>();
            private readonly Queue<int> _order = new Queue<int>();
            private int _other;
            private int _more;

            public void Start()
            {
                _timer.Elapsed += (s, e) =>
                {
                    {|#0:_samples|}[e.SignalTime.Second] = e.SignalTime.Ticks;
                    _order.Enqueue(e.SignalTime.Second);
                };
                _timer.Start();
                _once.Elapsed += (s, e) =>
                {
                    _other++;
                    _more++;
                };
                _once.Start();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_samples", "Dictionary<int, long>", "work started with System.Timers.Timer.Elapsed at line 18",
            "another run of the same work (the runs also race on '_order')", "also mutate"));

    // One callback behind two periodic timers is still one work: one report, and no place named twice.
    [Fact]
    public Task One_callback_of_two_periodic_timers_is_one_report() => Verify.VerifyAnalyzerAsync(Usings + """
        class Pinger
        {
            private Timer _fast;
            private Timer _slow;
            private int _sent;
            private long _lastTicks;

            public void Start()
            {
                _fast = new Timer({|#0:Ping|}, null, 0, 10);
                _slow = new Timer(Ping, null, 0, 1000);
            }

            private void Ping(object state)
            {
                _sent++;
                _lastTicks = DateTime.UtcNow.Ticks;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_sent", "work started with new Timer at line 16 (in Pinger.Ping)",
            "another run of the same work (the runs also race on '_lastTicks')", "also write"));

    // The one report is fixed a place at a time: Interlocked for the first count, then the report moves to the next
    // count, which gets Interlocked in turn; nothing is left reported, and no place is silenced unfixed.
    [Fact]
    public Task The_report_of_a_timers_overlapping_counts_is_fixed_one_count_at_a_time() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Threading;

        class Sender
        {
            private int _sent;
            private int _failed;
            private Timer _timer;

            public void Start() => _timer = new Timer(_ =>
            {
                {|SCOPE010:_sent|}++;
                _failed++;
            }, null, 1000, 1000);
        }
        """, """
        using System.Threading;

        class Sender
        {
            private int _sent;
            private int _failed;
            private Timer _timer;

            public void Start() => _timer = new Timer(_ =>
            {
                Interlocked.Increment(ref _sent);
                Interlocked.Increment(ref _failed);
            }, null, 1000, 1000);
        }
        """);

    [Fact]
    public Task A_periodic_timer_whose_runs_overlap_on_three_captured_locals_is_one_report_that_names_them_all() => VerifyCapture.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            public Timer Start()
            {
                int polls = 0;
                string last = null;
                int failures = 0;
                return {|#1:new Timer(_ =>
                {
                    {|#0:polls|}++;
                    last = DateTime.Now.ToString();
                    failures = 0;
                }, null, 0, 100)|};
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(0).WithLocation(1)
            .WithArguments("polls", "work started with new Timer", "another run of the same work (the runs also race on 'last' and 'failures')", "access"));

    // The twin: the runs of a loop of spawns writing the same locals are a bug per local, and a report per local.
    [Fact]
    public Task Spawns_in_a_loop_racing_on_two_captured_locals_are_one_report_per_local() => VerifyCapture.VerifyAnalyzerAsync(Usings + """
        class Poller
        {
            public void Start(int[] items)
            {
                int polls = 0;
                string last = null;
                foreach (var item in items)
                {
                    {|#2:Task.Run(() =>
                    {
                        {|#0:polls|}++;
                        {|#1:last|} = DateTime.Now.ToString();
                    })|};
                }
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(0).WithLocation(2)
            .WithArguments("polls", "work started with Task.Run", "another run of the same work", "access"),
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(1).WithLocation(2)
            .WithArguments("last", "work started with Task.Run", "another run of the same work", "access"));
}
