using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE003 and <c>using (x = …)</c>, which assigns a local declared before it: its end disposes the object stored in
/// the local, as <c>using (var x = …)</c> does. Each hazard beside its silent twin. The class starts at line 8.
/// </summary>
public class UsingAssignmentDisposalTests
{
    private const string Usings = """
        using System;
        using System.IO;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task A_call_left_running_inside_a_using_that_assigns_a_local_outlives_its_object() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            Task Copy(Stream destination)
            {
                Stream source;
                using (source = File.OpenRead("a"))
                {
                    return {|#0:source|}.CopyToAsync(destination);
                }
            }

            async Task CopyAwaited(Stream destination)
            {
                Stream source;
                using (source = File.OpenRead("a"))
                {
                    await source.CopyToAsync(destination);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithArguments("source", "Stream.CopyToAsync"));

    [Fact]
    public Task Work_started_inside_a_using_that_assigns_a_local_may_run_after_the_disposal() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void Read()
            {
                StreamReader reader;
                using (reader = new StreamReader("a"))
                {
                    Task.Run(() => Console.WriteLine({|#0:reader|}.ReadLine()));
                }
            }

            void ReadJoined()
            {
                StreamReader reader;
                using (reader = new StreamReader("a"))
                {
                    Task.Run(() => Console.WriteLine(reader.ReadLine())).Wait();
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE003").WithLocation(0).WithArguments("reader", "Task.Run"));
}
