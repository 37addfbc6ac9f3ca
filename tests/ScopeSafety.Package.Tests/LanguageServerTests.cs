using System.Text.Json.Nodes;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// The README's editor table, checked with a real language server: csharp-ls on a project that references the packed
/// package publishes the SCOPE diagnostics once <c>csharp.analyzersEnabled</c> is true (and, as the table says, not
/// without it).
/// </summary>
[Collection(nameof(PackageCollection))]
public sealed class LanguageServerTests(PackedPackage package)
{
    private const string Hazard = """
        Hazards.Squares();

        public static class Hazards
        {
            public static unsafe void Squares()
            {
                int* squares = stackalloc int[8];
                int unused; // CS0168: shows that the server analyzed the file, with analyzers or without
                Task.Run(() => Console.WriteLine(squares[7]));
            }
        }
        """;

    /// <summary>A bound for loading the project and analyzing one file; the server usually needs a few seconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(50);

    [CSharpLsFact]
    public async Task Csharp_ls_publishes_the_SCOPE_diagnostics_when_analyzers_are_enabled_and_not_otherwise()
    {
        var consumer = ConsumerProject.Create(package, "language-server", new Dictionary<string, string> { ["Program.cs"] = Hazard });
        var restore = consumer.RunDotNet("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        var file = Path.Combine(consumer.Directory, "Program.cs");

        using (var enabled = LanguageServerClient.Start(CSharpLs.Executable!, consumer.Directory, consumer.ProcessEnvironment, new JsonObject { ["analyzersEnabled"] = true }))
        {
            var codes = await enabled.OpenAndWaitForDiagnosticsAsync(file, codes => codes.Contains("SCOPE001"), Patience);
            Assert.Contains("CS0168", codes);
            Assert.True(codes.Contains("SCOPE001"), $"csharp-ls published [{string.Join(", ", codes)}] for Program.cs, without SCOPE001.{Environment.NewLine}{enabled.Transcript}");
        }

        using var disabled = LanguageServerClient.Start(CSharpLs.Executable!, consumer.Directory, consumer.ProcessEnvironment, new JsonObject { ["analyzersEnabled"] = false });
        var withoutAnalyzers = await disabled.OpenAndWaitForDiagnosticsAsync(file, codes => codes.Contains("CS0168"), Patience);
        Assert.True(withoutAnalyzers.Contains("CS0168"), $"csharp-ls published [{string.Join(", ", withoutAnalyzers)}] for Program.cs, without the compiler's CS0168.{Environment.NewLine}{disabled.Transcript}");
        Assert.DoesNotContain(withoutAnalyzers, code => code.StartsWith("SCOPE", StringComparison.Ordinal));
    }
}
