using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The variables two sides can share, named by the operation that references them: a local or parameter, and the
    /// object a local, parameter, static field or field of this holds. Statics, fields and array elements as places of
    /// their own are <see cref="Place"/>s, collected by <see cref="MemberAccesses"/>.
    /// </summary>
    internal static class Places
    {
        /// <summary>
        /// Whether <paramref name="member"/> holds one object for as long as its object lives: a readonly field, a get-only
        /// or init-only auto-property, or a private field that only constructors of its type assign (outside their
        /// lambdas). A local set from such a member stands for the member's object wherever it is used.
        /// </summary>
        public static bool HoldsOneObject(ISymbol member, Compilation? compilation)
        {
            switch (member)
            {
                case IFieldSymbol { IsReadOnly: true }:
                    return true;
                case IPropertySymbol property:
                    return property.SetMethod is null or { IsInitOnly: true };
                case IFieldSymbol { DeclaredAccessibility: Accessibility.Private } field when compilation != null:
                    foreach (var declaration in field.ContainingType.DeclaringSyntaxReferences)
                    {
                        var node = declaration.GetSyntax();
                        if (!compilation.ContainsSyntaxTree(node.SyntaxTree))
                        {
                            return false;
                        }

                        var model = compilation.GetSemanticModel(node.SyntaxTree);
                        foreach (var name in node.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax>())
                        {
                            // this._items = … names the field in a member access, whose operation is the reference.
                            var referencing = name.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access && access.Name == name ? access : (SyntaxNode)name;
                            if (name.Identifier.ValueText == field.Name && model.GetOperation(referencing) is IFieldReferenceOperation reference &&
                                SymbolEqualityComparer.Default.Equals(reference.Field, field) && Spawns.AccessCollector.Kind(reference).Write &&
                                !IsInConstructorOf(name, field))
                            {
                                return false;
                            }
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The member a local of reference type was set from and always names (<c>var items = _items;</c>, nothing writes the
        /// local again) when that member holds one object (<see cref="HoldsOneObject"/>): the same object under another
        /// name. A member that is given another object later (a buffer swapped for a new one) is left out: the local then
        /// holds an object that the member's other users may no longer reach. Except where the local takes the member's
        /// object out with <see cref="SwappedOut"/>. Null for any other local.
        /// </summary>
        public static IOperation? MemberHeldBy(ILocalReferenceOperation local)
        {
            if (!local.Local.Type.IsReferenceType || !(Flow.LocalValues.OnlyValue(local.Local, local) is { } value))
            {
                return null;
            }

            var member = Spawns.SpawnClassifier.Unwrap(value);
            return member is IFieldReferenceOperation { Field: { IsConst: false } } or IPropertyReferenceOperation { Arguments: { Length: 0 } } &&
                   HoldsOneObject(((IMemberReferenceOperation)member).Member, local.SemanticModel?.Compilation)
                ? member
                : SwappedOut(member);
        }

        /// <summary>
        /// The field whose object <paramref name="value"/> takes out, putting another one in its place, outside any lock:
        /// <c>var batch = Interlocked.Exchange(ref _pending, new List&lt;T&gt;());</c>. Code that read the field just
        /// before the exchange still holds that object and may use it after, while the local's user does, because
        /// nothing orders the two: the object is the field's. Under a lock that its other users take too, they read
        /// the field again after the exchange, as with a plain swap under a lock, so it is left out.
        /// </summary>
        private static IOperation? SwappedOut(IOperation value)
        {
            if (!(value is IInvocationOperation { TargetMethod: { Name: "Exchange" } method } exchange) || exchange.Arguments.Length != 2 ||
                !(exchange.Arguments[0].Value is IFieldReferenceOperation { Field: { Type.IsReferenceType: true } } field) ||
                exchange.SemanticModel?.Compilation is not { } compilation)
            {
                return null;
            }

            var sync = Symbols.KnownSymbols.Get(compilation).Synchronisation;
            return Symbols.KnownSymbols.Is(method.ContainingType, sync.Interlocked) && Locks.LocksHeld(exchange, sync).Count == 0 ? field : null;
        }

        // In the own code of a constructor of the field's type (static for a static field), not in a lambda there.
        private static bool IsInConstructorOf(SyntaxNode node, IFieldSymbol field)
        {
            for (var parent = node.Parent; parent != null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax:
                    case Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax:
                        return false;
                    case Microsoft.CodeAnalysis.CSharp.Syntax.ConstructorDeclarationSyntax constructor:
                        return constructor.Modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StaticKeyword) == field.IsStatic;
                    case Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        /// <summary>The local or parameter <paramref name="operation"/> references (through a ref local, the one it stands for, see <see cref="RefTarget"/>); null for anything else.</summary>
        public static ISymbol? VariableOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => RefTarget(local) is { } target ? VariableOf(target) : local.Local,
            IParameterReferenceOperation parameter when !IsPrimaryConstructorParameter(parameter.Parameter) => parameter.Parameter,
            _ => null,
        };

        /// <summary>
        /// What a ref local stands for (<c>ref var total = ref totals[0];</c>, <c>ref int y = ref x;</c>): the field, array
        /// element, local or parameter its declaration points it at, when nothing points it elsewhere (<c>total = ref
        /// …</c>); null for any other local. Its reads and writes are those of that place.
        /// </summary>
        public static IOperation? RefTarget(ILocalReferenceOperation local)
        {
            if (!local.Local.IsRef || local.Local.DeclaringSyntaxReferences.Length != 1 || local.SemanticModel is not { } model)
            {
                return null;
            }

            var declaration = local.Local.DeclaringSyntaxReferences[0].GetSyntax();
            if (declaration.SyntaxTree != model.SyntaxTree ||
                !(model.GetOperation(declaration) is IVariableDeclaratorOperation { Initializer: { Value: var target } }) ||
                !(target is IFieldReferenceOperation || target is IArrayElementReferenceOperation || target is ILocalReferenceOperation ||
                  target is IParameterReferenceOperation))
            {
                return null;
            }

            foreach (var mention in Flow.LocalMentions.Of(local.Local, local))
            {
                if (mention.Parent is ISimpleAssignmentOperation { IsRef: true } repointing && repointing.Target == mention)
                {
                    return null;
                }
            }

            return target;
        }

        /// <summary>
        /// <paramref name="operation"/> is <c>this</c>, said or implied (<c>_count</c>). The receiver of an object
        /// initialiser's members (<c>new Result { Topic = t }</c>), of a <c>with</c> or of a property pattern is an
        /// instance reference too, but names the object being built or matched, never this.
        /// </summary>
        public static bool IsThis(IOperation? operation) =>
            operation is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

        /// <summary>
        /// A parameter of a primary constructor (<c>class Client(int port)</c>): used in a member it is a field of this,
        /// not stack state (see <see cref="MemberAccesses"/>).
        /// </summary>
        public static bool IsPrimaryConstructorParameter(IParameterSymbol parameter) =>
            parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor &&
            constructor.DeclaringSyntaxReferences.Length == 1 &&
            constructor.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax;

        /// <summary>
        /// The shared object a reference names: a local, parameter, static field or field of this, or an auto-property of
        /// either kind (<c>static List&lt;int&gt; Items { get; } = new();</c>: a field the compiler declares); null otherwise.
        /// </summary>
        public static ISymbol? SharedObjectOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field when field.Instance == null || IsThis(field.Instance) => field.Field,
            IPropertyReferenceOperation { Arguments: { Length: 0 } } property when (property.Instance == null || IsThis(property.Instance)) &&
                                                                                    MemberAccesses.IsAutoProperty(property.Property) => property.Property,
            IPropertyReferenceOperation { Arguments: { Length: 0 } } property when (property.Instance == null || IsThis(property.Instance)) &&
                                                                                    FieldReturnedBy(property.Property) is { } field => field,
            _ => null,
        };

        /// <summary>The field, property or event <paramref name="operation"/> references; null for anything else.</summary>
        public static ISymbol? MemberOf(IOperation operation) => operation switch
        {
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            IEventReferenceOperation reference => reference.Event,
            _ => null,
        };

        /// <summary>
        /// The field or property a member's initializer gives its value (<c>static readonly Timer Renew = new Timer(…);</c>,
        /// <c>Timer T { get; } = new Timer(…);</c>); null for any other operation.
        /// </summary>
        public static ISymbol? InitializedMember(IOperation? operation) => operation switch
        {
            IFieldInitializerOperation initializer => initializer.InitializedFields.FirstOrDefault(),
            IPropertyInitializerOperation initializer => initializer.InitializedProperties.FirstOrDefault(),
            _ => null,
        };

        /// <summary>
        /// The field a property's getter, or a method without parameters, only hands out (<c>Items =&gt; _items;</c>,
        /// <c>get { return _items; }</c>, a lazy <c>Names =&gt; s_names ??= Load();</c>, <c>T Get() =&gt; Value;</c>): the
        /// object a use of the member reaches is that field's. Null for any other member.
        /// </summary>
        public static IFieldSymbol? FieldReturnedBy(ISymbol member)
        {
            if (member.IsAbstract || member.IsExtern || member.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var returned = member.DeclaringSyntaxReferences[0].GetSyntax() switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property => property.ExpressionBody?.Expression ??
                    (property.AccessorList is { Accessors: { Count: 1 } accessors } && accessors[0].Keyword.Text == "get" ? OnlyReturned(accessors[0].ExpressionBody, accessors[0].Body) : null),
                Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax { ParameterList.Parameters.Count: 0, TypeParameterList: null } method when member is IMethodSymbol { ReturnsVoid: false, ReturnsByRef: false } =>
                    OnlyReturned(method.ExpressionBody, method.Body),
                _ => null,
            };

            if (returned is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.CoalesceAssignmentExpression } lazy)
            {
                returned = lazy.Left;
            }

            var name = returned switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.ThisExpressionSyntax, Name: var field } => field.Identifier.ValueText,
                _ => null,
            };

            return name == null
                ? null
                : member.ContainingType.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(field => field.IsStatic == member.IsStatic && !field.IsConst);
        }

        // What a body of one expression or of one return statement returns.
        private static Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax? OnlyReturned(Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax? arrow, Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax? body) =>
            arrow?.Expression ??
            (body is { Statements: { Count: 1 } statements } && statements[0] is Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax ret ? ret.Expression : null);
    
        /// <summary>A <c>[ThreadStatic]</c> static field: every thread has its own, so no two threads share what it holds.</summary>
        public static bool IsThreadStatic(ISymbol member)
        {
            if (!(member is IFieldSymbol { IsStatic: true }))
            {
                return false;
            }

            foreach (var attribute in member.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ThreadStaticAttribute", ContainingNamespace: { Name: "System", ContainingNamespace: { IsGlobalNamespace: true } } })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The text of an expression without blanks: two expressions that say the same thing compare equal.</summary>
        public static string TextOf(SyntaxNode node) => string.Concat(node.ToString().Where(c => !char.IsWhiteSpace(c)));

        /// <summary>The type of a variable or field as messages show it ("List<int>").</summary>
        public static string TypeNameOf(ISymbol symbol) => TypeOf(symbol) is { } type ? TypeNameOf(type) : symbol.Name;

        /// <summary>The declared type of a local, parameter, field, property or event; null for any other symbol.</summary>
        public static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            IEventSymbol @event => @event.Type,
            _ => null,
        };

        /// <summary>A type as messages show it ("List<int>").</summary>
        public static string TypeNameOf(ITypeSymbol type) =>
            type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
    }
}
