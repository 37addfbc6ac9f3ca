using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Tests.Verifiers;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>An expected location in a concrete document.</summary>
internal sealed record ResolvedLocation(string Path, LinePositionSpan Span, bool StartOnly);

/// <summary>An expected diagnostic whose locations were resolved against the test documents.</summary>
internal sealed record Expectation(DiagnosticResult Result, ImmutableArray<ResolvedLocation> Locations);

/// <summary>
/// Turns markup and explicit expectations into <see cref="Expectation"/>s and compares them with the
/// actual diagnostics, order-insensitively; on mismatch it fails with a message that shows both
/// sides with file(line,col), the source line and a ready-to-paste expectation for each surprise.
/// </summary>
internal static class DiagnosticMatcher
{
    /// <param name="documents">All test documents (markup keys are looked up across all of them).</param>
    /// <param name="explicitResults">Expectations given in code (ExpectedDiagnostics / method arguments).</param>
    /// <param name="markupResult">Maps a markup name (<see langword="null"/> for <c>[|…|]</c>) to the expected diagnostic.</param>
    public static ImmutableArray<Expectation> Resolve(
        IReadOnlyList<TestDocument> documents, IEnumerable<DiagnosticResult> explicitResults, Func<string?, DiagnosticResult> markupResult)
    {
        string defaultPath = documents.Count > 0 ? documents[0].Path : TestSolution.DocumentPath(0, 0);
        var keyed = new Dictionary<int, ResolvedLocation>();
        var result = ImmutableArray.CreateBuilder<Expectation>();
        foreach (var document in documents)
        {
            var text = SourceText.From(document.Source.Text);
            foreach (var span in document.Source.Spans)
            {
                var location = new ResolvedLocation(document.Path, text.Lines.GetLinePositionSpan(span.Span), StartOnly: false);
                if (span.Key is { } key)
                {
                    keyed.Add(key, location);
                }
                else
                {
                    result.Add(new Expectation(markupResult(span.Name), [location]));
                }
            }
        }

        foreach (var expected in explicitResults)
        {
            if (expected.Id is null)
            {
                throw new ArgumentException("default(DiagnosticResult) is not a valid expectation.");
            }

            var locations = expected.Locations.Select(l => l.MarkupKey is { } key
                ? keyed.TryGetValue(key, out var resolved) ? resolved : throw new ArgumentException($"{expected.Id}: no markup location {{|#{key}:…|}} in the test sources.")
                : new ResolvedLocation(l.Path ?? defaultPath, l.Span, l.StartOnly));
            result.Add(new Expectation(expected, locations.ToImmutableArray()));
        }

        return result.ToImmutable();
    }

