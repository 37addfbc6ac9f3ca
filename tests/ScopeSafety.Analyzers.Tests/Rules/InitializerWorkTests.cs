using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Work a field's initializer starts (Open.NAT's <c>static readonly Timer RenewTimer = new Timer(RenewMappings, null, 5000,
/// 2000)</c>, whose callback walks the device dictionary that discovery adds to) runs beside the type's members as work
/// the constructor starts does: the static constructor runs a static field's initializer, every instance constructor an
/// instance field's. A timer the initializer creates paused runs from the member that arms it, as one a constructor
/// stores does; members that only use a concurrent collection are not reported. The class starts at line 7.
/// </summary>
public class InitializerWorkTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_timer_a_static_initializer_starts_races_a_member_adding_to_the_dictionary_it_walks() => Verify.VerifyAnalyzerAsync(Usings + """
        public class Discoverer
        {
            private static readonly Dictionary<string, string> Devices = new Dictionary<string, string>();
            internal static readonly Timer RenewTimer = new Timer({|#0:RenewMappings|}, null, 5000, 2000);

            public void Add(string device) => Devices.Add(device, device);

            private static void RenewMappings(object state)
            {
                foreach (var device in Devices.Values)
                {
                    Console.WriteLine(device);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("Devices", "Dictionary<string, string>", "Discoverer.Add at line 12", "work started with new Timer at line 10 (in Discoverer.RenewMappings)", "read"));

    [Fact]
    public Task A_timer_an_instance_initializer_starts_races_a_member_clearing_the_setting_it_reads() => Verify.VerifyAnalyzerAsync(Usings + """
        public class Sampler
        {
            private static string s_target = "all";
            private readonly Timer _sampling = new Timer({|#0:Sample|}, null, 1000, 1000);

            public void Reset() => s_target = null;

            private static void Sample(object state) => Console.WriteLine(s_target.Length);
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Sampler.s_target", "Sampler.Reset at line 12", "work started with new Timer at line 10 (in Sampler.Sample)", "read"));

    // A timer the initializer creates paused runs from the member that arms it: what that member does before the arming
    // comes first, what another member does runs beside it.
    [Fact]
    public Task A_timer_an_initializer_creates_paused_runs_from_the_member_that_arms_it() => Verify.VerifyAnalyzerAsync(Usings + """
        public class Discoverer
        {
            private static readonly Dictionary<string, string> Devices = new Dictionary<string, string>();
            private static readonly Timer RenewTimer = new Timer({|#0:RenewMappings|}, null, Timeout.Infinite, Timeout.Infinite);

            public static void Start(string first)
            {
                Devices.Add(first, first);
                RenewTimer.Change(5000, 2000);
            }

            public static void Add(string device) => Devices.Add(device, device);

            private static void RenewMappings(object state)
            {
                foreach (var device in Devices.Values)
                {
                    Console.WriteLine(device);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("Devices", "Dictionary<string, string>", "Discoverer.Add at line 18", "work started with new Timer at line 10 (in Discoverer.RenewMappings)", "read"));

    [Fact]
    public Task A_timer_a_static_initializer_starts_beside_a_concurrent_dictionary_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;

        public class Discoverer
        {
            private static readonly ConcurrentDictionary<string, string> Devices = new ConcurrentDictionary<string, string>();
            internal static readonly Timer RenewTimer = new Timer(RenewMappings, null, 5000, 2000);

            public void Add(string device) => Devices[device] = device;

            private static void RenewMappings(object state)
            {
                foreach (var device in Devices.Values)
                {
                    Console.WriteLine(device);
                }
            }
        }
        """);
}
