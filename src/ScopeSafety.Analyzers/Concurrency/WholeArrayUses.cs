using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// Calls of .NET that read or write every element of an array they are given, with no index or length that would
    /// say which part: <c>Array.Sort(a)</c>, <c>Array.Reverse(a)</c>, <c>Array.Clear(a)</c>, <c>Array.Fill(a, v)</c>,
    /// <c>Random.NextBytes(buffer)</c> and <c>RandomNumberGenerator.Fill</c>/<c>GetBytes(buffer)</c> write; <c>Array.IndexOf(a, v)</c>,
    /// the other searches of <c>Array</c>, and LINQ's <c>Enumerable</c> operators read. Calls given a range
    /// (<c>Array.Clear(a, start, count)</c>, <c>Array.Copy</c>) are left out: two halves of one array must not look
    /// like the same elements.
    /// </summary>
    internal static class WholeArrayUses
    {
        private static readonly string[] ArrayWrites = { "Sort", "Reverse", "Clear", "Fill" };
        private static readonly string[] ArrayReads = { "IndexOf", "LastIndexOf", "BinarySearch", "Exists", "Find", "FindAll", "FindIndex", "FindLast", "FindLastIndex", "TrueForAll", "ForEach", "ConvertAll" };

        /// <summary>The arrays <paramref name="call"/> uses whole, each with whether it writes them; empty for any other call.</summary>
        public static List<(IOperation Array, bool Write)> Of(IInvocationOperation call)
        {
            var result = new List<(IOperation, bool)>();
            var method = call.TargetMethod;
            if (!(method.ContainingType is { } type) || !InSystem(type) || HasRange(method))
            {
                return result;
            }

            var name = method.Name;
            if (type.Name == "Array" && type.ContainingNamespace.Name == "System")
            {
                var write = System.Array.IndexOf(ArrayWrites, name) >= 0;
                if (write || System.Array.IndexOf(ArrayReads, name) >= 0)
                {
                    // Sort(keys, items) sorts both.
                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Parameter?.Type is IArrayTypeSymbol)
                        {
                            result.Add((argument.Value, write));
                        }
                    }
                }
            }
            else if ((type.Name == "Random" && name == "NextBytes") || (type.Name == "RandomNumberGenerator" && name is "Fill" or "GetBytes" or "GetNonZeroBytes"))
            {
                if (call.Arguments.Length == 1 && SpawnClassifier.Unwrap(call.Arguments[0].Value).Type is IArrayTypeSymbol)
                {
                    result.Add((SpawnClassifier.Unwrap(call.Arguments[0].Value), true));
                }
            }
            else if (type.Name == "Enumerable" && type.ContainingNamespace.Name == "Linq" && method.IsExtensionMethod && call.Arguments.Length > 0 &&
                     SpawnClassifier.Unwrap(call.Arguments[0].Value).Type is IArrayTypeSymbol)
            {
                result.Add((SpawnClassifier.Unwrap(call.Arguments[0].Value), false));
            }

            return result;
        }

        private static bool InSystem(INamedTypeSymbol type)
        {
            var ns = type.ContainingNamespace;
            while (ns != null && !ns.IsGlobalNamespace && ns.ContainingNamespace is { IsGlobalNamespace: false })
            {
                ns = ns.ContainingNamespace;
            }

            return ns is { Name: "System" };
        }

        /// <summary>An overload given a start index or a length: it uses part of the array, which part we do not follow.</summary>
        private static bool HasRange(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 && parameter.Name is "index" or "startIndex" or "length" or "count" or "offset")
                {
                    return true;
                }
            }

            return false;
        }
    }
}
