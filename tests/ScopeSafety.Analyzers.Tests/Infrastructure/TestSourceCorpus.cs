using System.Reflection;
using System.Reflection.Emit;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.Analyzers.Tests.Infrastructure;

/// <summary>
/// Collects the C# test sources of a test class without any registry: every string literal in the IL
/// of the class (its methods, property getters, static initialiser, and the compiler-generated nested
/// types of its async methods and lambdas) that parses to at least one type declaration. Literals are
/// compile-time data, so the result does not depend on which tests ran before or in parallel.
/// </summary>
/// <remarks>
/// <code>
/// public static TheoryData&lt;string&gt; AllSources => TestSourceCorpus.Of(typeof(MyRuleTests));
/// [Theory, MemberData(nameof(AllSources))]
/// public Task Analyzer_survives_every_prefix(string source) => IncompleteCode.VerifyNoAnalyzerExceptionsAsync&lt;MyAnalyzer&gt;(source);
/// </code>
/// Pieces of interpolated strings show up as separate literals; they are simply more incomplete code.
/// </remarks>
public static class TestSourceCorpus
{
    private static readonly Lazy<Dictionary<short, OpCode>> s_opCodes = new(() =>
        typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(op => op.Value));

    /// <summary>The distinct C# sources among the string literals of <paramref name="testClass"/>, in IL order.</summary>
    public static TheoryData<string> Of(Type testClass)
    {
        var sources = new TheoryData<string>();
        foreach (string literal in StringLiterals(testClass).Distinct().Where(IsSource))
        {
            sources.Add(literal);
        }

        return sources;
    }

    /// <summary>The distinct C# sources of all of <paramref name="testClasses"/>, class by class.</summary>
    public static TheoryData<string> Of(params Type[] testClasses)
    {
        var sources = new TheoryData<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in testClasses)
        {
            foreach (var row in (IEnumerable<object[]>)Of(type))
            {
                if (seen.Add((string)row[0]))
                {
                    sources.Add((string)row[0]);
                }
            }
        }

        return sources;
    }

    internal static IEnumerable<string> StringLiterals(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        foreach (var method in methods)
        {
            if (method.GetMethodBody()?.GetILAsByteArray() is { } il)
            {
                foreach (string literal in Literals(method.Module, il))
                {
                    yield return literal;
                }
            }
        }

        // Async state machines, iterators and lambda closures are nested types of the class.
        foreach (var nested in type.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public))
        {
            foreach (string literal in StringLiterals(nested))
            {
                yield return literal;
            }
        }
    }

    private static IEnumerable<string> Literals(Module module, byte[] il)
    {
        var literals = new List<string>();
        int offset = 0;
        while (offset < il.Length)
        {
            short value = il[offset] == 0xFE && offset + 1 < il.Length ? (short)(0xFE00 | il[offset + 1]) : il[offset];
            offset += value > 0xFF || value < 0 ? 2 : 1;
            if (!s_opCodes.Value.TryGetValue(value, out var opCode))
            {
                break; // Unknown opcode: stop rather than misread the rest.
            }

            if (opCode.OperandType == OperandType.InlineString)
            {
                literals.Add(module.ResolveString(BitConverter.ToInt32(il, offset)));
            }

            offset += OperandSize(opCode.OperandType, il, offset);
        }

        return literals;
    }

    private static int OperandSize(OperandType type, byte[] il, int offset) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, offset)),
        _ => 4,
    };

    private static bool IsSource(string literal)
    {
        string text;
        try
        {
            text = Markup.Parse(literal).Text;
        }
        catch (ArgumentException)
        {
            text = literal;
        }

        return CSharpSyntaxTree.ParseText(text).GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Any();
    }
}
