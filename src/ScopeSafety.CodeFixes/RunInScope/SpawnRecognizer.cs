using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.CodeFixes.RunInScope
{
    /// <summary>
    /// Recognises the spawn shapes the fix can rewrite faithfully and builds the edits that turn each into
    /// scope.Spawn. Anything it cannot rewrite without changing meaning yields null: the fix is then not offered.
    /// </summary>
    internal sealed class SpawnRecognizer
    {
        // TaskCreationOptions flags that only tune scheduling; AttachedToParent changes who waits, so it is kept out.
        private const int IgnorableCreationOptions = 1 | 2 | 8 | 16 | 64;

        private static readonly HashSet<string> IgnorableThreadProperties = new HashSet<string> { "IsBackground", "Name", "Priority" };

        private readonly SemanticModel _model;
        private readonly KnownSymbols _symbols;
        private readonly CancellationToken _cancellationToken;

        public SpawnRecognizer(SemanticModel model, KnownSymbols symbols, CancellationToken cancellationToken)
        {
            _model = model;
            _symbols = symbols;
            _cancellationToken = cancellationToken;
        }

        public SemanticModel Model => _model;

        public KnownSymbols Symbols => _symbols;

        /// <summary>The rewrite of <paramref name="spawn"/>, by the API the analyzers' classification names; null when it cannot be faithful.</summary>
        public FixSite? Recognize(ExpressionSyntax spawn)
        {
            var operation = _model.GetOperation(spawn, _cancellationToken);
            switch (SpawnClassifier.UnscopedApiOf(operation, _symbols), operation)
            {
                case ("Task.Run", IInvocationOperation invocation):
                    return RecognizeTaskLike(spawn, invocation, delegateArgument: Argument(invocation, 0), stateArgument: null, isTaskRun: true);
                case ("Task.Factory.StartNew", IInvocationOperation invocation):
                    return RecognizeStartNew(spawn, invocation);
                case ("ThreadPool.QueueUserWorkItem" or "ThreadPool.UnsafeQueueUserWorkItem", IInvocationOperation invocation):
                    return RecognizeQueue(spawn, invocation);
                case ("new Thread", IObjectCreationOperation creation):
                    return RecognizeThread(spawn, creation);
                default:
                    return null;
            }
        }

        private static IArgumentOperation? Argument(IInvocationOperation invocation, int ordinal) =>
            invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal);

        private static IArgumentOperation? Argument(IInvocationOperation invocation, string name) =>
            invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == name);

        private FixSite? RecognizeStartNew(ExpressionSyntax spawn, IInvocationOperation invocation)
        {
            if (!IsIgnorableToken(Argument(invocation, "cancellationToken")) ||
                !IsIgnorableOptions(Argument(invocation, "creationOptions")) ||
                !IsDefaultScheduler(Argument(invocation, "scheduler")))
            {
                return null;
            }

            var work = Argument(invocation, 0);
            var state = Argument(invocation, "state");
            return RecognizeTaskLike(spawn, invocation, work, state, isTaskRun: false, tokenChecked: true);
        }

        private FixSite? RecognizeTaskLike(ExpressionSyntax spawn, IInvocationOperation invocation, IArgumentOperation? delegateArgument, IArgumentOperation? stateArgument, bool isTaskRun, bool tokenChecked = false)
        {
            if (delegateArgument == null || !KnownSymbols.Is(invocation.Type, _symbols.Tasks.Task) && !KnownSymbols.Is(invocation.Type, _symbols.Tasks.TaskOfT))
            {
                return null;
            }

            // Task.Run(Func<Task>) and StartNew(async ...) start asynchronous work: Spawn would not wait for it.
            if (invocation.Type is INamedTypeSymbol { IsGenericType: true } taskType && _symbols.Tasks.IsExactlyTask(taskType.TypeArguments[0]))
            {
                return null;
            }

            if (!tokenChecked && !IsIgnorableToken(invocation.Arguments.FirstOrDefault(a => KnownSymbols.Is(a.Parameter?.Type, _symbols.Threading.CancellationToken))))
            {
                return null;
            }

            var context = HandleContext(spawn);
            if (context == null)
            {
                return null;
            }

            var edits = new EditSet();
            var function = SyntaxHelpers.ContainingFunction(spawn);

            // In an async function Task.Run(async () => …) becomes scope.SpawnAsync, which the async scope awaits; only
            // Task.Run unwraps the inner task (StartNew's Task<Task> was refused above).
            var asyncWork = stateArgument == null && isTaskRun && function != null && SyntaxHelpers.IsAsync(function) &&
                delegateArgument.Parameter?.Type is INamedTypeSymbol { DelegateInvokeMethod: { Parameters: { Length: 0 } } asyncInvoke } &&
                _symbols.Tasks.IsExactlyTask(asyncInvoke.ReturnType);
            var work = asyncWork
                ? BuildAsyncWork(delegateArgument)
                : BuildWork(delegateArgument, stateArgument?.Value, hasState: stateArgument != null, context.Value.Anchor, edits);
            if (work == null)
            {
                return null;
            }

            edits.Replace(spawn, visited => (asyncWork ? SyntaxHelpers.ScopeSpawnAsync(work) : SyntaxHelpers.ScopeSpawn(work)).WithTriviaFrom(visited));
            return new FixSite(spawn, context.Value.Anchor, context.Value.Shape, context.Value.Handle, isThread: false, edits);
        }

        private FixSite? RecognizeQueue(ExpressionSyntax spawn, IInvocationOperation invocation)
        {
            if (!(SyntaxHelpers.WalkUpParentheses(spawn) is ExpressionStatementSyntax statement))
            {
                return null;
            }

            var callback = Argument(invocation, 0);
            if (callback == null || !(callback.Parameter?.Type is INamedTypeSymbol { TypeKind: TypeKind.Delegate }))
            {
                return null;
            }

            // QueueUserWorkItem<TState>(callback, state, preferLocal): preferLocal is a scheduling hint.
            var state = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 1);
            var edits = new EditSet();
            var work = BuildWork(callback, state?.Value, hasState: true, statement, edits);
            if (work == null)
            {
                return null;
            }

            edits.Replace(spawn, visited => SyntaxHelpers.ScopeSpawn(work).WithTriviaFrom(visited));
            return new FixSite(spawn, statement, HandleShape.None, null, isThread: false, edits);
        }

        private FixSite? RecognizeThread(ExpressionSyntax spawn, IObjectCreationOperation creation)
        {
            if (creation.Arguments.Length == 0 || creation.Arguments.Length > 2 ||
                creation.Arguments.Length == 2 && !SyntaxHelpers.IsSideEffectFree(creation.Arguments[1].Value))
            {
                return null;
            }

            if (creation.Initializer != null)
            {
                foreach (var initializer in creation.Initializer.Initializers)
                {
                    if (!(initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment) ||
                        !IgnorableThreadProperties.Contains(property.Property.Name) ||
                        !SyntaxHelpers.IsSideEffectFree(assignment.Value))
                    {
                        return null;
                    }
                }
            }

            var parent = SyntaxHelpers.WalkUpParentheses(spawn);

            // new Thread(work).Start(): the work starts here and nothing can join it.
            if (parent is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Start" } } } startAccess &&
                startAccess.Parent is InvocationExpressionSyntax startCall &&
                startCall.Parent is ExpressionStatementSyntax startStatement)
            {
                var edits = new EditSet();
                var work = BuildThreadWork(creation, startCall, startStatement, edits);
                if (work == null)
                {
                    return null;
                }

                edits.Replace(startCall, visited => SyntaxHelpers.ScopeSpawn(work).WithTriviaFrom(visited));
                return new FixSite(spawn, startStatement, HandleShape.None, null, isThread: true, edits);
            }

            if (!(parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }) ||
                !(declarator.Parent is VariableDeclarationSyntax { Variables: { Count: 1 } } declaration) ||
                !(declaration.Parent is LocalDeclarationStatementSyntax declarationStatement) ||
                declarationStatement.Modifiers.Count > 0 || declarationStatement.UsingKeyword != default ||
                !(declarationStatement.Parent is BlockSyntax block) ||
                !(_model.GetDeclaredSymbol(declarator, _cancellationToken) is ILocalSymbol thread))
            {
                return null;
            }

            var function = SyntaxHelpers.ContainingFunction(declarationStatement);
            if (function == null)
            {
                return null;
            }

            // The Start call is the one place the work begins; setters of scheduling hints before it go away.
            InvocationExpressionSyntax? start = null;
            var removed = new List<StatementSyntax>();
            var references = SyntaxHelpers.References(_model, thread, function, _cancellationToken);
            foreach (var reference in references)
            {
                var use = SyntaxHelpers.WalkUpParentheses(reference);
                if (use is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Start" } } } access &&
                    access.Expression == reference && access.Parent is InvocationExpressionSyntax call &&
                    call.Parent is ExpressionStatementSyntax { Parent: BlockSyntax startBlock } && startBlock == block && start == null)
                {
                    start = call;
                }
                else if (use is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: var name } } } setter &&
                    IgnorableThreadProperties.Contains(name) &&
                    setter.Parent is AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax { Parent: BlockSyntax setterBlock } setterStatement } assignment &&
                    assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Left == setter && setterBlock == block &&
                    SyntaxHelpers.IsSideEffectFree(_model.GetOperation(assignment.Right, _cancellationToken)))
                {
                    removed.Add(setterStatement);
                }
            }

            if (start == null || start.SpanStart < declarationStatement.Span.End || removed.Any(r => r.SpanStart > start.SpanStart))
            {
                return null;
            }

            var startStatementOfHandle = (ExpressionStatementSyntax)start.Parent!;
            var threadEdits = new EditSet();
            var threadWork = BuildThreadWork(creation, start, startStatementOfHandle, threadEdits);
            if (threadWork == null)
            {
                return null;
            }

            threadEdits.Remove(declarationStatement);
            foreach (var statement in removed)
            {
                threadEdits.Remove(statement);
            }

            // Without a Join left the handle would be an unused local: spawn as a plain statement instead.
            var handleStillUsed = references.Any(r =>
                !startStatementOfHandle.Contains(r) && !declarationStatement.Contains(r) && !removed.Any(statement => statement.Contains(r)));
            var explicitType = !declaration.Type.IsVar;
            var existingEdit = threadEdits.Statements.TryGetValue(startStatementOfHandle, out var prelude) ? prelude : null;
            threadEdits.ReplaceStatement(startStatementOfHandle, visited =>
            {
                if (!handleStillUsed)
                {
                    var spawnStatement = SyntaxFactory.ExpressionStatement(SyntaxHelpers.ScopeSpawn(threadWork))
                        .WithTriviaFrom(visited)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    return existingEdit == null ? new StatementSyntax[] { spawnStatement } : existingEdit(spawnStatement);
                }

                TypeSyntax type = explicitType ? SyntaxHelpers.ScopeSafetyName("ScopedTask") : SyntaxFactory.IdentifierName("var");
                var newDeclaration = SyntaxFactory.LocalDeclarationStatement(
                        SyntaxFactory.VariableDeclaration(
                            type,
                            SyntaxFactory.SingletonSeparatedList(
                                SyntaxFactory.VariableDeclarator(declarator.Identifier.WithoutTrivia())
                                    .WithInitializer(SyntaxFactory.EqualsValueClause(SyntaxHelpers.ScopeSpawn(threadWork))))))
                    .WithTriviaFrom(visited)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                return existingEdit == null ? new StatementSyntax[] { newDeclaration } : existingEdit(newDeclaration);
            });

            return handleStillUsed
                ? new FixSite(spawn, startStatementOfHandle, HandleShape.Local, thread, isThread: true, threadEdits)
                : new FixSite(spawn, startStatementOfHandle, HandleShape.None, null, isThread: true, threadEdits);
        }

        private ExpressionSyntax? BuildThreadWork(IObjectCreationOperation creation, InvocationExpressionSyntax start, StatementSyntax startStatement, EditSet edits)
        {
            if (!(_model.GetOperation(start, _cancellationToken) is IInvocationOperation startOperation) || startOperation.Arguments.Length > 1)
            {
                return null;
            }

            var hasState = startOperation.Arguments.Length == 1;
            var delegateArgument = creation.Arguments[0];
            var parameterCount = (delegateArgument.Parameter?.Type as INamedTypeSymbol)?.DelegateInvokeMethod?.Parameters.Length ?? -1;
            if (parameterCount == 0 && hasState || parameterCount < 0)
            {
                return null;
            }

            return BuildWork(delegateArgument, hasState ? startOperation.Arguments[0].Value : null, hasState: parameterCount == 1, startStatement, edits);
        }

        /// <summary>
        /// The parameterless delegate for scope.Spawn. A one-parameter delegate gets its state: an unused parameter is
        /// dropped (the state must be side-effect free), a used one becomes a local declared just before the spawn, so
        /// the state is still evaluated once, at the same point.
        /// </summary>
        private ExpressionSyntax? BuildWork(IArgumentOperation delegateArgument, IOperation? state, bool hasState, StatementSyntax anchor, EditSet edits)
        {
            if (!(delegateArgument.Parameter?.Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke }))
            {
                return null;
            }

            if (_symbols.Tasks.IsExactlyTask(invoke.ReturnType))
            {
                return null;
            }

            var value = delegateArgument.Value;
            while (value is IConversionOperation conversion && conversion.OperatorMethod == null)
            {
                value = conversion.Operand;
            }

            var target = (value as IDelegateCreationOperation)?.Target;
            if (invoke.Parameters.Length == 0)
            {
                switch (target)
                {
                    case IAnonymousFunctionOperation lambda:
                        return ParameterlessLambda(lambda.Syntax);
                    case IMethodReferenceOperation method:
                        return method.Syntax is ExpressionSyntax methodSyntax ? methodSyntax.WithoutTrivia() : null;
                    default:
                        if (!(value.Syntax is ExpressionSyntax valueSyntax))
                        {
                            return null;
                        }

                        // Action and Func<T> convert as they are; other delegate types through Invoke, which binds the instance now, as before.
                        return KnownSymbols.Is(value.Type, _symbols.Core.Action) || KnownSymbols.Is(value.Type, _symbols.Core.Func)
                            ? valueSyntax.WithoutTrivia()
                            : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesize(valueSyntax.WithoutTrivia()), SyntaxFactory.IdentifierName("Invoke"));
                }
            }

            if (invoke.Parameters.Length != 1 || !hasState)
            {
                return null;
            }

            var stateSyntax = state?.Syntax as ExpressionSyntax;
            switch (target)
            {
                case IAnonymousFunctionOperation lambda:
                {
                    var parameter = lambda.Symbol.Parameters.Length == 1 ? lambda.Symbol.Parameters[0] : null;
                    var used = parameter != null && lambda.Syntax.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n =>
                        n.Identifier.ValueText == parameter.Name &&
                        SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(n, _cancellationToken).Symbol, parameter));
                    if (!used)
                    {
                        return SyntaxHelpers.IsSideEffectFree(state) ? ParameterlessLambda(lambda.Syntax) : null;
                    }

                    if (!(anchor.Parent is BlockSyntax) || parameter!.RefKind != RefKind.None)
                    {
                        return null;
                    }

                    var type = SyntaxFactory.ParseTypeName(parameter.Type.ToMinimalDisplayString(_model, anchor.SpanStart));
                    var local = SyntaxFactory.LocalDeclarationStatement(
                        SyntaxFactory.VariableDeclaration(
                            type,
                            SyntaxFactory.SingletonSeparatedList(
                                SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(parameter.Name))
                                    .WithInitializer(SyntaxFactory.EqualsValueClause(stateSyntax?.WithoutTrivia() ?? SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression))))));
                    var existing = edits.Statements.TryGetValue(anchor, out var previous) ? previous : null;
                    edits.ReplaceStatement(anchor, visited =>
                    {
                        var rest = existing == null ? new[] { visited } : existing(visited);
                        return new StatementSyntax[] { local.WithLeadingTrivia(visited.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation) }.Concat(rest);
                    });
                    return ParameterlessLambda(lambda.Syntax);
                }

                case IMethodReferenceOperation method when method.Syntax is ExpressionSyntax methodSyntax:
                {
                    // The state is read when the work runs, not when it is queued: only a value that cannot change may move.
                    var function = SyntaxHelpers.ContainingFunction(anchor);
                    if (!IsStable(state, function) || method.Method.ContainingType.GetMembers(method.Method.Name).Length != 1)
                    {
                        return null;
                    }

                    var argument = stateSyntax?.WithoutTrivia() ?? SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression);
                    return SyntaxFactory.ParenthesizedLambdaExpression(
                        SyntaxFactory.InvocationExpression(methodSyntax.WithoutTrivia(), SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument)))));
                }

                default:
                    return null;
            }
        }

        /// <summary>The parameterless Func&lt;Task&gt; for scope.SpawnAsync: the lambda (async or not) or method group as written.</summary>
        private static ExpressionSyntax? BuildAsyncWork(IArgumentOperation delegateArgument)
        {
            var value = delegateArgument.Value;
            while (value is IConversionOperation conversion && conversion.OperatorMethod == null)
            {
                value = conversion.Operand;
            }

            switch ((value as IDelegateCreationOperation)?.Target)
            {
                case IAnonymousFunctionOperation lambda:
                    return ParameterlessLambda(lambda.Syntax, allowAsync: true);
                case IMethodReferenceOperation method when method.Syntax is ExpressionSyntax methodSyntax:
                    return methodSyntax.WithoutTrivia();
                default:
                    return null;
            }
        }

        private bool IsStable(IOperation? state, SyntaxNode? function)
        {
            if (state == null || state.ConstantValue.HasValue || state is ILiteralOperation || state is IDefaultValueOperation || state is IInstanceReferenceOperation)
            {
                return true;
            }

            if (state is IConversionOperation conversion && conversion.OperatorMethod == null)
            {
                return IsStable(conversion.Operand, function);
            }

            ISymbol? variable = (state as ILocalReferenceOperation)?.Local ?? (ISymbol?)(state as IParameterReferenceOperation)?.Parameter;
            return variable != null && function != null && SyntaxHelpers.IsNeverReassigned(_model, variable, function, _cancellationToken);
        }

        private static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
            expression is IdentifierNameSyntax || expression is MemberAccessExpressionSyntax || expression is InvocationExpressionSyntax || expression is ThisExpressionSyntax
                ? expression
                : SyntaxFactory.ParenthesizedExpression(expression);

        /// <summary>The lambda with its parameter list emptied; async lambdas are refused by the caller's delegate check.</summary>
        private static ExpressionSyntax? ParameterlessLambda(SyntaxNode syntax, bool allowAsync = false)
        {
            switch (syntax)
            {
                case ParenthesizedLambdaExpressionSyntax parenthesized when allowAsync || parenthesized.AsyncKeyword == default:
                    return parenthesized.ParameterList.Parameters.Count == 0
                        ? parenthesized.WithoutTrivia()
                        : parenthesized.WithParameterList(SyntaxFactory.ParameterList().WithTriviaFrom(parenthesized.ParameterList)).WithoutTrivia();
                case SimpleLambdaExpressionSyntax simple when allowAsync || simple.AsyncKeyword == default:
                    return SyntaxFactory.ParenthesizedLambdaExpression(
                            simple.Modifiers,
                            SyntaxFactory.ParameterList().WithTrailingTrivia(simple.Parameter.GetTrailingTrivia()),
                            simple.ArrowToken,
                            simple.Block,
                            simple.ExpressionBody)
                        .WithoutTrivia();
                case AnonymousMethodExpressionSyntax anonymous when allowAsync || anonymous.AsyncKeyword == default:
                    return anonymous.WithParameterList(SyntaxFactory.ParameterList()).WithoutTrivia();
                default:
                    return null;
            }
        }

        private bool IsIgnorableToken(IArgumentOperation? argument)
        {
            if (argument == null || argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                return true;
            }

            var value = argument.Value;
            return value is IDefaultValueOperation ||
                value is IObjectCreationOperation { Arguments: { Length: 0 } } ||
                value is IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } } none && KnownSymbols.Is(none.Property.ContainingType, _symbols.Threading.CancellationToken);
        }

        private static bool IsIgnorableOptions(IArgumentOperation? argument)
        {
            if (argument == null || argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                return true;
            }

            return argument.Value.ConstantValue.HasValue &&
                argument.Value.ConstantValue.Value is int flags &&
                (flags & ~IgnorableCreationOptions) == 0;
        }

        private bool IsDefaultScheduler(IArgumentOperation? argument) =>
            argument == null ||
            argument.Value is IPropertyReferenceOperation { Property: { Name: "Default", IsStatic: true } } scheduler &&
            KnownSymbols.Is(scheduler.Property.ContainingType, _symbols.Tasks.TaskScheduler);

        private (StatementSyntax Anchor, HandleShape Shape, ILocalSymbol? Handle)? HandleContext(ExpressionSyntax spawn)
        {
            var parent = SyntaxHelpers.WalkUpParentheses(spawn);
            switch (parent)
            {
                case ExpressionStatementSyntax statement:
                    return (statement, HandleShape.None, null);

                case AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier: { ValueText: "_" } } discard, Parent: ExpressionStatementSyntax statement }
                    when _model.GetOperation(discard, _cancellationToken) is IDiscardOperation:
                    return (statement, HandleShape.None, null);

                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
                    when declarator.Parent is VariableDeclarationSyntax { Variables: { Count: 1 } } declaration &&
                         declaration.Parent is LocalDeclarationStatementSyntax statement &&
                         statement.Modifiers.Count == 0 && statement.UsingKeyword == default &&
                         _model.GetDeclaredSymbol(declarator, _cancellationToken) is ILocalSymbol local &&
                         !local.IsRef:
                    return (statement, HandleShape.Local, local);

                case ArgumentSyntax { Parent: ArgumentListSyntax { Arguments: { Count: 1 }, Parent: InvocationExpressionSyntax add } }
                    when add.Parent is ExpressionStatementSyntax statement &&
                         add.Expression is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Add" } }, Expression: IdentifierNameSyntax list } &&
                         _model.GetSymbolInfo(list, _cancellationToken).Symbol is ILocalSymbol collection &&
                         IsTaskCollection(collection.Type):
                    return (statement, HandleShape.Collection, collection);

                case AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax array }, Parent: ExpressionStatementSyntax statement } assignment
                    when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                         _model.GetSymbolInfo(array, _cancellationToken).Symbol is ILocalSymbol collection &&
                         IsTaskCollection(collection.Type):
                    return (statement, HandleShape.Collection, collection);

                default:
                    return null;
            }
        }

        public bool IsTaskCollection(ITypeSymbol type) =>
            type is IArrayTypeSymbol { Rank: 1 } array && _symbols.Tasks.IsExactlyTask(array.ElementType) ||
            type is INamedTypeSymbol { TypeArguments: { Length: 1 } } list && KnownSymbols.Is(list, _symbols.Collections.List) && _symbols.Tasks.IsExactlyTask(list.TypeArguments[0]);
    }
}
