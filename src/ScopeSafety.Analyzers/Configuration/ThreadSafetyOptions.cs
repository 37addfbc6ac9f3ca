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
    /// defaults. Each is a list of documentation comment ids (<c>T:MyLib.Counter</c>; the <c>T:</c> may be left out)
    /// separated by ',' or '|'. A type derived from a listed type is listed too.
    /// </summary>
    internal sealed class ThreadSafetyOptions
    {
        public const string NotThreadSafeTypesKey = "scopesafety.not_thread_safe_types";
        public const string ThreadSafeTypesKey = "scopesafety.thread_safe_types";

        public static readonly ThreadSafetyOptions Empty = new ThreadSafetyOptions(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty);

        private readonly ImmutableHashSet<string> _notThreadSafe;
        private readonly ImmutableHashSet<string> _threadSafe;

        private ThreadSafetyOptions(ImmutableHashSet<string> notThreadSafe, ImmutableHashSet<string> threadSafe)
        {
            _notThreadSafe = notThreadSafe;
            _threadSafe = threadSafe;
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
            private readonly ConcurrentDictionary<(string, string), ThreadSafetyOptions> _byText = new ConcurrentDictionary<(string, string), ThreadSafetyOptions>();

            public Cache(AnalyzerConfigOptionsProvider provider) => _provider = provider;

            public ThreadSafetyOptions Get(SyntaxTree tree) => _byTree.GetOrAdd(tree, Read);

            private ThreadSafetyOptions Read(SyntaxTree tree)
            {
                var options = _provider.GetOptions(tree);
                options.TryGetValue(NotThreadSafeTypesKey, out var notThreadSafe);
                options.TryGetValue(ThreadSafeTypesKey, out var threadSafe);
                if (string.IsNullOrWhiteSpace(notThreadSafe) && string.IsNullOrWhiteSpace(threadSafe))
                {
                    return Empty;
                }

                return _byText.GetOrAdd((notThreadSafe ?? string.Empty, threadSafe ?? string.Empty),
                    key => new ThreadSafetyOptions(ParseList(key.Item1), ParseList(key.Item2)));
            }
        }
    }
}
