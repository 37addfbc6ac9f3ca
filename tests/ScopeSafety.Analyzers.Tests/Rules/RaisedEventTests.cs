using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 for work that raises an event of its own class: the handlers the file subscribes to it run in that
/// work. Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class RaisedEventTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task Two_items_raising_an_event_run_its_lambda_handler_at_once() => Verify.VerifyAnalyzerAsync(Usings + """
        class Meter
        {
            private event Action<int> Measured;
            private int _last;

            public void Run()
            {
                Measured += value => _last = value;
                Parallel.Invoke(() => {|#0:Measured(1)|}, () => Measured?.Invoke(2));
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_last", "work started with Parallel.Invoke at line 15 (in a handler of Meter.Measured)", "work started with Parallel.Invoke at line 15 (in a handler of Meter.Measured)", "also write"));

    [Fact]
    public Task A_handler_method_taking_the_lock_on_both_sides_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Meter
        {
            private readonly object _gate = new object();
            private event Action<int> Measured;
            private int _last;

            public Meter()
            {
                Measured += OnMeasured;
            }

            public void Run()
            {
                Parallel.Invoke(() => Measured(1), () => Measured?.Invoke(2));
            }

            private void OnMeasured(int value)
            {
                lock (_gate)
                {
                    _last = value;
                }
            }
        }
        """);

    [Fact]
    public Task A_thread_raising_the_event_races_with_the_method_that_reads_what_the_handler_wrote() => Verify.VerifyAnalyzerAsync(Usings + """
        class Meter
        {
            private event EventHandler Done;
            private bool _finished;

            public void Run()
            {
                Done += (s, e) => _finished = true;
                var worker = new Thread(() => {|#0:Done?.Invoke(this, EventArgs.Empty)|});
                worker.Start();
                Console.WriteLine(_finished);
                worker.Join();
                Console.WriteLine(_finished);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_finished", "work started with new Thread at line 15 (in a handler of Meter.Done)", "the method at line 17", "read"));
}
