using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ScopeSafety.Tests;

/// <summary>The README's seed in span form compiles as printed (with the SDK's implicit usings) and prints the sum.</summary>
public partial class ReadmeSpanSeedTests
{
    [Fact]
    public void The_span_seed_of_the_readme_compiles_and_prints_12497500()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var seed = CodeBlock().Matches(readme).Select(m => m.Groups["code"].Value).First(code => code.Contains("stackalloc", StringComparison.Ordinal));

        // What <ImplicitUsings>enable</ImplicitUsings> gives a console project.
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;\n";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(Scope).Assembly.Location));
        var compilation = CSharpCompilation.Create(
            "ReadmeSeed" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(implicitUsings), CSharpSyntaxTree.ParseText(seed)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));

        var context = new AssemblyLoadContext("ReadmeSeed", isCollectible: true);
        var output = new StringWriter();
        var previous = Console.Out;
        try
        {
            image.Position = 0;
            var entry = context.LoadFromStream(image).EntryPoint!;
            Console.SetOut(output);
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previous);
            context.Unload();
        }

        Assert.Equal("Sum is 12497500", output.ToString().Trim());
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ScopeSafety.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with ScopeSafety.sln) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
