using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A timer due in a constant of at least a tenth of a second (Technitium's cache maintenance timer, first due in five
/// minutes; Hazel's resend timer, due in 100 ms) cannot run its callback before the statement that made it has stored it,
/// so the callback's read of the field that holds the timer does not race with that store. A due time read from a
/// setting or a parameter may be zero, and a later statement of the same method is not weighed against the clock: both
/// stay reported.
/// </summary>
public class LateTimerTests
{
    private static string Source(string dueTime, string after = "") => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Maintenance
        {
            private Timer _timer;
            private int _interval = 5;
            private int _runs;

            public void Start(int seconds)
            {
                _timer = new Timer({|#0:OnTick|}, null, {{dueTime}}, {{(dueTime.Contains("TimeSpan") ? "Timeout.InfiniteTimeSpan" : "Timeout.Infinite")}});
                {{after}}
            }

            private void OnTick(object state)
            {
                _runs++;
                _timer.Change(1000, Timeout.Infinite);
            }
        }
        """;

    [Theory]
    [InlineData("5 * 60 * 1000")]
    [InlineData("100")]
    [InlineData("TimeSpan.FromSeconds(30)")]
    [InlineData("TimeSpan.FromMinutes(5)")]
    [InlineData("new TimeSpan(0, 0, 1)")]
    public Task A_timer_due_late_is_stored_before_its_callback_runs(string dueTime) =>
        Verify.VerifyAnalyzerAsync(Source(dueTime));

    [Theory]
    [InlineData("0")]
    [InlineData("50")]
    [InlineData("TimeSpan.FromMilliseconds(10)")]
    [InlineData("seconds * 1000")]
    [InlineData("_interval * 1000")]
    public Task A_timer_due_soon_or_at_a_time_not_known_races_with_its_store(string dueTime) =>
        Verify.VerifyAnalyzerAsync(Source(dueTime),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_timer", "the method at line 15", "work started with new Timer at line 15 (in Maintenance.OnTick)", "read"));

    [Fact]
    public Task A_later_statement_still_races_with_a_late_timer() =>
        Verify.VerifyAnalyzerAsync(Source("30_000", "_runs = 0;"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_runs", "work started with new Timer at line 15 (in Maintenance.OnTick)", "the method at line 16", "also write"));
}
