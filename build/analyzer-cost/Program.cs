using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Binds one compile (the compiler's own command line, as build/real-code.sh logs it) once, then runs the analyzers of
// an analyzer assembly over it round after round, single-threaded, and prints each analyzer's time per round. The first
// round includes the JIT compiling the analyzers; the later ones are the warm cost that a compiler server pays per build.
//
//   AnalyzerCost <csc-args-file> <project-dir> <ScopeSafety.Analyzers.dll> [rounds] [analyzer type name | all]
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: AnalyzerCost <csc-args-file> <project-dir> <ScopeSafety.Analyzers.dll> [rounds] [analyzer|all]");
    return 2;
}

var arguments = CommandLineParser.SplitCommandLineIntoArguments(File.ReadAllText(args[0]).Trim(), removeHashComments: false);
var parsed = CSharpCommandLineParser.Default.Parse(arguments, args[1], sdkDirectory: null);
var rounds = args.Length > 3 ? int.Parse(args[3]) : 6;
var which = args.Length > 4 ? args[4] : "all";

var trees = parsed.SourceFiles.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file.Path), parsed.ParseOptions, file.Path)).ToList();
var references = parsed.MetadataReferences.Select(reference => (MetadataReference)MetadataReference.CreateFromFile(reference.Reference)).ToList();
var compilation = CSharpCompilation.Create(parsed.CompilationName ?? "Compile", trees, references, parsed.CompilationOptions);
var clock = Stopwatch.StartNew();
var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
Console.WriteLine($"{trees.Count} files, {errors} compile errors (source generators do not run here), bound in {clock.ElapsedMilliseconds} ms");

var assembly = new AssemblyLoadContext("analyzers").LoadFromAssemblyPath(Path.GetFullPath(args[2]));
var analyzers = assembly.GetTypes()
    .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && (which == "all" || type.Name == which))
    .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
    .ToImmutableArray();
if (analyzers.IsEmpty)
{
    Console.Error.WriteLine($"no analyzer named {which} in {args[2]}");
    return 2;
}

for (var round = 0; round < rounds; round++)
{
    clock.Restart();
    var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
        concurrentAnalysis: false, logAnalyzerExecutionTime: true);
    var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
    var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    var total = 0.0;
    var parts = new List<string>();
    foreach (var analyzer in analyzers)
    {
        var time = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds;
        total += time;
        parts.Add($"{analyzer.GetType().Name} {time:F0}");
    }

    Console.WriteLine($"round {round}: {diagnostics.Length} diagnostics, analyzers {total:F0} ms of {clock.ElapsedMilliseconds} ms ({string.Join(", ", parts)})");
}

return 0;
