using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A member that tests the field holding the work's thread for null before it stops the work (dotnet/iot's
/// <c>KeyboardGpioDriver</c>: <c>if (terminate &amp;&amp; _pollThread != null) { _terminateThread = true; _pollThread.Join(); }</c>)
/// has not waited for anything at the test: the flag it then sets races with the loop that polls it, as in a member that
/// sets it without the test. What the member does after the join still does not race, nor what it does after an
/// <c>if</c> that joins the thread when it is not null: there the work has ended, or there was none.
/// </summary>
public class HandleNullTestTests
{
    private static string Source(string stop) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Poller
        {
            private Thread _thread;
            private bool _stop;
            private int _polls;

            public void Start()
            {
                _stop = false;
                _thread = new Thread({|#0:Loop|});
                _thread.Start();
            }

            public void Stop()
            {
                {{stop}}
            }

            private void Loop()
            {
                while (!_stop)
                {
                    _polls++;
                    Thread.Sleep(10);
                }
            }
        }
        """;

    [Theory]
    [InlineData("if (_thread != null) { _stop = true; _thread.Join(); }")]
    [InlineData("if (_thread is null) return; _stop = true; _thread.Join();")]
    public Task A_flag_set_after_a_null_test_of_the_thread_races_with_the_loop(string stop) =>
        Verify.VerifyAnalyzerAsync(Source(stop),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_stop", "Poller.Stop at line 22", "work started with new Thread at line 16 (in Poller.Loop)", "read"));

    [Theory]
    [InlineData("if (_thread == null) return; _thread.Join(); _stop = false; _polls = 0;")]
    [InlineData("if (_thread != null) { _thread.Join(); } _stop = false; _polls = 0;")]
    [InlineData("if (_thread != null && _thread.IsAlive) { while (_thread.IsAlive) Thread.Sleep(10); } _polls = 0;")]
    [InlineData("if (_thread != null) { _thread.Join(); } var none = 0; _polls = none;")]
    [InlineData("if (_thread != null) { _thread.Join(); } foreach (var none in new int[1]) { _polls = none; }")]
    public Task What_the_member_does_after_the_join_does_not_race(string stop) =>
        Verify.VerifyAnalyzerAsync(Source(stop));
}
