using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ScopeSafety.Analyzers;
using ScopeSafety.CodeFixes.Concurrency;

namespace ScopeSafety.CodeFixes
{
    /// <summary>
    /// SCOPE010 "Make the flag volatile": a field that is only set and polled (every write a plain assignment that does
    /// not read the field) becomes <c>volatile</c>, so each read sees the latest write and the compiler keeps the poll in
    /// the loop. Not offered for a field updated with ++, +=, x = f(x) or passed by ref (volatile would not make those
    /// atomic, and the race would stay), for types volatile does not take (long, double, structs), or for a
    /// declaration of several fields at once.
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

            var newRoot = root.ReplaceNodes(declarations, (original, _) =>
                original.AddModifiers(SyntaxFactory.Token(SyntaxKind.VolatileKeyword)));
            return await FixPipeline.FinishAsync(document, newRoot, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The declaration of the racing field when it is a flag that volatile makes safe; null otherwise.</summary>
        private static FieldDeclarationSyntax? FlagDeclaration(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (!(model.GetSymbolInfo(node, cancellationToken).Symbol is IFieldSymbol { IsConst: false, IsReadOnly: false, IsVolatile: false } field) ||
                !TakesVolatile(field.Type) ||
                field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree ||
                !(field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables: { Count: 1 }, Parent: FieldDeclarationSyntax declaration } }))
            {
                return null;
            }

            foreach (var reference in root.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (reference.Identifier.ValueText == field.Name &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(reference, cancellationToken).Symbol, field) &&
                    !IsPlainReadOrSet(reference, field, model, cancellationToken))
                {
                    return null;
                }
            }

            return declaration;
        }

        /// <summary>A read, or a plain assignment whose value does not read the field: what volatile makes atomic.</summary>
        private static bool IsPlainReadOrSet(IdentifierNameSyntax reference, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
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
