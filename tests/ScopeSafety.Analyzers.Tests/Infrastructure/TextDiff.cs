using System.Text;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>A small line diff (longest common subsequence) for "fixed code differs" failures.</summary>
internal static class TextDiff
{
    public static string Lines(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var common = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                diff.Append("   ").AppendLine(Show(a[x]));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                diff.Append("+  ").AppendLine(Show(b[y++]));
            }
            else
            {
                diff.Append("-  ").AppendLine(Show(a[x++]));
            }
        }

        if (expected.Replace("\r\n", "\n", StringComparison.Ordinal) == actual.Replace("\r\n", "\n", StringComparison.Ordinal))
        {
            diff.AppendLine("(the texts differ only in line endings; \\r is shown as ␍)");
        }

        return diff.ToString();
    }

    private static string Show(string line) => line.Replace("\r", "␍", StringComparison.Ordinal);
}
