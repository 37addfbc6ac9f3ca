using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// The metadata references of every test compilation: the running runtime's own framework assemblies
/// (from TRUSTED_PLATFORM_ASSEMBLIES, restricted to the shared-framework folder so that the test
/// host's xunit/Roslyn assemblies do not leak in) plus ScopeSafety.dll. Offline; built once per process.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_framework = new(LoadFramework);
    private static readonly Lazy<MetadataReference> s_scopeSafety =
        new(() => MetadataReference.CreateFromFile(typeof(ScopeSafety.Scope).Assembly.Location));

    public static ImmutableArray<MetadataReference> Framework => s_framework.Value;

    public static MetadataReference ScopeSafety => s_scopeSafety.Value;

    public static ImmutableArray<MetadataReference> Get(bool referenceScopeSafety) =>
        referenceScopeSafety ? Framework.Add(ScopeSafety) : Framework;

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not available in this process.");
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        return tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
