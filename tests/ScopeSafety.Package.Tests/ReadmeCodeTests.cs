using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// Every ```csharp block of the README compiles as printed, in what <c>dotnet new console</c> creates plus a
/// reference to the packed library and the shipped analyzers, with the settings its section names; it gets
/// exactly the errors and ScopeSafety warnings the README shows for it; and a program prints what the README
/// says. The rules are the README's own (next to its first example), so blocks added later are checked too.
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class ReadmeCodeTests(PackedPackage package)
{
    private static readonly string Root = PackedPackage.FindRepositoryRoot();

    /// <summary>The global usings of a console project with ImplicitUsings enabled.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly string[] KnownSettings = ["AllowUnsafeBlocks", "Nullable", "ImplicitUsings"];

    public static TheoryData<int> Blocks()
    {
        var rows = new TheoryData<int>();
        foreach (var block in ReadmeBlocks())
            rows.Add(block.Line);
        return rows;
    }

    [Fact]
    public void The_readme_has_code_blocks_and_states_their_output()
    {
        var blocks = ReadmeBlocks();

        Assert.True(blocks.Count >= 3, $"only {blocks.Count} C# blocks found");
        Assert.Contains(blocks, block => block.ExpectedOutput is { Count: > 0 });
        Assert.Contains(blocks, block => block.ExpectedDiagnostics.Count > 0);
        Assert.Contains(blocks, block => block.Settings.ContainsKey("AllowUnsafeBlocks"));
    }

    [Theory, MemberData(nameof(Blocks))]
    public async Task Each_csharp_block_compiles_as_printed_and_does_what_the_readme_says(int line)
    {
        var block = ReadmeBlocks().Single(candidate => candidate.Line == line);
        var unknown = block.Settings.Keys.Except(KnownSettings).ToList();
        Assert.True(unknown.Count == 0, $"{block.Name} names settings this test does not apply: {string.Join(", ", unknown)}");

        var compilation = Compile(block);
        var diagnostics = await compilation
            .WithAnalyzers(ShippedAnalyzers(), new AnalyzerOptions([]))
            .GetAllDiagnosticsAsync();
        var analyzerFailures = diagnostics.Where(diagnostic => diagnostic.Id == "AD0001").ToList();
        Assert.True(analyzerFailures.Count == 0, string.Join(Environment.NewLine, analyzerFailures));

        // What `dotnet build` prints for a Program.cs holding the block: every error, and ScopeSafety's warnings.
        var shown = diagnostics
            .Where(diagnostic => diagnostic.Location.IsInSource && diagnostic.Location.SourceTree!.FilePath == "Program.cs")
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error
                || diagnostic.Severity == DiagnosticSeverity.Warning && diagnostic.Id.StartsWith("SCOPE", StringComparison.Ordinal))
            .Select(Printed)
            .Order(StringComparer.Ordinal)
            .ToList();
        var elsewhere = diagnostics.Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error && diagnostic.Location.SourceTree?.FilePath != "Program.cs").ToList();
        Assert.True(elsewhere.Count == 0, string.Join(Environment.NewLine, elsewhere));
        Assert.True(
            shown.SequenceEqual(block.ExpectedDiagnostics.Order(StringComparer.Ordinal)),
            $"{block.Name}: the README shows{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", block.ExpectedDiagnostics)}{Environment.NewLine}" +
            $"but the block gets{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", shown)}{Environment.NewLine}{block.Code}");

        if (!IsProgram(compilation) || shown.Any(text => text.Contains(": error ", StringComparison.Ordinal)))
        {
            Assert.True(block.ExpectedOutput is null, $"{block.Name} states an output, but it is not a program that builds and runs.");
            return;
        }

        var output = Run(compilation, block);
        Assert.Equal(block.ExpectedOutput ?? [], output);
    }

    private static IReadOnlyList<ReadmeCode> ReadmeBlocks() =>
        ReadmeCode.Parse(File.ReadAllText(Path.Combine(Root, "README.md")));

    private CSharpCompilation Compile(ReadmeCode block)
    {
        var setting = (string name, string fallback) => block.Settings.TryGetValue(name, out var value) ? value : fallback;
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(block.Code, parse, path: "Program.cs") };
        if (setting("ImplicitUsings", "enable") is "enable" or "true")
            trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "GlobalUsings.g.cs"));

        var hasTopLevelCode = trees[0].GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(hasTopLevelCode ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithAllowUnsafe(string.Equals(setting("AllowUnsafeBlocks", "false"), "true", StringComparison.OrdinalIgnoreCase))
            .WithNullableContextOptions(setting("Nullable", "enable") switch
            {
                "enable" => NullableContextOptions.Enable,
                "warnings" => NullableContextOptions.Warnings,
                "annotations" => NullableContextOptions.Annotations,
                _ => NullableContextOptions.Disable,
            });
        return CSharpCompilation.Create("Program", trees, References(), options);
    }

    /// <summary>A program has statements of its own to run; a block of declarations (a method, a type) only has to compile.</summary>
    private static bool IsProgram(CSharpCompilation compilation) =>
        compilation.SyntaxTrees[0].GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>()
            .Any(statement => statement.Statement is not LocalFunctionStatementSyntax);

    private IReadOnlyList<string> Run(CSharpCompilation compilation, ReadmeCode block)
    {
        var directory = Directory.CreateDirectory(Path.Combine(package.WorkDirectory, "readme-code", block.Line.ToString(CultureInfo.InvariantCulture))).FullName;
        var emit = compilation.Emit(Path.Combine(directory, "Program.dll"));
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        File.WriteAllBytes(Path.Combine(directory, "ScopeSafety.dll"), PackedPackage.ReadEntry(package.PackagePath, "lib/net8.0/ScopeSafety.dll"));
        File.WriteAllText(Path.Combine(directory, "Program.runtimeconfig.json"), $$"""
            { "runtimeOptions": { "tfm": "net{{Environment.Version.Major}}.{{Environment.Version.Minor}}", "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version.Major}}.{{Environment.Version.Minor}}.0" } } }
            """);

        var run = DotNet.Run(directory, new Dictionary<string, string>(), "Program.dll");
        Assert.True(run.Succeeded, $"{block.Name}: {run}");
        var lines = run.Output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Select(line => line.TrimEnd()).ToList();
        return lines is [""] ? [] : lines;
    }

    private ImmutableArray<MetadataReference> References() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Win32.Primitives.dll"))
            .Select(path => MetadataReference.CreateFromFile(path)),
        MetadataReference.CreateFromImage(PackedPackage.ReadEntry(package.PackagePath, "lib/net8.0/ScopeSafety.dll")),
    ];

    /// <summary>Every analyzer of the shipped analyzer assembly (the test references the same project the package packs).</summary>
    private static ImmutableArray<DiagnosticAnalyzer> ShippedAnalyzers() =>
    [
        .. System.Reflection.Assembly.Load("ScopeSafety.Analyzers").GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), inherit: false).Length > 0)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!),
    ];

    private static string Printed(Diagnostic diagnostic)
    {
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return $"Program.cs({position.Line + 1},{position.Character + 1}): {severity} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }
}
