using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>System's own types the rules and fixes match: disposables, pointer-sized integers, delegates, spans, Unsafe.</summary>
    internal sealed class CoreSymbols
    {
        internal CoreSymbols(Compilation compilation)
        {
            IntPtr = compilation.GetSpecialType(SpecialType.System_IntPtr);
            UIntPtr = compilation.GetSpecialType(SpecialType.System_UIntPtr);
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            AsyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
            Unsafe = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.Unsafe");
            Action = compilation.GetTypeByMetadataName("System.Action");
            Func = compilation.GetTypeByMetadataName("System.Func`1");
            Span = compilation.GetTypeByMetadataName("System.Span`1");
            ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
            TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        }

        public INamedTypeSymbol IntPtr { get; }
        public INamedTypeSymbol UIntPtr { get; }
        public INamedTypeSymbol Disposable { get; }
        public INamedTypeSymbol? AsyncDisposable { get; }
        public INamedTypeSymbol? Unsafe { get; }
        public INamedTypeSymbol? Action { get; }
        public INamedTypeSymbol? Func { get; }
        public INamedTypeSymbol? Span { get; }
        public INamedTypeSymbol? ReadOnlySpan { get; }
        public INamedTypeSymbol? TimeSpan { get; }

        /// <summary>IDisposable, IAsyncDisposable or a type implementing either.</summary>
        public bool IsDisposable(ITypeSymbol? type)
        {
            if (type == null)
            {
                return false;
            }

            if (KnownSymbols.Is(type, Disposable) || KnownSymbols.Is(type, AsyncDisposable))
            {
                return true;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (KnownSymbols.Is(i, Disposable) || KnownSymbols.Is(i, AsyncDisposable))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Disposing an object of exactly <paramref name="type"/> does nothing: its Dispose (and DisposeAsync, if any) is
        /// written in this compilation with an empty body, and no derived type can replace it (a sealed type, or a
        /// method that is not virtual). A "no-op" disposable (a null scope, a handler kept for an interface's sake).
        /// </summary>
        public bool DisposesNothing(ITypeSymbol type)
        {
            var dispose = Implementation(type, Disposable);
            var disposeAsync = Implementation(type, AsyncDisposable);
            return (dispose != null || disposeAsync != null) &&
                   (dispose == null || Empty(dispose, type)) && (disposeAsync == null || Empty(disposeAsync, type));
        }

        private static IMethodSymbol? Implementation(ITypeSymbol type, INamedTypeSymbol? contract) =>
            contract?.GetMembers().Length == 1 && contract.GetMembers()[0] is IMethodSymbol member
                ? type.FindImplementationForInterfaceMember(member) as IMethodSymbol
                : null;

        private static bool Empty(IMethodSymbol method, ITypeSymbol type) =>
            (type.IsSealed || !(method.IsVirtual || method.IsOverride || method.IsAbstract)) &&
            method.DeclaringSyntaxReferences.Length == 1 &&
            method.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax { Body: { Statements: { Count: 0 } }, ExpressionBody: null };
    }
}
