using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Whether passing a variable by reference writes it: <c>out</c> always; <c>in</c> and <c>ref readonly</c> never;
    /// <c>ref</c> unless the callee is a method of this compilation that cannot be overridden and whose body does not
    /// write through the parameter (<c>static bool TryAdd(ref Rec r) =&gt; r.Word != 0;</c> only reads), and
    /// <c>Volatile.Read</c> and <c>Interlocked.Read</c>, which take a <c>ref</c> only to read it atomically.
    /// </summary>
    internal static class RefArgumentWrites
    {
        public static bool Writes(IParameterSymbol parameter)
        {
            switch (parameter.RefKind)
            {
                case RefKind.Out:
                    return true;
                case RefKind.Ref:
                    return !OnlyReads(parameter);
                default:
                    return false;
            }
        }

        /// <summary>
        /// A method of <c>System.Runtime.CompilerServices.Unsafe</c> that only computes or compares addresses from the refs it
        /// is given (<c>Add</c>, <c>As</c>, <c>AreSame</c>, …): it reads and writes nothing through them itself.
        /// </summary>
        public static bool IsAddressOnly(IMethodSymbol method) =>
            method.ContainingType is { Name: "Unsafe", ContainingNamespace: { Name: "CompilerServices", ContainingNamespace: { Name: "Runtime", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } &&
            IsAddressOnlyName(method.Name);

        private static bool IsAddressOnlyName(string name) =>
            name is "Add" or "AddByteOffset" or "Subtract" or "SubtractByteOffset" or "As" or "AsRef" or "AreSame" or "ByteOffset" or
                "IsAddressGreaterThan" or "IsAddressLessThan";

        /// <summary>
        /// <c>Unsafe.As&lt;A, B&gt;(ref r)</c>, <c>Unsafe.ByteOffset(ref a, ref b)</c>, … read by name in a callee's text (which is
        /// read without a semantic model): the call only computes an address from the ref, so what writes through it is
        /// what the code does with the call's result.
        /// </summary>
        private static bool IsAddressOnlyCall(InvocationExpressionSyntax call) =>
            call.Expression is MemberAccessExpressionSyntax { Expression: var type, Name: var name } &&
            (type is IdentifierNameSyntax { Identifier.ValueText: "Unsafe" } || type is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Unsafe" }) &&
            IsAddressOnlyName(name.Identifier.ValueText);

        private static bool OnlyReads(IParameterSymbol parameter)
        {
            if (parameter.ContainingSymbol is IMethodSymbol { Name: "Read", ContainingType: { Name: "Volatile" or "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
            {
                return true;
            }

            if (!(parameter.ContainingSymbol is IMethodSymbol method) || method.IsAbstract || method.IsVirtual ||
                (method.IsOverride && !method.IsSealed && !method.ContainingType.IsSealed) || method.IsExtern)
            {
                return false;
            }

            if (method.PartialImplementationPart is { } implementation && parameter.Ordinal < implementation.Parameters.Length)
            {
                parameter = implementation.Parameters[parameter.Ordinal];
            }

            if (parameter.DeclaringSyntaxReferences.Length != 1 ||
                !(parameter.DeclaringSyntaxReferences[0].GetSyntax() is ParameterSyntax { Parent: ParameterListSyntax { Parent: { } declaration } }))
            {
                return false;
            }

            SyntaxNode? body = declaration switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                LocalFunctionStatementSyntax f => (SyntaxNode?)f.Body ?? f.ExpressionBody,
                _ => null,
            };

            if (body == null)
            {
                return false;
            }

            foreach (var node in body.DescendantNodes())
            {
                // By name: a nested function's parameter of the same name can only add writes, never hide one.
                if (node is IdentifierNameSyntax name && name.Identifier.ValueText == parameter.Name && WritesThrough(name))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>r = …, r += …, r++, r.Field = …, r.Method() (may mutate a struct), ref r / out r, ref r aliasing, &amp;r, (r, x) = ….</summary>
        private static bool WritesThrough(ExpressionSyntax name)
        {
            var node = name;
            while (true)
            {
                switch (node.Parent)
                {
                    case MemberAccessExpressionSyntax access when access.Expression == node:
                        if (access.Parent is InvocationExpressionSyntax call && call.Expression == access)
                        {
                            return true;
                        }

                        node = access;
                        continue;
                    case ElementAccessExpressionSyntax element when element.Expression == node:
                        node = element;
                        continue;
                    case ParenthesizedExpressionSyntax parenthesized:
                        node = parenthesized;
                        continue;
                }

                break;
            }

            switch (node.Parent)
            {
                case AssignmentExpressionSyntax assignment:
                    return assignment.Left == node;
                case PrefixUnaryExpressionSyntax prefix:
                    return prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression) || prefix.IsKind(SyntaxKind.AddressOfExpression);
                case PostfixUnaryExpressionSyntax postfix:
                    return postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression);
                case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } } byRef when !byRef.RefKindKeyword.IsKind(SyntaxKind.None) && IsAddressOnlyCall(call):
                    return WritesThrough(call);
                case ArgumentSyntax argument:
                    return (!argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword)) || argument.Parent is TupleExpressionSyntax;
                case RefExpressionSyntax _:
                    return true;
                default:
                    return false;
            }
        }
    }
}
