using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// Proves that an analyzer survives code being typed: it runs the analyzer on every prefix of a source
/// that ends at a token end (what an editor sees while the user types) and fails, naming the shortest
/// failing prefix, when the analyzer throws. Compiler errors in the prefixes are of course ignored.
/// </summary>
/// <remarks>
/// Recommended use, robust against xunit's test ordering and parallelism: keep the test sources of a
/// rule in static members of its test class and add one theory over them, e.g.
/// <code>
/// public static TheoryData&lt;string&gt; Sources => [Hazard, SafeTwin, …];
/// [Theory, MemberData(nameof(Sources))]
/// public Task Survives_every_prefix(string source) => IncompleteCode.VerifyNoAnalyzerExceptionsAsync&lt;MyAnalyzer&gt;(source);
/// </code>
/// Each theory row is independent of every other test, so nothing depends on which tests ran before.
/// Markup in the sources is stripped first, so the same constants serve the verifier tests.
/// Cost: one parse (incremental) and one analyzer run per token; it reuses one compilation and its
/// bound references (see the harness self-tests for a measured figure).
/// </remarks>
public static class IncompleteCode
{
    /// <summary>Fails when <typeparamref name="TAnalyzer"/> throws on any token-end prefix of <paramref name="source"/>.</summary>
    public static async Task VerifyNoAnalyzerExceptionsAsync<TAnalyzer>(string source)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        string text = Markup.Parse(source).Text;
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);
        var full = CSharpSyntaxTree.ParseText(text, parseOptions, path: TestSolution.DocumentPath(0, 0));
        var ends = full.GetRoot().DescendantTokens(descendIntoTrivia: false)
            .Select(t => t.Span.End)
            .Where(end => end > 0)
            .Append(text.Length)
            .Distinct()
            .Order()
            .ToList();

        ImmutableArray<DiagnosticAnalyzer> analyzers = [new TAnalyzer()];
        var options = new AnalyzerOptions([]);
        var tree = CSharpSyntaxTree.ParseText("", parseOptions, path: TestSolution.DocumentPath(0, 0));
        Compilation compilation = CSharpCompilation.Create(
            "IncompleteCode",
            [tree],
            TestReferences.Get(referenceScopeSafety: true),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        foreach (int end in ends)
        {
            // Appending to the previous prefix lets the parser reuse what it already built.
            var previous = tree;
            var previousText = previous.GetText();
            var appended = previousText.WithChanges(new TextChange(new TextSpan(previousText.Length, 0), text[previousText.Length..end]));
            tree = previous.WithChangedText(appended);
            compilation = compilation.ReplaceSyntaxTree(previous, tree);
            try
            {
                await AnalyzerRunner.AnalyzeAsync(compilation, analyzers, options).ConfigureAwait(false);
            }
            catch (AnalyzerFailedException failure)
            {
                Assert.Fail(
                    $"{typeof(TAnalyzer).Name} threw on the {end}-character prefix (of {text.Length}) ending at " +
                    $"{DescribePosition(appended, end)}:{Environment.NewLine}---{Environment.NewLine}{Tail(text[..end])}{Environment.NewLine}---{Environment.NewLine}{failure.Message}");
            }
        }
    }

    /// <summary>How many prefixes <see cref="VerifyNoAnalyzerExceptionsAsync{TAnalyzer}"/> analyzes for <paramref name="source"/>.</summary>
    internal static int PrefixCount(string source)
    {
        string text = Markup.Parse(source).Text;
        return CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens()
            .Select(t => t.Span.End).Where(end => end > 0).Append(text.Length).Distinct().Count();
    }

    private static string DescribePosition(SourceText text, int end)
    {
        var position = text.Lines.GetLinePosition(end);
        return FormattableString.Invariant($"line {position.Line + 1}, column {position.Character + 1}");
    }

    // The last few lines are what matters: the prefix ends where the analyzer broke.
    private static string Tail(string prefix)
    {
        var lines = prefix.Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 6)));
    }
}
