using System.Text.RegularExpressions;

namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>
/// One ```csharp block of the README with what the README says about it, following the rules the README
/// states next to its first example: the project settings named as <c>&lt;Setting&gt;value&lt;/Setting&gt;</c> in
/// its section's text before it, the output stated by <c>// prints …</c> comments or by a text block right after
/// it, and the build diagnostics shown in the section's text blocks before the next C# block.
/// </summary>
internal sealed partial record ReadmeCode(
    int Line,
    string Section,
    string Code,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<string> ExpectedDiagnostics,
    IReadOnlyList<string>? ExpectedOutput)
{
    /// <summary>A short name for a test case: where the block starts.</summary>
    public string Name => $"README.md:{Line} ({Section})";

    public static IReadOnlyList<ReadmeCode> Parse(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var parts = new List<Part>();
        var section = "";
        var sectionIndex = 0;
        for (var index = 0; index < lines.Length; index++)
        {
            var fence = Fence().Match(lines[index]);
            if (fence.Success)
            {
                var start = index;
                var body = new List<string>();
                for (index++; index < lines.Length && lines[index].TrimEnd() != "```"; index++)
                    body.Add(lines[index]);
                parts.Add(new Part(sectionIndex, section, fence.Groups["language"].Value, start + 1, string.Join('\n', body) + "\n"));
                continue;
            }

            if (lines[index].StartsWith("## ", StringComparison.Ordinal))
            {
                section = lines[index][3..].Trim();
                sectionIndex++;
            }

            parts.Add(new Part(sectionIndex, section, Language: null, index + 1, lines[index]));
        }

        var blocks = new List<ReadmeCode>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Language is not "csharp" and not "cs" and not "c#")
                continue;

            // Settings: prose of the section before the block.
            var prose = string.Join('\n', parts.Take(i).Where(p => p.SectionIndex == part.SectionIndex && p.Language is null).Select(p => p.Text));
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match setting in Setting().Matches(prose))
                settings[setting.Groups["name"].Value] = setting.Groups["value"].Value.Trim();

            // Diagnostics: text blocks of the section up to the next C# block.
            var following = parts.Skip(i + 1).TakeWhile(p => p.SectionIndex == part.SectionIndex && p.Language is not ("csharp" or "cs" or "c#")).ToList();
            var diagnostics = following.Where(p => p.Language == "text")
                .SelectMany(p => p.Text.Split('\n'))
                .Where(line => DiagnosticLine().IsMatch(line.Trim()))
                .Select(line => line.Trim())
                .ToList();

            // Output: "// prints …" comments, or a text block right after the block (nothing but blank lines between).
            List<string>? output = null;
            var prints = part.Text.Split('\n').Select(line => PrintsComment().Match(line)).Where(match => match.Success).Select(match => match.Groups["output"].Value.TrimEnd()).ToList();
            var next = parts.Skip(i + 1).SkipWhile(p => p.Language is null && p.Text.Trim().Length == 0).FirstOrDefault();
            if (next is { Language: "text" } && !next.Text.Split('\n').Any(line => DiagnosticLine().IsMatch(line.Trim())))
            {
                if (prints.Count > 0)
                    throw new InvalidOperationException($"README.md:{part.Line}: the block states its output twice, in '// prints' comments and in the text block after it.");
                output = next.Text.TrimEnd('\n').Split('\n').Select(line => line.TrimEnd()).ToList();
            }
            else if (prints.Count > 0)
            {
                output = prints;
            }

            blocks.Add(new ReadmeCode(part.Line, part.Section, part.Text, settings, diagnostics, output));
        }

        return blocks;
    }

    private sealed record Part(int SectionIndex, string Section, string? Language, int Line, string Text);

    [GeneratedRegex(@"^```(?<language>[\w#+-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"<(?<name>[A-Za-z]+)>(?<value>[^<>\n]+)</\k<name>>")]
    private static partial Regex Setting();

    [GeneratedRegex(@"^Program\.cs\(\d+,\d+\): (error|warning) [A-Za-z]+\d+: ")]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"//\s*prints\s(?<output>.*)$")]
    private static partial Regex PrintsComment();
}
