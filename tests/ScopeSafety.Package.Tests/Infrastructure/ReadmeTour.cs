using System.Text.RegularExpressions;

namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>
/// The README's "30-second tour": the hazardous method, the diagnostic the build prints for it, and
/// the method as the fix rewrites it. The tour test compiles it for real, so the README cannot drift.
/// </summary>
internal sealed partial record ReadmeTour(string HazardFile, BuildDiagnostic ExpectedDiagnostic, string ExpectedOutputLine, string FixedMethod, IReadOnlyList<string> FixedUsings)
{
    /// <summary>The lines placed before the README's method in ReadmeTour.cs: a class to hold it and a way to call it.</summary>
    private const string Prefix = """
        namespace Consumer;

        public static unsafe class ReadmeTour
        {
            public static void Run() => PrintSquares();

        """;

    public static ReadmeTour Parse(string repositoryRoot)
    {
        var readme = File.ReadAllText(Path.Combine(repositoryRoot, "README.md")).ReplaceLineEndings("\n");
        var tour = readme[readme.IndexOf("## A 30-second tour", StringComparison.Ordinal)..];
        var blocks = CodeBlock().Matches(tour).Select(match => (Language: match.Groups["language"].Value, Code: match.Groups["code"].Value)).ToList();
        var hazard = blocks.First(block => block.Language == "csharp").Code;
        var printed = blocks.First(block => block.Language == "text").Code.Trim();
        // The README shows the using directive the fix adds above the method; the file has it at its top.
        var fixedBlock = blocks.Where(block => block.Language == "csharp").ElementAt(1).Code;
        var fixedUsings = fixedBlock.Split('\n').TakeWhile(line => line.StartsWith("using ", StringComparison.Ordinal) || line.Length == 0).ToList();
        var fixedMethod = string.Join('\n', fixedBlock.Split('\n').Skip(fixedUsings.Count));

        // The README names the file Program.cs and counts lines within the snippet; the consumer's file has a prefix.
        var location = PrintedLocation().Match(printed);
        if (!location.Success)
            throw new InvalidOperationException("The README's tour shows no 'Program.cs(line,column): error SCOPEnnn: message' line: " + printed);
        var prefixLines = Prefix.ReplaceLineEndings("\n").Split('\n').Length - 1;
        var line = int.Parse(location.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) + prefixLines;
        var column = int.Parse(location.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture) + Indent.Length;
        var expectedLine = $"ReadmeTour.cs({line},{column}): {location.Groups["rest"].Value}";
        var id = Regex.Match(location.Groups["rest"].Value, @"^\w+ (?<id>SCOPE\d{3}):").Groups["id"].Value;

        var file = Prefix.ReplaceLineEndings("\n") + Indented(hazard) + "}\n";
        return new ReadmeTour(file, new BuildDiagnostic("ReadmeTour.cs", line, "error", id), expectedLine, Indented(fixedMethod),
            fixedUsings.Where(directive => directive.Length > 0).ToList());
    }

    /// <summary>The README shows a method at column 0; in the class it sits one level in, as the formatter expects.</summary>
    private const string Indent = "    ";

    private static string Indented(string code) =>
        string.Join('\n', code.Split('\n').Select(line => line.Length == 0 ? line : Indent + line));

    [GeneratedRegex(@"^```(?<language>\w+)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^Program\.cs\((?<line>\d+),(?<column>\d+)\): (?<rest>.*)$")]
    private static partial Regex PrintedLocation();
}
