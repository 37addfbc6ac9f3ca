using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;
using ScopeSafety.CodeFixes.RunInScope;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes.BorrowThroughScope
{
    /// <summary>
    /// "Borrow through a scope": a lambda handed to a thread API or to structured work cannot capture a span or a ref
    /// (CS8175, CS9108, CS1628). Scope.Run(span, (scope, borrowed) => …) can hand it over, because it joins the work
    /// before it returns. Where the work goes:
    /// <list type="bullet">
    /// <item><description>Task.Run, StartNew, ThreadPool, new Thread: the Run-in-a-scope planner moves the spawn and
    /// its joins into a new scope (or the enclosing one), which then borrows the variable;</description></item>
    /// <item><description>the body of Scope.Run itself captures it: that Run becomes the borrowing overload;</description></item>
    /// <item><description>scope.Spawn of a variable declared in the scope's body: a nested Run borrows it from the spawn to
    /// the end of the block (the work may not outlive the variable), and that spawn goes into the nested scope;</description></item>
    /// <item><description>Scope.Join and Parallel.*, which join before they return: the statement is wrapped.</description></item>
    /// </list>
    /// Every reference to the variable inside the new lambda becomes borrowed.Span (borrowed.Value for a ref). The fix
    /// is offered only when the result compiles with no error that was not there before.
    /// </summary>
    internal static class BorrowEngine
    {
        private const string ReferenceKind = "ScopeSafety.Borrowed";
        private const string CallKind = "ScopeSafety.BorrowCall";
        private const string TriggerKind = "ScopeSafety.BorrowTrigger";
        private const string PlaceholderKind = "ScopeSafety.BorrowPlaceholder";

        public sealed class Result
        {
            public Result(string title, Document document)
            {
                Title = title;
                Document = document;
            }

            public string Title { get; }

            public Document Document { get; }
        }

        public static async Task<Result?> TryFixAsync(Document document, TextSpan span, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null || !KnownSymbols.Get(model.Compilation).Runtime.CanWriteScopes || !root.FullSpan.Contains(span))
            {
                return null;
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var reference = node as IdentifierNameSyntax ?? node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().FirstOrDefault(n => n.Span == span);
            if (reference == null)
            {
                return null;
            }

            var target = BorrowTarget.Create(model.GetSymbolInfo(reference, cancellationToken).Symbol, model.Compilation, cancellationToken);
            if (target == null || SyntaxHelpers.IsAsync(target.Function))
            {
                return null;
            }

            // The outermost lambda between the reference and the variable's own function is what captures it.
            AnonymousFunctionExpressionSyntax? lambda = null;
            for (var current = reference.Parent; current != null && current != target.Function; current = current.Parent)
            {
                if (current is LocalFunctionStatementSyntax)
                {
                    return null;
                }

                if (current is AnonymousFunctionExpressionSyntax anonymous)
                {
                    lambda = anonymous;
                }
            }

            if (lambda == null || !(Handler(lambda) is ExpressionSyntax call) || !target.References(model, target.Function, cancellationToken).Contains(reference))
            {
                return null;
            }

            // Annotate the call and every reference so they can be found after the tree changes. A reference inside a
            // lambda is an error, and an error in a lambda makes the call that receives it invalid (no operation to
            // recognise): there it becomes a placeholder of the same type until Borrow puts borrowed.Span in its place.
            // The annotations are new instances each time: a document that an earlier fix produced may still carry
            // annotations of the same kinds, and those must not be taken for this fix's nodes.
            var marks = new Marks();
            var references = target.References(model, target.Function, cancellationToken);
            var captured = references.Where(r => SyntaxHelpers.ContainingFunction(r) != target.Function).ToList();
            if (!captured.All(target.CanReplace) || !(Placeholder(target, model, reference.SpanStart) is ExpressionSyntax placeholder))
            {
                return null;
            }

            var marked = root.ReplaceNodes(
                references.Cast<SyntaxNode>().Concat(new[] { call }),
                (original, rewritten) =>
                {
                    if (original == call)
                    {
                        return rewritten.WithAdditionalAnnotations(marks.Call);
                    }

                    var node = captured.Contains(original) ? placeholder.WithTriviaFrom(rewritten).WithAdditionalAnnotations(marks.Placeholder) : rewritten;
                    node = node.WithAdditionalAnnotations(marks.Reference);
                    return original == reference ? node.WithAdditionalAnnotations(marks.Trigger) : node;
                });
            var markedDocument = document.WithSyntaxRoot(marked);
            marked = await markedDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var markedModel = await markedDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var symbols = markedModel == null ? null : KnownSymbols.Get(markedModel.Compilation);
            if (marked == null || markedModel == null || symbols == null || !symbols.Runtime.CanWriteScopes)
            {
                return null;
            }

            if (!(marked.GetAnnotatedNodes(marks.Call).SingleOrDefault() is ExpressionSyntax markedCall))
            {
                return null;
            }

            var declaration = target.Symbol.DeclaringSyntaxReferences.First().Span;
            var markedDeclaration = marked.FindNode(declaration, getInnermostNodeForTie: true);
            var markedTarget = BorrowTarget.Create(markedModel.GetDeclaredSymbol(markedDeclaration, cancellationToken), markedModel.Compilation, cancellationToken);
            if (markedTarget == null)
            {
                return null;
            }

            var rewrite = Plan(markedModel, symbols, RaceFixes.SpawnOptionsOf(markedDocument, markedModel.SyntaxTree), markedTarget, markedCall, marks, cancellationToken);
            if (rewrite == null)
            {
                return null;
            }

            var (title, rewritten) = rewrite.Value;
            var borrowedRoot = Borrow(rewritten, markedTarget, markedModel, markedCall, marks, cancellationToken);

            // Every captured reference must now read the borrow: a placeholder left anywhere (work outside the scope
            // that also captures the variable) compiles, but stands for nothing and changes what the program computes.
            if (borrowedRoot == null || borrowedRoot.GetAnnotatedNodes(marks.Placeholder).Any())
            {
                return null;
            }

            var fixedDocument = document.WithSyntaxRoot(borrowedRoot);
            return await CompilesAsWellAsync(model, fixedDocument, cancellationToken).ConfigureAwait(false)
                ? new Result(title, fixedDocument)
                : null;
        }

        /// <summary>default(Span&lt;T&gt;) for a span, Unsafe.NullRef&lt;T&gt;() (an assignable ref) for a ref: valid inside a lambda.</summary>
        private static ExpressionSyntax? Placeholder(BorrowTarget target, SemanticModel model, int position)
        {
            var type = target.Symbol is ILocalSymbol local ? local.Type : ((IParameterSymbol)target.Symbol).Type;
            var typeSyntax = SyntaxFactory.ParseTypeName(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
            return target.Kind == BorrowKind.Span
                ? SyntaxFactory.DefaultExpression(typeSyntax)
                : SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(
                    "global::System.Runtime.CompilerServices.Unsafe.NullRef<" + type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ">"));
        }

        /// <summary>The invocation or creation the lambda is an argument of.</summary>
        private static SyntaxNode? Handler(AnonymousFunctionExpressionSyntax lambda)
        {
            SyntaxNode current = lambda;
            while (current.Parent is ParenthesizedExpressionSyntax || current.Parent is CastExpressionSyntax)
            {
                current = current.Parent;
            }

            return current.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: var call } } &&
                   (call is InvocationExpressionSyntax || call is BaseObjectCreationExpressionSyntax)
                ? call
                : null;
        }

        /// <summary>Chooses the shape and applies everything but the borrowing itself: the result has Scope.Run(scope => …).</summary>
        private static (string Title, SyntaxNode Root)? Plan(SemanticModel model, KnownSymbols symbols, SpawnOptions options, BorrowTarget target, ExpressionSyntax call, Marks marks, CancellationToken cancellationToken)
        {
            var root = call.SyntaxTree.GetRoot(cancellationToken);
            var recognizer = new SpawnRecognizer(model, symbols, cancellationToken);
            var planner = new ScopePlanner(recognizer, options, cancellationToken);
            planner.Borrowed.Add(target.Symbol);
            var operation = model.GetOperation(call, cancellationToken);

            if (recognizer.Recognize(call) != null)
            {
                // Task.Run, StartNew, ThreadPool, new Thread: Run in a scope, with the variable allowed across the boundary.
                var plan = planner.Plan(new[] { FixSeed.Alone(call) });
                if (plan != null && plan.Start < 0 && !DeclaredOutside(target, plan.Block))
                {
                    planner.ReuseEnclosingScope = false;
                    plan = planner.Plan(new[] { FixSeed.Alone(call) });
                }

                // Borrowing overloads exist for Scope.Run only: an async scope (RunAsync) cannot take a span or ref.
                if (plan == null || plan.IsAsync || plan.Start < 0 && !IsPlainRun(model, symbols, plan.Block.Parent?.Parent?.Parent?.Parent, cancellationToken))
                {
                    return null;
                }

                var title = $"Borrow '{target.Name}' through a scope" + TitleSuffix(plan.Title);
                var rewritten = new ScopeRewriter(new[] { plan }).Visit(root);
                return rewritten == null ? ((string, SyntaxNode)?)null : (title, rewritten);
            }

            if (!(operation is IInvocationOperation invocation))
            {
                return null;
            }

            var method = invocation.TargetMethod;
            if (KnownSymbols.Is(method.ContainingType, symbols.Runtime.Scope) && method.Name == "Run")
            {
                // The scope body itself captures the variable: borrow it through this Run.
                return IsPlainRun(model, symbols, call, cancellationToken) && DeclaredOutside(target, call)
                    ? ($"Borrow '{target.Name}' through this scope", root)
                    : ((string, SyntaxNode)?)null;
            }

            var statement = call.FirstAncestorOrSelf<StatementSyntax>();
            if (!(statement?.Parent is BlockSyntax block) || SyntaxHelpers.ContainingFunction(statement) != target.Function)
            {
                return null;
            }

            var index = block.Statements.IndexOf(statement);
            if (RuntimeSymbols.IsIn(symbols.Runtime.Spawn, method))
            {
                // Work spawned into a scope that may outlive the variable: a nested scope from here to the end of the
                // block borrows it, and the work that uses it goes there (it is joined before the variable goes away).
                var end = block.Statements.Count - 1;
                var escaping = planner.CheckRegion(block, index, end);
                if (escaping == null || escaping.Count > 0)
                {
                    return null;
                }

                var region = block.Statements.Skip(index).Take(end - index + 1).ToList();
                var scopeName = planner.FreeName("inner", statement, region);
                var edits = new EditSet();
                foreach (var spawn in region.SelectMany(s => s.DescendantNodesAndSelf()).OfType<InvocationExpressionSyntax>())
                {
                    if (spawn.Expression is MemberAccessExpressionSyntax access &&
                        spawn.ArgumentList.Arguments.Any(a => a.Expression.DescendantNodesAndSelf().Any(n => n.HasAnnotation(marks.Reference))) &&
                        model.GetOperation(spawn, cancellationToken) is IInvocationOperation { TargetMethod: var spawnMethod } &&
                        RuntimeSymbols.IsIn(symbols.Runtime.Spawn, spawnMethod) &&
                        SyntaxHelpers.ContainingFunction(spawn) == target.Function)
                    {
                        edits.Replace(access.Expression, visited => SyntaxFactory.IdentifierName(scopeName).WithTriviaFrom(visited));
                    }
                }

                var plan = new ScopePlan(block, index, end, new List<FixSite>(), edits, escaping, scopeName, string.Empty, block.Span);
                var rewritten = new ScopeRewriter(new[] { plan }).Visit(root);
                return rewritten == null
                    ? ((string, SyntaxNode)?)null
                    : ($"Borrow '{target.Name}' through a nested scope (waits for the work at the end of the block)", rewritten);
            }

            var isParallel = KnownSymbols.Is(method.ContainingType, symbols.Tasks.Parallel);
            var isJoin = KnownSymbols.Is(method.ContainingType, symbols.Runtime.Scope) && method.Name == "Join" && method.IsStatic;
            if (isParallel || isJoin)
            {
                // These join before they return: the statements that hand the variable to such work go into one scope
                // that borrows it (from the first to the last of them, so that every capture reads the borrow).
                var end = index;
                foreach (var placeholder in block.DescendantNodes().Where(n => n.HasAnnotation(marks.Placeholder)))
                {
                    var holder = block.Statements.FirstOrDefault(s => s.Span.Contains(placeholder.Span));
                    if (holder == null || !JoinsBeforeReturning(model, symbols, placeholder, holder, cancellationToken))
                    {
                        return null;
                    }

                    var at = block.Statements.IndexOf(holder);
                    index = System.Math.Min(index, at);
                    end = System.Math.Max(end, at);
                }

                var escaping = planner.CheckRegion(block, index, end);
                if (escaping == null || !DeclaredOutside(target, TextSpan.FromBounds(block.Statements[index].SpanStart, block.Statements[end].Span.End)))
                {
                    return null;
                }

                var region = block.Statements.Skip(index).Take(end - index + 1).ToList();
                var scopeName = planner.FreeName("scope", block.Statements[index], region);
                var touched = TextSpan.FromBounds(block.Statements[index].FullSpan.Start, block.Statements[end].FullSpan.End);
                var plan = new ScopePlan(block, index, end, new List<FixSite>(), new EditSet(), escaping, scopeName, string.Empty, touched);
                var rewritten = new ScopeRewriter(new[] { plan }).Visit(root);
                return rewritten == null ? ((string, SyntaxNode)?)null : ($"Borrow '{target.Name}' through a scope", rewritten);
            }

            return null;
        }

        private static string TitleSuffix(string planTitle)
        {
            var open = planTitle.IndexOf('(');
            return open < 0 ? string.Empty : " " + planTitle.Substring(open);
        }

        /// <summary>The variable is declared outside the node (so a Scope.Run around the node can take it).</summary>
        private static bool DeclaredOutside(BorrowTarget target, SyntaxNode node) => DeclaredOutside(target, node.Span);

        private static bool DeclaredOutside(BorrowTarget target, TextSpan span) =>
            target.Symbol.DeclaringSyntaxReferences.All(r => !span.Contains(r.Span));

        /// <summary>
        /// The placeholder is in a lambda handed directly to Parallel.* or to static Scope.Join, within the variable's
        /// function: work that is over when the call returns, so the borrow ends no earlier than it.
        /// </summary>
        private static bool JoinsBeforeReturning(SemanticModel model, KnownSymbols symbols, SyntaxNode placeholder, StatementSyntax holder, CancellationToken cancellationToken)
        {
            AnonymousFunctionExpressionSyntax? lambda = null;
            for (var current = placeholder.Parent; current != null && current != holder; current = current.Parent)
            {
                if (current is LocalFunctionStatementSyntax)
                {
                    return false;
                }

                if (current is AnonymousFunctionExpressionSyntax anonymous)
                {
                    lambda = anonymous;
                }
            }

            if (lambda == null || !(Handler(lambda) is InvocationExpressionSyntax call) || call.FirstAncestorOrSelf<StatementSyntax>() != holder ||
                !(model.GetOperation(call, cancellationToken) is IInvocationOperation { TargetMethod: var method }))
            {
                return false;
            }

            return KnownSymbols.Is(method.ContainingType, symbols.Tasks.Parallel) ||
                   KnownSymbols.Is(method.ContainingType, symbols.Runtime.Scope) && method.Name == "Join" && method.IsStatic;
        }

        /// <summary>Scope.Run(scope => …) with a single one-parameter lambda: Run(Action&lt;Scope&gt;) or Run&lt;T&gt;(Func&lt;Scope, T&gt;).</summary>
        private static bool IsPlainRun(SemanticModel model, KnownSymbols symbols, SyntaxNode? node, CancellationToken cancellationToken) =>
            node is InvocationExpressionSyntax { ArgumentList: { Arguments: { Count: 1 } arguments } } invocation &&
            arguments[0].NameColon == null &&
            OneParameterLambda(arguments[0].Expression) != null &&
            model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { Name: "Run", IsStatic: true, Parameters: { Length: 1 } parameters } method &&
            KnownSymbols.Is(method.ContainingType, symbols.Runtime.Scope) &&
            parameters[0].Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } &&
            !(invoke.ReturnType is INamedTypeSymbol { Name: "Task" });

        private static string? OneParameterLambda(ExpressionSyntax expression) => expression switch
        {
            SimpleLambdaExpressionSyntax simple when simple.AsyncKeyword == default => simple.Parameter.Identifier.ValueText,
            ParenthesizedLambdaExpressionSyntax { ParameterList: { Parameters: { Count: 1 } parameters } } parenthesized
                when parenthesized.AsyncKeyword == default && parameters[0].Type == null => parameters[0].Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// Finds the Scope.Run(scope => …) whose body now holds the references and turns it into
        /// Scope.Run(variable, (scope, borrowed) => …) with borrowed.Span / borrowed.Value inside.
        /// </summary>
        private static SyntaxNode? Borrow(SyntaxNode root, BorrowTarget target, SemanticModel model, ExpressionSyntax originalCall, Marks marks, CancellationToken cancellationToken)
        {
            // The Run that now holds the reference the compiler complained about is the one that must borrow.
            var trigger = root.GetAnnotatedNodes(marks.Trigger).FirstOrDefault();
            var run = trigger == null ? null : EnclosingRun(trigger, target);
            if (run == null)
            {
                return null;
            }

            var referencesInRun = root.GetAnnotatedNodes(marks.Reference).OfType<ExpressionSyntax>().ToList();
            referencesInRun = referencesInRun.Where(r => run.Span.Contains(r.Span)).ToList();
            if (!referencesInRun.OfType<IdentifierNameSyntax>().All(target.CanReplace))
            {
                return null;
            }

            var lambda = run.ArgumentList.Arguments[0].Expression;
            var scopeName = OneParameterLambda(lambda)!;
            var used = new HashSet<string>(run.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            foreach (var symbol in model.LookupSymbols(originalCall.SpanStart))
            {
                used.Add(symbol.Name);
            }

            var borrowedName = "borrowed";
            for (var i = 1; used.Contains(borrowedName); i++)
            {
                borrowedName = "borrowed" + char.ToUpperInvariant(target.Name[0]) + target.Name.Substring(1) + (i == 1 ? string.Empty : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var body = ((AnonymousFunctionExpressionSyntax)lambda).Body;
            var newBody = body.ReplaceNodes(
                referencesInRun.Where(r => body.Span.Contains(r.Span)),
                (original, _) => SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        SyntaxFactory.IdentifierName(borrowedName),
                        SyntaxFactory.IdentifierName(target.Member))
                    .WithTriviaFrom(original));
            var parameters = SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Parameter(SyntaxFactory.Identifier(scopeName)),
                SyntaxFactory.Parameter(SyntaxFactory.Identifier(borrowedName)),
            }));
            var arrow = lambda is SimpleLambdaExpressionSyntax simple ? simple.ArrowToken : ((ParenthesizedLambdaExpressionSyntax)lambda).ArrowToken;
            ParenthesizedLambdaExpressionSyntax newLambda = newBody is BlockSyntax block
                ? SyntaxFactory.ParenthesizedLambdaExpression(parameters, block)
                : SyntaxFactory.ParenthesizedLambdaExpression(parameters, (ExpressionSyntax)newBody);
            newLambda = newLambda.WithArrowToken(arrow).WithTriviaFrom(lambda);

            var variable = SyntaxFactory.Argument(SyntaxFactory.IdentifierName(target.Name));
            if (target.Kind == BorrowKind.Ref)
            {
                variable = variable.WithRefKindKeyword(SyntaxFactory.Token(SyntaxKind.RefKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            }

            var newRun = run.WithArgumentList(run.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(new[]
            {
                variable,
                run.ArgumentList.Arguments[0].WithExpression(newLambda),
            }, new[] { SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space) })));
            return root.ReplaceNode(run, newRun.WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>The innermost Scope.Run(x => …) whose lambda body holds the node, within the variable's function.</summary>
        private static InvocationExpressionSyntax? EnclosingRun(SyntaxNode node, BorrowTarget target)
        {
            for (var current = node.Parent; current != null; current = current.Parent)
            {
                if (current is AnonymousFunctionExpressionSyntax lambda &&
                    OneParameterLambda(lambda) != null &&
                    lambda.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Arguments: { Count: 1 }, Parent: InvocationExpressionSyntax invocation } } &&
                    invocation.Expression is MemberAccessExpressionSyntax { Name: { Identifier: { ValueText: "Run" } } })
                {
                    return invocation;
                }

                if (current is BaseMethodDeclarationSyntax || current is LocalFunctionStatementSyntax)
                {
                    return null;
                }
            }

            return null;
        }

        /// <summary>This fix's annotations: fresh instances, so that only this fix's nodes carry them.</summary>
        private sealed class Marks
        {
            public SyntaxAnnotation Call { get; } = new SyntaxAnnotation(CallKind);

            public SyntaxAnnotation Reference { get; } = new SyntaxAnnotation(ReferenceKind);

            public SyntaxAnnotation Trigger { get; } = new SyntaxAnnotation(TriggerKind);

            /// <summary>A captured reference replaced by a placeholder until Borrow rewrites it.</summary>
            public SyntaxAnnotation Placeholder { get; } = new SyntaxAnnotation(PlaceholderKind);
        }

        /// <summary>Never offer code that builds worse: every error left must have been there before, and fewer remain.</summary>
        private static async Task<bool> CompilesAsWellAsync(SemanticModel before, Document after, CancellationToken cancellationToken)
        {
            var afterModel = await after.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (afterModel == null)
            {
                return false;
            }

            var remaining = before.GetDiagnostics(cancellationToken: cancellationToken)
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .GroupBy(d => d.Id + "|" + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Count());
            var total = remaining.Values.Sum();
            var afterCount = 0;
            foreach (var diagnostic in afterModel.GetDiagnostics(cancellationToken: cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                var key = diagnostic.Id + "|" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
                if (!remaining.TryGetValue(key, out var count) || count == 0)
                {
                    return false;
                }

                remaining[key] = count - 1;
                afterCount++;
            }

            return afterCount < total;
        }
    }
}
