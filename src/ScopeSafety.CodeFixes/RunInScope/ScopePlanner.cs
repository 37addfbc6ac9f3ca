using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// Turns spawns into one plan: their joins (<see cref="HandleRewriter"/>, pulling in sibling spawns joined together),
    /// the region, which ends at a join, at a wait the rule counts, before the conflict or at the end of the block, and
    /// the check that moving it into a lambda keeps its meaning.
    /// </summary>
    internal sealed class ScopePlanner
    {
        private readonly SpawnRecognizer _recognizer;
        private readonly SemanticModel _model;
        private readonly HandleRewriter _handles;
        private readonly SpawnOptions _options;
        private readonly CancellationToken _cancellationToken;

        // True while planning spawns of an async function: the scope is awaited (RunAsync) and every join becomes an await.
        private bool _async;

        public ScopePlanner(SpawnRecognizer recognizer, SpawnOptions options, CancellationToken cancellationToken)
        {
            _recognizer = recognizer;
            _model = recognizer.Model;
            _handles = new HandleRewriter(recognizer, options, cancellationToken);
            _options = options;
            _cancellationToken = cancellationToken;
        }

        /// <summary>
        /// Variables the caller passes into the scope itself (Borrow through a scope: a span or ref handed to Scope.Run),
        /// so they may cross the lambda boundary although they are ref-like.
        /// </summary>
        public ISet<ISymbol> Borrowed { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>Whether a spawn inside Scope.Run(scope => { … }) may go into that scope instead of a new one.</summary>
        public bool ReuseEnclosingScope { get; set; } = true;

        public ScopePlan? Plan(IReadOnlyList<FixSeed> seeds)
        {
            var sites = new List<FixSite>();
            var joined = new HashSet<FixSite>();
            var edits = new EditSet();
            var regionNodes = new List<SyntaxNode>();
            var visitedSpawns = new HashSet<SyntaxNode>();
            var visitedHandles = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);
            var pending = new Queue<ExpressionSyntax>(seeds.Select(s => s.Spawn));
            var spawnFunction = seeds.Count == 0 ? null : SyntaxHelpers.ContainingFunction(seeds[0].Spawn);
            _async = spawnFunction != null && SyntaxHelpers.IsAsync(spawnFunction);
            _handles.IsAsync = _async;

            while (pending.Count > 0)
            {
                var spawn = pending.Dequeue();
                if (!visitedSpawns.Add(spawn))
                {
                    continue;
                }

                var site = _recognizer.Recognize(spawn);
                if (site == null)
                {
                    return null;
                }

                sites.Add(site);
                edits.AddRange(site.Edits);
                regionNodes.Add(site.Anchor);
                if (site.Shape == HandleShape.Joined)
                {
                    // Joined where it starts: the join becomes Join() (or an await), and the region ends there.
                    if (!(SyntaxHelpers.WalkUpParentheses(site.SpawnExpression) is MemberAccessExpressionSyntax join) || !_handles.JoinedWhereStarted(site, join, edits))
                    {
                        return null;
                    }

                    joined.Add(site);
                    continue;
                }

                if (site.Handle == null)
                {
                    continue;
                }

                if (!visitedHandles.TryGetValue(site.Handle, out var hasJoin))
                {
                    var handle = _handles.Follow(site, edits, regionNodes, pending);
                    if (handle == null)
                    {
                        return null;
                    }

                    hasJoin = handle.Value;
                    visitedHandles.Add(site.Handle, hasJoin);
                }

                if (hasJoin)
                {
                    joined.Add(site);
                }
            }

            var function = SyntaxHelpers.ContainingFunction(sites[0].Anchor);
            if (function == null || SyntaxHelpers.IsAsync(function) != _async || regionNodes.Any(n => SyntaxHelpers.ContainingFunction(n) != function))
            {
                return null;
            }

            var block = CommonBlock(regionNodes);
            if (block == null || SyntaxHelpers.ContainingFunction(block) != function && !(block.Parent == function))
            {
                return null;
            }

            var start = sites.Min(s => IndexIn(block, s.Anchor));
            var end = regionNodes.Max(n => IndexIn(block, n));
            var endKind = RegionEnd.Join;
            foreach (var site in sites.Where(s => !joined.Contains(s)))
            {
                var siteEnd = block.Statements.Count - 1;
                var siteKind = RegionEnd.BlockEnd;
                var anchorIndex = IndexIn(block, site.Anchor);
                var siteSeeds = seeds.Where(s => s.Spawn == site.SpawnExpression).ToList();
                foreach (var seed in siteSeeds.Where(s => s.Conflict != null))
                {
                    var conflictIndex = block.Statements.IndexOf(s => s.Span.Contains(seed.Conflict!.Span));
                    if (conflictIndex > anchorIndex && conflictIndex - 1 < siteEnd)
                    {
                        siteEnd = conflictIndex - 1;
                        siteKind = RegionEnd.Conflict;
                    }
                }

                // The work is already waited for where the method waits on an object the work releases (an event,
                // a countdown, a completion source): the scope ends there, and what followed that wait stays after it.
                var waited = WaitIndex(block, anchorIndex, siteSeeds);
                if (waited >= 0 && waited <= siteEnd)
                {
                    siteEnd = waited;
                    siteKind = RegionEnd.Join;
                }
                else if (RunsUntilStopped(site))
                {
                    // Nothing waited for this work before: a wait for a loop that something else ends would hang or serialize.
                    return null;
                }

                if (siteEnd >= end)
                {
                    endKind = siteEnd > end || endKind == RegionEnd.Join ? siteKind : endKind;
                    end = siteEnd;
                }
            }

            if (start < 0 || end < start)
            {
                return null;
            }

            // Work nobody joins that harms nothing (SCOPE004 alone), and a scope that would hold nothing but its spawns
            // (and the return of what the method already holds): the rewrite would only make the work synchronous (an
            // accept loop serving one connection at a time, a completion handed off the I/O thread run on it, a task
            // made for the caller finished before the caller gets it), which is not structuring it.
            var anchors = new HashSet<int>(sites.Select(s => IndexIn(block, s.Anchor)));
            if (sites.All(s => !joined.Contains(s) && seeds.Where(seed => seed.Spawn == s.SpawnExpression).All(seed => !seed.RemovesHazard)) &&
                Enumerable.Range(start, end - start + 1).All(i =>
                    anchors.Contains(i) ||
                    block.Statements[i] is ReturnStatementSyntax { Expression: var returned } && (returned == null || IsHeldValue(_model.GetOperation(returned, _cancellationToken)))))
            {
                return null;
            }

            // Already in a Scope.Run body that ends where the new scope would: spawn into that scope instead of nesting one.
            var existingScope = ExistingScopeName(block);
            if (existingScope != null && ReuseEnclosingScope && (endKind == RegionEnd.Join || end == block.Statements.Count - 1 && endKind == RegionEnd.BlockEnd))
            {
                var editedSpan = edits.EditedNodes.Select(n => n.FullSpan).Aggregate((a, b) => TextSpan.FromBounds(System.Math.Min(a.Start, b.Start), System.Math.Max(a.End, b.End)));
                return new ScopePlan(block, -1, -1, sites, edits, new List<ILocalSymbol>(), existingScope,
                    _async ? "Run in the enclosing scope (awaits where it joined before, or where the scope ends)" : "Run in the enclosing scope (waits where it joined before, or where the scope ends)",
                    editedSpan, _async);
            }

            var escaping = CheckRegion(block, start, end);
            if (escaping == null)
            {
                return null;
            }

            // An async scope whose body awaits nothing would be an async lambda without await (CS1998): in async code the
            // fix is for work joined by an await (or a blocking join that becomes one).
            if (_async && joined.Count == 0 &&
                !block.Statements.Skip(start).Take(end - start + 1).Any(s => s.DescendantNodesAndSelf(n => !(n is AnonymousFunctionExpressionSyntax) && !(n is LocalFunctionStatementSyntax)).OfType<AwaitExpressionSyntax>().Any()))
            {
                return null;
            }

            var scopeName = FreeName("scope", block.Statements[start], block.Statements.Skip(start).Take(end - start + 1));
            var touched = TextSpan.FromBounds(block.Statements[start].FullSpan.Start, block.Statements[end].FullSpan.End);
            foreach (var node in edits.EditedNodes)
            {
                touched = TextSpan.FromBounds(System.Math.Min(touched.Start, node.FullSpan.Start), System.Math.Max(touched.End, node.FullSpan.End));
            }

            return new ScopePlan(block, start, end, sites, edits, escaping, scopeName, Title(endKind, block, start, _async), touched, _async);
        }

        /// <summary>A value the method already holds: a local, a parameter, a constant, or a property of one (<c>tcs.Task</c>).</summary>
        private static bool IsHeldValue(IOperation? value) =>
            SyntaxHelpers.IsSideEffectFree(value) ||
            value is IPropertyReferenceOperation { Arguments: { Length: 0 } } property && SyntaxHelpers.IsSideEffectFree(property.Instance) ||
            value is IConversionOperation { OperatorMethod: null } conversion && IsHeldValue(conversion.Operand);

        /// <summary>Whether the work of the site runs until something outside it stops it (<see cref="WorkUntilStopped"/>).</summary>
        private bool RunsUntilStopped(FixSite site) =>
            _model.GetOperation(site.SpawnExpression, _cancellationToken) is { } spawn &&
            new SpawnClassifier(_recognizer.Symbols).Classify(spawn, _options).Any(s => WorkUntilStopped.Is(s));

        /// <summary>
        /// The index of the first statement after the spawn that holds a wait the analyzer counts as finishing the work
        /// for the variable of every diagnostic of the spawn (<see cref="FixSeed.Waits"/>); -1 when there is none.
        /// </summary>
        private static int WaitIndex(BlockSyntax block, int anchorIndex, List<FixSeed> seeds)
        {
            if (anchorIndex < 0 || seeds.Count == 0)
            {
                return -1;
            }

            for (var i = anchorIndex + 1; i < block.Statements.Count; i++)
            {
                var statement = block.Statements[i];
                if (seeds.All(seed => seed.Waits.Any(wait => statement.Span.Contains(wait.Span))))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>
        /// The checks that moving the statements into a lambda keeps their meaning: no jump out, no await or yield,
        /// no ref-like or ref data crossing the lambda boundary. Returns the locals the scope must hand back, or null.
        /// </summary>
        internal List<ILocalSymbol>? CheckRegion(BlockSyntax block, int start, int end)
        {
            var first = block.Statements[start];
            var last = block.Statements[end];
            var region = block.Statements.Skip(start).Take(end - start + 1).ToList();

            foreach (var statement in region)
            {
                foreach (var node in statement.DescendantNodesAndSelf(n => !(n is AnonymousFunctionExpressionSyntax) && !(n is LocalFunctionStatementSyntax)))
                {
                    switch (node)
                    {
                        case YieldStatementSyntax _:
                        case AwaitExpressionSyntax _ when !_async:
                        case LabeledStatementSyntax _:
                        case GotoStatementSyntax _:
                        case ForEachStatementSyntax forEach when !_async && forEach.AwaitKeyword != default:
                        case UsingStatementSyntax usingStatement when !_async && usingStatement.AwaitKeyword != default:
                        case LocalDeclarationStatementSyntax awaitUsing when !_async && awaitUsing.AwaitKeyword != default:
                            return null;
                    }
                }

                // A using declaration disposes at the end of its block: only keep that point if the region reaches it.
                if (statement is LocalDeclarationStatementSyntax { UsingKeyword: { } usingKeyword } && usingKeyword != default && end != block.Statements.Count - 1)
                {
                    return null;
                }

                if (statement is LocalFunctionStatementSyntax localFunction &&
                    block.Statements.Where(s => !region.Contains(s)).Any(s => s.DescendantTokens().Any(t => t.ValueText == localFunction.Identifier.ValueText)))
                {
                    return null;
                }
            }

            var controlFlow = _model.AnalyzeControlFlow(first, last);
            // The one jump allowed is a final 'return value;': the scope returns the value and the method returns the scope's.
            var returnsValue = last is ReturnStatementSyntax { Expression: { } returned } && !(returned is RefExpressionSyntax);
            if (controlFlow == null || !controlFlow.Succeeded ||
                controlFlow.ExitPoints.Any(e => !(returnsValue && e == last)))
            {
                return null;
            }

            var dataFlow = _model.AnalyzeDataFlow(first, last);
            if (dataFlow == null || !dataFlow.Succeeded)
            {
                return null;
            }

            foreach (var symbol in dataFlow.ReadInside.Concat(dataFlow.WrittenInside).Except(dataFlow.VariablesDeclared, SymbolEqualityComparer.Default))
            {
                if (Borrowed.Contains(symbol))
                {
                    continue;
                }

                switch (symbol)
                {
                    case ILocalSymbol local when local.IsRef || local.IsFixed || local.Type.IsRefLikeType:
                        return null;
                    case IParameterSymbol parameter when parameter.RefKind != RefKind.None || parameter.Type.IsRefLikeType ||
                                                         parameter.IsThis && parameter.Type.IsValueType:
                        return null;
                }
            }

            var outside = new HashSet<ISymbol>(dataFlow.ReadOutside.Concat(dataFlow.WrittenOutside), SymbolEqualityComparer.Default);
            var escaping = new List<ILocalSymbol>();
            foreach (var symbol in dataFlow.VariablesDeclared)
            {
                if (!outside.Contains(symbol))
                {
                    continue;
                }

                if (!(symbol is ILocalSymbol local) || local.IsRef || local.IsConst || local.Type.IsRefLikeType || local.Type is IPointerTypeSymbol ||
                    local.DeclaringSyntaxReferences.Any(r => r.GetSyntax(_cancellationToken).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>()?.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) == true))
                {
                    return null;
                }

                escaping.Add(local);
            }

            return returnsValue && escaping.Count > 0 ? null : escaping;
        }

        /// <summary>The scope parameter's name when the block is the body of Scope.Run(scope => { … }).</summary>
        internal string? ExistingScopeName(BlockSyntax block)
        {
            var parameter = block.Parent switch
            {
                SimpleLambdaExpressionSyntax simple => simple.Parameter,
                ParenthesizedLambdaExpressionSyntax { ParameterList: { Parameters: { Count: 1 } } } parenthesized => parenthesized.ParameterList.Parameters[0],
                _ => null,
            };
            if (parameter == null || !(block.Parent!.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax run } }) ||
                !(_model.GetSymbolInfo(run, _cancellationToken).Symbol is IMethodSymbol { Name: var runName } method) || runName != (_async ? "RunAsync" : "Run") ||
                !KnownSymbols.Is(method.ContainingType, _recognizer.Symbols.Runtime.Scope))
            {
                return null;
            }

            return parameter.Identifier.ValueText;
        }

        private static BlockSyntax? CommonBlock(IReadOnlyList<SyntaxNode> nodes)
        {
            for (var block = nodes[0].FirstAncestorOrSelf<BlockSyntax>(); block != null; block = block.Parent?.FirstAncestorOrSelf<BlockSyntax>())
            {
                if (nodes.All(n => n != block && block.Span.Contains(n.Span)))
                {
                    return block;
                }
            }

            return null;
        }

        private static int IndexIn(BlockSyntax block, SyntaxNode node) =>
            block.Statements.IndexOf(s => s == node || s.Span.Contains(node.Span));

        /// <summary>The first of name, name1, name2 … that nothing in or around the region uses.</summary>
        internal string FreeName(string name, SyntaxNode position, IEnumerable<SyntaxNode> region) =>
            SyntaxHelpers.FreeName(_model, name, position, region);

        private static string Title(RegionEnd end, BlockSyntax block, int start, bool isAsync)
        {
            var title = SyncTitle(end, block, start);
            return isAsync
                ? title.Replace("Run in a scope (waits for the work", "Run in an async scope (awaits the work").Replace("Run in a scope (waits where", "Run in an async scope (awaits where")
                : title;
        }

        private static string SyncTitle(RegionEnd end, BlockSyntax block, int start)
        {
            switch (end)
            {
                case RegionEnd.Join:
                    return "Run in a scope (waits where it joined before)";
                case RegionEnd.Conflict:
                    return "Run in a scope (waits for the work before the statement that conflicts with it)";
                default:
                    if (block.Parent is FixedStatementSyntax)
                    {
                        return "Run in a scope (waits for the work before the 'fixed' block ends)";
                    }

                    if (block.Parent is UsingStatementSyntax || block.Statements.Take(start).Any(s => s is LocalDeclarationStatementSyntax { UsingKeyword: { } k } && k != default))
                    {
                        return "Run in a scope (waits for the work before 'using' disposes)";
                    }

                    return "Run in a scope (waits for the work at the end of the block)";
            }
        }
    }
}
