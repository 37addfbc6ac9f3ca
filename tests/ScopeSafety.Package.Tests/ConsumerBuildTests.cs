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
                    Console.WriteLine($"evens: {evens}");
                });
            }

            public static void WriteReport(string path)
            {
                using var writer = new StreamWriter(path); // SCOPE003
                var thread = new Thread(() => writer.WriteLine("report"));
                thread.Start();
            }
        }
        """;

    private const string RunHazards = """
        Consumer.Hazards.SquaresOnTheStack();
        Consumer.Hazards.CountEvens(Enumerable.Range(0, 5000).ToArray());
        var path = Path.Combine(AppContext.BaseDirectory, "report.txt");
        Consumer.Hazards.WriteReport(path);
        Console.WriteLine($"file: {File.ReadAllText(path).Trim()}");
        """;

    [Fact]
    public void Hazards_fail_the_build_with_each_rule_id_at_its_line()
    {
        var consumer = ConsumerProject.Create(package, "hazards", new Dictionary<string, string> { ["Hazards.cs"] = Hazards, ["Program.cs"] = RunHazards });

        var build = consumer.Build();

        Assert.False(build.Succeeded, "The hazards should fail a warnings-as-errors build. " + build);
        Assert.Equal(consumer.ExpectedDiagnostics("Hazards.cs"), consumer.ScopeDiagnostics(build));
    }

    [Fact]
    public void Dotnet_format_analyzers_applies_the_fixes_and_the_fixed_project_builds_and_runs()
    {
        var consumer = ConsumerProject.Create(package, "fixed", new Dictionary<string, string> { ["Hazards.cs"] = Hazards, ["Program.cs"] = RunHazards });

        var format = consumer.FixWithDotNetFormat("SCOPE001", "SCOPE002", "SCOPE003");
        Assert.True(format.Succeeded, format.ToString());
        var build = consumer.Build();
        Assert.True(build.Succeeded, $"The fixed code should build clean.{Environment.NewLine}{consumer.Read("Hazards.cs")}{Environment.NewLine}{build}");
        Assert.Empty(consumer.ScopeDiagnostics(build));

        var fixedCode = consumer.Read("Hazards.cs");
        Assert.Contains("using ScopeSafety;", fixedCode, StringComparison.Ordinal);
        Assert.Contains("Scope.Run(", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("Task.Run(", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("ThreadPool.QueueUserWorkItem(", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("new Thread(", fixedCode, StringComparison.Ordinal);

        // Scoped, every piece of work has finished before its method returns, so the output is certain.
        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(["squares: 49", "evens: 2500", "file: report"], OutputLines(run));
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

                var total = 0L;
                var joined = Task.Run(() => numbers.Sum(x => (long)x));
                total = joined.Result;
                Console.WriteLine($"Task.Run joined: {total}");
                """,
        });

        var build = consumer.Build();

        Assert.True(build.Succeeded, build.ToString());
        Assert.Empty(consumer.ScopeDiagnostics(build));
        var run = consumer.RunProgram();
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(["Sum is 12497500", "2500 even, 2500 odd", "Task.Run joined: 12497500"], OutputLines(run));
    }

    [Fact]
    public void Editorconfig_switches_a_rule_off_by_id()
    {
        var consumer = ConsumerProject.Create(package, "rule-off", new Dictionary<string, string>
        {
            ["Hazards.cs"] = Hazards,
            ["Program.cs"] = RunHazards,
            [".editorconfig"] = """
                root = true

                [*.cs]
                dotnet_diagnostic.SCOPE002.severity = none
                """,
        });

        var build = consumer.Build();

        var expected = consumer.ExpectedDiagnostics("Hazards.cs").Where(diagnostic => diagnostic.Id != "SCOPE002").ToList();
        Assert.Equal(expected, consumer.ScopeDiagnostics(build));
    }

    [Fact]
    public void Editorconfig_raises_a_whole_category_to_error()
    {
        var consumer = ConsumerProject.Create(
            package,
            "category-error",
            new Dictionary<string, string> { ["Hazards.cs"] = Hazards, ["Program.cs"] = RunHazards },
            treatWarningsAsErrors: false);

        var byDefault = consumer.Build();
        consumer.Write(".editorconfig", """
            root = true

            [*.cs]
            dotnet_analyzer_diagnostic.category-ScopeSafety.Concurrency.severity = error
            """);
        var configured = consumer.Build();

        Assert.Contains(new BuildDiagnostic("Hazards.cs", LineOf("evens++"), "warning", "SCOPE002"), consumer.ScopeDiagnostics(byDefault));
        Assert.Contains(new BuildDiagnostic("Hazards.cs", LineOf("evens++"), "error", "SCOPE002"), consumer.ScopeDiagnostics(configured));
        // Only the Concurrency category moved: SCOPE003 (Lifetime) stays a warning.
        Assert.Contains(consumer.ScopeDiagnostics(configured), diagnostic => diagnostic is { Id: "SCOPE003", Severity: "warning" });
    }

    [Fact]
    public void The_unscoped_methods_key_makes_a_user_method_a_spawn_site()
    {
        var consumer = ConsumerProject.Create(package, "unscoped-methods", new Dictionary<string, string>
        {
            ["WorkQueue.cs"] = """
                namespace Consumer;

                /// <summary>Runs work in the background and returns at once, like Task.Run.</summary>
                public static class WorkQueue
                {
                    public static void Enqueue(Action work) => ThreadPool.UnsafeQueueUserWorkItem(static state => ((Action)state!)(), work);
                }
                """,
            ["Program.cs"] = """
                Consumer.Usage.SquaresOnTheStack();

                namespace Consumer
                {
                    public static class Usage
                    {
                        public static unsafe void SquaresOnTheStack()
                        {
                            int* squares = stackalloc int[8];
                            WorkQueue.Enqueue(() => Console.WriteLine(squares[7])); // SCOPE001
                        }
                    }
                }
                """,
        });

        var unconfigured = consumer.Build();
        consumer.Write(".editorconfig", """
            root = true

            [*.cs]
            scopesafety.unscoped_methods = M:Consumer.WorkQueue.Enqueue(System.Action)
            """);
        var configured = consumer.Build();

        Assert.True(unconfigured.Succeeded, "An unknown user method is not a spawn site. " + unconfigured);
        Assert.Empty(consumer.ScopeDiagnostics(unconfigured));
        Assert.False(configured.Succeeded, "Listed as unscoped, the method is a spawn site. " + configured);
        Assert.Equal(consumer.ExpectedDiagnostics("Program.cs"), consumer.ScopeDiagnostics(configured));
    }

    private static int LineOf(string text) =>
        Array.FindIndex(Hazards.Split('\n'), line => line.Contains(text, StringComparison.Ordinal)) + 1;

    private static string[] OutputLines(ProcessResult run) =>
        run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
