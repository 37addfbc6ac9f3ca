using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>One marked span: <c>[|…|]</c> (Name null), <c>{|ID:…|}</c> (Name = id) or <c>{|#n:…|}</c> (Key = n).</summary>
internal sealed record MarkupSpan(string? Name, int? Key, TextSpan Span);

/// <summary>A source with its markup removed and the marked spans, reported against the stripped text.</summary>
internal sealed record MarkedSource(string Text, ImmutableArray<MarkupSpan> Spans);

/// <summary>
/// Parses the test markup. Spans may nest; a closing <c>|]</c>/<c>|}</c> closes the innermost open
/// span of the same bracket kind. Text that merely looks similar (e.g. <c>{|</c> not followed by a
/// name and a colon) is left alone, so ordinary C# never needs escaping.
/// </summary>
internal static class Markup
{
    public static MarkedSource Parse(string input)
    {
        var text = new StringBuilder(input.Length);
        var spans = ImmutableArray.CreateBuilder<MarkupSpan>();
        var open = new Stack<(char Close, string? Name, int Start, int InputIndex)>();
        int i = 0;
        while (i < input.Length)
        {
            if (At(input, i, "[|"))
            {
                open.Push((']', null, text.Length, i));
                i += 2;
            }
            else if (At(input, i, "{|") && TryReadName(input, i + 2, out var name, out var next))
            {
                open.Push(('}', name, text.Length, i));
                i = next;
            }
            else if (input[i] == '|' && i + 1 < input.Length && open.Count > 0 && open.Peek().Close == input[i + 1])
            {
                var (_, spanName, start, _) = open.Pop();
                spans.Add(Create(spanName, TextSpan.FromBounds(start, text.Length)));
                i += 2;
            }
            else
            {
                text.Append(input[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            var (close, name, _, index) = open.Peek();
            throw new ArgumentException(
                $"Markup '{(close == ']' ? "[|" : "{|" + name + ":")}' at offset {index} is never closed.", nameof(input));
        }

        var keys = spans.Where(s => s.Key is not null).GroupBy(s => s.Key).FirstOrDefault(g => g.Count() > 1);
        if (keys is not null)
        {
            throw new ArgumentException($"Markup key #{keys.Key} is used more than once.", nameof(input));
        }

        return new MarkedSource(text.ToString(), spans.ToImmutable());
    }

    private static MarkupSpan Create(string? name, TextSpan span) =>
        name is not null && name.StartsWith('#')
            ? new MarkupSpan(null, int.Parse(name.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), span)
            : new MarkupSpan(name, null, span);

    private static bool At(string input, int index, string token) =>
        string.CompareOrdinal(input, index, token, 0, token.Length) == 0;

    // A name is "#digits" or an identifier-like id (letters, digits, '_'), followed by ':'.
    private static bool TryReadName(string input, int start, out string name, out int next)
    {
        int end = start;
        bool numbered = end < input.Length && input[end] == '#';
        if (numbered)
        {
            end++;
        }

        while (end < input.Length && (numbered ? char.IsAsciiDigit(input[end]) : char.IsAsciiLetterOrDigit(input[end]) || input[end] == '_'))
        {
            end++;
        }

        bool valid = end < input.Length && input[end] == ':' && end > start + (numbered ? 1 : 0);
        name = valid ? input[start..end] : "";
        next = end + 1;
        return valid;
    }
}
