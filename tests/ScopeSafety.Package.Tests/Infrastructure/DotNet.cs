using System.Diagnostics;
using System.Text;

namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>The outcome of one child <c>dotnet</c> process: its exit code and everything it printed.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>A description fit for an assertion message, so that a failure shows what the child said.</summary>
    public override string ToString() => $"`{CommandLine}` exited with {ExitCode}:{Environment.NewLine}{Output}";
}

/// <summary>Runs the <c>dotnet</c> CLI as a child process, isolated from the build that runs the tests.</summary>
internal static class DotNet
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Variables the outer <c>dotnet test</c> (or the developer's shell) sets that would leak into a
    /// nested build and point it at the outer build's SDK state, output folder or version. NUGET_PACKAGES
    /// is kept: the nested pack restores from the same (possibly CI-cached) packages folder, offline.
    /// </summary>
    private static readonly string[] InheritedVariablesToDrop =
    [
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE", "ArtifactsPath", "Version", "VersionSuffix", "PackageVersion",
    ];

    public static ProcessResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotNetExecutable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Isolate(start, environment);

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var commandLine = "dotnet " + string.Join(' ', arguments);
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(commandLine, -1, $"timed out after {Timeout}{Environment.NewLine}{Text(output)}");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        return new ProcessResult(commandLine, process.ExitCode, Text(output));
    }

    /// <summary>
    /// Gives a child process (the CLI, or a tool that loads MSBuild such as a language server) the environment of a
    /// user's shell: the outer build's variables dropped, telemetry and node reuse off, plus <paramref name="environment"/>.
    /// </summary>
    public static void Isolate(ProcessStartInfo start, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var name in InheritedVariablesToDrop)
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Worker nodes left behind would outlive the test run and keep the temporary folders busy.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }

    /// <summary>The same <c>dotnet</c> that runs the tests, so the nested build uses the same SDK.</summary>
    private static string DotNetExecutable() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
