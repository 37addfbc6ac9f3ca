using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// Turns spawns into one plan: follows their handles to the joins (pulling in sibling spawns joined together),
    /// picks the region, and checks that moving it into a lambda keeps its meaning.
    /// </summary>
    internal sealed class ScopePlanner
    {
        private readonly SpawnRecognizer _recognizer;
        private readonly SemanticModel _model;
        private readonly CancellationToken _cancellationToken;

        // True while planning spawns of an async function: the scope is awaited (RunAsync) and every join becomes an await.
        private bool _async;

        public ScopePlanner(SpawnRecognizer recognizer, CancellationToken cancellationToken)
        {
            _recognizer = recognizer;
            _model = recognizer.Model;
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
                    if (!(SyntaxHelpers.WalkUpParentheses(site.SpawnExpression) is MemberAccessExpressionSyntax join) || AnalyzeTaskMember(join, edits) != true)
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
                    var handle = AnalyzeHandle(site, edits, regionNodes, pending);
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
        /// Follows every use of the handle: joins become Join(), sibling spawns that are joined with it or stored in the
        /// same collection join the plan, and any other use (the handle escapes) refuses the fix. Returns whether anything joins.
        /// </summary>
        private bool? AnalyzeHandle(FixSite site, EditSet edits, List<SyntaxNode> regionNodes, Queue<ExpressionSyntax> pending)
        {
            var handle = site.Handle!;
            var function = SyntaxHelpers.ContainingFunction(site.Anchor);
            if (function == null)
            {
                return null;
            }

            var hasJoin = false;
            foreach (var reference in SyntaxHelpers.References(_model, handle, function, _cancellationToken))
            {
                if (SyntaxHelpers.ContainingFunction(reference) != function)
                {
                    return null;
                }

                // A Thread's Start and property setters are the recognizer's edits already.
                var statement = reference.FirstAncestorOrSelf<StatementSyntax>();
                if (site.IsThread && statement != null && site.Edits.Statements.ContainsKey(statement))
                {
                    continue;
                }

                var use = SyntaxHelpers.WalkUpParentheses(reference);
                bool? isJoin = site.Shape == HandleShape.Collection
                    ? AnalyzeCollectionUse(reference, use, edits, pending)
                    : AnalyzeLocalUse(site, reference, use, edits, pending);
                if (isJoin == null)
                {
                    return null;
                }

                if (isJoin.Value || site.Shape == HandleShape.Local)
                {
                    regionNodes.Add(reference);
                }

                hasJoin |= isJoin.Value;
            }

            if (site.Shape == HandleShape.Collection && !RetypeCollection(handle, edits))
            {
                return null;
            }

            if (site.Shape == HandleShape.Local && !site.IsThread &&
                site.Anchor is LocalDeclarationStatementSyntax { Declaration: { Type: { IsVar: false } type } })
            {
                edits.Replace(type, visited => ScopedTaskType((TypeSyntax)visited).WithTriviaFrom(visited));
            }

            return hasJoin;
        }

        private bool? AnalyzeLocalUse(FixSite site, IdentifierNameSyntax reference, SyntaxNode? use, EditSet edits, Queue<ExpressionSyntax> pending)
        {
            if (use is MemberAccessExpressionSyntax access && access.Expression.WalkDownParentheses() == reference)
            {
                if (site.IsThread)
                {
                    if (access.Name.Identifier.ValueText != "Join" || !(access.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } threadJoin))
                    {
                        return null;
                    }

                    // In async code thread.Join() becomes await thread: a blocking Join would be SCOPE021.
                    if (_async)
                    {
                        var parent = SyntaxHelpers.WalkUpParentheses(threadJoin);
                        edits.Replace(threadJoin, visited => SyntaxHelpers.Await(access.Expression, parent).WithTriviaFrom(visited));
                    }

                    return true;
                }

                return AnalyzeTaskMember(access, edits);
            }

            // await t stays await t: the ScopedTask is awaitable and throws what the task threw.
            if (use is AwaitExpressionSyntax && _async && !site.IsThread)
            {
                return true;
            }

            // var all = await Task.WhenAll(a, b) becomes var all = new[] { await a, await b }: the same values in the same
            // order, and the scope waits for every task as WhenAll did.
            if (_async && !site.IsThread && use is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax whenAll } } &&
                SyntaxHelpers.WalkUpParentheses(whenAll) is AwaitExpressionSyntax awaitWhenAll && !(awaitWhenAll.Parent is ExpressionStatementSyntax) &&
                IsTaskWhenAllOfValues(whenAll))
            {
                foreach (var other in whenAll.ArgumentList.Arguments)
                {
                    if (!(other.Expression is IdentifierNameSyntax) || other.RefKindKeyword != default || other.NameColon != null ||
                        !(_model.GetSymbolInfo(other.Expression, _cancellationToken).Symbol is ILocalSymbol otherLocal) ||
                        !(otherLocal.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer: { Value: var otherInitializer } }))
                    {
                        return null;
                    }

                    if (!SymbolEqualityComparer.Default.Equals(otherLocal, site.Handle))
                    {
                        pending.Enqueue((ExpressionSyntax)otherInitializer.WalkDownParentheses());
                    }
                }

                var handles = whenAll.ArgumentList.Arguments.Select(a => a.Expression.WithoutTrivia()).ToList();
                edits.Replace(awaitWhenAll, visited => SyntaxFactory.ImplicitArrayCreationExpression(
                        SyntaxFactory.InitializerExpression(
                            SyntaxKind.ArrayInitializerExpression,
                            SyntaxFactory.SeparatedList<ExpressionSyntax>(handles.Select(h => SyntaxFactory.AwaitExpression(h)))))
                    .WithTriviaFrom(visited));
                return true;
            }

            if (site.IsThread || !(use is ArgumentSyntax argument) ||
                !(argument.Parent?.Parent is InvocationExpressionSyntax waitAll) ||
                !(WaitAllStatement(waitAll) is { } waitAllStatement) ||
                !waitAll.ArgumentList.Arguments.All(a => a.Expression is IdentifierNameSyntax && a.RefKindKeyword == default && a.NameColon == null))
            {
                return null;
            }

            // Task.WaitAll(a, b): every argument must be a handle of a spawn this plan rewrites.
            foreach (var other in waitAll.ArgumentList.Arguments)
            {
                if (!(_model.GetSymbolInfo(other.Expression, _cancellationToken).Symbol is ILocalSymbol otherLocal) ||
                    !(otherLocal.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer: { Value: var initializer } }))
                {
                    return null;
                }

                if (!SymbolEqualityComparer.Default.Equals(otherLocal, site.Handle))
                {
                    pending.Enqueue((ExpressionSyntax)initializer.WalkDownParentheses());
                }
            }

            edits.ReplaceStatement(waitAllStatement, visited =>
                waitAll.ArgumentList.Arguments.Select((a, i) =>
                {
                    StatementSyntax join = SyntaxFactory.ExpressionStatement(_async ? SyntaxFactory.AwaitExpression(a.Expression.WithoutTrivia()) : (ExpressionSyntax)SyntaxHelpers.Join(a.Expression))
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return i == 0 ? join.WithLeadingTrivia(visited.GetLeadingTrivia()) : join;
                }).ToList());
            return true;
        }

        /// <summary>t.Wait(), t.Result, t.GetAwaiter().GetResult() join; t.IsCompleted is harmless; anything else lets the task escape.</summary>
        private bool? AnalyzeTaskMember(MemberAccessExpressionSyntax access, EditSet edits)
        {
            if (_async)
            {
                return AnalyzeTaskMemberAsync(access, edits);
            }

            switch (access.Name.Identifier.ValueText)
            {
                case "Wait" when access.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } }:
                    edits.Replace(access.Name, visited => SyntaxFactory.IdentifierName("Join").WithTriviaFrom(visited));
                    return true;
                case "Result" when !(access.Parent is AssignmentExpressionSyntax assignment && assignment.Left == access):
                    edits.Replace(access, visited => SyntaxHelpers.Join(((MemberAccessExpressionSyntax)visited).Expression).WithTriviaFrom(visited));
                    return true;
                case "GetAwaiter" when access.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } getAwaiter &&
                                       getAwaiter.Parent is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "GetResult" } } } getResultAccess &&
                                       getResultAccess.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } getResult:
                    edits.Replace(getResult, _ => SyntaxHelpers.Join(access.Expression).WithTriviaFrom(getResult));
                    return true;
                case "IsCompleted":
                    return false;
                default:
                    return null;
            }
        }

        /// <summary>In async code the blocking joins become awaits: t.Wait(); is await t;, t.Result and GetAwaiter().GetResult() are (await t).</summary>
        private static bool? AnalyzeTaskMemberAsync(MemberAccessExpressionSyntax access, EditSet edits)
        {
            ExpressionSyntax? join = null;
            switch (access.Name.Identifier.ValueText)
            {
                case "Wait" when access.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } wait:
                    join = wait;
                    break;
                case "Result" when !(access.Parent is AssignmentExpressionSyntax assignment && assignment.Left == access):
                    join = access;
                    break;
                case "GetAwaiter" when access.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } getAwaiter &&
                                       getAwaiter.Parent is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "GetResult" } } } getResultAccess &&
                                       getResultAccess.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } getResult:
                    join = getResult;
                    break;
                case "IsCompleted":
                    return false;
                default:
                    return null;
            }

            var receiver = access.Expression;
            var parent = SyntaxHelpers.WalkUpParentheses(join);
            edits.Replace(join, visited => SyntaxHelpers.Await(receiver, parent).WithTriviaFrom(visited));
            return true;
        }

        /// <summary>
        /// The statement a Task.WaitAll(…) or, in async code, an await Task.WhenAll(…) is: the join point; null for any
        /// other use (the result of WhenAll used as a value, WaitAll with a timeout).
        /// </summary>
        private ExpressionStatementSyntax? WaitAllStatement(InvocationExpressionSyntax waitAll)
        {
            if (waitAll.Parent is ExpressionStatementSyntax statement && IsTaskWaitAll(waitAll))
            {
                return statement;
            }

            return _async && SyntaxHelpers.WalkUpParentheses(waitAll) is AwaitExpressionSyntax { Parent: ExpressionStatementSyntax awaited } && IsTaskWhenAll(waitAll)
                ? awaited
                : null;
        }

        /// <summary>Task.WhenAll&lt;T&gt;(a, b, …) over handles (not a collection): its result is T[] in argument order.</summary>
        private bool IsTaskWhenAllOfValues(InvocationExpressionSyntax invocation) =>
            _model.GetOperation(invocation, _cancellationToken) is IInvocationOperation { TargetMethod: { Name: "WhenAll", IsGenericMethod: true } method } &&
            KnownSymbols.Is(method.ContainingType, _recognizer.Symbols.Tasks.Task) &&
            method.Parameters.Length == 1 &&
            invocation.ArgumentList.Arguments.Count > 0 &&
            invocation.ArgumentList.Arguments.All(a => _recognizer.Symbols.Tasks.IsExactlyTask(_model.GetTypeInfo(a.Expression, _cancellationToken).Type) && a.Expression is IdentifierNameSyntax);

        private bool IsTaskWhenAll(InvocationExpressionSyntax invocation) =>
            _model.GetOperation(invocation, _cancellationToken) is IInvocationOperation { TargetMethod: { Name: "WhenAll" } method } &&
            KnownSymbols.Is(method.ContainingType, _recognizer.Symbols.Tasks.Task) &&
            method.Parameters.Length == 1;

        private bool? AnalyzeCollectionUse(IdentifierNameSyntax reference, SyntaxNode? use, EditSet edits, Queue<ExpressionSyntax> pending)
        {
            switch (use)
            {
                // tasks.Add(spawn): every spawn stored must be rewritten with the others.
                case MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Add" } } } add
                    when add.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 1 } } } call && call.Parent is ExpressionStatementSyntax:
                    pending.Enqueue((ExpressionSyntax)call.ArgumentList.Arguments[0].Expression.WalkDownParentheses());
                    return false;

                case MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Count" } } }:
                case MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Length" } } }:
                    return false;

                // tasks.ToArray() only as the argument of Task.WaitAll.
                case MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "ToArray" } } } toArray
                    when toArray.Parent is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 0 } } } toArrayCall &&
                         toArrayCall.Parent is ArgumentSyntax toArrayArgument:
                    return CollectionWaitAll(reference, toArrayArgument, edits);

                case ArgumentSyntax argument:
                    return CollectionWaitAll(reference, argument, edits);

                case ElementAccessExpressionSyntax element when element.Expression == reference && element.ArgumentList.Arguments.Count == 1:
                {
                    var elementUse = SyntaxHelpers.WalkUpParentheses(element);
                    if (elementUse is AssignmentExpressionSyntax assignment && assignment.Left == element)
                    {
                        if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || !(assignment.Parent is ExpressionStatementSyntax))
                        {
                            return null;
                        }

                        pending.Enqueue((ExpressionSyntax)assignment.Right.WalkDownParentheses());
                        return false;
                    }

                    return elementUse is MemberAccessExpressionSyntax access && access.Expression.WalkDownParentheses() == element
                        ? AnalyzeTaskMember(access, edits) == true ? true : (bool?)null
                        : null;
                }

                default:
                    return null;
            }
        }

        /// <summary>Task.WaitAll(tasks) becomes foreach (var task in tasks) task.Join();</summary>
        private bool? CollectionWaitAll(IdentifierNameSyntax reference, ArgumentSyntax argument, EditSet edits)
        {
            if (!(argument.Parent?.Parent is InvocationExpressionSyntax waitAll) ||
                waitAll.ArgumentList.Arguments.Count != 1 ||
                !(WaitAllStatement(waitAll) is { } statement))
            {
                return null;
            }

            var name = FreeName("task", statement, new[] { statement });
            edits.ReplaceStatement(statement, visited => new StatementSyntax[]
            {
                // One line, as a person writes it: a plain space after ')' keeps the formatter from breaking the line.
                SyntaxFactory.ForEachStatement(
                        SyntaxFactory.IdentifierName("var"),
                        SyntaxFactory.Identifier(name),
                        SyntaxFactory.IdentifierName(reference.Identifier.ValueText),
                        SyntaxFactory.ExpressionStatement(_async
                            ? SyntaxFactory.AwaitExpression(SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(default, name, default)))
                            : (ExpressionSyntax)SyntaxHelpers.Join(SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(default, name, default)))))
                    .WithCloseParenToken(SyntaxFactory.Token(SyntaxKind.CloseParenToken).WithTrailingTrivia(SyntaxFactory.Space))
                    .WithTriviaFrom(visited)
                    .WithAdditionalAnnotations(Formatter.Annotation),
            });
            return true;
        }

        private bool IsTaskWaitAll(InvocationExpressionSyntax invocation) =>
            _model.GetOperation(invocation, _cancellationToken) is IInvocationOperation { TargetMethod: { Name: "WaitAll" } method } &&
            KnownSymbols.Is(method.ContainingType, _recognizer.Symbols.Tasks.Task) &&
            method.Parameters.Length == 1 && method.ReturnsVoid;

        /// <summary>List&lt;Task&gt; tasks = new List&lt;Task&gt;() becomes List&lt;ScopedTask&gt; (also arrays, Task&lt;T&gt;).</summary>
        private bool RetypeCollection(ILocalSymbol collection, EditSet edits)
        {
            if (!(collection.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is VariableDeclaratorSyntax declarator) ||
                !(declarator.Parent is VariableDeclarationSyntax { Variables: { Count: 1 } } declaration) ||
                !(declaration.Parent is LocalDeclarationStatementSyntax))
            {
                return false;
            }

            var taskTypes = declaration.DescendantNodes()
                .OfType<TypeSyntax>()
                .Where(t => !(t.Parent is QualifiedNameSyntax qualified && qualified.Right == t) &&
                            _recognizer.Symbols.Tasks.IsExactlyTask(_model.GetTypeInfo(t, _cancellationToken).Type) &&
                            _model.GetSymbolInfo(t, _cancellationToken).Symbol is INamedTypeSymbol)
                .ToList();
            taskTypes.RemoveAll(t => taskTypes.Any(other => other != t && other.Span.Contains(t.Span)));
            if (taskTypes.Count == 0)
            {
                return false;
            }

            foreach (var type in taskTypes)
            {
                edits.Replace(type, visited => ScopedTaskType((TypeSyntax)visited).WithTriviaFrom(visited));
            }

            return true;
        }

        /// <summary>Task becomes ScopedTask, Task&lt;X&gt; becomes ScopedTask&lt;X&gt; with X as written.</summary>
        private static TypeSyntax ScopedTaskType(TypeSyntax taskType)
        {
            var simple = taskType is QualifiedNameSyntax qualified ? qualified.Right : taskType as SimpleNameSyntax;
            return simple is GenericNameSyntax generic
                ? SyntaxHelpers.ScopeSafetyName("ScopedTask", generic.TypeArgumentList)
                : SyntaxHelpers.ScopeSafetyName("ScopedTask");
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
        internal string FreeName(string name, SyntaxNode position, IEnumerable<SyntaxNode> region)
        {
            var used = new HashSet<string>(region.SelectMany(r => r.DescendantTokens()).Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            foreach (var symbol in _model.LookupSymbols(position.SpanStart))
            {
                used.Add(symbol.Name);
            }

            var candidate = name;
            for (var i = 1; used.Contains(candidate); i++)
            {
                candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return candidate;
        }

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
