using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Checks one item of <c>scopesafety.unscoped_methods</c> / <c>scopesafety.structured_methods</c> (methods) or of
    /// <c>scopesafety.not_thread_safe_types</c> / <c>scopesafety.thread_safe_types</c> (types) against the
    /// compilation, so that a list the analyzers cannot use is reported instead of silently configuring nothing.
    /// </summary>
    internal static class SpawnOptionsCheck
    {
        private const string ConstructorName = "#ctor";

        // One segment of a method's name: an identifier with an optional generic arity (`1 on types, ``1 on
        // methods), or the constructor's #ctor.
        private static readonly Regex Segment = new Regex(@"^(#ctor|[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]*(``?\d+)?)$", RegexOptions.CultureInvariant);

        /// <summary>The keys whose items are types (the thread-safety lists); the others list methods.</summary>
        public static bool ListsTypes(string key) =>
            key == ThreadSafetyOptions.NotThreadSafeTypesKey || key == ThreadSafetyOptions.ThreadSafeTypesKey || key == ThreadSafetyOptions.CheckedThreadSafeTypesKey;

        /// <summary>The items of a value of <paramref name="key"/>, as written.</summary>
        public static IEnumerable<string> Items(string key, string value) =>
            ListsTypes(key) ? SplitTypes(value) : SpawnOptions.SplitList(value);

        /// <summary>Why the item of <paramref name="key"/> cannot configure anything, or null when it may.</summary>
        public static string? Problem(string key, string item, Compilation compilation) =>
            ListsTypes(key) ? TypeProblem(item, compilation) : Problem(item, compilation);

        /// <summary>
        /// Why a type item cannot configure anything, or null when it names a type this compilation sees (or may not
        /// see: its namespace is absent). The id is read as the thread-safety options read it (ThreadSafetyOptions.ParseList).
        /// </summary>
        public static string? TypeProblem(string item, Compilation compilation)
        {
            var id = ThreadSafetyOptions.ParseList(item).FirstOrDefault();
            if (id == null)
            {
                return null;
            }

            if (!id.StartsWith("T:", StringComparison.Ordinal))
            {
                return $"it is not a type id (it starts with '{id.Substring(0, 2)}'); list types, with 'T:' or without a prefix";
            }

            var segments = id.Substring(2).Split('.');
            if (segments.Any(segment => !Segment.IsMatch(segment) || segment == ConstructorName))
            {
                return "it is not a type's documentation comment id, such as 'T:MyLib.Counter' or 'System.Collections.Generic.List`1' (a '#' or ';' starts a comment in .editorconfig and .globalconfig)";
            }

            if (DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation).OfType<INamedTypeSymbol>().Any())
            {
                return null;
            }

            var namespaceName = string.Join(".", segments, 0, segments.Length - 1);
            var generic = segments[segments.Length - 1].IndexOf('`') < 0 &&
                          DocumentationCommentId.GetSymbolsForDeclarationId(id + "`1", compilation).OfType<INamedTypeSymbol>().Any();
            return !NamespaceExists(compilation, namespaceName) ? null
                : generic ? $"'{id.Substring(2)}' is generic: its id ends with a backtick and the number of type parameters, e.g. '{id.Substring(2)}`1'"
                : $"no type '{id.Substring(2)}' is visible to this project";
        }

        /// <summary>Why the item cannot configure anything, or null when it names a method this compilation sees (or may not see).</summary>
        public static string? Problem(string item, Compilation compilation)
        {
            var id = SpawnOptions.Normalize(item);
            if (!id.StartsWith("M:", StringComparison.Ordinal))
            {
                return $"it is not a method id (it starts with '{id.Substring(0, 2)}'); list methods and constructors, with 'M:' or without a prefix";
            }

            var paren = id.IndexOf('(');
            var name = paren < 0 ? id.Substring(2) : id.Substring(2, paren - 2);
            var segments = name.Split('.');
            if (name.EndsWith(".", StringComparison.Ordinal) && paren < 0)
            {
                var type = name.TrimEnd('.');
                return $"it is cut short: '#' and ';' start a comment in .editorconfig and .globalconfig, so the value ends there and every id after it is lost; write a constructor as '{type}..ctor(...)'";
            }

            if (segments.Length < 2 || segments.Any(segment => !Segment.IsMatch(segment)) || segments.Take(segments.Length - 1).Any(segment => segment == ConstructorName))
            {
                return "it is not a method's documentation comment id, such as 'M:MyLib.Pool.Enqueue(System.Action)' or 'MyLib.Worker..ctor(System.Action)'";
            }

            if (paren >= 0 && !IsParameterList(id.Substring(paren)))
            {
                return "its parameter list is not closed (a '#' or ';' in the value starts a comment in .editorconfig and .globalconfig), or has text after it";
            }

            var typeName = string.Join(".", segments, 0, segments.Length - 1);
            var member = segments[segments.Length - 1];
            if (Arity(member) < 0)
            {
                return "its generic arity is not a number";
            }

            var types = DocumentationCommentId.GetSymbolsForDeclarationId("T:" + typeName, compilation).OfType<INamedTypeSymbol>().ToList();
            if (types.Count == 0)
            {
                // One .editorconfig often serves projects that do not all reference the listed library: a type is
                // unknown only where its namespace is there, so a misspelt type name is caught but an absent library is not.
                var namespaceName = string.Join(".", segments, 0, segments.Length - 2);
                return NamespaceExists(compilation, namespaceName)
                    ? $"no type '{typeName}' is visible to this project"
                    : null;
            }

            var memberName = member == ConstructorName ? WellKnownMemberNames.InstanceConstructorName : StripMethodArity(member);
            var methods = types.SelectMany(type => type.GetMembers(memberName)).OfType<IMethodSymbol>().ToList();
            if (methods.Count == 0)
            {
                return member == ConstructorName
                    ? $"'{typeName}' has no constructor"
                    : $"'{typeName}' has no method '{memberName}'";
            }

            if (paren < 0)
            {
                return member == StripMethodArity(member) || methods.Any(method => method.Arity == Arity(member))
                    ? null
                    : $"'{typeName}' has no method '{memberName}' with {Arity(member)} type parameters";
            }

            if (DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation).OfType<IMethodSymbol>().Any())
            {
                return null;
            }

            var overloads = methods.Select(method => method.GetDocumentationCommentId()).Where(candidate => candidate != null).OrderBy(candidate => candidate, StringComparer.Ordinal).Take(3);
            return $"no overload has these parameters (the id of a method names each parameter type in full, e.g. '{string.Join("', '", overloads)}')";
        }

        private static IEnumerable<string> SplitTypes(string value) =>
            value.Split(',', '|').Select(part => part.Trim()).Where(part => part.Length > 0);

        private static bool IsParameterList(string text)
        {
            var depth = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '(' || c == '[' || c == '{')
                {
                    depth++;
                }
                else if (c == ')' || c == ']' || c == '}')
                {
                    depth--;
                    if (depth < 0)
                    {
                        return false;
                    }

                    if (depth == 0)
                    {
                        // A conversion operator's id ends with "~ReturnType"; anything else after the list is malformed.
                        return i == text.Length - 1 || text[i + 1] == '~';
                    }
                }
            }

            return false;
        }

        private static string StripMethodArity(string member)
        {
            var tick = member.IndexOf("``", StringComparison.Ordinal);
            return tick < 0 ? member : member.Substring(0, tick);
        }

        private static int Arity(string member)
        {
            var tick = member.IndexOf("``", StringComparison.Ordinal);
            if (tick < 0)
            {
                return 0;
            }

            return int.TryParse(member.Substring(tick + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var arity) ? arity : -1;
        }

        private static bool NamespaceExists(Compilation compilation, string name)
        {
            INamespaceSymbol? current = compilation.GlobalNamespace;
            if (name.Length == 0)
            {
                return true;
            }

            foreach (var part in name.Split('.'))
            {
                current = current.GetNamespaceMembers().FirstOrDefault(ns => ns.Name == part);
                if (current == null)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Every distinct value of the five list keys that some file of the compilation (or the global config) sees.</summary>
        public static IEnumerable<(string Key, string Value)> Values(Compilation compilation, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider provider)
        {
            var seen = new HashSet<(string, string)>();
            foreach (var key in new[] { SpawnOptions.UnscopedMethodsKey, SpawnOptions.StructuredMethodsKey, ThreadSafetyOptions.NotThreadSafeTypesKey, ThreadSafetyOptions.ThreadSafeTypesKey,
                         ThreadSafetyOptions.CheckedThreadSafeTypesKey })
            {
                if (provider.GlobalOptions.TryGetValue(key, out var global) && !string.IsNullOrWhiteSpace(global) && seen.Add((key, global)))
                {
                    yield return (key, global);
                }

                foreach (var tree in compilation.SyntaxTrees)
                {
                    var value = SpawnOptions.Cache.Value(provider.GetOptions(tree), provider.GlobalOptions, key);
                    if (!string.IsNullOrWhiteSpace(value) && seen.Add((key, value!)))
                    {
                        yield return (key, value!);
                    }
                }
            }
        }
    }
}
