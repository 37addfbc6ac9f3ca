using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Follows a task or thread handle from where it is made through one function: into locals and array elements that
    /// hold it, arrays, collection expressions and collection initializers made of it, until a use that a subclass
    /// judges (awaited, a member called on it, passed to a method). The one walk behind <see cref="HandleTracker"/> (what
    /// joins a spawn's work) and <see cref="NestedTaskStart"/> (what uses an outer task as the work).
    /// </summary>
    internal abstract class HandleWalker
    {
        private readonly HashSet<IOperation> _visited = new HashSet<IOperation>();
        private readonly HashSet<ILocalSymbol> _holders = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly Queue<ILocalSymbol> _pending = new Queue<ILocalSymbol>();
        private Dictionary<ILocalSymbol, List<ILocalReferenceOperation>>? _references;

        protected HandleWalker(IOperation scope)
        {
            Scope = scope;
        }

        /// <summary>The body of the function the handle is followed in.</summary>
        protected IOperation Scope { get; }

        /// <summary>Follows <paramref name="handle"/>, then every local that came to hold it, until none is new.</summary>
        protected void Walk(IOperation handle)
        {
            Follow(handle);
            while (_pending.Count > 0)
            {
                var holder = _pending.Dequeue();
                foreach (var reference in References(holder))
                {
                    OnHolderRead(holder);
                    Follow(reference);
                }
            }
        }

        /// <summary>Decides what the consumer of a handle-valued operation does with it.</summary>
        protected void Follow(IOperation value)
        {
            if (!_visited.Add(value))
            {
                return;
            }

            var child = value;
            var parent = value.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation)
            {
                if (parent is IConversionOperation conversion)
                {
                    OnConversion(conversion);
                }

                child = parent;
                parent = parent.Parent;
            }

            var nested = NestedFunctionOf(value);
            if (nested != null)
            {
                OnCapturedBy(nested, value);
                return;
            }

            if (Flow.AwaitedValues.ConfigurationOf(child) is { } configured)
            {
                // task.ConfigureAwait(false), or a project's shorthand for it: awaited as the task is.
                Follow(configured);
                return;
            }

            switch (parent)
            {
                case null:
                case IExpressionStatementOperation _:
                    return;

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    OnStored(declarator.Symbol.Type, typedByHand: !(declarator.Syntax.Parent is VariableDeclarationSyntax { Type: { IsVar: true } }));
                    Hold(declarator.Symbol);
                    return;

                case ISimpleAssignmentOperation assignment when assignment.Value == child:
                    switch (assignment.Target)
                    {
                        case ILocalReferenceOperation local:
                            OnStored(local.Type, typedByHand: true);
                            Hold(local.Local);
                            return;
                        case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array }:
                            OnStored(assignment.Target.Type, typedByHand: true);
                            Hold(array.Local);
                            return;
                        case IDiscardOperation _:
                            return;
                        case IFieldReferenceOperation field when field.Field.IsStatic || Concurrency.Places.IsThis(field.Instance):
                            OnStoredInField(field.Field, assignment);
                            OnLost();
                            return;
                        default:
                            OnLost();
                            return;
                    }

                case ISimpleAssignmentOperation _:
                    // The handle local itself is (re)assigned: not a use of the handle.
                    return;

                case IAwaitOperation await:
                    OnAwaited(await);
                    return;

                case IArrayInitializerOperation { Parent: IArrayCreationOperation creation }:
                    // new Task<Task>[] { outer } is typed by hand; new[] { outer } takes the type of its elements.
                    OnStored((creation.Type as IArrayTypeSymbol)?.ElementType, typedByHand: creation.Syntax is ArrayCreationExpressionSyntax);
                    Follow(creation);
                    return;

                case ICollectionExpressionOperation collection:
                    Follow(collection);
                    return;

                case IConditionalOperation { IsRef: false } conditional when conditional.Condition != child:
                case ICoalesceOperation coalesce when coalesce.Value == child:
                    // first ? CopyAsync() : FlushAsync(), _task ?? Task.CompletedTask: the value is this handle when it was
                    // the one made or kept.
                    Follow(parent);
                    return;

                case IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } add
                    when add.Parent is IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation creation }:
                    // new List<Task> { Task.Run(...) }
                    Follow(creation);
                    return;

                case IPropertyReferenceOperation property when property.Instance == child:
                    OnProperty(property);
                    return;

                case IInvocationOperation invocation when invocation.Instance == child:
                    OnInstanceCall(invocation);
                    return;

                case IArgumentOperation { Parent: IInvocationOperation invocation }:
                    OnArgument(invocation);
                    return;

                default:
                    OnOtherUse(parent, child);
                    return;
            }
        }

        /// <summary>
        /// The handle, or a local holding it, is stored by <paramref name="store"/> in <paramref name="field"/>, a field of
        /// this object or a static one: other code reaches it there.
        /// </summary>
        protected virtual void OnStoredInField(IFieldSymbol field, IOperation store)
        {
        }

        /// <summary>Keeps following the handles through <paramref name="local"/>; false when it already holds them.</summary>
        protected virtual bool Hold(ILocalSymbol local)
        {
            if (!_holders.Add(local))
            {
                return false;
            }

            _pending.Enqueue(local);
            return true;
        }

        /// <summary>Whether <paramref name="value"/> (under conversions) is the handle, or a local holding it, as followed so far.</summary>
        protected bool IsFollowed(IOperation value)
        {
            while (value is IConversionOperation || value is IParenthesizedOperation)
            {
                value = value is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)value).Operand;
            }

            return _visited.Contains(value) || (value is ILocalReferenceOperation local && IsHolder(local.Local));
        }

        /// <summary>Whether <paramref name="local"/> has come to hold the handle.</summary>
        protected bool IsHolder(ILocalSymbol local) => _holders.Contains(local);

        /// <summary>Called before each reference of <paramref name="holder"/> is followed.</summary>
        protected virtual void OnHolderRead(ILocalSymbol holder)
        {
        }

        /// <summary>The handle is converted (to Task, to object): <paramref name="conversion"/>.</summary>
        protected virtual void OnConversion(IConversionOperation conversion)
        {
        }

        /// <summary>The handle goes into a local, array element or array whose type is <paramref name="slotType"/>.</summary>
        protected virtual void OnStored(ITypeSymbol? slotType, bool typedByHand)
        {
        }

        /// <summary><paramref name="value"/> is used inside <paramref name="function"/>, a lambda or local function of the scope.</summary>
        protected abstract void OnCapturedBy(IOperation function, IOperation value);

        /// <summary>The handle is stored where the walk cannot follow it (a field, a property, a tuple).</summary>
        protected abstract void OnLost();

        protected abstract void OnAwaited(IAwaitOperation await);

        /// <summary>A property of the handle itself is read (Result, IsCompleted, an indexer of a collection of handles).</summary>
        protected abstract void OnProperty(IPropertyReferenceOperation property);

        /// <summary>A method is called on the handle, or on a collection of handles.</summary>
        protected abstract void OnInstanceCall(IInvocationOperation invocation);

        /// <summary>The handle is an argument of <paramref name="invocation"/>.</summary>
        protected abstract void OnArgument(IInvocationOperation invocation);

        /// <summary>Any other consumer <paramref name="parent"/> of the handle-valued <paramref name="child"/>.</summary>
        protected abstract void OnOtherUse(IOperation parent, IOperation child);

        /// <summary>Every reference of <paramref name="local"/> in the scope.</summary>
        protected IEnumerable<ILocalReferenceOperation> References(ILocalSymbol local)
        {
            if (_references == null)
            {
                _references = new Dictionary<ILocalSymbol, List<ILocalReferenceOperation>>(SymbolEqualityComparer.Default);
                foreach (var operation in Scope.Descendants())
                {
                    if (operation is ILocalReferenceOperation reference)
                    {
                        if (!_references.TryGetValue(reference.Local, out var list))
                        {
                            list = new List<ILocalReferenceOperation>();
                            _references.Add(reference.Local, list);
                        }

                        list.Add(reference);
                    }
                }
            }

            return _references.TryGetValue(local, out var found) ? found : (IEnumerable<ILocalReferenceOperation>)new ILocalReferenceOperation[0];
        }

        /// <summary>The outermost lambda or local function between <paramref name="operation"/> and the scope.</summary>
        private IOperation? NestedFunctionOf(IOperation operation)
        {
            IOperation? found = null;
            for (var parent = operation.Parent; parent != null && parent != Scope; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    found = parent;
                }
            }

            return found;
        }
    }
}
