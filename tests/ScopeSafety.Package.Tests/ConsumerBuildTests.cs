using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// A user's project with a PackageReference to the packed ScopeSafety and warnings as errors: the
/// analyzers fail the build on the hazards, <c>dotnet format analyzers</c> fixes them, safe code builds
/// clean, and .editorconfig settings take effect.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class ConsumerBuildTests(PackedPackage package)
{
    /// <summary>One hazard per rule; a trailing <c>// SCOPEnnn</c> marks where the build must report it.</summary>
    private const string Hazards = """
        namespace Consumer;

        public static class Hazards
        {
            public static unsafe void SquaresOnTheStack()
            {
                int* squares = stackalloc int[8];
                for (var i = 0; i < 8; i++)
                    squares[i] = i * i;
                Task.Run(() => Console.WriteLine($"squares: {squares[7]}")); // SCOPE001
            }

            public static void CountEvens(int[] numbers)
            {
                var evens = 0;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    foreach (var number in numbers)
                    {
                        if (number % 2 == 0)
                            evens++; // SCOPE002
                    }
                });
                Console.WriteLine($"evens: {evens}");
            }

            public static void WriteReport(string path)
            {
                using var writer = new StreamWriter(path);
                var thread = new Thread(() => writer.WriteLine("report")); // SCOPE003
                thread.Start();
            }

            public static Task CopyReport(string path, Stream destination)
            {
                using var source = File.OpenRead(path);
                return source.CopyToAsync(destination); // SCOPE003
            }
        }
        """;

    private const string RunHazards = """
        Consumer.Hazards.SquaresOnTheStack();
        Consumer.Hazards.CountEvens(Enumerable.Range(0, 5000).ToArray());
        var path = Path.Combine(AppContext.BaseDirectory, "report.txt");
        Consumer.Hazards.WriteReport(path);
        Console.WriteLine($"file: {File.ReadAllText(path).Trim()}");
        var copy = new MemoryStream();
        Consumer.Hazards.CopyReport(path, copy).Wait();
        Console.WriteLine($"copied: {System.Text.Encoding.UTF8.GetString(copy.ToArray()).Trim()}");
        Consumer.ReadmeTour.Run();
        """;

    [Fact]
    public void Hazards_fail_the_build_and_dotnet_format_analyzers_fixes_them_so_the_code_builds_and_runs()
    {
        var readme = ReadmeTour.Parse(package.RepositoryRoot);
        var consumer = ConsumerProject.Create(package, "tour", new Dictionary<string, string>
        {
            ["Hazards.cs"] = Hazards,
            ["ReadmeTour.cs"] = readme.HazardFile,
            ["Program.cs"] = RunHazards,
        });

        var hazardous = consumer.Build();
        Assert.False(hazardous.Succeeded, "The hazards should fail a warnings-as-errors build. " + hazardous);
        consumer.AssertScopeDiagnostics([.. consumer.ExpectedDiagnostics("Hazards.cs"), readme.ExpectedDiagnostic], hazardous);
        // The README's tour shows the very diagnostic the build prints.
        Assert.Contains(readme.ExpectedOutputLine, hazardous.Output, StringComparison.Ordinal);

        var format = consumer.FixWithDotNetFormat("SCOPE001", "SCOPE002", "SCOPE003");
        Assert.True(format.Succeeded, format.ToString());
        // dotnet format applies one fix provider's Fix All per rule and run: Run in a scope first, Await the call
        // (SCOPE003 on the returned copy) on the next run.
        var again = consumer.FixWithDotNetFormat("SCOPE003");
        Assert.True(again.Succeeded, again.ToString());
        var fixedCode = consumer.Read("Hazards.cs");
        var rebuilt = consumer.Build();
        Assert.True(rebuilt.Succeeded, $"The fixed code should build clean.{Environment.NewLine}{fixedCode}{Environment.NewLine}{rebuilt}");
        consumer.AssertScopeDiagnostics([], rebuilt);

        Assert.Contains("using ScopeSafety;", fixedCode, StringComparison.Ordinal);
        Assert.Contains("Scope.Run(", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("Task.Run(", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("ThreadPool.QueueUserWorkItem(", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("new Thread(", fixedCode, StringComparison.Ordinal);
        Assert.Contains("public static async Task CopyReport(", fixedCode, StringComparison.Ordinal);
        Assert.Contains("await source.CopyToAsync(destination).ConfigureAwait(false);", fixedCode, StringComparison.Ordinal);
        // ... and the very code the fix writes.
        var fixedTour = consumer.Read("ReadmeTour.cs");
        Assert.True(fixedTour.Contains(readme.FixedMethod, StringComparison.Ordinal), $"The README's fixed code:{Environment.NewLine}{readme.FixedMethod}{Environment.NewLine}is not what the fix wrote:{Environment.NewLine}{fixedTour}");
        Assert.NotEmpty(readme.FixedUsings);
        Assert.All(readme.FixedUsings, directive => Assert.Contains(directive, fixedTour.Split('\n').Select(line => line.Trim())));

        // Scoped, every piece of work has finished before the code after its scope runs: the output is certain.
        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(["squares: 49", "evens: 2500", "file: report", "copied: report", "49"], OutputLines(run));
    }

    [Fact]
    public void Scoped_code_builds_clean_and_runs_with_the_packaged_library()
    {
        var consumer = ConsumerProject.Create(package, "scoped", new Dictionary<string, string>
        {
            ["Program.cs"] = """
                using ScopeSafety;

                int[] numbers = Enumerable.Range(0, 5000).ToArray();
                long sum = Scope.Run(scope =>
                {
                    var parts = new List<ScopedTask<long>>();
                    foreach (var chunk in numbers.Chunk(625))
                        parts.Add(scope.Spawn(() => chunk.Sum(x => (long)x)));
                    return parts.Sum(part => part.Join());
                });
                Console.WriteLine($"Sum is {sum}");

                var (evens, odds) = Scope.Join(() => numbers.Count(n => n % 2 == 0), () => numbers.Count(n => n % 2 == 1));
                Console.WriteLine($"{evens} even, {odds} odd");

                var joined = Task.Run(() => numbers.Sum(x => (long)x));
                Console.WriteLine($"Task.Run joined: {joined.Result}");
                """,
        });

        var build = consumer.Build();

        Assert.True(build.Succeeded, build.ToString());
        consumer.AssertScopeDiagnostics([], build);
        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(["Sum is 12497500", "2500 even, 2500 odd", "Task.Run joined: 12497500"], OutputLines(run));
    }

    [Fact]
    public void Editorconfig_sets_severities_per_rule_and_per_category_and_lists_user_spawn_methods_and_constructors()
    {
        var consumer = ConsumerProject.Create(
            package,
            "configured",
            new Dictionary<string, string>
            {
                ["Hazards.cs"] = Hazards,
                ["Program.cs"] = RunHazards.Replace("Consumer.ReadmeTour.Run();", "", StringComparison.Ordinal),
                ["WorkQueue.cs"] = """
                    namespace Consumer;

                    /// <summary>Runs work in the background and returns at once, like Task.Run.</summary>
                    public static class WorkQueue
                    {
                        public static void Enqueue(Action work) => ThreadPool.UnsafeQueueUserWorkItem(static state => ((Action)state!)(), work);

                        public static void Post(Action work) => ThreadPool.UnsafeQueueUserWorkItem(static state => ((Action)state!)(), work);
                    }

                    /// <summary>Starts its work on the thread pool when constructed.</summary>
                    public sealed class Worker
                    {
                        public Worker(Action work) => ThreadPool.UnsafeQueueUserWorkItem(static state => ((Action)state!)(), work);
                    }

                    public static class QueueUsage
                    {
                        public static unsafe void Listed()
                        {
                            int* squares = stackalloc int[8];
                            WorkQueue.Enqueue(() => Console.WriteLine(squares[7])); // SCOPE001
                        }

                        public static unsafe void ListedConstructor()
                        {
                            int* squares = stackalloc int[8];
                            _ = new Worker(() => Console.WriteLine(squares[7])); // SCOPE001
                        }

                        public static unsafe void NotListed()
                        {
                            int* squares = stackalloc int[8];
                            WorkQueue.Post(() => Console.WriteLine(squares[7]));
                        }
                    }
                    """,
                // The documented id of a constructor, "#ctor": the config parser cuts the value at '#', so this
                // file's list is "M:Consumer.Worker." and Post after it is lost — which SCOPE090 says.
                ["Cut.cs"] = """
                    namespace Consumer;

                    public static class CutUsage
                    {
                        public static unsafe void Lost()
                        {
                            int* squares = stackalloc int[8];
                            _ = new Worker(() => Console.WriteLine(squares[7]));
                            WorkQueue.Post(() => Console.WriteLine(squares[6]));
                        }
                    }
                    """,
                [".editorconfig"] = """
                    root = true

                    [*.cs]
                    dotnet_diagnostic.SCOPE003.severity = none
                    dotnet_analyzer_diagnostic.category-ScopeSafety.Concurrency.severity = error
                    scopesafety.unscoped_methods = M:Consumer.WorkQueue.Enqueue(System.Action), M:Consumer.Worker..ctor(System.Action)

                    [Cut.cs]
                    scopesafety.unscoped_methods = M:Consumer.Worker.#ctor(System.Action), M:Consumer.WorkQueue.Post(System.Action)
                    """,
            },
            treatWarningsAsErrors: false);

        var build = consumer.Build();

        // SCOPE001 is an error by default; SCOPE002, a warning by default, is an error through its category
        // (warnings are not errors in this project); SCOPE003 is off; only the listed user method and
        // constructor are spawn sites; nothing in Cut.cs is, its list having been cut.
        consumer.AssertScopeDiagnostics(
            [
                new BuildDiagnostic("Hazards.cs", LineOf("squares[7]"), "error", "SCOPE001"),
                new BuildDiagnostic("Hazards.cs", LineOf("evens++"), "error", "SCOPE002"),
                .. consumer.ExpectedDiagnostics("WorkQueue.cs"),
            ],
            build);
        Assert.Contains(
            "warning SCOPE090: 'M:Consumer.Worker.' in scopesafety.unscoped_methods configures nothing: it is cut short",
            build.Output,
            StringComparison.Ordinal);
        Assert.DoesNotContain("SCOPE090: 'M:Consumer.WorkQueue", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_marked_ThreadSafe_or_listed_has_its_claim_checked_and_dotnet_format_fixes_its_flag_and_reset()
    {
        var consumer = ConsumerProject.Create(package, "threadsafe", new Dictionary<string, string>
        {
            ["Counters.cs"] = """
                using ScopeSafety;

                namespace Consumer;

                [ThreadSafe]
                public sealed class Counter
                {
                    private readonly object _gate = new object();
                    private int _count;
                    private bool _closed;

                    public void Add() { lock (_gate) { _count++; } }

                    public int Count { get { lock (_gate) { return _count; } } }

                    public void Reset() => _count = 0; // SCOPE010

                    public void Close() => _closed = true; // SCOPE010

                    public bool IsClosed => _closed;
                }

                public sealed class Tally
                {
                    private int _hits;

                    public void Hit() => _hits++; // SCOPE010

                    public int Hits => _hits;
                }
                """,
            ["Program.cs"] = """
                var counter = new Consumer.Counter();
                Parallel.For(0, 1000, _ => counter.Add());
                counter.Close();
                Console.WriteLine($"{counter.Count} {counter.IsClosed}");
                """,
            [".editorconfig"] = """
                root = true

                [*.cs]
                scopesafety.checked_thread_safe_types = T:Consumer.Tally
                """,
        });

        var build = consumer.Build();
        Assert.False(build.Succeeded, "The races should fail a warnings-as-errors build. " + build);
        consumer.AssertScopeDiagnostics(consumer.ExpectedDiagnostics("Counters.cs"), build);
        Assert.Contains("'_count' is written by Counter.Reset at line 16 while a call of Counter.Add at line 12 at the same time (Counter is declared thread-safe) may also write it",
            build.Output, StringComparison.Ordinal);

        // dotnet format applies one fix provider's Fix All per rule and run: the lock first, the volatile flag on the next run.
        var format = consumer.FixWithDotNetFormat("SCOPE010");
        Assert.True(format.Succeeded, format.ToString());
        var again = consumer.FixWithDotNetFormat("SCOPE010");
        Assert.True(again.Succeeded, again.ToString());
        var fixedCode = consumer.Read("Counters.cs");
        Assert.True(fixedCode.Contains("private volatile bool _closed;", StringComparison.Ordinal), fixedCode);
        Assert.Contains("lock (_gate)", fixedCode[fixedCode.IndexOf("public void Reset()", StringComparison.Ordinal)..], StringComparison.Ordinal);

        // The flag became volatile and the reset takes the lock the counter's other uses take; the listed type's
        // counter, which no lock guards anywhere, has no mechanical fix and stays reported.
        var rebuilt = consumer.Build();
        consumer.AssertScopeDiagnostics([new BuildDiagnostic("Counters.cs", LineOf(fixedCode, "_hits++"), "error", "SCOPE010")], rebuilt);

        // The fixed program computes what the original did: a thousand adds, then closed.
        // (The listed type's race stays: its report is turned off to build the program.)
        consumer.Write(".editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.SCOPE010.severity = none\n");
        var built = consumer.Build();
        Assert.True(built.Succeeded, built.ToString());
        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(["1000 True"], OutputLines(run));
    }

    private static int LineOf(string code, string text) =>
        Array.FindIndex(code.Split('\n'), line => line.Contains(text, StringComparison.Ordinal)) + 1;

    private static int LineOf(string text) =>
        Array.FindIndex(Hazards.Split('\n'), line => line.Contains(text, StringComparison.Ordinal)) + 1;

    private static string[] OutputLines(ProcessResult run) =>
        run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
