using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// Turns the joins of a spawn's Task or Thread into joins of the scope: follows every use of the handle, rewrites
    /// the joins the rules count (<see cref="HandleJoins"/>) where their shape can be rewritten faithfully (Wait() to
    /// Join(), Task.WaitAll to a Join() each, awaits in async code), pulls in the sibling spawns joined or stored with
    /// it, and refuses any other use.
    /// </summary>
    internal sealed class HandleRewriter
    {
        private readonly SpawnRecognizer _recognizer;
        private readonly SemanticModel _model;
        private readonly SpawnOptions _options;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<SyntaxNode, HandleJoins> _joins = new Dictionary<SyntaxNode, HandleJoins>();

        public HandleRewriter(SpawnRecognizer recognizer, SpawnOptions options, CancellationToken cancellationToken)
        {
            _recognizer = recognizer;
            _model = recognizer.Model;
            _options = options;
            _cancellationToken = cancellationToken;
        }

        /// <summary>True while rewriting spawns of an async function: every join becomes an await.</summary>
        public bool IsAsync { get; set; }

        /// <summary>A spawn joined where it starts (Task.Run(…).Wait()): the join becomes Join() (or an await).</summary>
        public bool JoinedWhereStarted(FixSite site, MemberAccessExpressionSyntax join, EditSet edits) =>
            AnalyzeTaskMember(join, edits) == true && JoinsOf(site).Joins(site.SpawnExpression, join);

        /// <summary>
        /// Follows every use of the handle: joins become Join(), sibling spawns that are joined with it or stored in the
        /// same collection join the plan, and any other use (the handle escapes) refuses the fix. Returns whether anything joins.
        /// </summary>
        public bool? Follow(FixSite site, EditSet edits, List<SyntaxNode> regionNodes, Queue<ExpressionSyntax> pending)
        {
            var handle = site.Handle!;
            var function = SyntaxHelpers.ContainingFunction(site.Anchor);
            // A handle in a local joins where the rules say it does, and nowhere where they lose it. (The elements of a
            // collection the rules follow only to a join of them all; the fix rewrites each use of an element.)
            var joins = site.Shape == HandleShape.Local ? JoinsOf(site) : null;
            if (function == null || joins != null && !joins.KeepsInSight(site.SpawnExpression))
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
                if (isJoin == null || isJoin.Value && joins != null && !joins.Joins(site.SpawnExpression, reference))
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
                    if (IsAsync)
                    {
                        var parent = SyntaxHelpers.WalkUpParentheses(threadJoin);
                        edits.Replace(threadJoin, visited => SyntaxHelpers.Await(access.Expression, parent).WithTriviaFrom(visited));
                    }

                    return true;
                }

                return AnalyzeTaskMember(access, edits);
            }

            // await t stays await t: the ScopedTask is awaitable and throws what the task threw.
            if (use is AwaitExpressionSyntax && IsAsync && !site.IsThread)
            {
                return true;
            }

            // var all = await Task.WhenAll(a, b) becomes var all = new[] { await a, await b }: the same values in the same
            // order, and the scope waits for every task as WhenAll did.
            if (IsAsync && !site.IsThread && use is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax whenAll } } &&
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
                    StatementSyntax join = SyntaxFactory.ExpressionStatement(IsAsync ? SyntaxFactory.AwaitExpression(a.Expression.WithoutTrivia()) : (ExpressionSyntax)SyntaxHelpers.Join(a.Expression))
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return i == 0 ? join.WithLeadingTrivia(visited.GetLeadingTrivia()) : join;
                }).ToList());
            return true;
        }

        /// <summary>t.Wait(), t.Result, t.GetAwaiter().GetResult() join; t.IsCompleted is harmless; anything else lets the task escape.</summary>
        private bool? AnalyzeTaskMember(MemberAccessExpressionSyntax access, EditSet edits)
        {
            if (IsAsync)
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

            return IsAsync && SyntaxHelpers.WalkUpParentheses(waitAll) is AwaitExpressionSyntax { Parent: ExpressionStatementSyntax awaited } && IsTaskWhenAll(waitAll)
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

            var name = SyntaxHelpers.FreeName(_model, "task", statement, new[] { statement });
            edits.ReplaceStatement(statement, visited => new StatementSyntax[]
            {
                // One line, as a person writes it: a plain space after ')' keeps the formatter from breaking the line.
                SyntaxFactory.ForEachStatement(
                        SyntaxFactory.IdentifierName("var"),
                        SyntaxFactory.Identifier(name),
                        SyntaxFactory.IdentifierName(reference.Identifier.ValueText),
                        SyntaxFactory.ExpressionStatement(IsAsync
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

        /// <summary>The rules' joins of the spawns in the member that holds <paramref name="site"/>.</summary>
        private HandleJoins JoinsOf(FixSite site)
        {
            var member = RaceFixes.MemberOf(site.SpawnExpression) ?? site.SpawnExpression.SyntaxTree.GetRoot(_cancellationToken);
            if (!_joins.TryGetValue(member, out var joins))
            {
                joins = HandleJoins.Of(_model, member, _options, _cancellationToken);
                _joins.Add(member, joins);
            }

            return joins;
        }
    }
}
