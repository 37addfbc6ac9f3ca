using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Compiles every *.cs file of a folder as a program of its own against the runtime's assemblies, runs every ScopeSafety
// analyzer on it (SCOPE001–SCOPE004 raised to warning, as build/real-code.sh does) and prints, per file, a FILE line
// (name, compile errors, reports) and a DIAG line per report (name, rule, line, message), tab-separated.
if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: ScopeCorpus <folder of .cs files>");
    return 2;
}

var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
    .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
    .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
    .ToList();
var analyzers = typeof(ScopeSafety.Analyzers.ConcurrentAccessAnalyzer).Assembly.GetTypes()
    .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) != null)
    .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
    .ToImmutableArray();
var raised = new[] { "SCOPE001", "SCOPE002", "SCOPE003", "SCOPE004" }.ToDictionary(id => id, _ => ReportDiagnostic.Warn);
var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true).WithSpecificDiagnosticOptions(raised);

foreach (var file in Directory.GetFiles(args[0], "*.cs").OrderBy(path => path, StringComparer.Ordinal))
{
    var name = Path.GetFileName(file);
    var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), new CSharpParseOptions(LanguageVersion.Preview), path: file);
    var compilation = CSharpCompilation.Create(Path.GetFileNameWithoutExtension(file), [tree], references, options);
    var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
    var reports = (await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync())
        .Where(d => d.Id.StartsWith("SCOPE", StringComparison.Ordinal))
        .OrderBy(d => d.Location.SourceSpan.Start)
        .ToList();
    Console.WriteLine($"FILE\t{name}\t{errors}\t{reports.Count}");
    foreach (var report in reports)
    {
        Console.WriteLine($"DIAG\t{name}\t{report.Id}\t{report.Location.GetLineSpan().StartLinePosition.Line + 1}\t{report.GetMessage()}");
    }
}

return 0;
