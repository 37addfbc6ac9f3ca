using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers;
using ScopeSafety.Analyzers.Concurrency;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE010 "Make the flag volatile": a private field that is only set and polled (every write a plain assignment
    /// that does not read the field) becomes <c>volatile</c>, so each read sees the latest write and the compiler keeps the
    /// poll in the loop. Not offered for a field updated with ++, +=, x = f(x) or passed by ref (volatile would not make
    /// those atomic, and the race would stay), where both sides or two functions store different values (a set lost to
    /// a clear stays lost), for a field that stores the work's own handle (the work may read it before the store),
    /// for an object field that some code disposes, closes or sets to null (the work may use the object as it goes: a
    /// race about its lifetime, which volatile does not order), or locks (a lock on an object the code replaces excludes
    /// nobody once it is replaced), for a flag a function tests to leave and sets later (<c>if (_disposed) return; …
    /// _disposed = true;</c>: two runs may both pass the test), for types volatile does not take (long, double,
    /// structs), for a field other types may use, or for a declaration of several fields at once.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(VolatileFlagFixer)), Shared]
    public sealed class VolatileFlagFixer : SingleActionRaceFixer
    {
        /// <summary>The equivalence key of the action.</summary>
        public const string EquivalenceKey = "SCOPE010_Volatile";

        /// <summary>Creates the fixer.</summary>
        public VolatileFlagFixer()
            : base(RuleIds.DataRaceOnCapturedVariable)
        {
        }

        private protected override string Key => EquivalenceKey;

        private protected override string Title(string variable) => "Make '" + variable + "' volatile (a flag only set and polled)";

        private protected override async Task<Document?> FixAsync(Document document, SyntaxNode root, SemanticModel model, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var declarations = diagnostics
                .Select(diagnostic => FlagDeclaration(root, model, diagnostic, cancellationToken))
                .Where(declaration => declaration != null)
                .Select(declaration => declaration!)
                .Distinct()
                .ToList();
            if (declarations.Count == 0)
            {
                return null;
            }

            var newRoot = root.ReplaceNodes(declarations, (original, _) => WithVolatile(original));
            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The declaration with <c>volatile</c> after its modifiers, written in the file's own layout: a field with no
        /// modifiers gives the keyword the indentation its type had, so that nothing is left for the formatter to redo
        /// (which would indent with spaces in a file of tabs, and touch the line above).
        /// </summary>
        private static FieldDeclarationSyntax WithVolatile(FieldDeclarationSyntax field)
        {
            var space = SyntaxFactory.TriviaList(SyntaxFactory.Space);
            if (field.Modifiers.Count > 0)
            {
                return field.AddModifiers(SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.VolatileKeyword, space));
            }

            var type = field.Declaration.Type;
            var first = type.GetFirstToken();
            return field
                .WithDeclaration(field.Declaration.WithType(type.ReplaceToken(first, first.WithLeadingTrivia())))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(first.LeadingTrivia, SyntaxKind.VolatileKeyword, space)));
        }

        /// <summary>
        /// The declaration of the racing field when it is a flag that volatile makes safe; null otherwise. The field is
        /// the one the diagnostic reports (<see cref="RaceFixes.RacingField"/>, also for work started as a method, <c>new
        /// Thread(Loop)</c>). Only a private field: every use of it is in the parts of its type,
        /// which are all read. Where both sides of the race write, or two functions store different values, only a flag
        /// every write sets to one value: volatile makes each write whole, not a set and a clear ordered, so a set lost
        /// to a clear would stay lost.
        /// </summary>
        private static FieldDeclarationSyntax? FlagDeclaration(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var field = RaceFixes.RacingField(root, model, diagnostic, cancellationToken);
            if (field == null || field.IsVolatile || field.DeclaredAccessibility != Accessibility.Private || !TakesVolatile(field.Type) ||
                field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree ||
                !(field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables: { Count: 1 }, Parent: FieldDeclarationSyntax declaration } }))
            {
                return null;
            }

            // Who stores what: constructors aside (they run before the object is shared), and stores made by the starting
            // function before the spawn (Start's _running = true; before new Thread(Loop)). A non-constant value is a value
            // of its own. The sides of the race are not known here, so two functions that store different values count
            // as two sides.
            var spawn = SpawnOf(diagnostic, root);
            var stores = new System.Collections.Generic.List<object?>();
            var writers = new System.Collections.Generic.HashSet<SyntaxNode>();
            foreach (var tree in field.ContainingType.DeclaringSyntaxReferences.Select(part => part.SyntaxTree).Distinct())
            {
                var partRoot = tree == root.SyntaxTree ? root : tree.GetRoot(cancellationToken);
                var partModel = tree == root.SyntaxTree ? model : model.Compilation.GetSemanticModel(tree);
                foreach (var reference in partRoot.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (reference.Identifier.ValueText != field.Name ||
                        !SymbolEqualityComparer.Default.Equals(partModel.GetSymbolInfo(reference, cancellationToken).Symbol, field))
                    {
                        continue;
                    }

                    if (!IsPlainReadOrSet(reference, field, partModel, cancellationToken) ||
                        field.Type.IsReferenceType && (IsDisposed(reference, partModel, cancellationToken) || IsLockedObject(reference, partModel, cancellationToken)))
                    {
                        return null;
                    }

                    if (!(StoredValue(reference) is { } value))
                    {
                        continue;
                    }

                    if (spawn != null && value.Span.Contains(spawn.Span) && value.SyntaxTree == spawn.SyntaxTree)
                    {
                        // _timer = new Timer(Tick, …) with Tick reading _timer: the work may run before the store,
                        // however the field is declared; an ordering no modifier gives.
                        return null;
                    }

                    var writer = RaceFixes.FunctionOf(reference);
                    if (writer != null && GuardedBefore(writer, reference, field, partModel, cancellationToken))
                    {
                        // if (_disposed) return; … _disposed = true;: a test and a later set, which two runs may both pass
                        // before either sets. Volatile makes each access whole, not the two one step, so the runs would
                        // still both go on, and the report would be gone.
                        return null;
                    }

                    if (writer == null || writer is ConstructorDeclarationSyntax ||
                        (spawn != null && RaceFixes.FunctionOf(spawn) == writer && reference.SpanStart < spawn.SpanStart))
                    {
                        continue;
                    }

                    var constant = partModel.GetConstantValue(value, cancellationToken);
                    if (field.Type.IsReferenceType && constant.HasValue && constant.Value == null)
                    {
                        // The other side may dereference the field the moment it is cleared: volatile orders the
                        // store, not the use of the object.
                        return null;
                    }

                    stores.Add(constant.HasValue ? constant.Value : new object());
                    writers.Add(writer);
                }
            }

            // A set on one side and a clear on the other race even when each store is whole: volatile would only hide it.
            var bothWrite = (diagnostic.Properties.TryGetValue(DiagnosticProperties.BothWrite, out var flag) && flag == "true") || writers.Count > 1;
            return bothWrite && stores.Distinct().Skip(1).Any() ? null : declaration;
        }

        /// <summary>The spawn of the reported work, when it is in this file.</summary>
        private static SyntaxNode? SpawnOf(Diagnostic diagnostic, SyntaxNode root) =>
            diagnostic.AdditionalLocations.Count > DiagnosticProperties.SpawnLocation &&
            diagnostic.AdditionalLocations[DiagnosticProperties.SpawnLocation] is { IsInSource: true } spawn && spawn.SourceTree == root.SyntaxTree
                ? root.FindNode(spawn.SourceSpan, getInnermostNodeForTie: true)
                : null;

        /// <summary>
        /// Whether the field's object is disposed at <paramref name="reference"/> (<c>_client.Dispose()</c>,
        /// <c>_client?.Dispose()</c>, or <c>Close()</c>, which disposes a stream, socket or client): a race with work
        /// that uses the object is about its lifetime, which volatile does not order.
        /// </summary>
        private static bool IsDisposed(IdentifierNameSyntax reference, SemanticModel model, CancellationToken cancellationToken)
        {
            var use = model.GetOperation(UseOf(reference), cancellationToken);
            var parent = use?.Parent;
            if (parent is IConditionalAccessOperation conditional && conditional.Operation == use)
            {
                parent = conditional.WhenNotNull;
                use = null;
            }

            return parent is IInvocationOperation { TargetMethod: var method, Instance: var instance } &&
                   (instance == use || use == null && instance is IConditionalAccessInstanceOperation) &&
                   method.Parameters.Length == 0 && (ThreadSafeTypes.IsDispose(method) || method.Name == "Close");
        }

        /// <summary>
        /// Whether the field's object is what a lock takes at <paramref name="reference"/> (<c>lock (_sync)</c>,
        /// <c>Monitor.Enter(_sync)</c>): a field that is replaced while code holds a lock on its old object lets two
        /// threads into the lock at once, and volatile would make the swap visible, not the lock exclusive again.
        /// </summary>
        private static bool IsLockedObject(IdentifierNameSyntax reference, SemanticModel model, CancellationToken cancellationToken) =>
            model.GetOperation(UseOf(reference), cancellationToken) is { } use && Locks.IsLockedValue(use);

        /// <summary>
        /// Whether <paramref name="writer"/>, before its store at <paramref name="store"/>, leaves when the field says so:
        /// an <c>if</c> of its own code whose condition reads the field and whose branch only returns or throws
        /// (<c>if (_disposed) return;</c>, <c>if (_started) throw …;</c>), the guard that the store later closes.
        /// </summary>
        private static bool GuardedBefore(SyntaxNode writer, SyntaxNode store, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var guard in writer.DescendantNodes(node => node == writer || !(node is AnonymousFunctionExpressionSyntax || node is LocalFunctionStatementSyntax))
                         .OfType<IfStatementSyntax>())
            {
                if (guard.SpanStart < store.SpanStart && !guard.Span.Contains(store.Span) && Leaves(guard.Statement) &&
                    guard.Condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name =>
                        name.Identifier.ValueText == field.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A statement that only returns or throws (alone, or as the one statement of a block).</summary>
        private static bool Leaves(StatementSyntax statement) =>
            statement is ReturnStatementSyntax or ThrowStatementSyntax ||
            (statement is BlockSyntax { Statements: { Count: 1 } statements } && Leaves(statements[0]));

        /// <summary>The value a plain assignment of the field at <paramref name="reference"/> stores; null for a read.</summary>
        private static ExpressionSyntax? StoredValue(IdentifierNameSyntax reference)
        {
            var node = UseOf(reference);
            return node.Parent is AssignmentExpressionSyntax { Left: var left, Right: var right } assignment && left == node && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                ? right
                : null;
        }

        /// <summary>A read, or a plain assignment whose value does not read the field: what volatile makes atomic.</summary>
        private static bool IsPlainReadOrSet(IdentifierNameSyntax reference, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        {
            var node = UseOf(reference);
            switch (node.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == node:
                    return assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                           !assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                               .Any(n => n.Identifier.ValueText == field.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, field));
                case PrefixUnaryExpressionSyntax prefix:
                    return !prefix.IsKind(SyntaxKind.PreIncrementExpression) && !prefix.IsKind(SyntaxKind.PreDecrementExpression);
                case PostfixUnaryExpressionSyntax _:
                    return false;
                case ArgumentSyntax argument:
                    return argument.RefKindKeyword.IsKind(SyntaxKind.None);
                case RefExpressionSyntax _:
                    return false;
                default:
                    return true;
            }
        }

        /// <summary>The expression that uses the field at <paramref name="reference"/>: with its <c>this.</c> and parentheses.</summary>
        private static SyntaxNode UseOf(IdentifierNameSyntax reference)
        {
            SyntaxNode node = reference;
            if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node)
            {
                node = access;
            }

            while (node.Parent is ParenthesizedExpressionSyntax)
            {
                node = node.Parent;
            }

            return node;
        }

        /// <summary>The types C# allows volatile on.</summary>
        private static bool TakesVolatile(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
            {
                type = underlying;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Single:
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    return true;
                default:
                    return type.IsReferenceType || type.TypeKind == TypeKind.TypeParameter && type.IsReferenceType;
            }
        }
    }
}