    /// <summary>Fails (with a descriptive message) unless the actual diagnostics are exactly the expected ones.</summary>
    public static void Verify(string stateName, IReadOnlyList<Expectation> expected, IEnumerable<Diagnostic> actual, IReadOnlyList<TestDocument> documents)
    {
        var remaining = actual.OrderBy(SortKey, StringComparer.Ordinal).ToList();
        var sortedExpected = expected.OrderBy(SortKey, StringComparer.Ordinal).ToList();
        var missing = new List<Expectation>();
        foreach (var expectation in sortedExpected)
        {
            int index = remaining.FindIndex(d => Explain(expectation, d) is null);
            if (index < 0)
            {
                missing.Add(expectation);
            }
            else
            {
                remaining.RemoveAt(index);
            }
        }

        if (missing.Count == 0 && remaining.Count == 0)
        {
            return;
        }

        var texts = documents.ToDictionary(d => d.Path, d => SourceText.From(d.Source.Text));
        var message = new StringBuilder();
        message.AppendLine(CultureInfo.InvariantCulture, $"Diagnostics of the {stateName} do not match the expectations.");
        if (missing.Count > 0)
        {
            message.AppendLine("Expected but not reported:");
            foreach (var expectation in missing)
            {
                message.Append("  ").AppendLine(DiagnosticText.Describe(expectation));
                AppendSourceLine(message, texts, expectation.Locations.FirstOrDefault());
                int line = expectation.Locations.IsEmpty ? 0 : expectation.Locations[0].Span.Start.Line;
                var closest = remaining
                    .Where(d => d.Id == expectation.Result.Id)
                    .OrderBy(d => Math.Abs(d.Location.GetLineSpan().StartLinePosition.Line - line))
                    .FirstOrDefault();
                if (closest is not null)
                {
                    message.Append("    closest actual ").Append(DiagnosticText.Describe(closest)).Append(" differs: ").AppendLine(Explain(expectation, closest));
                }
            }
        }

        if (remaining.Count > 0)
        {
            message.AppendLine("Reported but not expected:");
            foreach (var diagnostic in remaining)
            {
                message.Append("  ").AppendLine(DiagnosticText.Describe(diagnostic));
                if (diagnostic.Location.IsInSource)
                {
                    AppendSourceLine(message, texts, ToResolved(diagnostic.Location));
                }

                message.Append("    as expectation: ").AppendLine(DiagnosticText.AsCode(diagnostic));
            }
        }

        message.AppendLine("All expected:");
        foreach (var expectation in sortedExpected)
        {
            message.Append("  ").AppendLine(DiagnosticText.Describe(expectation));
        }

        message.AppendLine("All actual:");
        foreach (var diagnostic in actual.OrderBy(SortKey, StringComparer.Ordinal))
        {
            message.Append("  ").AppendLine(DiagnosticText.Describe(diagnostic));
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>Why <paramref name="actual"/> does not satisfy <paramref name="expected"/>, or null when it does.</summary>
    internal static string? Explain(Expectation expected, Diagnostic actual)
    {
        var result = expected.Result;
        if (actual.Id != result.Id)
        {
            return $"id {actual.Id} instead of {result.Id}";
        }

        if (expected.Locations.IsEmpty)
        {
            if (actual.Location.IsInSource)
            {
                return "has a source location but none was expected";
            }
        }
        else
        {
            if (LocationMismatch(expected.Locations[0], actual.Location) is { } primary)
            {
                return "location: " + primary;
            }

            // Additional locations are compared only when the expectation lists them.
            if (expected.Locations.Length > 1)
            {
                if (actual.AdditionalLocations.Count != expected.Locations.Length - 1)
                {
                    return $"{actual.AdditionalLocations.Count} additional locations instead of {expected.Locations.Length - 1}";
                }

                for (int i = 1; i < expected.Locations.Length; i++)
                {
                    if (LocationMismatch(expected.Locations[i], actual.AdditionalLocations[i - 1]) is { } additional)
                    {
                        return $"additional location {i}: {additional}";
                    }
                }
            }
        }

        if (result.Severity is { } severity && actual.Severity != severity)
        {
            return $"severity {actual.Severity} instead of {severity}";
        }

        string actualMessage = actual.GetMessage(CultureInfo.InvariantCulture);
        if (result.Message is { } message && actualMessage != message)
        {
            return $"message \"{actualMessage}\" instead of \"{message}\"";
        }

        if (result.Arguments is { } arguments)
        {
            string format = actual.Descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
            string expectedMessage = string.Format(CultureInfo.InvariantCulture, format, arguments);
            if (actualMessage != expectedMessage)
            {
                return $"message \"{actualMessage}\" instead of \"{expectedMessage}\" (format \"{format}\" with the expected arguments)";
            }
        }

        return null;
    }

    private static string? LocationMismatch(ResolvedLocation expected, Location actual)
    {
        if (!actual.IsInSource)
        {
            return "the diagnostic has no source location";
        }

        var span = actual.GetLineSpan();
        if (span.Path != expected.Path)
        {
            return $"in {span.Path} instead of {expected.Path}";
        }

        if (span.StartLinePosition != expected.Span.Start || (!expected.StartOnly && span.EndLinePosition != expected.Span.End))
        {
            return $"{DiagnosticText.Format(span.Span, expected.StartOnly)} instead of {DiagnosticText.Format(expected.Span, expected.StartOnly)}";
        }

        return null;
    }

    private static ResolvedLocation ToResolved(Location location)
    {
        var span = location.GetLineSpan();
        return new ResolvedLocation(span.Path, span.Span, StartOnly: false);
    }

    private static void AppendSourceLine(StringBuilder message, Dictionary<string, SourceText> texts, ResolvedLocation? location)
    {
        if (location is null || !texts.TryGetValue(location.Path, out var text) || location.Span.Start.Line >= text.Lines.Count)
        {
            return;
        }

        var line = text.Lines[location.Span.Start.Line];
        string content = line.ToString();
        int start = Math.Min(location.Span.Start.Character, content.Length);
        int end = location.StartOnly || location.Span.End.Line != location.Span.Start.Line
            ? start + 1
            : Math.Max(start + 1, Math.Min(location.Span.End.Character, content.Length));
        string gutter = $"    {location.Span.Start.Line + 1,4} | ";
        message.Append(gutter).AppendLine(content);
        message.Append(' ', gutter.Length + start).Append('^', end - start).AppendLine();
    }

    private static string SortKey(Expectation expectation) =>
        expectation.Locations.IsEmpty ? "\0" + expectation.Result.Id : SortKey(expectation.Locations[0].Path, expectation.Locations[0].Span.Start, expectation.Result.Id);

    private static string SortKey(Diagnostic diagnostic)
    {
        if (!diagnostic.Location.IsInSource)
        {
            return "\0" + diagnostic.Id;
        }

        var span = diagnostic.Location.GetLineSpan();
        return SortKey(span.Path, span.StartLinePosition, diagnostic.Id);
    }

    private static string SortKey(string path, LinePosition start, string id) =>
        FormattableString.Invariant($"{path}\u0001{start.Line:D6}\u0001{start.Character:D6}\u0001{id}");
}
