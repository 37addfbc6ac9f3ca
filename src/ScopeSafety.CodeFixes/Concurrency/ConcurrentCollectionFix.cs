using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.Analyzers.Configuration;

namespace ScopeSafety.CodeFixes.Concurrency
{
    /// <summary>
    /// SCOPE011's second fix: a local Dictionary or Queue becomes a ConcurrentDictionary or ConcurrentQueue — only
    /// where every use of the local in the member has the same meaning on the concurrent type (indexer get/set,
    /// TryGetValue, ContainsKey, TryAdd, Count, Keys, Values, foreach, LINQ; Enqueue, TryDequeue, TryPeek) and no
    /// work item both reads and writes it: a read-then-write inside one item (d[k]++, TryGetValue then set) would stay a
    /// lost update that the concurrent type merely hides.
    /// </summary>
    internal static class ConcurrentCollectionFix
    {
        private static readonly ImmutableHashSet<string> DictionaryReads = ImmutableHashSet.Create("TryGetValue", "ContainsKey", "GetEnumerator", "Count", "Keys", "Values");
        private static readonly ImmutableHashSet<string> DictionaryWrites = ImmutableHashSet.Create("TryAdd");
        private static readonly ImmutableHashSet<string> QueueReads = ImmutableHashSet.Create("TryPeek", "GetEnumerator", "Count", "ToArray");
        private static readonly ImmutableHashSet<string> QueueWrites = ImmutableHashSet.Create("Enqueue", "TryDequeue");

        public static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return null;
            }

            var edits = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var diagnostic in diagnostics)
            {
                foreach (var edit in Plan(root, model, RaceFixes.SpawnOptionsOf(document, root.SyntaxTree), diagnostic, cancellationToken) ?? new Dictionary<SyntaxNode, SyntaxNode>())
                {
                    edits[edit.Key] = edit.Value;
                }
            }

            if (edits.Count == 0)
            {
                return null;
            }

            return await FixPipeline.FinishAsync(document, root.ReplaceNodes(edits.Keys, (o, _) => edits[o]), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The type syntax to replace (declared type and/or creation type), or null when the use does not allow the swap.</summary>
        private static Dictionary<SyntaxNode, SyntaxNode>? Plan(SyntaxNode root, SemanticModel model, SpawnOptions options, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (!(node is IdentifierNameSyntax name) || !(model.GetSymbolInfo(name, cancellationToken).Symbol is ILocalSymbol local) ||
                local.DeclaringSyntaxReferences.Length != 1 ||
                !(local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { Value: var value } } declarator) ||
                !(declarator.Parent is VariableDeclarationSyntax declaration) || declaration.Variables.Count != 1)
            {
                return null;
            }

            var collections = KnownSymbols.Get(model.Compilation).Collections;
            var dictionary = collections.Dictionary;
            var queue = collections.Queue;
            var type = local.Type as INamedTypeSymbol;
            var isDictionary = type != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, dictionary);
            var isQueue = type != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, queue);
            if (type == null || !(isDictionary || isQueue))
            {
                return null;
            }

            // new Dictionary<K, V>() or with a comparer; new Queue<T>(): the concurrent types have these constructors.
            if (!(model.GetOperation(value, cancellationToken) is IObjectCreationOperation creation) ||
                !creation.Arguments.All(a => isDictionary && a.Parameter?.Type.Name == "IEqualityComparer") || creation.Initializer != null)
            {
                return null;
            }

            var member = RaceFixes.MemberOf(name);
            if (member == null)
            {
                return null;
            }

            var reads = isDictionary ? DictionaryReads : QueueReads;
            var writes = isDictionary ? DictionaryWrites : QueueWrites;
            var bodies = RaceFixes.WorkBodies(model, member, options, cancellationToken);
            var readers = new HashSet<SyntaxNode>();
            var writers = new HashSet<SyntaxNode>();
            foreach (var reference in member.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (reference.Identifier.ValueText != local.Name || !RaceFixes.Refers(model, reference, local, cancellationToken))
                {
                    continue;
                }

                var operation = model.GetOperation(reference, cancellationToken);
                var use = operation == null ? null : Classify(operation, isDictionary, reads, writes, collections.Enumerable);
                if (use == null)
                {
                    return null;
                }

                var body = RaceFixes.InnermostBody(bodies, reference.Span);
                if (body != null)
                {
                    (use.Value ? writers : readers).Add(body);
                }
            }

            if (writers.Overlaps(readers))
            {
                return null;
            }

            var concurrent = ConcurrentName(isDictionary ? "ConcurrentDictionary" : "ConcurrentQueue", type.TypeArguments);
            var edits = new Dictionary<SyntaxNode, SyntaxNode>();
            if (value is ObjectCreationExpressionSyntax explicitCreation)
            {
                edits[explicitCreation.Type] = concurrent.WithTriviaFrom(explicitCreation.Type);
            }

            if (!declaration.Type.IsVar)
            {
                edits[declaration.Type] = concurrent.WithTriviaFrom(declaration.Type);
            }
            else if (!(value is ObjectCreationExpressionSyntax))
            {
                return null;
            }

            return edits;
        }

        /// <summary>True for a write, false for a read, null for a use the concurrent type does not offer the same way.</summary>
        private static bool? Classify(IOperation reference, bool isDictionary, ImmutableHashSet<string> reads, ImmutableHashSet<string> writes, INamedTypeSymbol? enumerable)
        {
            var current = reference;
            var parent = current.Parent;
            while (parent is IConversionOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                    return writes.Contains(invocation.TargetMethod.Name) ? true : reads.Contains(invocation.TargetMethod.Name) ? false : (bool?)null;
                case IPropertyReferenceOperation property when property.Instance == current:
                    if (property.Property.IsIndexer && isDictionary)
                    {
                        // d[k] = v is an atomic upsert; d[k] += v or d[k]++ is a read and a write.
                        return property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property ? true
                            : property.Parent is ICompoundAssignmentOperation || property.Parent is IIncrementOrDecrementOperation || property.Parent is ICoalesceAssignmentOperation ? (bool?)null
                            : false;
                    }

                    return reads.Contains(property.Property.Name) ? false : (bool?)null;
                case IForEachLoopOperation loop when loop.Collection == current:
                    return false;
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { IsExtensionMethod: true } linq } } argument
                    when argument.Parameter?.Ordinal == 0 && SymbolEqualityComparer.Default.Equals(linq.ContainingType, enumerable):
                    return false;
                default:
                    return null;
            }
        }

        private static TypeSyntax ConcurrentName(string name, ImmutableArray<ITypeSymbol> arguments)
        {
            var typeArguments = SyntaxFactory.TypeArgumentList(SyntaxFactory.SeparatedList(
                arguments.Select(a => SyntaxFactory.ParseTypeName(a.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithAdditionalAnnotations(Simplifier.Annotation))));
            var ns = SyntaxFactory.ParseName("global::System.Collections.Concurrent");
            return SyntaxFactory.QualifiedName(ns, SyntaxFactory.GenericName(SyntaxFactory.Identifier(name), typeArguments))
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        }
    }
}
