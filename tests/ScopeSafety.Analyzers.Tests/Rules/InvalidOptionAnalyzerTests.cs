using Options = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.InvalidOptionAnalyzer>;
using Capture = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE090 and the scopesafety.*_methods options end to end: every .editorconfig / .globalconfig here goes
/// through Roslyn's own config parser (an analyzer config document of the test project), as in a real build.
/// </summary>
public class InvalidOptionAnalyzerTests
{
    private const string Library = """
        using System;

        namespace MyLib
        {
            public sealed class Worker
            {
                public Worker(Action work) { }
                public Worker(Action work, string name) { }
            }

            public static class Pool
            {
                public static void Enqueue(Action work) { }
                public static void Enqueue(Action work, int priority) { }
                public static void Run(Action[] work) { }
            }
        }
        """;

    /// <summary>A constructor and a method that start work capturing a stack pointer, when the options list them.</summary>
    private const string Usage = """
        using System;

        class C
        {
            unsafe void M()
            {
                int* squares = stackalloc int[8];
                new MyLib.Worker(() => Console.WriteLine(SQUARES_0[0]));
                MyLib.Pool.Enqueue(() => Console.WriteLine(SQUARES_1[1]));
            }
        }
        """;

    private static string Config(string line) => "root = true\n\n[*.cs]\n" + line + "\n";

    private static string Hazards(bool workerListed, bool poolListed) => Usage
        .Replace("SQUARES_0", workerListed ? "{|SCOPE001:squares|}" : "squares", StringComparison.Ordinal)
        .Replace("SQUARES_1", poolListed ? "{|SCOPE001:squares|}" : "squares", StringComparison.Ordinal);

    [Fact]
    public Task The_documentation_id_of_a_constructor_is_cut_at_its_hash_and_everything_after_it_is_lost()
    {
        // What Roslyn's parser makes of it: "M:MyLib.Worker." — '#' starts a comment, Pool.Enqueue is gone too.
        return new Capture.Test
        {
            TestCode = Hazards(workerListed: false, poolListed: false),
            TestSources = { Library },
            EditorConfig = Config("scopesafety.unscoped_methods = M:MyLib.Worker.#ctor(System.Action), M:MyLib.Pool.Enqueue(System.Action)"),
        }.RunAsync();
    }

    private const string CounterLibrary = """
        namespace MyLib
        {
            public sealed class Counter { public int Value; }

            public sealed class Cache<T> { }
        }
        """;

    [Fact]
    public Task A_misspelt_type_in_not_thread_safe_types_is_reported_and_its_correct_twin_is_not()
    {
        return new Options.Test
        {
            TestCode = CounterLibrary,
            EditorConfig = Config("scopesafety.not_thread_safe_types = MyLib.Countr, T:MyLib.Counter, MyLib.Cache`1"),
            ExpectedDiagnostics =
            {
                Options.Diagnostic("SCOPE090").WithArguments("MyLib.Countr", "scopesafety.not_thread_safe_types", "no type 'MyLib.Countr' is visible to this project"),
            },
        }.RunAsync();
    }

    [Fact]
    public Task A_misspelt_type_in_checked_thread_safe_types_is_reported_and_its_correct_twin_is_not()
    {
        return new Options.Test
        {
            TestCode = CounterLibrary,
            EditorConfig = Config("scopesafety.checked_thread_safe_types = MyLib.Countr, T:MyLib.Counter"),
            ExpectedDiagnostics =
            {
                Options.Diagnostic("SCOPE090").WithArguments("MyLib.Countr", "scopesafety.checked_thread_safe_types", "no type 'MyLib.Countr' is visible to this project"),
            },
        }.RunAsync();
    }

