using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A call of a <c>[Conditional("M_DEBUG")]</c> method where that symbol is not defined is left out by the compiler, with
/// its arguments (Ryujinx's <c>Logger.StartPass</c>, which stores a start time in a static field, called by every
/// translation thread): what it would touch is no access of the program. Where the file defines the symbol, the call
/// runs and its writes race.
/// </summary>
public class OmittedCallTests
{
    private static string Source(string define) => define + """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.Threading;

        static class PassLog
        {
            private static long _start;
            private static int _calls;

            [Conditional("M_DEBUG")]
            public static void StartPass() => _start = Stopwatch.GetTimestamp();

            [Conditional("M_DEBUG")]
            public static void Count(int value) { }

            public static int Next() => _calls++;
        }

        class Program
        {
            static void Translate()
            {
                PassLog.StartPass();
                PassLog.Count(PassLog.Next());
            }

            public static void Main()
            {
                var threads = new List<Thread>();
                for (int i = 0; i < 4; i++)
                {
                    var thread = new Thread({|#0:Translate|});
                    threads.Add(thread);
                    thread.Start();
                }

                threads.ForEach(t => t.Join());
            }
        }
        """;

    [Fact]
    public Task A_conditional_call_whose_symbol_is_not_defined_touches_nothing() =>
        Verify.VerifyAnalyzerAsync(Source(""));

    [Fact]
    public Task A_conditional_call_whose_symbol_the_file_defines_runs_and_races() =>
        Verify.VerifyAnalyzerAsync(Source("#define M_DEBUG\n"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("PassLog._start", "work started with new Thread at line 34 (in Program.Translate)", "another run of the same work", "also write"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("PassLog._calls", "work started with new Thread at line 34 (in Program.Translate)", "another run of the same work", "also write"));
}
