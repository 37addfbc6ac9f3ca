using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.Analyzers;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// Diagnostics in, rewritten document out. Shared by the single fix and Fix All so both produce the same code:
    /// diagnostics are grouped by spawn, spawns by block (one Scope.Run per block), and plans that overlap (a spawn
    /// inside another plan's region) are applied in later rounds against the updated document.
    /// </summary>
    internal static class RunInScopeEngine
    {
        private const string SpawnAnnotationKind = "ScopeSafety.Spawn";
        private const string ConflictAnnotationKind = "ScopeSafety.Conflict";
        private const string WaitAnnotationKind = "ScopeSafety.Wait";

        // On a spawn some diagnostic of which reports a hazard a wait removes (FixSeed.RemovesHazard).
        private const string HazardAnnotationKind = "ScopeSafety.Hazard";
        private const string SeedSeparator = "#";
        private const int MaxRounds = 8;

        /// <summary>The plan for the diagnostics of one spawn and the document it produces, or null when no faithful rewrite exists.</summary>
        public static async Task<(ScopePlan Plan, Document Document)?> TryFixOneAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var symbols = model == null ? null : KnownSymbols.Get(model.Compilation);
            if (root == null || model == null || symbols == null || !symbols.Runtime.CanWriteScopes)
            {
                return null;
            }

            var seeds = diagnostics.Select(d => ToSeed(root, d)).Where(s => s != null).Select(s => s!.Value).ToList();
            if (seeds.Count == 0)
            {
                return null;
            }

            var planner = new ScopePlanner(new SpawnRecognizer(model, symbols, cancellationToken), RaceFixes.SpawnOptionsOf(document, root.SyntaxTree), cancellationToken);
            var plan = planner.Plan(seeds);
            if (plan == null)
            {
                return null;
            }

            var fixedDocument = await ApplyCheckedAsync(document, root, model, new[] { plan }, cancellationToken).ConfigureAwait(false);
            return fixedDocument == null ? ((ScopePlan, Document)?)null : (plan, fixedDocument);
        }

        /// <summary>Fix All for one document.</summary>
        public static async Task<Document> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var before = document;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            // Annotate each spawn (and the conflict and waits of each of its diagnostics) so it can be found again after
            // earlier rounds rewrote the tree.
            var marks = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
            foreach (var group in diagnostics.Where(d => d.AdditionalLocations.Count > 0).GroupBy(d => d.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceSpan))
            {
                var key = group.Key.ToString();
                var index = 0;
                foreach (var diagnostic in group)
                {
                    var seed = ToSeed(root, diagnostic);
                    if (seed == null)
                    {
                        continue;
                    }

                    var seedKey = key + SeedSeparator + index++;
                    Mark(marks, seed.Value.Spawn, new SyntaxAnnotation(SpawnAnnotationKind, key));
                    if (seed.Value.RemovesHazard)
                    {
                        Mark(marks, seed.Value.Spawn, new SyntaxAnnotation(HazardAnnotationKind, key));
                    }

                    if (seed.Value.Conflict != null)
                    {
                        Mark(marks, seed.Value.Conflict, new SyntaxAnnotation(ConflictAnnotationKind, seedKey));
                    }

                    foreach (var wait in seed.Value.Waits)
                    {
                        Mark(marks, wait, new SyntaxAnnotation(WaitAnnotationKind, seedKey));
                    }
                }
            }

            if (marks.Count == 0)
            {
                return document;
            }

            root = root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original]));
            document = document.WithSyntaxRoot(root);
            var changed = false;
            var failed = new HashSet<string>();

            for (var round = 0; round < MaxRounds; round++)
            {
                root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                var symbols = model == null ? null : KnownSymbols.Get(model.Compilation);
                if (root == null || model == null || symbols == null || !symbols.Runtime.CanWriteScopes)
                {
                    break;
                }

                var planner = new ScopePlanner(new SpawnRecognizer(model, symbols, cancellationToken), RaceFixes.SpawnOptionsOf(document, root.SyntaxTree), cancellationToken);
                var seedsByBlock = new Dictionary<BlockSyntax, List<(string Key, List<FixSeed> Seeds)>>();
                var plans = new List<(ScopePlan Plan, List<string> Keys)>();
                foreach (var spawnNode in root.GetAnnotatedNodes(SpawnAnnotationKind).OfType<ExpressionSyntax>())
                {
                    foreach (var annotation in spawnNode.GetAnnotations(SpawnAnnotationKind))
                    {
                        var key = annotation.Data!;
                        if (failed.Contains(key))
                        {
                            continue;
                        }

                        var seeds = SeedsOf(root, spawnNode, key);
                        var plan = planner.Plan(seeds);
                        if (plan == null)
                        {
                            failed.Add(key);
                            continue;
                        }

                        if (!seedsByBlock.TryGetValue(plan.Block, out var list))
                        {
                            seedsByBlock[plan.Block] = list = new List<(string, List<FixSeed>)>();
                        }

                        list.Add((key, seeds));
                    }
                }

                // One Scope.Run per block: merge the spawns of a block, or fall back to the first alone if merging fails.
                foreach (var pair in seedsByBlock)
                {
                    var merged = planner.Plan(pair.Value.SelectMany(v => v.Seeds).ToList());
                    if (merged != null)
                    {
                        plans.Add((merged, pair.Value.Select(v => v.Key).ToList()));
                    }
                    else
                    {
                        var single = planner.Plan(pair.Value[0].Seeds);
                        if (single != null)
                        {
                            plans.Add((single, new List<string> { pair.Value[0].Key }));
                        }
                    }
                }

                // Plans that touch the same text wait for the next round.
                var chosen = new List<(ScopePlan Plan, List<string> Keys)>();
                foreach (var candidate in plans.OrderBy(p => p.Plan.TouchedSpan.Start))
                {
                    if (chosen.All(c => !c.Plan.TouchedSpan.OverlapsWith(candidate.Plan.TouchedSpan) && !c.Plan.TouchedSpan.Contains(candidate.Plan.TouchedSpan) && !candidate.Plan.TouchedSpan.Contains(c.Plan.TouchedSpan)))
                    {
                        chosen.Add(candidate);
                    }
                }

                if (chosen.Count == 0)
                {
                    break;
                }

                var next = await ApplyCheckedAsync(document, root, model, chosen.Select(c => c.Plan).ToList(), cancellationToken).ConfigureAwait(false);
                if (next == null && chosen.Count > 1)
                {
                    next = await ApplyCheckedAsync(document, root, model, new[] { chosen[0].Plan }, cancellationToken).ConfigureAwait(false);
                    chosen = chosen.Take(1).ToList();
                }

                if (next == null)
                {
                    failed.UnionWith(chosen[0].Keys);
                    continue;
                }

                // A spawn that was part of a plan is gone from the tree; keys of spawns that remain are retried.
                document = next;
                changed = true;
            }

            return changed ? await FixPipeline.CleanupAsync(document, cancellationToken, before).ConfigureAwait(false) : document;
        }

        /// <summary>Applies the plans, or returns null if the result has more compiler errors than before: never offer code that does not build.</summary>
        private static async Task<Document?> ApplyCheckedAsync(Document document, SyntaxNode root, SemanticModel model, IReadOnlyList<ScopePlan> plans, CancellationToken cancellationToken)
        {
            var newRoot = new ScopeRewriter(plans).Visit(root);
            if (newRoot == null)
            {
                return null;
            }

            var newDocument = document.WithSyntaxRoot(newRoot);
            var newModel = await newDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (newModel == null)
            {
                return null;
            }

            return await FixPipeline.AddsErrorsAsync(document, newDocument, cancellationToken).ConfigureAwait(false) ? null : newDocument;
        }

        private static FixSeed? ToSeed(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0 || !diagnostic.AdditionalLocations[DiagnosticProperties.SpawnLocation].IsInSource ||
                diagnostic.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceTree != root.SyntaxTree)
            {
                return null;
            }

            var span = diagnostic.AdditionalLocations[DiagnosticProperties.SpawnLocation].SourceSpan;
            if (!root.FullSpan.Contains(span))
            {
                return null;
            }

            // The innermost node with exactly the span: the invocation or creation, not an argument wrapping it.
            var node = root.FindNode(span, getInnermostNodeForTie: true);
            while (node != null && node.Span == span && !(node is InvocationExpressionSyntax) && !(node is ObjectCreationExpressionSyntax) && !(node is ImplicitObjectCreationExpressionSyntax))
            {
                node = node.Parent;
            }

            if (!(node is ExpressionSyntax spawn) || node.Span != span)
            {
                return null;
            }

            var conflict = diagnostic.AdditionalLocations.Count > DiagnosticProperties.ConflictLocation ? NodeAt(root, diagnostic.AdditionalLocations[DiagnosticProperties.ConflictLocation]) : null;
            var waits = diagnostic.AdditionalLocations.Skip(DiagnosticProperties.FirstWaitLocation).Select(l => NodeAt(root, l)).ToList();
            return waits.Contains(null) ? null : new FixSeed(spawn, conflict, waits!, removesHazard: diagnostic.Id != RuleIds.UnscopedWorkNotJoined);
        }

        /// <summary>The node a location of the diagnostic names in this tree, or null where it names none.</summary>
        private static SyntaxNode? NodeAt(SyntaxNode root, Location location) =>
            location.IsInSource && location.SourceTree == root.SyntaxTree && root.FullSpan.Contains(location.SourceSpan)
                ? root.FindNode(location.SourceSpan, getInnermostNodeForTie: true)
                : null;

        /// <summary>
        /// The seeds of one spawn found again by their annotations: one per diagnostic with a conflict or waits, or the
        /// spawn alone.
        /// </summary>
        private static List<FixSeed> SeedsOf(SyntaxNode root, ExpressionSyntax spawn, string key)
        {
            var prefix = key + SeedSeparator;
            var conflicts = Annotated(root, ConflictAnnotationKind, prefix);
            var waits = Annotated(root, WaitAnnotationKind, prefix);
            var seeds = conflicts.Select(c => c.Key).Union(waits.Select(w => w.Key))
                .Select(seedKey => new FixSeed(
                    spawn,
                    conflicts.FirstOrDefault(c => c.Key == seedKey).Node,
                    waits.Where(w => w.Key == seedKey).Select(w => w.Node).ToList()))
                .ToList();
            var removesHazard = spawn.GetAnnotations(HazardAnnotationKind).Any(a => a.Data == key);
            return seeds.Count == 0 ? new List<FixSeed> { new FixSeed(spawn, null, System.Array.Empty<SyntaxNode>(), removesHazard) } : seeds;
        }

        private static List<(string Key, SyntaxNode Node)> Annotated(SyntaxNode root, string kind, string prefix) =>
            root.GetAnnotatedNodes(kind)
                .SelectMany(n => n.GetAnnotations(kind).Where(a => a.Data!.StartsWith(prefix, System.StringComparison.Ordinal)).Select(a => (a.Data!, n)))
                .ToList();

        private static void Mark(Dictionary<SyntaxNode, List<SyntaxAnnotation>> marks, SyntaxNode node, SyntaxAnnotation annotation)
        {
            if (!marks.TryGetValue(node, out var list))
            {
                marks[node] = list = new List<SyntaxAnnotation>();
            }

            list.Add(annotation);
        }
    }
}