    [Fact]
    public Task A_generic_type_without_its_arity_and_a_method_id_in_thread_safe_types_are_reported()
    {
        return new Options.Test
        {
            TestCode = CounterLibrary,
            EditorConfig = Config("scopesafety.thread_safe_types = MyLib.Cache | M:MyLib.Counter.Add"),
            ExpectedDiagnostics =
            {
                Options.Diagnostic("SCOPE090").WithArguments("MyLib.Cache", "scopesafety.thread_safe_types", "'MyLib.Cache' is generic: its id ends with a backtick and the number of type parameters, e.g. 'MyLib.Cache`1'"),
                Options.Diagnostic("SCOPE090").WithArguments("M:MyLib.Counter.Add", "scopesafety.thread_safe_types", "it is not a type id (it starts with 'M:'); list types, with 'T:' or without a prefix"),
            },
        }.RunAsync();
    }

    [Fact]
    public Task A_type_in_a_namespace_the_project_does_not_see_is_not_reported()
    {
        return new Options.Test
        {
            TestCode = CounterLibrary,
            EditorConfig = Config("scopesafety.not_thread_safe_types = OtherLib.Counter"),
        }.RunAsync();
    }

    [Fact]
    public Task A_cut_value_is_reported_with_the_spelling_that_survives()
    {
        return new Options.Test
        {
            TestCode = Library,
            EditorConfig = Config("scopesafety.unscoped_methods = M:MyLib.Worker.#ctor(System.Action), M:MyLib.Pool.Enqueue(System.Action)"),
            ExpectedDiagnostics =
            {
                Options.Diagnostic("SCOPE090").WithArguments(
                    "M:MyLib.Worker.",
                    "scopesafety.unscoped_methods",
                    "it is cut short: '#' and ';' start a comment in .editorconfig and .globalconfig, so the value ends there and every id after it is lost; write a constructor as 'MyLib.Worker..ctor(...)'"),
            },
        }.RunAsync();
    }

    [Theory]
    [InlineData("M:MyLib.Worker..ctor(System.Action), M:MyLib.Pool.Enqueue(System.Action)")]
    [InlineData("MyLib.Worker..ctor | MyLib.Pool.Enqueue")]
    [InlineData("M:MyLib.Worker.Worker(System.Action), MyLib.Pool.Enqueue(System.Action)")]
    [InlineData("MyLib.Worker.Worker, M:MyLib.Pool.Enqueue")]
    public async Task Constructors_spelt_with_ctor_or_the_type_name_are_spawns_and_every_id_after_them_counts(string ids)
    {
        var config = Config("scopesafety.unscoped_methods = " + ids);
        await new Capture.Test
        {
            TestCode = Hazards(workerListed: true, poolListed: true),
            TestSources = { Library },
            EditorConfig = config,
        }.RunAsync();
        await new Options.Test { TestCode = Library, EditorConfig = config }.RunAsync();
    }

    [Fact]
    public Task A_global_section_of_a_globalconfig_configures_every_file()
    {
        return new Capture.Test
        {
            TestCode = Hazards(workerListed: true, poolListed: false),
            TestSources = { Library },
            EditorConfig = "is_global = true\nscopesafety.unscoped_methods = M:MyLib.Worker..ctor(System.Action)\n",
        }.RunAsync();
    }

    [Fact]
    public Task A_structured_constructor_is_exempt_from_the_unscoped_rules()
    {
        return new Capture.Test
        {
            TestCode = Hazards(workerListed: false, poolListed: true),
            TestSources = { Library },
            EditorConfig = Config("scopesafety.unscoped_methods = MyLib.Pool.Enqueue\nscopesafety.structured_methods = MyLib.Worker..ctor"),
        }.RunAsync();
    }

