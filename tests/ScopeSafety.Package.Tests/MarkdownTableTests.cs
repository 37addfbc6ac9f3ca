using System.Text.RegularExpressions;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// Every Markdown table of the README and docs/ renders: its delimiter row and every body row have as many
/// cells as its header (GitHub drops a table whose delimiter row does not match, and shows it as text).
/// </summary>
public sealed partial class MarkdownTableTests
{
    private static readonly string Root = PackedPackage.FindRepositoryRoot();

    public static TheoryData<string> Documents()
    {
        var rows = new TheoryData<string>();
        rows.Add("README.md");
        foreach (var path in Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            rows.Add(Path.GetRelativePath(Root, path).Replace('\\', '/'));
        return rows;
    }

    [Theory, MemberData(nameof(Documents))]
    public void Every_table_has_as_many_cells_in_each_row_as_in_its_header(string document)
    {
        var problems = new List<string>();
        foreach (var table in Tables(File.ReadAllText(Path.Combine(Root, document))))
        {
            var columns = Cells(table.Lines[0]).Count;
            for (var index = 1; index < table.Lines.Count; index++)
            {
                var cells = Cells(table.Lines[index]).Count;
                if (cells != columns)
                    problems.Add($"{document}:{table.FirstLine + index}: {cells} cells, but the header (line {table.FirstLine}) has {columns}: {table.Lines[index]}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_cell_counter_sees_the_shapes_that_break_rendering()
    {
        Assert.Equal(3, Cells("| a | b | c |").Count);
        Assert.Equal(3, Cells("a | b | c").Count);
        // GitHub splits on a pipe inside a code span too; only '\|' keeps it in the cell.
        Assert.Equal(3, Cells("| `a | b` | c |").Count);
        Assert.Equal(2, Cells(@"| a \| b | c |").Count);
        var table = Assert.Single(Tables("text\n\n| a | b |\n|---|---:|---:|\n| 1 | 2 |\n\n```\n| not | a | table |\n|---|---|\n```\n"));
        Assert.Equal(3, table.FirstLine);
        Assert.Equal([2, 3, 2], table.Lines.Select(line => Cells(line).Count));
    }

    private sealed record Table(int FirstLine, IReadOnlyList<string> Lines);

    /// <summary>The tables outside fenced code: a header row followed by a delimiter row, then the rows up to the first non-table line.</summary>
    private static IEnumerable<Table> Tables(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var inFence = false;
        for (var index = 0; index < lines.Length; index++)
        {
            if (lines[index].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence || !lines[index].Contains('|') || index + 1 >= lines.Length || !DelimiterRow().IsMatch(lines[index + 1]))
                continue;

            var rows = new List<string> { lines[index], lines[index + 1] };
            var next = index + 2;
            for (; next < lines.Length && lines[next].Contains('|') && lines[next].Trim().Length > 0; next++)
                rows.Add(lines[next]);
            yield return new Table(index + 1, rows);
            index = next - 1;
        }
    }

    /// <summary>The cells of a row, as GitHub splits them: on every '|' (code spans included) but '\|', leading and trailing pipes optional.</summary>
    private static List<string> Cells(string row)
    {
        var text = row.Trim();
        if (text.StartsWith('|'))
            text = text[1..];
        if (text.EndsWith('|') && !text.EndsWith("\\|", StringComparison.Ordinal))
            text = text[..^1];

        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(c).Append(text[++i]);
                continue;
            }

            if (c == '|')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        cells.Add(current.ToString());
        return cells;
    }

    [GeneratedRegex(@"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")]
    private static partial Regex DelimiterRow();
}
