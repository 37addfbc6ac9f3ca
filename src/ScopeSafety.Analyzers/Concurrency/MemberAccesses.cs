using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;
using ImplicitCallSite = (Microsoft.CodeAnalysis.IMethodSymbol Method, Microsoft.CodeAnalysis.IOperation? Instance, System.Collections.Generic.IReadOnlyList<(Microsoft.CodeAnalysis.IParameterSymbol, Microsoft.CodeAnalysis.IOperation)> Arguments, bool OwnReceiver);

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// The accesses a piece of code makes to <see cref="Place"/>s — statics, fields of this, fields reached through a
    /// variable, array elements — also inside the source methods it calls (a summary read from the callee's body, with
    /// its this and parameters mapped to the caller's places, <see cref="SourceCallees.MaxDepth"/> calls deep). Objects
    /// the code creates itself are its own: what is reached through its own locals is never shared.
    /// </summary>
    internal sealed class MemberAccesses
    {
        private readonly KnownSymbols _symbols;

        // Shared by the blocks CallersAfterCall reads at once.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, (IOperation Collection, IOperation Key)?> _heldElements =
            new System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, (IOperation, IOperation)?>(SymbolEqualityComparer.Default);

        private readonly System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, IOperation?> _heldMembers =
            new System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, IOperation?>(SymbolEqualityComparer.Default);

        private readonly System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, IObjectCreationOperation?> _createdObjects =
            new System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, IObjectCreationOperation?>(SymbolEqualityComparer.Default);

        private readonly System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, IParameterReferenceOperation?> _heldParameters =
            new System.Collections.Concurrent.ConcurrentDictionary<ILocalSymbol, IParameterReferenceOperation?>(SymbolEqualityComparer.Default);

        public MemberAccesses(KnownSymbols symbols)
        {
            _symbols = symbols;
        }

        /// <summary>
        /// Every place access in <paramref name="body"/>. <paramref name="function"/> is the work's own function (its
        /// locals are its own), or null for the host (whose locals are what it shares). <paramref name="spawn"/> is the
        /// work's start, to tell its own array indices. <paramref name="receiver"/> is the object a method run by
        /// method group is called on (account in <c>new Thread(account.Run)</c>); null for this.
        /// </summary>
        public Found Collect(IOperation body, IMethodSymbol? function, SyntaxNode? spawn, System.Func<IOperation, bool>? skip = null, IOperation? receiver = null) =>
            Collect(body, function, spawn, skip, receiver, SourceCallees.MaxDepth);

        /// <summary>As above, following calls only <paramref name="depth"/> deep.</summary>
        public Found Collect(IOperation body, IMethodSymbol? function, SyntaxNode? spawn, System.Func<IOperation, bool>? skip, IOperation? receiver, int depth) =>
            Collect(body, function, spawn, skip, receiver, depth, new List<object>());

        /// <summary>As above, with the locks the whole body holds (flags its starter handed on, <see cref="Locks.HandedOver"/>).</summary>
        public Found Collect(IOperation body, IMethodSymbol? function, SyntaxNode? spawn, System.Func<IOperation, bool>? skip, IOperation? receiver, int depth, List<object> heldThroughout,
            (IParameterSymbol Parameter, IOperation Argument)? state = null)
        {
            var result = new Found();
            var host = new Frame(null, HostThis, null, null, null, new List<object>(), spawn);
            Dictionary<IParameterSymbol, Place?>? parameters = null;
            if (state is { } handed)
            {
                // The state the API hands the work is the host's object (see StateArguments); its other parameters stay its own.
                parameters = new Dictionary<IParameterSymbol, Place?>(SymbolEqualityComparer.Default) { [handed.Parameter.OriginalDefinition] = ValueOf(handed.Argument, host) };
            }

            var self = receiver == null || Places.IsThis(SpawnClassifier.Unwrap(receiver)) ? HostThis : ReceiverOf(receiver, host);
            var locks = new List<object>(heldThroughout);
            if (function != null && SynchronizedLock(function, self) is { } held)
            {
                locks.Add(held);
            }

            var frame = new Frame(function, self, parameters, null, null, locks, spawn);
            Walk(body, frame, result, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), depth, skip);
            return result;
        }

        /// <summary>
        /// The accesses of a source method run as the work by method group when its body is not in the spawning file
        /// (<c>new Thread(worker.Run)</c> with Worker elsewhere): read as a call made at <paramref name="group"/>.
        /// </summary>
        public Found CollectMethodGroup(IMethodReferenceOperation group, SyntaxNode spawn, (IParameterSymbol Parameter, IOperation Argument)? state = null) =>
            CollectAt(group, group.Method, group.Instance, state is { } handed ? new[] { handed } : NoArguments, spawn);

        /// <summary>
        /// The places and objects a call of a method of the project uses, its parameters standing for the caller's
        /// arguments: read as a call made at <paramref name="call"/> (an async method left running, see AsyncRuns).
        /// </summary>
        public Found CollectCall(IInvocationOperation call, SyntaxNode spawn) => CollectAt(call, call.TargetMethod, call.Instance, Pairs(call.Arguments), spawn);

        /// <summary><paramref name="method"/> entered from the host at <paramref name="at"/>, every access reported there.</summary>
        private Found CollectAt(IOperation at, IMethodSymbol method, IOperation? instance, IReadOnlyList<(IParameterSymbol, IOperation)> arguments, SyntaxNode spawn)
        {
            var result = new Found();
            var host = new Frame(null, HostThis, null, null, null, new List<object>(), spawn);
            Enter(at, method, instance, arguments, host, result, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), SourceCallees.MaxDepth, null);
            return result;
        }

        private static readonly (IParameterSymbol, IOperation)[] NoArguments = new (IParameterSymbol, IOperation)[0];

        /// <summary>Stands for the host's own this: its fields are their own roots.</summary>
        private static readonly object HostThis = new object();

        /// <summary>
        /// Stands for an object created where the method is called or started (<c>new Thread(new Worker().Run)</c>): like
        /// null, the work's own, and every start has another one, so <c>lock (this)</c> in it excludes nothing.
        /// </summary>
        private static readonly object CreatedThis = new object();

        /// <summary>The object a method is called on, as the code being read sees it (<see cref="Frame.This"/>).</summary>
        private object? ReceiverOf(IOperation instance, Frame frame) =>
            SpawnClassifier.Unwrap(instance) is IObjectCreationOperation ? CreatedThis : ValueOf(instance, frame);

        /// <summary>
        /// How the code being read sees the caller's world: whose this it runs on (<see cref="HostThis"/>, a caller's
        /// <see cref="Place"/>, or null when the object is the work's own), what its parameters stand for, and the
        /// call in the work every access is reported at.
        /// </summary>
        private sealed class Frame
        {
            public Frame(IMethodSymbol? function, object? @this, Dictionary<IParameterSymbol, Place?>? parameters, IOperation? at, string? via, List<object> locks, SyntaxNode? spawn, Dictionary<IParameterSymbol, ElementIndex>? indices = null, HashSet<IOperation>? deadCode = null,
                IOperation? entry = null)
            {
                Entry = entry;
                DeadCode = deadCode;
                Function = function;
                This = @this;
                Parameters = parameters;
                Indices = indices;
                At = at;
                Via = via;
                Locks = locks;
                Spawn = spawn;
            }

            public IMethodSymbol? Function { get; }

            public object? This { get; }

            public Dictionary<IParameterSymbol, Place?>? Parameters { get; }

            /// <summary>In a callee, which element each integer parameter names, as the caller's index said.</summary>
            public Dictionary<IParameterSymbol, ElementIndex>? Indices { get; }

            public IOperation? At { get; }

            /// <summary>
            /// In the code a method run by method group (or called and left running) calls, the call in that method's own
            /// body that reaches it: where the work makes the access (<see cref="Access.MadeIn"/>), while <see cref="At"/> is
            /// where it is reported.
            /// </summary>
            public IOperation? Entry { get; }

            public string? Via { get; }

            public List<object> Locks { get; }

            public SyntaxNode? Spawn { get; }

            /// <summary>In a callee, the code its constant bool arguments keep from running (see <see cref="Flow.ConstantArgumentBranches"/>).</summary>
            public HashSet<IOperation>? DeadCode { get; }
        }

        /// <summary>
        /// The <see cref="Frame.Entry"/> of the code <paramref name="call"/>, made in <paramref name="frame"/>'s code, reaches:
        /// the call itself when that code is the work's own method, run by method group or called and left running (the
        /// call that spawns).
        /// </summary>
        private static IOperation? EntryOf(IOperation call, Frame frame) =>
            frame.Entry ?? (frame.At is IMethodReferenceOperation || (frame.At is IInvocationOperation && frame.At.Syntax == frame.Spawn) ? call : null);

        private void Walk(IOperation body, Frame frame, Found result, HashSet<IMethodSymbol> visited, int depth, System.Func<IOperation, bool>? skip)
        {
            HashSet<IOperation>? omitted = null;
            foreach (var operation in body.DescendantsAndSelf())
            {
                if ((skip != null && skip(operation)) || (frame.At != null && InsideLambda(operation, body)) || Flow.OmittedCalls.Skip(operation, body, ref omitted))
                {
                    // A lambda in a callee may run anywhere, or never: what it touches is not the caller's access.
                    continue;
                }

                if (frame.DeadCode != null && Flow.ConstantArgumentBranches.IsIn(operation, body, frame.DeadCode))
                {
                    continue;
                }

                if (IsPlaceReference(operation) && PlaceOf(operation, frame) is { } place)
                {
                    result.Places.Add((place, AccessOf(place, operation, frame)));
                    if ((frame.At != null || ReachesCallersVariable(operation, place)) && ObjectUseIn(operation, frame) is { } objectUse)
                    {
                        result.Objects.Add(objectUse);
                    }
                    else if (place.Path.Length != 0 && MemberObjectUseIn(place, operation, frame) is { } memberUse)
                    {
                        result.MemberObjects.Add(memberUse);
                    }

                    continue;
                }

                var element = operation switch
                {
                    ILocalReferenceOperation local => HeldElement(local, frame),
                    IParameterReferenceOperation parameter when Concurrency.ObjectUses.Classify(parameter, _symbols) != ObjectUse.None => CollectionElements.UpdatedBy(parameter, _symbols),
                    _ => CollectionElements.Of(operation, _symbols),
                };
                if (element is { } held && ValueOf(held.Collection, frame) is { } collection &&
                    ElementObjectUseIn(collection.Element(CollectionElements.IsKeyed(held.Collection) ? KeyIn(held.Key, frame) : IndexIn(held.Key, frame)), operation, frame) is { } elementUse)
                {
                    // groups.GetOrAdd(key, …).Add(x), lists[k].Add(x), and a local taken from there: the object held under the key.
                    result.MemberObjects.Add(elementUse);
                }

                if (operation is ILocalReferenceOperation copy && HeldMember(copy, frame) is { } member && PlaceOf(member, frame) is { } memberPlace)
                {
                    // var items = _items; items.Add(x): the object the member holds, under another name, counted as a use
                    // through the member would be: a field of this or a static in a callee (the work's own code has
                    // those counted by SharedPlaces), a member of another object anywhere.
                    if (memberPlace.Path.Length == 0)
                    {
                        if (frame.At != null && ObjectAccessOf(memberPlace.Root, copy, frame) is { } access)
                        {
                            result.Objects.Add((memberPlace.Root, copy, access));
                        }
                    }
                    else if (MemberObjectUse(memberPlace, (SpawnClassifier.Unwrap(member) as IFieldReferenceOperation)?.Field, copy, frame) is { } copyUse)
                    {
                        result.MemberObjects.Add(copyUse);
                    }
                }

                if (CollectionElements.ConcurrentWriteOf(operation, _symbols) is { } entryWrite && ValueOf(entryWrite.Collection, frame) is { } dictionary)
                {
                    // counts[k] = counts[k] + 1 on a ConcurrentDictionary: atomic calls, but the update as a whole is not.
                    var entry = dictionary.Element(KeyIn(entryWrite.Key, frame));
                    result.Places.Add((entry, new Access(entry.Root, frame.At ?? operation, entryWrite.IsSplitUpdate, true, true, LocksAt(operation, frame), operation)
                    {
                        Index = entry.Index, Via = frame.Via, Entry = frame.Entry, IsSplitUpdate = entryWrite.IsSplitUpdate,
                    }));
                }

                if (EventRaces.TestedThenRaised(operation) is { } tested && MemberOf(tested.Event, tested.Instance, frame) is { } raisedPlace)
                {
                    // if (Changed != null) Changed(this, e): two reads of the event's field, which a removal between them breaks.
                    result.Places.Add((raisedPlace, new Access(raisedPlace.Root, frame.At ?? operation, true, false, true, LocksAt(operation, frame), operation)
                    {
                        Via = frame.Via, Entry = frame.Entry, IsSplitUpdate = true,
                    }));
                }
                else if (EventRaces.EmptiedBy(operation) is { } emptied && MemberOf(emptied.Event, emptied.Instance, frame) is { } emptiedPlace)
                {
                    result.Places.Add((emptiedPlace, new Access(emptiedPlace.Root, frame.At ?? operation, false, true, true, LocksAt(operation, frame), operation) { Via = frame.Via, Entry = frame.Entry }));
                }

                if (operation is IInvocationOperation library && WholeArrayUses.Of(library) is { Count: > 0 } uses)
                {
                    // Array.Sort(a), rng.NextBytes(buffer), a.Sum(): the call reads or writes every element.
                    foreach (var (array, write) in uses)
                    {
                        if (ValueOf(array, frame)?.Element(ElementIndex.Every) is { } elements)
                        {
                            result.Places.Add((elements, new Access(elements.Root, frame.At ?? library, !write, write, false, LocksAt(library, frame), array)
                            {
                                Index = ElementIndex.Every, Via = frame.Via, Entry = frame.Entry,
                            }));
                        }
                    }
                }

                if (frame.At != null && operation is IPropertyReferenceOperation && ObjectUseIn(operation, frame) is { } exposed)
                {
                    // Names.Add(n) with Names => s_names ??= Load(): a use of the field's object (its getter is read below).
                    result.Objects.Add(exposed);
                }

                if (depth > 0 && operation is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.DelegateInvoke } } raise && EventOf(raise) is { } raised)
                {
                    Raise(raise, raised, frame, result, visited, depth, skip);
                }
                else if (depth > 0 && operation is IInvocationOperation call)
                {
                    Enter(call, call.TargetMethod, call.Instance, Pairs(call.Arguments), frame, result, visited, depth, skip);
                }
                else if (depth > 0 && operation is IPropertyReferenceOperation { Property: { } property } propertyReference && !IsAutoProperty(property))
                {
                    // account.Balance += 5 with a Balance property over a field: the accessors run as calls.
                    var (read, write) = AccessCollector.Kind(propertyReference);
                    if (read && property.GetMethod != null)
                    {
                        Enter(propertyReference, property.GetMethod, propertyReference.Instance, Pairs(propertyReference.Arguments), frame, result, visited, depth, skip);
                    }

                    if (write && property.SetMethod != null)
                    {
                        Enter(propertyReference, property.SetMethod, propertyReference.Instance, Pairs(propertyReference.Arguments), frame, result, visited, depth, skip);
                    }
                }
                else if (depth > 0 && ImplicitCall(operation) is { } implicitCall)
                {
                    // An operator, a constructor, a Deconstruct or a Dispose the language calls for us runs as a call.
                    Enter(operation, implicitCall.Method, implicitCall.Instance, implicitCall.Arguments, frame, result, visited, depth, skip, implicitCall.OwnReceiver);
                }
                else if (frame.At != null && ObjectUseIn(operation, frame) is { } use)
                {
                    result.Objects.Add(use);
                }
            }
        }

        private static bool InsideLambda(IOperation operation, IOperation body)
        {
            for (var parent = operation.Parent; parent != null && parent != body; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsPlaceReference(IOperation operation)
        {
            switch (operation)
            {
                case IFieldReferenceOperation field:
                    // A member of a struct field is recorded as a use of the struct field itself (AccessCollector.Kind
                    // walks up to the write), and a const is a value.
                    return !field.Field.IsConst && !IsStructMemberOfPlace(field.Instance);
                case IPropertyReferenceOperation property:
                    return property.Arguments.Length == 0 && (IsAutoProperty(property.Property) || FieldOfAnotherObject(property) != null) && !IsStructMemberOfPlace(property.Instance);
                case IArrayElementReferenceOperation:
                    return true;
                case IParameterReferenceOperation parameter:
                    return Places.IsPrimaryConstructorParameter(parameter.Parameter);
                case ILocalReferenceOperation local:
                    return Places.RefTarget(local) is { } target && IsPlaceReference(target);
                default:
                    return false;
            }
        }

        private static bool IsStructMemberOfPlace(IOperation? instance) =>
            instance is { Type: { IsValueType: true } } &&
            (instance is IFieldReferenceOperation || instance is IArrayElementReferenceOperation || instance is IPropertyReferenceOperation ||
             (instance is ILocalReferenceOperation local && Places.RefTarget(local) != null));

        /// <summary>A property with an automatically generated backing field: reading and writing it is a field access.</summary>
        public static bool IsAutoProperty(IPropertySymbol property)
        {
            // An interface's or abstract property is declared as { get; set; } too, but has no field: what its
            // implementation does is unknown.
            if (property.IsAbstract || property.IsExtern || property.DeclaringSyntaxReferences.Length != 1 ||
                !(property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors }))
            {
                return false;
            }

            foreach (var accessor in accessors.Accessors)
            {
                if (accessor.Body != null || accessor.ExpressionBody != null)
                {
                    return false;
                }
            }

            return true;
        }

        private Access AccessOf(Place place, IOperation reference, Frame frame)
        {
            var (read, write) = AccessCollector.Kind(reference);
            var atomic = Locks.IsAtomic(reference, _symbols) ||
                         (reference is IFieldReferenceOperation { Field: { IsVolatile: true } } && !(read && write));
            var locks = LocksAt(reference, frame);

            // An element's own index; for a member reached through an element, the index the work's code chose it by.
            var index = reference is IArrayElementReferenceOperation element ? IndexOf(element, frame) : place.Index;

            return new Access(place.Root, frame.At ?? reference, read, write, atomic, locks, reference) { Index = index, Via = frame.Via, Entry = frame.Entry };
        }

        /// <summary>
        /// Which element <paramref name="element"/> is, each dimension read by <see cref="IndexIn"/>. An element of an
        /// array that is itself reached through an element (<c>seen[thread][key]</c>, <c>rows[r].cells[c]</c>) is told
        /// apart by the outer index too, as one more dimension: each run's own row holds its own elements.
        /// </summary>
        private static ElementIndex IndexOf(IArrayElementReferenceOperation element, Frame frame)
        {
            var dimensions = element.Indices.Select(index => IndexIn(index, frame)).ToList();
            if (OuterElement(element.ArrayReference) is { } outer)
            {
                dimensions.Insert(0, IndexOf(outer, frame));
            }

            return ElementIndex.Combine(dimensions);
        }

        /// <summary>The element an array is reached through: <c>seen[thread]</c> in <c>seen[thread][key]</c>, <c>rows[r]</c> in <c>rows[r].cells[c]</c>.</summary>
        private static IArrayElementReferenceOperation? OuterElement(IOperation array)
        {
            var reached = SpawnClassifier.Unwrap(array);
            while (true)
            {
                switch (reached)
                {
                    case IArrayElementReferenceOperation outer:
                        return outer;
                    case IFieldReferenceOperation { Instance: { } instance }:
                        reached = SpawnClassifier.Unwrap(instance);
                        break;
                    case IPropertyReferenceOperation { Instance: { } instance, Arguments.Length: 0 }:
                        reached = SpawnClassifier.Unwrap(instance);
                        break;
                    default:
                        return null;
                }
            }
        }

        /// <summary>
        /// What an index (or an integer argument) names, as the caller sees it. In the work's own code, everything
        /// <see cref="ElementIndex"/> can tell. In a callee, whose variables mean nothing to the caller, only a constant,
        /// a parameter the caller gave an index for (<c>_items[index]</c> in <c>Set(int index, …)</c>), or a loop of the
        /// callee's own over the whole array; anything else is unknown.
        /// </summary>
        private static ElementIndex IndexIn(IOperation index, Frame frame)
        {
            if (frame.At == null)
            {
                return ElementIndex.Of(index, frame.Function, frame.Spawn);
            }

            if (ElementIndex.ConstantOf(index) is { } constant)
            {
                return constant;
            }

            if (SpawnClassifier.Unwrap(index) is IParameterReferenceOperation parameter && frame.Indices != null &&
                frame.Indices.TryGetValue(parameter.Parameter.OriginalDefinition, out var given))
            {
                return given;
            }

            return ElementIndex.WholeLoopOf(index, frame.Function) ?? ElementIndex.Unknown;
        }

        /// <summary>What the key of a collection's element names, read as an index (<see cref="IndexIn"/>) whose own variables may repeat between runs.</summary>
        private static ElementIndex KeyIn(IOperation key, Frame frame)
        {
            var index = IndexIn(key, frame);
            if (frame.At == null && CollectionElements.IsKeyOfOwnPair(key))
            {
                return index.Own();
            }

            return index.AllOwn && index.Variables.Any(variable => CollectionElements.MayRepeat(variable, key.SemanticModel)) ? index.Repeating() : index;
        }

        private static bool IsInteger(ITypeSymbol? type) =>
            type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or
                SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte;

        /// <summary>
        /// The field that <c>report.Lines</c> hands out (<see cref="Places.FieldReturnedBy"/>) when the property is read on
        /// another object than this: the use is one of that object's field. On this and statics the object uses are read
        /// where the property is (<see cref="Places.SharedObjectOf"/>, <see cref="ObjectUseIn"/>).
        /// </summary>
        private static IFieldSymbol? FieldOfAnotherObject(IPropertyReferenceOperation property) =>
            property.Arguments.Length == 0 && property.Instance != null && !Places.IsThis(property.Instance) ? Places.FieldReturnedBy(property.Property) : null;

        /// <summary>The field that <c>box.Get()</c> hands out, as <see cref="FieldOfAnotherObject(IPropertyReferenceOperation)"/>: the object it returns is that field's.</summary>
        private static IFieldSymbol? FieldOfAnotherObject(IInvocationOperation call) =>
            call.Arguments.Length == 0 && call.Instance != null && !Places.IsThis(call.Instance) ? Places.FieldReturnedBy(call.TargetMethod) : null;

        /// <summary>The place <paramref name="operation"/> names as the frame sees it; null when it is the work's own or unknown.</summary>
        private Place? PlaceOf(IOperation operation, Frame frame)
        {
            switch (SpawnClassifier.Unwrap(operation))
            {
                case IFieldReferenceOperation field:
                    return MemberOf(field.Field, field.Instance, frame);
                case IPropertyReferenceOperation property when property.Arguments.Length == 0 && IsAutoProperty(property.Property):
                    return MemberOf(property.Property, property.Instance, frame);
                case IPropertyReferenceOperation property when FieldOfAnotherObject(property) is { } field:
                    return MemberOf(field, property.Instance, frame);
                case IInvocationOperation call when FieldOfAnotherObject(call) is { } field:
                    return MemberOf(field, call.Instance, frame);
                case IArrayElementReferenceOperation element:
                    return ValueOf(element.ArrayReference, frame)?.Element(IndexOf(element, frame));
                case ILocalReferenceOperation local when Places.RefTarget(local) is { } target:
                    return PlaceOf(target, frame);
                case IParameterReferenceOperation parameter when Places.IsPrimaryConstructorParameter(parameter.Parameter):
                    // class Client(int port): port is a field of this the compiler writes for us.
                    return frame.This == HostThis ? new Place(parameter.Parameter, "", parameter.Parameter.Name) : Through(frame.This as Place, parameter.Parameter, frame);
                default:
                    return null;
            }
        }

        private Place? MemberOf(ISymbol member, IOperation? instance, Frame frame)
        {
            if (Places.IsThreadStatic(member))
            {
                // [ThreadStatic]: every thread has its own.
                return null;
            }

            if (member.IsStatic || instance == null)
            {
                return new Place(member, "", member.ContainingType.Name + "." + member.Name);
            }

            if (Places.IsThis(instance))
            {
                return frame.This == HostThis ? new Place(member, "", member.Name) : Through(frame.This as Place, member, frame);
            }

            return Through(ValueOf(instance, frame), member, frame);
        }

        /// <summary>
        /// <paramref name="member"/> of the object <paramref name="owner"/> holds: where the owner is a local that only ever
        /// holds one object it creates, and the constructor stores the member from one of its arguments (<c>var w1 = new
        /// Worker(list);</c> with <c>_items = items;</c>) or the object initializer sets it for good (<c>new Box { Value =
        /// item }</c>), the member is that value's place, so two workers made with one list share it. Otherwise the member
        /// below the owner.
        /// </summary>
        private Place? Through(Place? owner, ISymbol member, Frame frame)
        {
            if (owner is { Path.Length: 0, Creation: { } creation } &&
                (Flow.ConstructorArguments.StoredIn(creation, member) ?? (owner.Root is ILocalSymbol holder ? Flow.ConstructorArguments.SetByInitializer(creation, member, holder) : null)) is { } argument &&
                ValueOf(argument, new Frame(null, HostThis, null, null, null, new List<object>(), frame.Spawn)) is { } stored)
            {
                return stored;
            }

            return owner?.Member(member.Name);
        }

        /// <summary>The place whose value <paramref name="value"/> is: a variable shared with the caller, or a member or element.</summary>
        private Place? ValueOf(IOperation value, Frame frame)
        {
            switch (SpawnClassifier.Unwrap(value))
            {
                case ILocalReferenceOperation local when Places.RefTarget(local) is { } target:
                    // ref var node = ref nodes[i]: node is that element.
                    return PlaceOf(target, frame);
                case ILocalReferenceOperation local when frame.At != null || (frame.Function != null && DelegateCaptures.IsDeclaredIn(local.Local, frame.Function)):
                    // A local of the work (or of a callee) holds the work's own objects, unless it only ever holds one of
                    // its parameters (var counter = (Counter)state;): then it is that parameter's object.
                    return ParameterHeldBy(local) is { } held && ValueOf(held, frame) is { } handed &&
                           (handed.Path.Length > 0 || local.SemanticModel == null ||
                            Flow.LocalValues.CanHold(local.Local, Places.TypeOf(handed.Root), local.SemanticModel.Compilation))
                        ? handed
                        : null;
                case ILocalReferenceOperation local:
                    return new Place(local.Local, "", local.Local.Name, creation: CreatedIn(local));
                case IParameterReferenceOperation parameter when Places.IsPrimaryConstructorParameter(parameter.Parameter):
                    return PlaceOf(parameter, frame);
                case IParameterReferenceOperation parameter:
                    if (frame.Parameters != null)
                    {
                        return frame.Parameters.TryGetValue(parameter.Parameter.OriginalDefinition, out var argument) ? argument : null;
                    }

                    return frame.Function != null && DelegateCaptures.IsDeclaredIn(parameter.Parameter, frame.Function)
                        ? null
                        : new Place(parameter.Parameter, "", parameter.Parameter.Name);
                case var self when Places.IsThis(self):
                    return frame.This as Place;
                case IInstanceReferenceOperation:
                    // The object an initialiser builds, or a pattern matches: not this.
                    return null;
                case var other:
                    return PlaceOf(other, frame);
            }
        }

        /// <summary>The object a local of a class type only ever holds, where it creates it (<c>var w = new Worker(list);</c>), read once per local.</summary>
        private IObjectCreationOperation? CreatedIn(ILocalReferenceOperation local) =>
            local.Local.Type is not { TypeKind: TypeKind.Class } ? null
            : _createdObjects.GetOrAdd(local.Local, _ => Flow.LocalValues.OnlyValue(local.Local, local) is { } value && SpawnClassifier.Unwrap(value) is IObjectCreationOperation created ? created : null);

        /// <summary>The parameter a local only ever holds (<see cref="Flow.LocalValues.ParameterHeldBy"/>), read once per local.</summary>
        private IParameterReferenceOperation? ParameterHeldBy(ILocalReferenceOperation local) =>
            !local.Local.Type.IsReferenceType ? null
            : _heldParameters.GetOrAdd(local.Local, _ => Flow.LocalValues.ParameterHeldBy(local.Local, local));

        private static IReadOnlyList<(IParameterSymbol, IOperation)> Pairs(ImmutableArray<IArgumentOperation> arguments) =>
            arguments.Where(a => a.Parameter != null).Select(a => (a.Parameter!, a.Value)).ToList();

        /// <summary>
        /// A call the language makes for the code: a user-defined operator or conversion, a constructor (of an object
        /// the code makes, so its fields are the code's own), the Deconstruct of a deconstruction, the Dispose of a using.
        /// </summary>
        private ImplicitCallSite? ImplicitCall(IOperation operation)
        {
            switch (operation)
            {
                case IBinaryOperation { OperatorMethod: { IsStatic: true, Parameters: { Length: 2 } parameters } method } binary:
                    return (method, null, new[] { (parameters[0], binary.LeftOperand), (parameters[1], binary.RightOperand) }, false);
                case IUnaryOperation { OperatorMethod: { IsStatic: true, Parameters: { Length: 1 } parameters } method } unary:
                    return (method, null, new[] { (parameters[0], unary.Operand) }, false);
                case IIncrementOrDecrementOperation { OperatorMethod: { IsStatic: true, Parameters: { Length: 1 } parameters } method } step:
                    return (method, null, new[] { (parameters[0], step.Target) }, false);
                case ICompoundAssignmentOperation { OperatorMethod: { IsStatic: true, Parameters: { Length: 2 } parameters } method } compound:
                    return (method, null, new[] { (parameters[0], compound.Target), (parameters[1], compound.Value) }, false);
                case IConversionOperation { OperatorMethod: { IsStatic: true, Parameters: { Length: 1 } parameters } method } conversion:
                    return (method, null, new[] { (parameters[0], conversion.Operand) }, false);
                case IObjectCreationOperation { Constructor: { } constructor } creation:
                    return (constructor, null, Pairs(creation.Arguments), true);
                case IDeconstructionAssignmentOperation deconstruction when
                    deconstruction.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax assignment &&
                    deconstruction.SemanticModel is { } model &&
                    Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetDeconstructionInfo(model, assignment).Method is { IsStatic: false } deconstruct:
                    return (deconstruct, deconstruction.Value, NoArguments, false);
                case IUsingOperation { Resources: { } resources }:
                    return DisposeOf(resources);
                case IUsingDeclarationOperation { DeclarationGroup: { } group }:
                    return DisposeOf(group);
                default:
                    return null;
            }
        }

        /// <summary>The Dispose a using calls on its resource.</summary>
        private ImplicitCallSite? DisposeOf(IOperation resources)
        {
            var type = resources is IVariableDeclarationGroupOperation group
                ? group.Declarations.SelectMany(d => d.Declarators).FirstOrDefault()?.Symbol.Type
                : resources.Type;
            var dispose = _symbols.Core.Disposable.GetMembers("Dispose").FirstOrDefault();
            if (type == null || dispose == null || !(type.FindImplementationForInterfaceMember(dispose) is IMethodSymbol implementation))
            {
                return null;
            }

            // A declared resource is the code's own object; an expression (using (reader)) is the object it names.
            return resources is IVariableDeclarationGroupOperation
                ? (implementation, null, NoArguments, true)
                : (implementation, resources, NoArguments, false);
        }

        /// <summary>What a piece of code touches: its place accesses, and its uses of shared objects in the methods it calls.</summary>
        public sealed class Found
        {
            public List<(Place Place, Access Access)> Places { get; } = new List<(Place, Access)>();

            /// <summary>
            /// Uses of shared objects (a field of this, a static, a captured variable) made inside the source methods the
            /// code calls, for SCOPE011: <c>_rng.Next()</c> in a method the work calls. The code's own uses are read by
            /// <see cref="SharedPlaces"/> directly.
            /// </summary>
            public List<(ISymbol Object, IOperation Reference, Access Access)> Objects { get; } = new List<(ISymbol, IOperation, Access)>();

            /// <summary>
            /// Uses of objects held in a member or an element of a shared object (<c>buffer.elements.Enqueue(x)</c>, also
            /// inside a <c>buffer.Put(x)</c> the code calls; <c>buckets[k].Add(x)</c>), for SCOPE011, with the field that
            /// holds the object (null for an element).
            /// </summary>
            public List<(Place Object, IFieldSymbol? Field, IOperation Reference, Access Access)> MemberObjects { get; } = new List<(Place, IFieldSymbol?, IOperation, Access)>();

            /// <summary>
            /// What is reached from the caller's locals and parameters only, not from fields or statics; with
            /// <paramref name="andFieldObjects"/> also the objects held in fields and statics (their uses, not the fields).
            /// </summary>
            public Found OnlyCallersVariables(bool andFieldObjects = false)
            {
                var result = new Found();
                result.Places.AddRange(Places.Where(found => IsVariable(found.Place.Root)));
                result.Objects.AddRange(Objects.Where(found => andFieldObjects || IsVariable(found.Object)));
                result.MemberObjects.AddRange(MemberObjects.Where(found => IsVariable(found.Object.Root)));
                return result;
            }

            /// <summary>A local or parameter of the caller's (a primary constructor's parameter is a field of this).</summary>
            public static bool IsVariable(ISymbol root) => root is ILocalSymbol || (root is IParameterSymbol parameter && !Concurrency.Places.IsPrimaryConstructorParameter(parameter));
        }

        /// <summary>
        /// A member the work's own code names that holds a variable of the caller's (<see cref="Through"/>: <c>_items</c> of a
        /// worker made with <c>new Worker(list)</c>). The work does not capture that variable, so its uses of the object
        /// are counted here, as a callee's are.
        /// </summary>
        private static bool ReachesCallersVariable(IOperation operation, Place place) =>
            place.Path.Length == 0 && Found.IsVariable(place.Root) &&
            SpawnClassifier.Unwrap(operation) switch
            {
                IFieldReferenceOperation or IPropertyReferenceOperation => true,
                IParameterReferenceOperation named => !SymbolEqualityComparer.Default.Equals(named.Parameter, place.Root),
                _ => false,
            };

        private (ISymbol, IOperation, Access)? ObjectUseIn(IOperation operation, Frame frame)
        {
            var shared = operation switch
            {
                IFieldReferenceOperation field => MemberOf(field.Field, field.Instance, frame),
                IParameterReferenceOperation parameter => ValueOf(parameter, frame),
                IPropertyReferenceOperation { Arguments: { Length: 0 } } property when Concurrency.Places.FieldReturnedBy(property.Property) is { } returned =>
                    MemberOf(returned, property.Instance, frame),
                _ => null,
            };

            if (shared == null || shared.Path.Length != 0 || !(ObjectAccessOf(shared.Root, operation, frame) is { } access))
            {
                return null;
            }

            return (shared.Root, operation, access);
        }

        /// <summary>
        /// A use (a call that reads or mutates it) of the object held in the member or element <paramref name="place"/> of
        /// a shared object: <c>buffer.elements.Enqueue(x)</c>, <c>buckets[k].Add(x)</c>.
        /// </summary>
        private (Place, IFieldSymbol?, IOperation, Access)? MemberObjectUseIn(Place place, IOperation operation, Frame frame) =>
            operation switch
            {
                IFieldReferenceOperation { Field: var field } when !field.Type.IsValueType => MemberObjectUse(place, field, operation, frame),
                IPropertyReferenceOperation property when FieldOfAnotherObject(property) is { Type.IsValueType: false } field => MemberObjectUse(place, field, operation, frame),
                IPropertyReferenceOperation { Property: { Type.IsValueType: false } property } when IsAutoProperty(property) => MemberObjectUse(place, null, operation, frame),
                IArrayElementReferenceOperation => ElementObjectUseIn(place, operation, frame),
                _ => null,
            };

        // The member of an element (reports[i].Lines) carries the element's index, as the element's own object does: the
        // object in another element is another object.
        private (Place, IFieldSymbol?, IOperation, Access)? MemberObjectUse(Place place, IFieldSymbol? field, IOperation operation, Frame frame)
        {
            if (!(ObjectAccessOf(place.Root, operation, frame) is { } access))
            {
                return null;
            }

            access.Index ??= place.Index;
            return (place, field, operation, access);
        }

        /// <summary>
        /// The element a local of the code being read stands for where it is used as an object
        /// (<see cref="CollectionElements.HeldBy"/>), read once per local. A local shared with the work is an object of its
        /// own (<see cref="SharedPlaces.Objects"/>), not seen twice.
        /// </summary>
        private (IOperation Collection, IOperation Key)? HeldElement(ILocalReferenceOperation local, Frame frame)
        {
            if (!local.Local.Type.IsReferenceType || !(frame.At != null || (frame.Function != null && DelegateCaptures.IsDeclaredIn(local.Local, frame.Function))) ||
                Concurrency.ObjectUses.Classify(local, _symbols) == ObjectUse.None)
            {
                return null;
            }

            return _heldElements.GetOrAdd(local.Local, _ => CollectionElements.HeldBy(local, _symbols));
        }

        /// <summary>
        /// The member a local of the code being read was set from, where the local is used as an object
        /// (<see cref="MemberHeldBy"/>): <c>var items = _items; items.Add(x);</c>.
        /// </summary>
        private IOperation? HeldMember(ILocalReferenceOperation local, Frame frame) =>
            !(frame.At != null || (frame.Function != null && DelegateCaptures.IsDeclaredIn(local.Local, frame.Function))) ||
            Concurrency.ObjectUses.Classify(local, _symbols) == ObjectUse.None
                ? null
                : MemberHeldBy(local);

        /// <summary><see cref="Places.MemberHeldBy"/>, read once per local.</summary>
        public IOperation? MemberHeldBy(ILocalReferenceOperation local) => _heldMembers.GetOrAdd(local.Local, _ => Places.MemberHeldBy(local));

        /// <summary>A use of the object held in the element <paramref name="place"/> of an array or collection, with the element's index.</summary>
        private (Place, IFieldSymbol?, IOperation, Access)? ElementObjectUseIn(Place place, IOperation operation, Frame frame)
        {
            if (operation.Type is not { IsReferenceType: true } || !(ObjectAccessOf(place.Root, operation, frame) is { } access))
            {
                return null;
            }

            access.Index = place.Index;
            return (place, null, operation, access);
        }

        /// <summary>The use <paramref name="operation"/> makes of an object (a call that reads or mutates it), reported at the work's call; null when it is no such use.</summary>
        private Access? ObjectAccessOf(ISymbol root, IOperation operation, Frame frame)
        {
            var use = Concurrency.ObjectUses.Classify(operation, _symbols);
            return use == ObjectUse.None
                ? null
                : new Access(root, frame.At ?? operation, use == ObjectUse.Read, use == ObjectUse.Mutate, false, LocksAt(operation, frame), operation) { Via = frame.Via, Entry = frame.Entry };
        }

        /// <summary>The locks held at <paramref name="operation"/>: the caller's, and those the code being read takes, named as the caller sees them.</summary>
        private List<object> LocksAt(IOperation operation, Frame frame)
        {
            var locks = new List<object>(frame.Locks);
            foreach (var key in Locks.LocksHeld(operation, _symbols.Synchronisation))
            {
                locks.Add(InCaller(key, frame));
            }

            return locks;
        }

        /// <summary>Reads a source method (or accessor) the code calls, with its this and parameters standing for the caller's places.</summary>
        private void Enter(IOperation call, IMethodSymbol target, IOperation? instance, IReadOnlyList<(IParameterSymbol Parameter, IOperation Value)> arguments, Frame frame, Found result, HashSet<IMethodSymbol> visited, int depth, System.Func<IOperation, bool>? skip, bool ownReceiver = false)
        {
            var method = target.OriginalDefinition;
            if (method.MethodKind == MethodKind.LocalFunction || !visited.Add(method))
            {
                // Local functions are read where they are declared (inside the work) or by the variable rules.
                return;
            }

            try
            {
                if (!(SourceCallees.BodyOf(method, call, anyFile: true) is { } body))
                {
                    return;
                }

                object? receiver = method.IsStatic || ownReceiver ? null
                    : instance == null || Places.IsThis(SpawnClassifier.Unwrap(instance)) ? frame.This
                    : ReceiverOf(instance, frame);
                var parameters = new Dictionary<IParameterSymbol, Place?>(SymbolEqualityComparer.Default);
                var indices = new Dictionary<IParameterSymbol, ElementIndex>(SymbolEqualityComparer.Default);
                var flags = new Dictionary<IParameterSymbol, bool>(SymbolEqualityComparer.Default);
                foreach (var (given, value) in arguments)
                {
                    // An indexer's arguments name the property's parameters; its accessors have their own, in the same places.
                    var parameter = given.ContainingSymbol is IPropertySymbol && given.Ordinal < method.Parameters.Length ? method.Parameters[given.Ordinal] : given;
                    if (value.Type is { IsReferenceType: true })
                    {
                        parameters[parameter.OriginalDefinition] = ValueOf(value, frame);
                    }

                    if (IsInteger(parameter.Type) || parameter.Type.SpecialType == SpecialType.System_String)
                    {
                        // An index, or a key (_hits[key] in Hit(string key)).
                        indices[parameter.OriginalDefinition] = IndexIn(value, frame);
                    }
                    else if (value.ConstantValue is { HasValue: true, Value: bool flag })
                    {
                        // Dispose(false): the callee's branches on that parameter are decided.
                        flags[parameter.OriginalDefinition] = flag;
                    }
                }

                // A method group is the work's start, not a call: the locks held where it is written stay with the
                // thread that starts the work (lock (_gate) new Thread(Run).Start(); runs Run under no lock).
                var locks = call is IMethodReferenceOperation ? new List<object>(frame.Locks) : LocksAt(call, frame);
                if (SynchronizedLock(method, receiver) is { } held)
                {
                    locks.Add(held);
                }

                var via = frame.Via ?? CalleeName(method);
                var inner = new Frame(method, receiver, parameters, frame.At ?? call, via, locks, frame.Spawn, indices, Flow.ConstantArgumentBranches.DeadIn(body, flags), EntryOf(call, frame));
                Walk(body, inner, result, visited, depth - 1, skip);
            }
            finally
            {
                visited.Remove(method);
            }
        }

        /// <summary>
        /// The lock [MethodImpl(Synchronized)] takes around the whole body of <paramref name="method"/> run on
        /// <paramref name="receiver"/>: this (or the type, for a static method); null when the method is not synchronized.
        /// </summary>
        private static object? SynchronizedLock(IMethodSymbol method, object? receiver) =>
            (method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.Synchronized) == 0
                ? null
                : method.IsStatic ? method.ContainingType
                : receiver == HostThis ? new Locks.ThisLock(method.ContainingType)
                : receiver is Place owner ? KeyOf(owner) : new object();

        /// <summary>The event <paramref name="call"/> raises (<c>Changed(this, e)</c>, <c>Changed?.Invoke(this, e)</c>) with its receiver; null for any other delegate.</summary>
        private static (IEventSymbol Event, IOperation? Instance)? EventOf(IInvocationOperation call)
        {
            var invoked = call.Instance == null ? null : SpawnClassifier.Unwrap(call.Instance);
            if (invoked is IConditionalAccessInstanceOperation)
            {
                for (var parent = call.Parent; parent != null; parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access)
                    {
                        invoked = SpawnClassifier.Unwrap(access.Operation);
                        break;
                    }
                }
            }

            return invoked is IEventReferenceOperation reference ? (reference.Event, reference.Instance) : null;
        }

        /// <summary>Raising an event of the file runs the handlers the file subscribes to it (<see cref="SourceCallees.HandlersOf"/>), on the event's object.</summary>
        private void Raise(IInvocationOperation call, (IEventSymbol Event, IOperation? Instance) raised, Frame frame, Found result, HashSet<IMethodSymbol> visited, int depth, System.Func<IOperation, bool>? skip)
        {
            // Changed?.Invoke(this, e) is reported at the whole expression, not at its .Invoke(…) part.
            IOperation at = call.Parent is IConditionalAccessOperation conditional && conditional.WhenNotNull == call ? conditional : call;
            foreach (var (handler, body) in SourceCallees.HandlersOf(raised.Event, call))
            {
                if (handler.MethodKind != MethodKind.AnonymousFunction)
                {
                    Enter(at, handler, raised.Instance, NoArguments, frame, result, visited, depth, skip);
                    continue;
                }

                if (!visited.Add(handler))
                {
                    continue;
                }

                try
                {
                    // A lambda subscribed in the event's type runs on the object that raises the event.
                    var receiver = raised.Event.IsStatic ? null
                        : raised.Instance == null || Places.IsThis(SpawnClassifier.Unwrap(raised.Instance)) ? frame.This
                        : ValueOf(raised.Instance, frame);
                    var via = frame.Via ?? "a handler of " + raised.Event.ContainingType.Name + "." + raised.Event.Name;
                    Walk(body, new Frame(handler, receiver, null, frame.At ?? at, via, LocksAt(call, frame), frame.Spawn, entry: EntryOf(at, frame)), result, visited, depth - 1, skip);
                }
                finally
                {
                    visited.Remove(handler);
                }
            }
        }

        /// <summary>How a report names the callee an access is made in: <c>Account.Deposit</c>, <c>new Node</c>, <c>Matrix.operator +</c>.</summary>
        private static string CalleeName(IMethodSymbol method)
        {
            switch (method.MethodKind)
            {
                case MethodKind.Constructor:
                    return "new " + method.ContainingType.Name;
                case MethodKind.UserDefinedOperator:
                case MethodKind.Conversion:
                    var shown = method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
                    var parameters = shown.IndexOf('(');
                    return parameters > 0 ? shown.Substring(0, parameters) : shown;
                default:
                    return method.ContainingType.Name + "." + (method.AssociatedSymbol?.Name ?? method.Name);
            }
        }

        /// <summary>A place as a lock key: a plain variable or this-field is named by its symbol, as <see cref="Locks"/> names it.</summary>
        private static object KeyOf(Place place) => place.Path.Length == 0 ? place.Root : place;

        /// <summary>A lock the code being read takes, named as the caller sees it.</summary>
        private static object InCaller(object key, Frame frame) =>
            frame.At == null ? key : Locks.Renamed(key, held => ObjectInCaller(held, frame));

        private static object ObjectInCaller(object key, Frame frame)
        {
            switch (key)
            {
                case IParameterSymbol parameter when Places.IsPrimaryConstructorParameter(parameter):
                    // class Worker(object gate): a field the compiler writes from the creation's argument, which may be one
                    // object for all instances, as a field set from an argument is.
                    return key;
                case IFieldSymbol { IsStatic: false } field when frame.This is Place owner:
                    // account._sync and other._sync are two objects only when each instance creates its own.
                    return Locks.HoldsOwnObject(field) ? KeyOf(owner.Member(field.Name)) : key;
                case IFieldSymbol { IsStatic: false } field when frame.This == CreatedThis:
                    return Locks.HoldsOwnObject(field) ? Locks.Fresh : key;
                case IParameterSymbol parameter when frame.Parameters != null:
                    return frame.Parameters.TryGetValue(parameter.OriginalDefinition, out var argument) && argument != null ? KeyOf(argument) : new object();
                case Locks.ThisLock when frame.This is Place owner:
                    // lock (this) in a method called on account: a lock on account.
                    return KeyOf(owner);
                case Locks.ThisLock when frame.This == CreatedThis:
                    // lock (this) in new Worker().Run: each start locks its own worker.
                    return Locks.Fresh;
                default:
                    return key;
            }
        }
    }
}
