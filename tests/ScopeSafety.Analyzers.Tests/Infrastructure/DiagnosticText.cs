using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Tests.Verifiers;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>Readable one-line forms of expected and actual diagnostics for failure messages.</summary>
internal static class DiagnosticText
{
    public static string Describe(DiagnosticResult result)
    {
        if (result.Id is null)
        {
            return "default(DiagnosticResult)";
        }

        var locations = result.Locations.Select(l => l.MarkupKey is { } key
            ? $"{{|#{key}:…|}}"
            : (l.Path ?? "<first document>") + Format(l.Span, l.StartOnly));
        return Describe(result, string.Join(" + ", locations));
    }

    public static string Describe(Expectation expectation) =>
        Describe(expectation.Result, string.Join(" + ", expectation.Locations.Select(l => l.Path + Format(l.Span, l.StartOnly))));

    public static string Describe(Diagnostic diagnostic)
    {
        string where = diagnostic.Location.IsInSource ? Format(diagnostic.Location) : "<no location>";
        foreach (var additional in diagnostic.AdditionalLocations)
        {
            where += " + " + Format(additional);
        }

        return $"{where}: {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The diagnostic as a ready-to-paste expectation.</summary>
    public static string AsCode(Diagnostic diagnostic)
    {
        string code = diagnostic.Id.StartsWith("CS", StringComparison.Ordinal) && diagnostic.Descriptor.Category == "Compiler"
            ? $"DiagnosticResult.Compiler{(diagnostic.Severity == DiagnosticSeverity.Error ? "Error" : "Warning")}(\"{diagnostic.Id}\")"
            : $"Diagnostic(\"{diagnostic.Id}\")";
        if (diagnostic.Location.IsInSource)
        {
            var span = diagnostic.Location.GetLineSpan().Span;
            code += FormattableString.Invariant(
                $".WithSpan({span.Start.Line + 1}, {span.Start.Character + 1}, {span.End.Line + 1}, {span.End.Character + 1})");
        }

        return code + $".WithMessage(\"{diagnostic.GetMessage(CultureInfo.InvariantCulture).Replace("\"", "\\\"", StringComparison.Ordinal)}\")";
    }

    public static string Format(LinePositionSpan span, bool startOnly) => startOnly
        ? FormattableString.Invariant($"({span.Start.Line + 1},{span.Start.Character + 1})")
        : FormattableString.Invariant($"({span.Start.Line + 1},{span.Start.Character + 1})-({span.End.Line + 1},{span.End.Character + 1})");

    private static string Format(Location location)
    {
        var span = location.GetLineSpan();
        return span.Path + Format(span.Span, startOnly: false);
    }

    private static string Describe(DiagnosticResult result, string where)
    {
        string text = $"{(where.Length == 0 ? "<no location>" : where)}: {result.Severity?.ToString().ToLowerInvariant() ?? "any-severity"} {result.Id}";
        if (result.Message is not null)
        {
            text += $": \"{result.Message}\"";
        }

        if (result.Arguments is not null)
        {
            text += " with arguments (" + string.Join(", ", result.Arguments.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture))) + ")";
        }

        return text;
    }
}
