using System.Text.Json.Nodes;
using ScopeSafety.Package.Tests.Infrastructure;

namespace ScopeSafety.Package.Tests;

/// <summary>
/// The README's editor table, checked with a real language server: csharp-ls on a project that references the packed
/// package publishes the SCOPE diagnostics once <c>csharp.analyzersEnabled</c> is true, as the compiler's own.
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
                int unused; // CS0168: the compiler's diagnostics arrive in the same publication
                Task.Run(() => Console.WriteLine(squares[7]));
            }
        }
        """;

    /// <summary>A bound for loading the project and analyzing one file; the server needs a few seconds on an idle machine.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(55);

    [CSharpLsFact]
    public async Task Csharp_ls_with_analyzers_enabled_publishes_the_SCOPE_diagnostics_of_the_package()
    {
        var consumer = ConsumerProject.Create(package, "language-server", new Dictionary<string, string> { ["Program.cs"] = Hazard });
        var restore = consumer.RunDotNet("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        var file = Path.Combine(consumer.Directory, "Program.cs");

        using var server = LanguageServerClient.Start(CSharpLs.Executable!, consumer.Directory, consumer.ProcessEnvironment, new JsonObject { ["analyzersEnabled"] = true });
        var codes = await server.OpenAndWaitForDiagnosticsAsync(file, codes => codes.Contains("SCOPE001"), Patience);
        Assert.True(
            codes.Contains("SCOPE001") && codes.Contains("CS0168"),
            $"csharp-ls published [{string.Join(", ", codes)}] for Program.cs, not SCOPE001 beside the compiler's CS0168.{Environment.NewLine}{server.Transcript}");
    }
}
