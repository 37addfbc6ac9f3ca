namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>
/// csharp-ls, the language server of Neovim, Helix, Emacs and Zed users, installed as the dotnet tool the package
/// source serves, once per machine, into the repository's ignored artifacts folder.
/// </summary>
internal static class CSharpLs
{
    public const string Version = "0.28.0";

    private static readonly Lazy<(string? Executable, string? Problem)> s_installed = new(Install);

    /// <summary>The server's executable, or null when it could not be installed (see <see cref="Problem"/>).</summary>
    public static string? Executable => s_installed.Value.Executable;

    /// <summary>Why the server is not available: the install command and what it printed.</summary>
    public static string? Problem => s_installed.Value.Problem;

    private static (string?, string?) Install()
    {
        var toolPath = Path.Combine(PackedPackage.FindRepositoryRoot(), "artifacts", "tools", "csharp-ls-" + Version);
        var executable = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "csharp-ls.exe" : "csharp-ls");
        if (File.Exists(executable))
            return (executable, null);

        var install = DotNet.Run(Path.GetTempPath(), new Dictionary<string, string>(),
            "tool", "install", "csharp-ls", "--version", Version, "--tool-path", toolPath);
        return install.Succeeded && File.Exists(executable)
            ? (executable, null)
            : (null, $"csharp-ls {Version} could not be installed here, so no language server can be started: {install}");
    }
}

/// <summary>A test that needs csharp-ls: skipped, with the install's own error as the reason, only where it cannot be installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CSharpLsFactAttribute : FactAttribute
{
    public CSharpLsFactAttribute()
    {
        if (CSharpLs.Executable is null)
            Skip = CSharpLs.Problem;
    }
}
