using Microsoft.CodeAnalysis;
using Xunit.Sdk;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.Tests.Verifiers.WriteLineAnalyzer>;
using VerifyFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.Tests.Verifiers.WriteLineAnalyzer, ScopeSafety.Analyzers.Tests.Verifiers.WriteLineToWriteFixer>;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>Proves that the harness accepts what is right and rejects, with a helpful message, what is wrong.</summary>
public class HarnessTests
{
    private const string OneCall = """
        using System;

        class C
        {
            void M() => Console.WriteLine("hi");
        }
        """;

    [Fact]
    public Task Square_bracket_markup_expects_the_analyzers_diagnostic_on_that_span() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            void M() => [|Console.WriteLine("hi")|];
        }
        """);

    [Fact]
    public Task Id_markup_expects_that_id_on_that_span() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            void M() => {|TEST001:Console.WriteLine("hi")|};
        }
        """);

    [Fact]
    public Task Numbered_markup_is_referenced_by_WithLocation_and_may_nest() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            void M()
            {
                {|#0:Console.WriteLine({|#1:"hi"|})|};
                Console.Write("fine");
            }
        }
        """,
        Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("WriteLine"));

    [Fact]
    public Task Line_column_and_span_forms_match() => Verify.VerifyAnalyzerAsync(
        OneCall,
        Verify.Diagnostic("TEST001").WithSpan(5, 17, 5, 40).WithMessage("Call to 'Console.WriteLine'").WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Start_position_alone_matches() => Verify.VerifyAnalyzerAsync(OneCall, Verify.Diagnostic().WithLocation(5, 17));

    [Fact]
    public Task Several_documents_are_addressed_by_path() => new Verify.Test
    {
        TestSources = { "class A { }", OneCall },
        ExpectedDiagnostics = { Verify.Diagnostic().WithSpan("/0/Test1.cs", 5, 17, 5, 40) },
    }.RunAsync();

    [Fact]
    public async Task A_missing_diagnostic_fails_and_says_which()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => Verify.VerifyAnalyzerAsync("""
            using System;

            class C
            {
                void M() => [|Console.Write("hi")|];
            }
            """));

        Assert.Contains("Expected but not reported:", failure.Message);
        Assert.Contains("/0/Test0.cs(5,17)-(5,36): warning TEST001", failure.Message);
        Assert.Contains("void M() => Console.Write(\"hi\");", failure.Message);
    }

    [Fact]
    public async Task An_unexpected_diagnostic_fails_and_suggests_the_expectation()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => Verify.VerifyAnalyzerAsync(OneCall));

        Assert.Contains("Reported but not expected:", failure.Message);
        Assert.Contains("/0/Test0.cs(5,17)-(5,40) + /0/Test0.cs(5,35)-(5,39): warning TEST001: Call to 'Console.WriteLine'", failure.Message);
        Assert.Contains("Diagnostic(\"TEST001\").WithSpan(5, 17, 5, 40)", failure.Message);
    }

    [Fact]
    public async Task A_wrong_span_fails_and_names_both_spans()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() =>
            Verify.VerifyAnalyzerAsync(OneCall, Verify.Diagnostic().WithSpan(5, 17, 5, 34)));

        Assert.Contains("location: (5,17)-(5,40) instead of (5,17)-(5,34)", failure.Message);
    }

    [Fact]
    public async Task Wrong_additional_locations_fail_when_listed()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => Verify.VerifyAnalyzerAsync("""
            using System;

            class C
            {
                void M() => {|#0:Console.WriteLine("hi")|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(0)));

        Assert.Contains("additional location 1", failure.Message);
    }

    [Fact]
    public async Task Wrong_arguments_fail_and_show_both_messages()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() =>
            Verify.VerifyAnalyzerAsync(OneCall, Verify.Diagnostic().WithLocation(5, 17).WithArguments("Write")));

        Assert.Contains("message \"Call to 'Console.WriteLine'\" instead of \"Call to 'Console.Write'\"", failure.Message);
    }

    [Fact]
    public async Task A_wrong_severity_fails()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() =>
            Verify.VerifyAnalyzerAsync(OneCall, Verify.Diagnostic().WithLocation(5, 17).WithSeverity(DiagnosticSeverity.Error)));

        Assert.Contains("severity Warning instead of Error", failure.Message);
    }

    private const string Uncompilable = """
        class C
        {
            int M() => ;
        }
        """;

    [Fact]
    public async Task Uncompilable_input_fails()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => Verify.VerifyAnalyzerAsync(Uncompilable));

        Assert.Contains("error CS1525", failure.Message);
    }

    [Fact]
    public Task Uncompilable_input_passes_when_its_errors_are_expected() =>
        Verify.VerifyAnalyzerAsync(Uncompilable, DiagnosticResult.CompilerError("CS1525").WithSpan(3, 16, 3, 17));

    [Fact]
    public Task Compiler_errors_may_be_marked_up_too() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            int M() => {|CS0103:missing|};
        }
        """);

    [Fact]
    public Task Compiler_warnings_take_part_only_when_asked() => new Verify.Test
    {
        TestCode = "class C { void M() { int {|CS0168:unused|}; } }",
        CompilerDiagnostics = CompilerDiagnostics.Warnings,
    }.RunAsync();

    [Fact]
    public async Task An_analyzer_that_throws_fails_the_test_with_the_exception()
    {
        var failure = await Assert.ThrowsAnyAsync<XunitException>(() =>
            CSharpAnalyzerVerifier<ThrowingAnalyzer>.VerifyAnalyzerAsync(OneCall));

        Assert.Contains("AD0001", failure.Message);
        Assert.Contains("boom from the test analyzer", failure.Message);
    }

    [Fact]
    public Task EditorConfig_severity_changes_the_reported_severity() => new Verify.Test
    {
        TestCode = OneCall,
        EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.TEST001.severity = error\n",
        ExpectedDiagnostics = { Verify.Diagnostic().WithLocation(5, 17).WithSeverity(DiagnosticSeverity.Error) },
    }.RunAsync();

    [Fact]
    public Task EditorConfig_severity_none_removes_the_diagnostic() => new Verify.Test
    {
        TestCode = OneCall,
        EditorConfig = "root = true\n[*.cs]\ndotnet_diagnostic.TEST001.severity = none\n",
    }.RunAsync();

    [Fact]
    public Task Global_config_works_as_well() => new Verify.Test
    {
        TestCode = OneCall,
        EditorConfig = "is_global = true\ndotnet_diagnostic.TEST001.severity = suggestion\n",
        ExpectedDiagnostics = { Verify.Diagnostic().WithLocation(5, 17).WithSeverity(DiagnosticSeverity.Info) },
    }.RunAsync();

    [Fact]
    public Task EditorConfig_keys_reach_the_analyzer() => new Verify.Test
    {
        TestCode = OneCall,
        EditorConfig = "root = true\n[*.cs]\nharness_test.ignore_writeline = true\n",
    }.RunAsync();

    [Fact]
    public Task EditorConfig_generated_code_marks_a_document_generated() => new Verify.Test
    {
        TestCode = OneCall,
        EditorConfig = "root = true\n[*.cs]\ngenerated_code = true\n",
    }.RunAsync();

    [Fact]
    public Task ScopeSafety_is_referenced_unless_switched_off() => new Verify.Test
    {
        TestCode = "class C { ScopeSafety.Scope? _scope; }",
        ReferenceScopeSafety = false,
        ExpectedDiagnostics = { DiagnosticResult.CompilerError("CS0246").WithSpan(1, 11, 1, 22) },
    }.RunAsync();

    [Fact]
    public Task ScopeSafety_is_referenced_by_default() =>
        Verify.VerifyAnalyzerAsync("class C { ScopeSafety.Scope? _scope; }");

    [Fact]
    public void Diagnostic_without_id_needs_an_analyzer_with_one_descriptor() =>
        Assert.Throws<InvalidOperationException>(() => CSharpAnalyzerVerifier<TwoRulesAnalyzer>.Diagnostic());

    [Fact]
    public Task Generated_code_is_not_analyzed() => new Verify.Test
    {
        TestSources = { "// <auto-generated/>\n" + OneCall },
    }.RunAsync();

    private static string TwoCalls(string type = "C") => $$"""
        using System;

        class {{type}}
        {
            void M()
            {
                [|Console.WriteLine("a")|];
                [|Console.WriteLine(1)|];
            }
        }
        """;

    private static string TwoCallsFixed(string type = "C") => $$"""
        using System;

        class {{type}}
        {
            void M()
            {
                Console.Write("a");
                Console.Write(1);
            }
        }
        """;

    [Fact]
    public Task The_fix_is_applied_and_cleaned_up_by_Simplifier_and_Formatter() => VerifyFix.VerifyCodeFixAsync(TwoCalls(), TwoCallsFixed());

    [Fact]
    public Task The_fix_and_Fix_All_in_every_scope_cover_every_document_and_project() => new VerifyFix.Test
    {
        TestSources = { TwoCalls("A"), TwoCalls("B") },
        SecondProjectSources = { TwoCalls() },
        FixedSources = { TwoCallsFixed("A"), TwoCallsFixed("B") },
        FixedSecondProjectSources = { TwoCallsFixed() },
        NumberOfIncrementalIterations = 6,
    }.RunAsync();

    [Fact]
    public Task Fix_All_fixes_every_diagnostic_of_a_document_in_one_round() => new VerifyFix.Test
    {
        TestCode = TwoCalls(),
        FixedCode = TwoCallsFixed(),
        NumberOfIncrementalIterations = 2,
        NumberOfFixAllIterations = 1,
    }.RunAsync();

    [Fact]
    public async Task Fix_All_results_are_compared_per_scope()
    {
        // The second project is fixed only by the solution scope, so a Fix All expectation that leaves it alone must fail there.
        var failure = await Assert.ThrowsAsync<FailException>(() => new VerifyFix.Test
        {
            TestCode = TwoCalls(),
            SecondProjectSources = { TwoCalls() },
            FixedCode = TwoCallsFixed(),
            FixedSecondProjectSources = { TwoCallsFixed() },
            BatchFixedCode = TwoCallsFixed(),
            BatchFixedSecondProjectSources = { TwoCalls() },
        }.RunAsync());

        Assert.Contains("/1/Test0.cs differs", failure.Message);
    }

    [Fact]
    public Task The_action_is_chosen_by_equivalence_key() => new VerifyFix.Test
    {
        TestCode = OneCall.Replace("Console.WriteLine(\"hi\")", "[|Console.WriteLine(\"hi\")|]", StringComparison.Ordinal),
        FixedCode = OneCall.Replace("Console.WriteLine(\"hi\")", "_ = 0", StringComparison.Ordinal),
        CodeActionEquivalenceKey = "TEST001_Discard",
    }.RunAsync();

    [Fact]
    public Task The_action_is_chosen_by_index() => new VerifyFix.Test
    {
        TestCode = OneCall.Replace("Console.WriteLine(\"hi\")", "[|Console.WriteLine(\"hi\")|]", StringComparison.Ordinal),
        FixedCode = OneCall.Replace("Console.WriteLine(\"hi\")", "_ = 0", StringComparison.Ordinal),
        CodeActionIndex = 1,
    }.RunAsync();

    [Fact]
    public async Task An_equivalence_key_nobody_offers_fails()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => new VerifyFix.Test
        {
            TestCode = OneCall.Replace("Console.WriteLine(\"hi\")", "[|Console.WriteLine(\"hi\")|]", StringComparison.Ordinal),
            FixedCode = OneCall.Replace("Console.WriteLine(\"hi\")", "_ = 0", StringComparison.Ordinal),
            CodeActionEquivalenceKey = "TEST001_NoSuchAction",
        }.RunAsync());

        Assert.Contains("/0/Test0.cs differs", failure.Message);
    }

    [Fact]
    public async Task A_wrong_fixed_code_fails_with_a_line_diff()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() =>
            VerifyFix.VerifyCodeFixAsync(TwoCalls(), TwoCallsFixed().Replace("Write(1)", "Write(2)", StringComparison.Ordinal)));

        Assert.Contains("-          Console.Write(2);", failure.Message);
        Assert.Contains("+          Console.Write(1);", failure.Message);
    }

    [Fact]
    public async Task A_fixer_that_produces_uncompilable_code_fails()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() =>
            CSharpCodeFixVerifier<WriteLineAnalyzer, UncompilableFixer>.VerifyCodeFixAsync(TwoCalls(), TwoCallsFixed().Replace("Write", "Writ", StringComparison.Ordinal)));

        Assert.Contains("error CS0117", failure.Message);
    }

    [Fact]
    public Task No_fix_offered_is_asserted_by_fixed_code_equal_to_test_code() =>
        CSharpCodeFixVerifier<WriteLineAnalyzer, NoActionFixer>.VerifyNoCodeFixAsync(TwoCalls());

    [Fact]
    public async Task An_offered_fix_fails_a_no_fix_expectation()
    {
        var failure = await Assert.ThrowsAsync<FailException>(() => VerifyFix.VerifyNoCodeFixAsync(TwoCalls()));

        Assert.Contains("no code action may be offered", failure.Message);
    }

    [Fact]
    public void Markup_is_stripped_and_spans_point_into_the_stripped_text()
    {
        var marked = Infrastructure.Markup.Parse("a[|b{|#0:c|}|]{|X1:d|}e {| not markup |} x[0] |]");

        Assert.Equal("abcde {| not markup |} x[0] |]", marked.Text);
        Assert.Collection(
            marked.Spans.OrderBy(s => s.Span.Start).ThenBy(s => s.Span.Length),
            s => Assert.Equal((null, null, "bc"), (s.Name, s.Key, marked.Text[s.Span.Start..s.Span.End])),
            s => Assert.Equal((null, 0, "c"), (s.Name, s.Key, marked.Text[s.Span.Start..s.Span.End])),
            s => Assert.Equal(("X1", null, "d"), (s.Name, s.Key, marked.Text[s.Span.Start..s.Span.End])));
    }

    [Fact]
    public void Unclosed_markup_is_rejected() =>
        Assert.Throws<ArgumentException>(() => Infrastructure.Markup.Parse("a [|b"));
}
