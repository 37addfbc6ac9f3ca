using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ScopeSafety.Analyzers.Configuration
{
    /// <summary>
    /// The user's extra spawn APIs from .editorconfig: <c>scopesafety.unscoped_methods</c> and
    /// <c>scopesafety.structured_methods</c>, each a list of documentation comment ids separated by ',' or '|'.
    /// An id without a parameter list (<c>M:MyLib.Pool.Enqueue</c>) matches every overload. Constructors may be
    /// written <c>Type..ctor</c> or <c>Type.Type</c> besides the documentation id's <c>Type.#ctor</c>, which the
    /// .editorconfig and .globalconfig parsers cut off at '#' (it starts a comment there).
    /// </summary>
    internal sealed class SpawnOptions
    {
        public const string UnscopedMethodsKey = "scopesafety.unscoped_methods";
        public const string StructuredMethodsKey = "scopesafety.structured_methods";

        public static readonly SpawnOptions Empty = new SpawnOptions(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);

        private readonly ImmutableHashSet<string> _unscoped;
        private readonly ImmutableHashSet<string> _structured;

        private SpawnOptions(ImmutableHashSet<string> unscoped, ImmutableHashSet<string> structured)
        {
            _unscoped = unscoped;
            _structured = structured;
        }

        public bool IsEmpty => _unscoped.IsEmpty && _structured.IsEmpty;

        /// <summary>Null when the method is not listed; otherwise whether it is listed as unscoped.</summary>
        public bool? Classify(IMethodSymbol method)
        {
            if (IsEmpty)
            {
                return null;
            }

            var id = method.OriginalDefinition.GetDocumentationCommentId();
            if (id == null)
            {
                return null;
            }

            var withoutParameters = StripParameters(id);
            if (_unscoped.Contains(id) || _unscoped.Contains(withoutParameters))
            {
                return true;
            }

            if (_structured.Contains(id) || _structured.Contains(withoutParameters))
            {
                return false;
            }

            return null;
        }

        /// <summary>Splits a list of ids on ',' and '|' outside parentheses and brackets (parameter lists contain commas).</summary>
        public static ImmutableHashSet<string> ParseList(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return ImmutableHashSet<string>.Empty;
            }

            var result = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var item in SplitList(value))
            {
                result.Add(Normalize(item));
            }

            return result.ToImmutable();
        }

        /// <summary>The items of a list as written (trimmed), split on ',' and '|' outside parentheses and brackets.</summary>
        public static ImmutableArray<string> SplitList(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return ImmutableArray<string>.Empty;
            }

            var result = ImmutableArray.CreateBuilder<string>();
            var depth = 0;
            var start = 0;
            for (var i = 0; i <= value!.Length; i++)
            {
                var c = i < value.Length ? value[i] : ',';
                if (c == '(' || c == '[' || c == '{')
                {
                    depth++;
                }
                else if (c == ')' || c == ']' || c == '}')
                {
                    depth = Math.Max(0, depth - 1);
                }
                else if ((c == ',' || c == '|') && (depth == 0 || i == value.Length))
                {
                    var item = value.Substring(start, i - start).Trim();
                    if (item.Length > 0)
                    {
                        result.Add(item);
                    }

                    start = i + 1;
                    depth = 0;
                }
            }

            return result.ToImmutable();
        }

        /// <summary>The id with its parameter list and generic arity removed: every overload's common prefix.</summary>
        public static string StripParameters(string id)
        {
            var paren = id.IndexOf('(');
            var withoutParameters = paren < 0 ? id : id.Substring(0, paren);
            var arity = withoutParameters.IndexOf("``", StringComparison.Ordinal);
            return arity < 0 ? withoutParameters : withoutParameters.Substring(0, arity);
        }

        /// <summary>
        /// The documentation comment id an item stands for: a bare "MyLib.Pool.Enqueue" is "M:MyLib.Pool.Enqueue"
        /// (users forget the prefix), and a constructor written "MyLib.Worker..ctor" (its metadata name) or
        /// "MyLib.Worker.Worker" (as C# declares it) is "M:MyLib.Worker.#ctor", the spelling a '#' comment makes
        /// impossible in .editorconfig.
        /// </summary>
        public static string Normalize(string item)
        {
            var id = item.Length > 1 && item[1] == ':' ? item : "M:" + item;
            if (!id.StartsWith("M:", StringComparison.Ordinal))
            {
                return id;
            }

            var paren = id.IndexOf('(');
            var name = paren < 0 ? id : id.Substring(0, paren);
            var parameters = paren < 0 ? string.Empty : id.Substring(paren);
            const string MetadataConstructor = "..ctor";
            if (name.EndsWith(MetadataConstructor, StringComparison.Ordinal) && name.Length > 2 + MetadataConstructor.Length)
            {
                return name.Substring(0, name.Length - MetadataConstructor.Length) + ".#ctor" + parameters;
            }

            // C# forbids a member named like its type (CS0542), so "Type.Type" can only be the constructor.
            var lastDot = name.LastIndexOf('.');
            if (lastDot > 2)
            {
                var member = name.Substring(lastDot + 1);
                var typeDot = name.LastIndexOf('.', lastDot - 1);
                var type = StripArity(name.Substring(typeDot < 2 ? 2 : typeDot + 1, lastDot - (typeDot < 2 ? 2 : typeDot + 1)));
                if (member.Length > 0 && string.Equals(member, type, StringComparison.Ordinal))
                {
                    return name.Substring(0, lastDot) + ".#ctor" + parameters;
                }
            }

            return id;
        }

        private static string StripArity(string name)
        {
            var tick = name.IndexOf('`');
            return tick < 0 ? name : name.Substring(0, tick);
        }

        /// <summary>Reads and caches the options per syntax tree; one cache lives per compilation.</summary>
        internal sealed class Cache
        {
            private readonly AnalyzerConfigOptionsProvider _provider;
            private readonly ConcurrentDictionary<SyntaxTree, SpawnOptions> _byTree = new ConcurrentDictionary<SyntaxTree, SpawnOptions>();
            private readonly ConcurrentDictionary<(string, string), SpawnOptions> _byText = new ConcurrentDictionary<(string, string), SpawnOptions>();

            public Cache(AnalyzerConfigOptionsProvider provider) => _provider = provider;

            public SpawnOptions Get(SyntaxTree tree) => _byTree.GetOrAdd(tree, Read);

            /// <summary>Options from the two values directly, for unit tests of the classification.</summary>
            internal static SpawnOptions ForTests(string? unscoped, string? structured) =>
                new SpawnOptions(ParseList(unscoped), ParseList(structured));

            private SpawnOptions Read(SyntaxTree tree)
            {
                var options = _provider.GetOptions(tree);
                var unscoped = Value(options, _provider.GlobalOptions, UnscopedMethodsKey);
                var structured = Value(options, _provider.GlobalOptions, StructuredMethodsKey);
                if (string.IsNullOrWhiteSpace(unscoped) && string.IsNullOrWhiteSpace(structured))
                {
                    return Empty;
                }

                return _byText.GetOrAdd((unscoped ?? string.Empty, structured ?? string.Empty),
                    key => new SpawnOptions(ParseList(key.Item1), ParseList(key.Item2)));
            }

            /// <summary>
            /// The file's value, else the one of a .globalconfig's global section (files see only its
            /// [path] sections). The same lookup serves the option check, so both see the same values.
            /// </summary>
            internal static string? Value(AnalyzerConfigOptions fileOptions, AnalyzerConfigOptions globalOptions, string key)
            {
                if (fileOptions.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
                {
                    return value;
                }

                return globalOptions.TryGetValue(key, out value) ? value : null;
            }
        }
    }
}
