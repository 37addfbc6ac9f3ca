using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.Analyzers.Flow
{
    /// <summary>
    /// The invocations of a file by the simple name they call (<c>Start</c> for <c>Start()</c>, <c>worker.Start()</c> and
    /// <c>Start&lt;T&gt;()</c>), made once per file: finding the calls of a method then reads only the calls of its
    /// name, not the whole file again for every method asked about.
    /// </summary>
    internal static class CallIndex
    {
        private static readonly ConditionalWeakTable<SyntaxTree, Dictionary<string, List<InvocationExpressionSyntax>>> Files =
            new ConditionalWeakTable<SyntaxTree, Dictionary<string, List<InvocationExpressionSyntax>>>();

        private static readonly List<InvocationExpressionSyntax> None = new List<InvocationExpressionSyntax>();

        /// <summary>The invocations in <paramref name="tree"/> that call a member named <paramref name="name"/>.</summary>
        public static List<InvocationExpressionSyntax> Named(SyntaxTree tree, string name) =>
            Files.GetValue(tree, Build).TryGetValue(name, out var calls) ? calls : None;

        /// <summary>
        /// The invocation <paramref name="mention"/> names when it is a call on this object: plain (<c>Write(e)</c>),
        /// <c>this.Write(e)</c> or <c>base.Write(e)</c>, or, for a static method (<paramref name="isStatic"/>), any qualified
        /// call; null for a method group, a call on another object, or anything else.
        /// </summary>
        public static InvocationExpressionSyntax? CallOnThis(SimpleNameSyntax mention, bool isStatic) =>
            mention.Parent is InvocationExpressionSyntax direct && direct.Expression == mention ? direct
            : mention.Parent is MemberAccessExpressionSyntax access && access.Name == mention &&
              (access.Expression is ThisExpressionSyntax or BaseExpressionSyntax || isStatic) &&
              access.Parent is InvocationExpressionSyntax called && called.Expression == access ? called
            : null;

        /// <summary>The rightmost simple name an invocation calls: Start in worker.Start(), Run in Run&lt;T&gt;(); null for a delegate call.</summary>
        public static string? NameOf(ExpressionSyntax expression) => expression switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };

        private static readonly ConditionalWeakTable<SyntaxTree, Dictionary<string, List<SimpleNameSyntax>>> Names =
            new ConditionalWeakTable<SyntaxTree, Dictionary<string, List<SimpleNameSyntax>>>();

        private static readonly List<SimpleNameSyntax> NoNames = new List<SimpleNameSyntax>();

        /// <summary>Every simple name <paramref name="name"/> in <paramref name="tree"/>: calls, method groups, nameof and the rest.</summary>
        public static List<SimpleNameSyntax> Mentions(SyntaxTree tree, string name) =>
            Names.GetValue(tree, BuildNames).TryGetValue(name, out var mentions) ? mentions : NoNames;

        private static Dictionary<string, List<SimpleNameSyntax>> BuildNames(SyntaxTree tree) =>
            GroupByName<SimpleNameSyntax>(tree, simple => simple.Identifier.ValueText);

        private static Dictionary<string, List<InvocationExpressionSyntax>> Build(SyntaxTree tree) =>
            GroupByName<InvocationExpressionSyntax>(tree, invocation => NameOf(invocation.Expression));

        // The nodes of type T in the file, by the name nameOf gives them (none when it gives null).
        private static Dictionary<string, List<T>> GroupByName<T>(SyntaxTree tree, System.Func<T, string?> nameOf)
            where T : SyntaxNode
        {
            var byName = new Dictionary<string, List<T>>();
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is T found && nameOf(found) is { } name)
                {
                    if (!byName.TryGetValue(name, out var list))
                    {
                        list = new List<T>();
                        byName.Add(name, list);
                    }

                    list.Add(found);
                }
            }

            return byName;
        }
    }
}
