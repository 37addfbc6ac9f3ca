using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>A test document: its path (e.g. <c>/0/Test0.cs</c>) and its marked-up source.</summary>
internal sealed record TestDocument(string Path, MarkedSource Source)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>Compilation settings shared by every project of one test.</summary>
internal sealed record CompilationSettings(
    OutputKind OutputKind,
    LanguageVersion LanguageVersion,
    bool AllowUnsafe,
    bool ReferenceScopeSafety,
    string? EditorConfig)
{
    public CSharpParseOptions ParseOptions => new(LanguageVersion, DocumentationMode.Parse);

    public CSharpCompilationOptions CompilationOptions =>
        new(OutputKind, allowUnsafe: AllowUnsafe, nullableContextOptions: NullableContextOptions.Enable);
}

/// <summary>
/// Builds the Roslyn solution of a test: one project per source list (paths <c>/p/Testi.cs</c>), the
/// same references and options everywhere and, when given, the .editorconfig as an analyzer config
/// document at the root (<c>/.editorconfig</c>, or <c>/.globalconfig</c> for <c>is_global</c> content),
/// so severities and option keys behave exactly as in a real build.
/// </summary>
internal static class TestSolution
{
    public static string DocumentPath(int project, int document) => $"/{project}/Test{document}.cs";

    public static ImmutableArray<ImmutableArray<TestDocument>> Parse(IReadOnlyList<IReadOnlyList<string>> projects) =>
        projects.Select((sources, p) => sources
                .Select((source, d) => new TestDocument(DocumentPath(p, d), Markup.Parse(source)))
                .ToImmutableArray())
            .ToImmutableArray();

    public static Solution Create(AdhocWorkspace workspace, CompilationSettings settings, ImmutableArray<ImmutableArray<TestDocument>> projects)
    {
        var solution = workspace.CurrentSolution;
        var references = TestReferences.Get(settings.ReferenceScopeSafety);
        for (int p = 0; p < projects.Length; p++)
        {
            string name = p == 0 ? "TestProject" : $"TestProject{p}";
            var projectId = ProjectId.CreateNewId(name);
            solution = solution.AddProject(ProjectInfo.Create(
                projectId, VersionStamp.Default, name, name, LanguageNames.CSharp,
                filePath: $"/{p}/{name}.csproj",
                compilationOptions: settings.CompilationOptions,
                parseOptions: settings.ParseOptions,
                metadataReferences: references));

            foreach (var document in projects[p])
            {
                solution = solution.AddDocument(
                    DocumentId.CreateNewId(projectId, document.Path), document.Name,
                    SourceText.From(document.Source.Text), filePath: document.Path);
            }

            if (settings.EditorConfig is { } config)
            {
                string configName = config.Contains("is_global", StringComparison.Ordinal) ? ".globalconfig" : ".editorconfig";
                solution = solution.AddAnalyzerConfigDocument(
                    DocumentId.CreateNewId(projectId, configName), configName, SourceText.From(config), filePath: "/" + configName);
            }
        }

        return solution;
    }
}