    [Theory]
    [InlineData("M:MyLib.Pool.Enqeue(System.Action)", "'MyLib.Pool' has no method 'Enqeue'")]
    [InlineData("MyLib.Pool.Enqeue", "'MyLib.Pool' has no method 'Enqeue'")]
    [InlineData("M:MyLib.Pol.Enqueue", "no type 'MyLib.Pol' is visible to this project")]
    [InlineData("M:MyLib.Pool.Enqueue(Action)", "no overload has these parameters (the id of a method names each parameter type in full, e.g. 'M:MyLib.Pool.Enqueue(System.Action)', 'M:MyLib.Pool.Enqueue(System.Action,System.Int32)')")]
    [InlineData("M:MyLib.Worker..ctor(System.Func{System.Int32})", "no overload has these parameters (the id of a method names each parameter type in full, e.g. 'M:MyLib.Worker.#ctor(System.Action)', 'M:MyLib.Worker.#ctor(System.Action,System.String)')")]
    [InlineData("M:MyLib.Pool.Enqueue``1", "'MyLib.Pool' has no method 'Enqueue' with 1 type parameters")]
    [InlineData("T:MyLib.Pool", "it is not a method id (it starts with 'T:'); list methods and constructors, with 'M:' or without a prefix")]
    [InlineData("MyLib.Pool Enqueue", "it is not a method's documentation comment id, such as 'M:MyLib.Pool.Enqueue(System.Action)' or 'MyLib.Worker..ctor(System.Action)'")]
    [InlineData("Enqueue", "it is not a method's documentation comment id, such as 'M:MyLib.Pool.Enqueue(System.Action)' or 'MyLib.Worker..ctor(System.Action)'")]
    [InlineData("M:MyLib.Pool.Enqueue(System.Action", "its parameter list is not closed (a '#' or ';' in the value starts a comment in .editorconfig and .globalconfig), or has text after it")]
    [InlineData("M:MyLib.Pool.Enqueue(System.Action)x", "its parameter list is not closed (a '#' or ';' in the value starts a comment in .editorconfig and .globalconfig), or has text after it")]
    public Task A_malformed_or_unknown_id_is_reported_once_with_what_is_wrong(string id, string problem)
    {
        return new Options.Test
        {
            TestCode = Library,
            TestSources = { "class Other { }" },
            EditorConfig = Config($"scopesafety.structured_methods = MyLib.Pool.Run, {id}"),
            ExpectedDiagnostics = { Options.Diagnostic("SCOPE090").WithArguments(id, "scopesafety.structured_methods", problem) },
        }.RunAsync();
    }

    [Fact]
    public Task An_id_of_a_library_the_project_does_not_reference_is_not_reported()
    {
        // One .editorconfig serves every project of a repository; the test project need not reference MyLib.
        return new Options.Test
        {
            TestCode = "class C { }",
            EditorConfig = Config("scopesafety.unscoped_methods = M:ThirdParty.Jobs.Scheduler.Post(System.Action), ThirdParty.Jobs.Worker..ctor"),
        }.RunAsync();
    }

    [Fact]
    public Task An_id_listed_in_two_sections_is_reported_once()
    {
        return new Options.Test
        {
            TestCode = Library,
            TestSources = { "class Other { }" },
            EditorConfig = "root = true\n\n[*.cs]\nscopesafety.unscoped_methods = MyLib.Pool.Nope\n\n[Test1.cs]\nscopesafety.unscoped_methods = MyLib.Pool.Enqueue, MyLib.Pool.Nope\n",
            ExpectedDiagnostics = { Options.Diagnostic("SCOPE090").WithArguments("MyLib.Pool.Nope", "scopesafety.unscoped_methods", "'MyLib.Pool' has no method 'Nope'") },
        }.RunAsync();
    }

    [Fact]
    public Task The_option_check_is_turned_off_in_a_globalconfig_as_it_belongs_to_no_file()
    {
        // A diagnostic without a source location takes its severity from the global options only.
        return new Options.Test
        {
            TestCode = Library,
            EditorConfig = "is_global = true\ndotnet_diagnostic.SCOPE090.severity = none\nscopesafety.unscoped_methods = MyLib.Pool.Nope\n",
        }.RunAsync();
    }
}
