using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A paused timer stored in a field by a helper that only the constructors of its object call (Technitium's
/// <c>ApexZone.InitNotify</c>, called by each derived zone's constructors) cannot run before that helper's later stores:
/// only a member called once the object is built can arm it, as for a timer a constructor makes. A helper that a public
/// member also calls may run on a built object whose timer another call arms, and is reported.
/// </summary>
public class ConstructorHelperTimerTests
{
    private static string Source(string extra) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        abstract class Zone
        {
            private Timer _notifyTimer;
            private List<string> _notifyList;

            protected void InitNotify()
            {
                _notifyTimer = new Timer({|#0:NotifyTimerCallback|}, null, Timeout.Infinite, Timeout.Infinite);
                _notifyList = new List<string>();
            }

            {{extra}}
            public void TriggerNotify() => _notifyTimer.Change(0, Timeout.Infinite);

            private void NotifyTimerCallback(object state)
            {
                lock (_notifyList)
                {
                    _notifyList.Clear();
                }
            }
        }

        class PrimaryZone : Zone
        {
            public PrimaryZone() { InitNotify(); }
            public PrimaryZone(int serial) : this() { }
        }

        class ForwarderZone : Zone
        {
            public ForwarderZone() { this.InitNotify(); }
        }
        """;

    [Fact]
    public Task A_paused_timer_made_by_a_helper_only_constructors_call_starts_after_the_helper() =>
        Verify.VerifyAnalyzerAsync(Source(""));

    [Fact]
    public Task A_helper_that_a_public_member_also_calls_races_with_its_timer() =>
        Verify.VerifyAnalyzerAsync(Source("public void Reset() => InitNotify();"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_notifyList", "the method at line 15", "work started with new Timer at line 14 (in Zone.NotifyTimerCallback)", "read"));
}
