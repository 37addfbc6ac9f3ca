using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// One write that the rules see under two names of one chain is one cause, reported once: a field of a struct local
/// (<c>progress.Status</c>, which writes <c>progress</c> too), and a field created lazily by a getter the work calls,
/// whose creator then sets the new object's members (ILSpy's <c>DecompilerSettings.CSharpFormattingOptions</c>, called
/// from a <c>Parallel.ForEach</c>). Names that only share a beginning (<c>o.Count</c>, <c>o.CountMax</c>) are two places.
/// </summary>
public class OneChainOneReportTests
{
    [Fact]
    public Task A_write_to_a_field_of_a_struct_local_is_reported_once() => Verify.VerifyAnalyzerAsync(
        ConcurrentAccessAnalyzerTests.Usings + """
        struct Progress
        {
            public string Status;
            public int Done;
        }

        class Program
        {
            public void Run(string[] files)
            {
                var progress = new Progress();
                Parallel.ForEach(files, f =>
                {
                    {|#0:progress|}.Status = f;
                    Interlocked.Increment(ref progress.Done);
                });
                Console.WriteLine(progress.Status);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("progress", "work started with Parallel.ForEach at line 18", "another run of the same work", "also write"));

    [Fact]
    public Task A_field_a_getter_creates_and_sets_up_is_reported_once() => Verify.VerifyAnalyzerAsync(
        ConcurrentAccessAnalyzerTests.Usings + """
        class Options
        {
            public int Indent;
            public bool Wrap;
        }

        class Settings
        {
            private Options options;

            public Options Options
            {
                get
                {
                    if (options == null)
                    {
                        options = new Options();
                        options.Indent = 4;
                        options.Wrap = true;
                    }

                    return options;
                }
            }
        }

        class Program
        {
            public void Run(Settings settings, int[] items)
            {
                Parallel.ForEach(items, i => Console.WriteLine({|#0:settings.Options|}.Indent + i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("settings.options", "work started with Parallel.ForEach at line 37 (in Settings.Options)", "another run of the same work", "also write"));

    [Fact]
    public Task Fields_whose_names_only_share_a_beginning_are_two_places() => Verify.VerifyAnalyzerAsync(
        ConcurrentAccessAnalyzerTests.Usings + """
        class Counters
        {
            public int Count;
            public int CountMax;
        }

        class Program
        {
            public void Run(Counters o, int[] items)
            {
                Parallel.ForEach(items, i => { {|#0:o.Count|} = i; {|#1:o.CountMax|} = i; });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("o.Count", "work started with Parallel.ForEach at line 17", "another run of the same work", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("o.CountMax", "work started with Parallel.ForEach at line 17", "another run of the same work", "also write"));

    [Fact]
    public Task Names_of_one_chain_against_two_other_sides_are_two_causes() => Verify.VerifyAnalyzerAsync(
        ConcurrentAccessAnalyzerTests.Usings + """
        class Inner
        {
            public int X;
        }

        class Outer
        {
            public Inner Inner = new Inner();
        }

        class Program
        {
            public void Run(Outer o)
            {
                var a = Task.Run(() => { {|#0:o.Inner|} = new Inner(); {|#1:o.Inner.X|} = 1; });
                var b = Task.Run(() => {|#2:o.Inner|} = null);
                var c = Task.Run(() => Console.WriteLine(o.Inner.X));
                Task.WaitAll(a, b, c);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("o.Inner", "work started with Task.Run at line 21", "work started with Task.Run at line 22", "also write"),
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("o.Inner.X", "work started with Task.Run at line 21", "work started with Task.Run at line 23", "read"),
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithArguments("o.Inner", "work started with Task.Run at line 22", "work started with Task.Run at line 23", "read"));
}
