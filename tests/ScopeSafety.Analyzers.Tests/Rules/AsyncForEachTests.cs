using VerifyCapture = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;
using VerifyRace = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// <c>items.ForEach(async x =&gt; …)</c> and <c>Array.ForEach</c> with an async function that returns nothing: every run
/// goes as far as its first await inside the call and on from there beside the other runs and the caller, and nothing
/// waits for it (async void). What a run does before its first await is made inside the call. Each hazard beside its
/// silent twin. The capture tests' class starts at line 19, the race tests' at line 8.
/// </summary>
public class AsyncForEachTests
{
    [Fact]
    public Task A_local_written_after_the_first_await_is_shared_with_the_method() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static int M(List<string> items)
            {
                var n = 0;
                items.ForEach(async s =>
                {
                    await Task.Delay(1);
                    {|#0:n|}++;
                });
                return n;
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE002").WithLocation(0).WithArguments("n", "work started with List.ForEach(async …)", "the method", "read"));

    [Fact]
    public Task A_local_written_before_the_first_await_is_written_inside_the_call() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static int M(List<string> items)
            {
                var n = 0;
                items.ForEach(async s =>
                {
                    n++;
                    await Task.Delay(1);
                });
                return n;
            }
        }
        """);

    [Fact]
    public Task A_synchronous_ForEach_is_a_loop() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static int M(List<string> items)
            {
                var n = 0;
                items.ForEach(s => n++);
                Array.ForEach(items.ToArray(), s => n++);
                return n;
            }
        }
        """);

    [Fact]
    public Task A_client_disposed_while_the_runs_still_await_it() => VerifyCapture.VerifyAnalyzerAsync(UnscopedCaptureAnalyzerSharingTests.Usings + """
        class C
        {
            static void M(List<string> paths)
            {
                using var reader = new StringReader("");
                paths.ForEach(async p =>
                {
                    await Task.Delay(1);
                    Console.WriteLine({|#0:reader|}.ReadLine());
                });
            }
        }
        """,
        VerifyCapture.Diagnostic("SCOPE003").WithLocation(0).WithArguments("reader", "List.ForEach(async …)"));

    [Fact]
    public Task A_dictionary_field_mutated_after_the_first_await_races_with_the_other_runs() => VerifyRace.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class C
        {
            private readonly Dictionary<string, int> _sizes = new();
            void M(string[] urls)
            {
                Array.ForEach(urls, async u =>
                {
                    await Task.Delay(1);
                    {|#0:_sizes|}[u] = u.Length;
                });
            }
        }
        """,
        VerifyRace.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_sizes", "Dictionary<string, int>", "work started with Array.ForEach(async …) at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task An_async_void_method_handed_to_ForEach_races_with_its_other_runs() => VerifyRace.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class C
        {
            private int _done;
            void M(List<string> urls) => urls.ForEach({|#0:Fetch|});
            async void Fetch(string u)
            {
                await Task.Delay(1);
                _done++;
            }
        }
        """,
        VerifyRace.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_done", "work started with List.ForEach(async …) at line 10 (in C.Fetch)", "another run of the same work", "also write"));

    [Fact]
    public Task A_field_mutated_before_the_first_await_is_mutated_inside_the_call() => VerifyRace.VerifyAnalyzerAsync(ConcurrentAccessAnalyzerTests.Usings + """
        class C
        {
            private readonly Dictionary<string, int> _sizes = new();
            void M(List<string> urls)
            {
                urls.ForEach(async u =>
                {
                    _sizes[u] = u.Length;
                    await Task.Delay(1);
                });
            }
        }
        """);
}
