using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ScopeSafety.Analyzers.Tests.Infrastructure;

namespace ScopeSafety.Analyzers.Tests.Verifiers;

/// <summary>
/// An expected diagnostic: id, location(s), severity and optionally message or message arguments.
/// Immutable; every <c>With…</c> method returns a copy. Mirrors the type of the same name in
/// Microsoft.CodeAnalysis.Testing so that tests can switch with a using change.
/// </summary>
public readonly struct DiagnosticResult
{
    private readonly ImmutableArray<ExpectedLocation> _locations;

    /// <summary>Creates an expected diagnostic with the given id and severity and no location yet.</summary>
    public DiagnosticResult(string id, DiagnosticSeverity severity)
        : this(id, severity, ImmutableArray<ExpectedLocation>.Empty, message: null, arguments: null)
    {
    }

    private DiagnosticResult(
        string id, DiagnosticSeverity? severity, ImmutableArray<ExpectedLocation> locations, string? message, object?[]? arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Severity = severity;
        _locations = locations;
        Message = message;
        Arguments = arguments;
    }

    /// <summary>An expected compiler error such as <c>CS8175</c>.</summary>
    public static DiagnosticResult CompilerError(string id) => new(id, DiagnosticSeverity.Error);

    /// <summary>An expected compiler warning such as <c>CS0168</c>.</summary>
    public static DiagnosticResult CompilerWarning(string id) => new(id, DiagnosticSeverity.Warning);

    /// <summary>The diagnostic id.</summary>
    public string Id { get; }

    /// <summary>The expected effective severity; <see langword="null"/> means "not compared".</summary>
    public DiagnosticSeverity? Severity { get; }

    /// <summary>The exact expected message, if given.</summary>
    public string? Message { get; }

    /// <summary>The expected message arguments, if given.</summary>
    public object?[]? Arguments { get; }

    /// <summary>True once a location was given.</summary>
    public bool HasLocation => !Locations.IsEmpty;

    internal ImmutableArray<ExpectedLocation> Locations => _locations.IsDefault ? ImmutableArray<ExpectedLocation>.Empty : _locations;

    /// <summary>
    /// Adds the location marked <c>{|#key:…|}</c> in the test sources. The first location is the
    /// primary one; later ones must equal the diagnostic's additional locations, in order.
    /// </summary>
    public DiagnosticResult WithLocation(int markupKey) => AddLocation(ExpectedLocation.ForMarkupKey(markupKey));

    /// <summary>Adds a location by the 1-based line and column of its start, in the first document.</summary>
    public DiagnosticResult WithLocation(int line, int column) => WithLocation(path: null, line, column);

    /// <summary>Adds a location by the 1-based line and column of its start, in the document with the given path.</summary>
    public DiagnosticResult WithLocation(string? path, int line, int column) =>
        AddLocation(ExpectedLocation.ForPosition(path, ToPosition(line, column)));

    /// <summary>Adds a location by its 1-based start and end, in the first document.</summary>
    public DiagnosticResult WithSpan(int startLine, int startColumn, int endLine, int endColumn) =>
        WithSpan(path: null, startLine, startColumn, endLine, endColumn);

    /// <summary>Adds a location by its 1-based start and end, in the document with the given path.</summary>
    public DiagnosticResult WithSpan(string? path, int startLine, int startColumn, int endLine, int endColumn) =>
        AddLocation(ExpectedLocation.ForSpan(
            path, new LinePositionSpan(ToPosition(startLine, startColumn), ToPosition(endLine, endColumn))));

    /// <summary>
    /// Expects the message that the diagnostic's own message format produces with these arguments.
    /// </summary>
    public DiagnosticResult WithArguments(params object?[] arguments) => new(Id, Severity, Locations, Message, arguments);

    /// <summary>Expects exactly this message.</summary>
    public DiagnosticResult WithMessage(string message) => new(Id, Severity, Locations, message, Arguments);

    /// <summary>Expects this effective severity (after .editorconfig).</summary>
    public DiagnosticResult WithSeverity(DiagnosticSeverity severity) => new(Id, severity, Locations, Message, Arguments);

    internal static DiagnosticResult WithoutSeverity(string id) =>
        new(id, severity: null, ImmutableArray<ExpectedLocation>.Empty, message: null, arguments: null);

    internal DiagnosticResult AddLocation(ExpectedLocation location) =>
        new(Id ?? throw new InvalidOperationException("default(DiagnosticResult) cannot be used"),
            Severity, Locations.Add(location), Message, Arguments);

    /// <inheritdoc/>
    public override string ToString() => DiagnosticText.Describe(this);

    private static LinePosition ToPosition(int line, int column)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(line, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(column, 1);
        return new LinePosition(line - 1, column - 1);
    }
}

/// <summary>
/// One expected location: either a reference to a numbered markup span (resolved against the sources
/// when the test runs), a start position, or a full span. Path <see langword="null"/> = first document.
/// </summary>
internal readonly record struct ExpectedLocation(int? MarkupKey, string? Path, LinePositionSpan Span, bool StartOnly)
{
    public static ExpectedLocation ForMarkupKey(int key) => new(key, null, default, false);

    public static ExpectedLocation ForPosition(string? path, LinePosition start) => new(null, path, new LinePositionSpan(start, start), true);

    public static ExpectedLocation ForSpan(string? path, LinePositionSpan span) => new(null, path, span, false);
}
