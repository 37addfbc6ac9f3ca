using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// What the index of an array element access says about which element it is, relative to the work that makes it:
    /// a constant; the run's own index (the Parallel.For index, a per-iteration copy of the loop variable, a loop over
    /// the run's own chunk); a loop over the whole array; or an expression we only compare by its text. Precision first:
    /// two different pieces of work are said to touch the same element only when we can tell (the same constant, the
    /// same expression of shared variables, a whole-array loop).
    /// </summary>
    internal sealed class ElementIndex
    {
        private ElementIndex(IndexKind kind, object? value, string text, bool allOwn, bool allShared, IReadOnlyList<ISymbol>? variables = null, IReadOnlyList<ElementIndex>? dimensions = null)
        {
            Kind = kind;
            Value = value;
            Text = text;
            AllOwn = allOwn;
            AllShared = allShared;
            Variables = variables ?? System.Array.Empty<ISymbol>();
            Dimensions = dimensions;
        }

        public IndexKind Kind { get; }

        public object? Value { get; }

        /// <summary>The index expression without blanks: two runs of one item computing the same text of their own variables touch different elements.</summary>
        public string Text { get; }

        /// <summary>
        /// The index names another element in every run: it is made of the run's own variables (see <see cref="IsOwn"/>)
        /// in a way that keeps them apart, and of terms the same in every run (see <see cref="IsOneToOne"/>).
        /// </summary>
        public bool AllOwn { get; }

        /// <summary>Every variable the index reads lives outside the work: the same text means the same element on both sides.</summary>
        public bool AllShared { get; }

        /// <summary>The variables the index reads.</summary>
        public IReadOnlyList<ISymbol> Variables { get; }

        /// <summary>
        /// For an element of a multi-dimensional array (<c>grid[row, column]</c>), the index of each dimension; null for one
        /// dimension. Two such elements are the same only when every dimension may be.
        /// </summary>
        public IReadOnlyList<ElementIndex>? Dimensions { get; }

        /// <summary>Every element, from the first (a library call given the whole array: <c>Array.Sort(a)</c>, see <see cref="WholeArrayUses"/>).</summary>
        public static ElementIndex Every { get; } = new ElementIndex(IndexKind.Whole, 0, "*", false, true);

        /// <summary>An index read in a callee's body: its variables mean nothing to the caller.</summary>
        public static ElementIndex Unknown { get; } = new ElementIndex(IndexKind.Unknown, null, "?", false, false);

        /// <summary>One index per dimension as one element's index; the index itself when there is one dimension.</summary>
        public static ElementIndex Combine(IReadOnlyList<ElementIndex> dimensions)
        {
            if (dimensions.Count == 1)
            {
                return dimensions[0];
            }

            var variables = dimensions.SelectMany(d => d.Variables).Distinct(SymbolEqualityComparer.Default).ToList();
            return new ElementIndex(
                IndexKind.Other,
                null,
                string.Join(",", dimensions.Select(d => d.Text)),
                dimensions.All(d => d.AllOwn),
                dimensions.All(d => d.AllShared),
                variables,
                dimensions);
        }

        /// <summary>A constant index, as read anywhere (also in a callee, where variables mean nothing to the caller).</summary>
        public static ElementIndex? ConstantOf(IOperation index) =>
            index.ConstantValue.HasValue
                ? new ElementIndex(IndexKind.Constant, index.ConstantValue.Value, TextOf(index), true, true)
                : null;

        /// <summary>
        /// A for variable of <paramref name="function"/> (a callee the work calls) that starts from a constant: the
        /// callee walks the whole array, whoever calls it; null for any other index.
        /// </summary>
        public static ElementIndex? WholeLoopOf(IOperation index, IMethodSymbol? function)
        {
            if (function == null || !(SpawnClassifier.Unwrap(index) is ILocalReferenceOperation local) ||
                !DelegateCaptures.IsDeclaredIn(local.Local, function) ||
                !(ForStart(local.Local, index.SemanticModel) is { } start && start.ConstantValue.HasValue))
            {
                return null;
            }

            return new ElementIndex(IndexKind.Whole, start.ConstantValue.Value, TextOf(index), false, false, new ISymbol[] { local.Local });
        }

        /// <summary>
        /// A for variable of the host that starts from a constant, in a loop that starts no work: the host walks the whole
        /// array while the work runs (a loop that starts work gives each round's index to that round's work, and stays
        /// compared by its text).
        /// </summary>
        private static ElementIndex? HostWholeLoopOf(IOperation index)
        {
            if (!(SpawnClassifier.Unwrap(index) is ILocalReferenceOperation local) ||
                !(ForStart(local.Local, index.SemanticModel) is { } start && start.ConstantValue.HasValue) || StartsWork(local.Local))
            {
                return null;
            }

            return new ElementIndex(IndexKind.Whole, start.ConstantValue.Value, TextOf(index), false, false, new ISymbol[] { local.Local });
        }

        private static string TextOf(IOperation index) => Places.TextOf(index.Syntax);

        /// <summary>This index as one that names another element in every run (<see cref="CollectionElements.IsKeyOfOwnPair"/>).</summary>
        public ElementIndex Own() =>
            AllOwn ? this : new ElementIndex(IndexKind.Own, Value, Text, true, false, Variables, Dimensions);

        /// <summary>
        /// This index as a key that two runs may share although it is made of their own variables: a value counted from a
        /// list (<see cref="CollectionElements.MayRepeat"/>) names one entry in every run that meets it.
        /// </summary>
        public ElementIndex Repeating() =>
            AllOwn && Kind != IndexKind.Constant ? new ElementIndex(IndexKind.Other, Value, Text, false, AllShared, Variables, Dimensions) : this;

        /// <summary>Classifies <paramref name="index"/>, read by work running <paramref name="function"/> (null for the host), started at <paramref name="spawn"/>.</summary>
        public static ElementIndex Of(IOperation index, IMethodSymbol? function, SyntaxNode? spawn)
        {
            if (ConstantOf(index) is { } constant)
            {
                return constant;
            }

            if (ThreadOwnership.IsCurrentThread(index))
            {
                // perThread[Environment.CurrentManagedThreadId]: pieces of code that run at once run on different threads.
                return new ElementIndex(IndexKind.Own, null, TextOf(index), true, false);
            }

            // for (var k = 0; k < a.Length; k++) a[k] … : every run walks the whole array, or the host does while the work runs.
            if ((function != null ? WholeLoopOf(index, function) : HostWholeLoopOf(index)) is { } whole)
            {
                return whole;
            }

            var variables = VariablesRead(index).ToList();
            bool Own(ISymbol variable) => IsOwn(variable, function, spawn, index.SemanticModel, 2);
            bool SameInEveryRun(IOperation term) => VariablesRead(term).All(v => !Own(v) && (function == null || !DelegateCaptures.IsDeclaredIn(v, function)));
            var substitutions = 0;
            IOperation? ValueOf(ILocalReferenceOperation local) =>
                function != null && substitutions++ < MaxSubstitutions && IsComputedIn(local.Local, function, index.SemanticModel)
                    ? LocalValues.OnlyValue(local.Local, local)
                    : null;
            var allOwn = variables.Count > 0 && IsOneToOne(index, Own, SameInEveryRun, ValueOf);
            var allShared = variables.All(v => function == null || !DelegateCaptures.IsDeclaredIn(v, function));
            return new ElementIndex(allOwn ? IndexKind.Own : IndexKind.Other, null, allOwn ? OwnText(index, function!) : TextOf(index), allOwn, allShared, variables);
        }

        /// <summary>How many locals of the work one index is read through (<c>var index = row * n + i; a[index]</c>).</summary>
        private const int MaxSubstitutions = 16;

        /// <summary>
        /// The text two runs compare: a local of the work that holds a computed index names the one it is (its
        /// declaration), so two locals of one name with other values (<c>{ var k = i; … } { var k = i + 1; … }</c>) are not
        /// taken for one index. A for variable keeps its name: two loops over the run's own chunk walk the same cells.
        /// </summary>
        private static string OwnText(IOperation index, IMethodSymbol function) =>
            SpawnClassifier.Unwrap(index) is ILocalReferenceOperation { Local: { DeclaringSyntaxReferences.Length: 1 } local } && IsComputedIn(local, function, index.SemanticModel)
                ? local.Name + "@" + local.DeclaringSyntaxReferences[0].Span.Start
                : TextOf(index);

        /// <summary>A local the work declares, other than a for variable: one it may compute an index into.</summary>
        private static bool IsComputedIn(ILocalSymbol local, IMethodSymbol function, SemanticModel? model) =>
            DelegateCaptures.IsDeclaredIn(local, function) && ForStart(local, model) == null;

        /// <summary>
        /// Two accesses of one array may touch the same element. <paramref name="sameItem"/>: they are two runs of one
        /// item (a replicated Parallel body, a spawn in a loop), where the runs' own indices differ.
        /// </summary>
        public static bool MayOverlap(ElementIndex? a, ElementIndex? b, bool sameItem)
        {
            if (a == null || b == null)
            {
                return true;
            }

            if (a.Dimensions != null && b.Dimensions != null && a.Dimensions.Count == b.Dimensions.Count)
            {
                // The same element only when every dimension may be the same.
                for (var d = 0; d < a.Dimensions.Count; d++)
                {
                    if (!MayOverlap(a.Dimensions[d], b.Dimensions[d], sameItem))
                    {
                        return false;
                    }
                }

                return true;
            }

            if (a.Kind == IndexKind.Constant && b.Kind == IndexKind.Constant)
            {
                return Equals(a.Value, b.Value);
            }

            if (a.Kind == IndexKind.Unknown || b.Kind == IndexKind.Unknown)
            {
                return false;
            }

            if (sameItem)
            {
                // Runs with their own index: a[i] against a[i] in another run is another element; a[i] against a[i - 1] is a neighbour.
                return !(a.AllOwn && b.AllOwn && a.Text == b.Text);
            }

            if (a.Kind == IndexKind.Whole || b.Kind == IndexKind.Whole)
            {
                // Two loops from a constant overlap at their start; a loop against a variable bound (the other half of
                // a split) is not known to, nor a constant below where the loop starts (for (i = 1; …) against a[0]).
                return (a.Kind == IndexKind.Whole || a.Kind == IndexKind.Constant) && (b.Kind == IndexKind.Whole || b.Kind == IndexKind.Constant) &&
                       !(a.Kind == IndexKind.Constant && Below(a.Value, b.Value)) && !(b.Kind == IndexKind.Constant && Below(b.Value, a.Value));
            }

            return a.AllShared && b.AllShared && a.Text == b.Text;
        }

        /// <summary>A constant index below the constant a loop starts from.</summary>
        private static bool Below(object? constant, object? start)
        {
            try
            {
                return constant != null && start != null && System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture) < System.Convert.ToInt64(start, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (System.Exception e) when (e is System.FormatException || e is System.InvalidCastException || e is System.OverflowException)
            {
                return false;
            }
        }

        /// <summary>
        /// A variable that differs between the runs of one item: a parameter of the work's lambda (the Parallel.For index,
        /// the partition of a range), a copy of the loop variable made inside the loop that spawns (or a foreach variable),
        /// or a for variable of the work that starts from one of those (a chunk's own range).
        /// </summary>
        private static bool IsOwn(ISymbol variable, IMethodSymbol? function, SyntaxNode? spawn, SemanticModel? model, int depth)
        {
            if (function == null || spawn == null || depth < 0)
            {
                return false;
            }

            if (variable is IParameterSymbol parameter)
            {
                return SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, function) || IsPerElementParameter(parameter, spawn, model);
            }

            if (!(variable is ILocalSymbol local) || local.DeclaringSyntaxReferences.Length != 1)
            {
                return false;
            }

            var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
            if (DelegateCaptures.IsDeclaredIn(local, function))
            {
                return ForStart(local, model) is { } start && VariablesRead(start).Any(v => IsOwn(v, function, spawn, model, depth - 1));
            }

            if (ForLoops.IsLoopVariableAround(local, spawn))
            {
                // The for variable itself: SCOPE012 reports the capture, and its fix (a per-iteration copy) makes it the run's own.
                return true;
            }

            if (declaration is ForEachStatementSyntax loop)
            {
                return loop.Statement.Span.Contains(spawn.Span);
            }

            // var chunk = i; inside the for loop over i that spawns.
            return declaration is VariableDeclaratorSyntax { Initializer: { } initializer } &&
                   model?.GetOperation(initializer.Value) is { } value &&
                   VariablesRead(value).Any(v => ForLoops.IsLoopVariableAround(v, spawn));
        }

        /// <summary>
        /// A parameter of the lambda around the spawn that a loop method calls once per element: the element or index of
        /// <c>items.Select((item, i) =&gt; Task.Run(() =&gt; results[i] = …))</c>, of a List's or Array's ForEach, or of
        /// Parallel.For and ForEach. Like a foreach variable, each round's work gets its own. The spawn may also be that
        /// Select itself, when the work its selector starts and returns is read from the function around it
        /// (<see cref="WorkItemFinder"/>'s selected start).
        /// </summary>
        private static bool IsPerElementParameter(IParameterSymbol parameter, SyntaxNode spawn, SemanticModel? model) =>
            model != null && parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda &&
            lambda.DeclaringSyntaxReferences.Length == 1 && lambda.DeclaringSyntaxReferences[0].GetSyntax() is AnonymousFunctionExpressionSyntax syntax &&
            syntax.SyntaxTree == model.SyntaxTree &&
            syntax.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } } &&
            (syntax.Span.Contains(spawn.Span) || call == spawn) &&
            model.GetSymbolInfo(call).Symbol is IMethodSymbol { Name: "Select" or "SelectMany" or "ForEach" or "For" or "ConvertAll" } loop &&
            loop.ContainingType?.OriginalDefinition.ToDisplayString() is "System.Linq.Enumerable" or "System.Collections.Generic.List<T>" or "System.Array" or "System.Threading.Tasks.Parallel";

        /// <summary>
        /// An index that gives each run another element: the run's own variables are only added to each other or to terms
        /// the same in every run (constants, fields, variables from outside the work: <c>offset + i</c>,
        /// <c>a.Length - 1 - i</c>), negated, converted, multiplied by such a term that is not the constant zero (a
        /// stride), or taken modulo a constant they never reach; <c>row * width + column</c> with a loop of the work's own
        /// over <c>column</c> from 0 to <c>width</c>. A local of the work that is only ever given one value stands for that
        /// value (<paramref name="valueOf"/>). <c>i % 2</c>, <c>i / 2</c>, <c>i &amp; 7</c> or <c>Hash(i)</c> give two runs
        /// the same element.
        /// </summary>
        private static bool IsOneToOne(IOperation index, System.Func<ISymbol, bool> own, System.Func<IOperation, bool> sameInEveryRun,
            System.Func<ILocalReferenceOperation, IOperation?> valueOf)
        {
            bool OneToOne(IOperation operation) => IsOneToOne(operation, own, sameInEveryRun, valueOf);

            // The value a local of the work holds, for the shapes below (var offset = batch * width; offset + column).
            IOperation Resolved(IOperation operation) =>
                SpawnClassifier.Unwrap(operation) is ILocalReferenceOperation local && valueOf(local) is { } value ? Resolved(value) : operation;
            bool Term(IOperation operation) => OneToOne(operation) || sameInEveryRun(operation);

            // i * stride (or stride * i): the stride, when the other side is one to one; null otherwise.
            IOperation? StrideOf(IOperation operation) =>
                Resolved(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
                    ? OneToOne(product.LeftOperand) && IsStride(product.RightOperand, sameInEveryRun) ? product.RightOperand
                    : OneToOne(product.RightOperand) && IsStride(product.LeftOperand, sameInEveryRun) ? product.LeftOperand
                    : null
                    : null;

            // row * width + column, where row is the run's own and column stays in [0, width) (a loop of the work's own,
            // for (var column = 0; column < width; column++), or a nested Parallel.For(0, width, …)): rows apart.
            bool IsRowAndColumn(IOperation row, IOperation column) =>
                StrideOf(row) is { } stride && BelowStride(column, stride);

            // offset * width + column, where column is the run's own and stays in [0, width): whatever the offset (a
            // loop of the work's, a shared value), two runs' elements differ modulo width (column-major order).
            bool IsColumnOfRow(IOperation row, IOperation column) =>
                OneToOne(column) && Resolved(SpawnClassifier.Unwrap(row)) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product &&
                (IsStride(product.RightOperand, sameInEveryRun) && BelowStride(column, product.RightOperand) ||
                 IsStride(product.LeftOperand, sameInEveryRun) && BelowStride(column, product.LeftOperand));

            switch (index)
            {
                case ILocalReferenceOperation local:
                    // A local of the work given one value (var offset = batch * width;) is that value.
                    return own(local.Local) || (valueOf(local) is { } value && OneToOne(value));
                case IParameterReferenceOperation parameter:
                    return own(parameter.Parameter);
                case IConversionOperation conversion:
                    return OneToOne(conversion.Operand);
                case IParenthesizedOperation parenthesized:
                    return OneToOne(parenthesized.Operand);
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus } unary:
                    return OneToOne(unary.Operand);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } cell when IsRowAndColumn(cell.LeftOperand, cell.RightOperand) || IsRowAndColumn(cell.RightOperand, cell.LeftOperand) ||
                                                                                       IsColumnOfRow(cell.LeftOperand, cell.RightOperand) || IsColumnOfRow(cell.RightOperand, cell.LeftOperand):
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } sum:
                    return Term(sum.LeftOperand) && Term(sum.RightOperand) && !(sameInEveryRun(sum.LeftOperand) && sameInEveryRun(sum.RightOperand));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Remainder } remainder:
                    // i % 4 where i only takes the values 0 to 3: the value itself.
                    return OneToOne(remainder.LeftOperand) && remainder.RightOperand.ConstantValue is { HasValue: true, Value: int or long } divisor &&
                           RangeOf(remainder.LeftOperand) is { } range && range.From >= 0 &&
                           range.To <= System.Convert.ToInt64(divisor.Value, System.Globalization.CultureInfo.InvariantCulture);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product:
                    return StrideOf(product) != null;
                default:
                    return false;
            }
        }

        /// <summary>
        /// A loop index (see <see cref="ForLoops.IndexBounds"/>) that stays in [0, <paramref name="stride"/>): it starts
        /// from a constant of at least 0 and stops before a limit written as the stride is.
        /// </summary>
        private static bool BelowStride(IOperation column, IOperation stride) =>
            SpawnClassifier.Unwrap(column) is { } variable && Places.VariableOf(variable) is { } symbol && column.SemanticModel is { } model &&
            ForLoops.IndexBounds(symbol, model) is { Inclusive: false } loop && loop.Start.SyntaxTree == model.SyntaxTree &&
            ForLoops.Constant(loop.Start, model) >= 0 && Places.TextOf(stride.Syntax) == Places.TextOf(loop.Limit);

        private static bool IsStride(IOperation operation, System.Func<IOperation, bool> sameInEveryRun) =>
            sameInEveryRun(operation) &&
            !(operation.ConstantValue is { HasValue: true, Value: { } value } && !(value is string) &&
              System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) == 0);

        /// <summary>
        /// The values a variable takes when they lie between two constants: a <c>for</c> variable counting up by one
        /// (or a copy of it made in its loop), or the index of a <c>Parallel.For</c> or <c>Scope.For</c> between two constants.
        /// </summary>
        private static (long From, long To)? RangeOf(IOperation operation)
        {
            var model = operation.SemanticModel;
            switch (SpawnClassifier.Unwrap(operation))
            {
                case ILocalReferenceOperation { Local: var local } when model != null:
                    if (ForLoops.ConstantRange(local, model) is { } range)
                    {
                        return range;
                    }

                    // var copy = i; in the loop over i.
                    return local.DeclaringSyntaxReferences.Length == 1 &&
                           local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { Value: IdentifierNameSyntax source } } declarator &&
                           declarator.SyntaxTree == model.SyntaxTree && model.GetSymbolInfo(source).Symbol is ILocalSymbol loopVariable &&
                           ForLoops.IsLoopVariableAround(loopVariable, declarator)
                        ? ForLoops.ConstantRange(loopVariable, model)
                        : null;
                case IParameterReferenceOperation { Parameter: var parameter } when model != null:
                    return ForLoops.ConstantRange(parameter, model);
                default:
                    return null;
            }
        }

        /// <summary>The for loop declaring <paramref name="local"/> holds a lambda or anonymous method: it may start work each round.</summary>
        private static bool StartsWork(ILocalSymbol local) =>
            local.DeclaringSyntaxReferences.Length != 1 ||
            !(local.DeclaringSyntaxReferences[0].GetSyntax().FirstAncestorOrSelf<ForStatementSyntax>() is { } loop) ||
            loop.Statement.DescendantNodesAndSelf().Any(n => n is AnonymousFunctionExpressionSyntax);

        /// <summary>The value a variable declared by a for statement starts from.</summary>
        private static IOperation? ForStart(ILocalSymbol local, SemanticModel? model)
        {
            if (local.DeclaringSyntaxReferences.Length != 1 ||
                !(local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { } initializer, Parent: VariableDeclarationSyntax { Parent: ForStatementSyntax } }) ||
                model == null || model.SyntaxTree != initializer.SyntaxTree)
            {
                return null;
            }

            return model.GetOperation(initializer.Value);
        }

        private static IEnumerable<ISymbol> VariablesRead(IOperation operation) =>
            operation.DescendantsAndSelf().Select(Places.VariableOf).Where(v => v != null).Select(v => v!);
    }
}
