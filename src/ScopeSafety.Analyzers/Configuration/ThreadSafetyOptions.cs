using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Configuration
{
    /// <summary>
    /// The .editorconfig lists that adjust which types are thread-safe: <c>scopesafety.not_thread_safe_types</c> adds
    /// types (yours, or framework ones we do not list), <c>scopesafety.thread_safe_types</c> removes types from the
    /// defaults, and <c>scopesafety.checked_thread_safe_types</c> names types whose members are checked as if called from
    /// several threads at once (as the <c>[ThreadSafe]</c> attribute does, see <c>ThreadSafeTypes</c>). Each is a list of documentation comment ids (<c>T:MyLib.Counter</c>; the <c>T:</c> may be left out)
    /// separated by ',' or '|'. A type derived from a listed type is listed too.
    /// </summary>
    internal sealed class ThreadSafetyOptions
    {
        public const string NotThreadSafeTypesKey = "scopesafety.not_thread_safe_types";
        public const string ThreadSafeTypesKey = "scopesafety.thread_safe_types";
        public const string CheckedThreadSafeTypesKey = "scopesafety.checked_thread_safe_types";

        public static readonly ThreadSafetyOptions Empty = new ThreadSafetyOptions(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);

        private readonly ImmutableHashSet<string> _notThreadSafe;
        private readonly ImmutableHashSet<string> _threadSafe;
        private readonly ImmutableHashSet<string> _checked;

        private ThreadSafetyOptions(ImmutableHashSet<string> notThreadSafe, ImmutableHashSet<string> threadSafe, ImmutableHashSet<string> @checked)
        {
            _notThreadSafe = notThreadSafe;
            _threadSafe = threadSafe;
            _checked = @checked;
        }

        /// <summary>True when <paramref name="type"/>, or a type it derives from, is listed in <c>scopesafety.checked_thread_safe_types</c>.</summary>
        public bool IsChecked(INamedTypeSymbol type)
        {
            if (_checked.IsEmpty)
            {
                return false;
            }

            for (var t = type; t != null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                if (t.OriginalDefinition.GetDocumentationCommentId() is { } id && _checked.Contains(id))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when instances of <paramref name="type"/> are not thread-safe under these options.</summary>
        public bool IsNotThreadSafe(ITypeSymbol? type, KnownSymbols symbols)
        {
            for (var t = type as INamedTypeSymbol; t != null; t = t.BaseType)
            {
                if (t.SpecialType == SpecialType.System_Object)
                {
                    return false;
                }

                var definition = t.OriginalDefinition;
                var listedByUser = !_notThreadSafe.IsEmpty || !_threadSafe.IsEmpty;
                var id = listedByUser ? definition.GetDocumentationCommentId() : null;
                if (id != null && _threadSafe.Contains(id))
                {
                    return false;
                }

                if (symbols.Collections.NotThreadSafe.Contains(definition) || (id != null && _notThreadSafe.Contains(id)))
                {
                    return true;
                }
            }

            return false;
        }

        public static ImmutableHashSet<string> ParseList(string? value)
        {
            var builder = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(value))
            {
                return builder.ToImmutable();
            }

            foreach (var part in value!.Split(',', '|'))
            {
                var item = part.Trim();
                if (item.Length > 0)
                {
                    builder.Add(item.Length > 1 && item[1] == ':' ? item : "T:" + item);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>Reads and caches the options per syntax tree; one cache lives per compilation.</summary>
        internal sealed class Cache
        {
            private readonly AnalyzerConfigOptionsProvider _provider;
            private readonly ConcurrentDictionary<SyntaxTree, ThreadSafetyOptions> _byTree = new ConcurrentDictionary<SyntaxTree, ThreadSafetyOptions>();
            private readonly ConcurrentDictionary<(string, string, string), ThreadSafetyOptions> _byText = new ConcurrentDictionary<(string, string, string), ThreadSafetyOptions>();

            public Cache(AnalyzerConfigOptionsProvider provider) => _provider = provider;

            public ThreadSafetyOptions Get(SyntaxTree tree) => _byTree.GetOrAdd(tree, Read);

            private ThreadSafetyOptions Read(SyntaxTree tree)
            {
                var options = _provider.GetOptions(tree);
                options.TryGetValue(NotThreadSafeTypesKey, out var notThreadSafe);
                options.TryGetValue(ThreadSafeTypesKey, out var threadSafe);
                options.TryGetValue(CheckedThreadSafeTypesKey, out var @checked);
                if (string.IsNullOrWhiteSpace(notThreadSafe) && string.IsNullOrWhiteSpace(threadSafe) && string.IsNullOrWhiteSpace(@checked))
                {
                    return Empty;
                }

                return _byText.GetOrAdd((notThreadSafe ?? string.Empty, threadSafe ?? string.Empty, @checked ?? string.Empty),
                    key => new ThreadSafetyOptions(ParseList(key.Item1), ParseList(key.Item2), ParseList(key.Item3)));
            }
        }
    }
}
