using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// Edits keyed by nodes of the original tree. A node edit receives the node after its children were edited; a
    /// statement edit turns one statement into zero or more statements (remove a Thread.Start, split Task.WaitAll).
    /// </summary>
    internal sealed class EditSet
    {
        public Dictionary<SyntaxNode, Func<SyntaxNode, SyntaxNode>> Nodes { get; } = new Dictionary<SyntaxNode, Func<SyntaxNode, SyntaxNode>>();

        public Dictionary<StatementSyntax, Func<StatementSyntax, IEnumerable<StatementSyntax>>> Statements { get; } =
            new Dictionary<StatementSyntax, Func<StatementSyntax, IEnumerable<StatementSyntax>>>();

        public void Replace(SyntaxNode node, Func<SyntaxNode, SyntaxNode> edit) => Nodes[node] = edit;

        public void ReplaceStatement(StatementSyntax statement, Func<StatementSyntax, IEnumerable<StatementSyntax>> edit) => Statements[statement] = edit;

        public void Remove(StatementSyntax statement) => Statements[statement] = _ => Array.Empty<StatementSyntax>();

        public IEnumerable<SyntaxNode> EditedNodes
        {
            get
            {
                foreach (var node in Nodes.Keys)
                {
                    yield return node;
                }

                foreach (var node in Statements.Keys)
                {
                    yield return node;
                }
            }
        }

        public void AddRange(EditSet other)
        {
            foreach (var pair in other.Nodes)
            {
                Nodes[pair.Key] = pair.Value;
            }

            foreach (var pair in other.Statements)
            {
                Statements[pair.Key] = pair.Value;
            }
        }
    }
}
