using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Spawns;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Concurrency
{
    /// <summary>
    /// An event that .NET raises on a thread of its own, so that a handler subscribed with <c>+=</c> runs beside the code
    /// that subscribed it: what each such event promises is decided here, once, for every rule and fix.
    /// <list type="bullet">
    /// <item><c>System.Timers.Timer.Elapsed</c>: on the pool, and with <c>AutoReset</c> (the default) again while the last
    /// handler still runs.</item>
    /// <item><c>Process.OutputDataReceived</c>, <c>ErrorDataReceived</c> and <c>Exited</c>: the two streams are read on two
    /// threads, so their handlers run at the same time as each other; <c>WaitForExit()</c> without a timeout and an
    /// awaited <c>WaitForExitAsync</c> return only once both streams have ended and <c>Exited</c> has run. A stream's
    /// handler is called one line at a time, and last with <c>Data == null</c> at its end.</item>
    /// <item><c>FileSystemWatcher</c>'s <c>Changed</c>, <c>Created</c>, <c>Deleted</c>, <c>Renamed</c>, <c>Error</c>, and
    /// <c>SerialPort</c>'s <c>DataReceived</c>, <c>ErrorReceived</c>, <c>PinChanged</c>: one thread raises a watcher's (a
    /// port's) events one after another.</item>
    /// <item><c>Console.CancelKeyPress</c>: on a pool thread.</item>
    /// <item><c>BackgroundWorker.DoWork</c>: on the pool, from <c>RunWorkerAsync()</c> on, one run at a time.</item>
    /// </list>
    /// With <c>SynchronizingObject</c> set (a form), a timer, process or watcher raises its events on that object's
    /// thread instead, which is then not work beside the subscriber.
    /// </summary>
    internal sealed class OffThreadEvent
    {
        private static readonly string[] ProcessEvents = { "OutputDataReceived", "ErrorDataReceived", "Exited" };
        private static readonly string[] WatcherEvents = { "Changed", "Created", "Deleted", "Renamed", "Error" };
        private static readonly string[] PortEvents = { "DataReceived", "ErrorReceived", "PinChanged" };

        // The socket operations that take a SocketAsyncEventArgs and raise its Completed when they finish later.
        private static readonly string[] SocketOperations =
        {
            "AcceptAsync", "ConnectAsync", "DisconnectAsync", "ReceiveAsync", "ReceiveFromAsync", "ReceiveMessageFromAsync", "SendAsync", "SendToAsync",
            "SendPacketsAsync",
        };

        private readonly INamedTypeSymbol _source;
        private readonly bool _joinedByWaitForExit;
        private readonly bool _endsWithNullData;
        private readonly bool _static;
        private readonly bool _oncePerStart;

        // What makes the source raise the event: calls on it (Start, BeginOutputReadLine, Open) or a property set true
        // (Enabled, EnableRaisingEvents); neither when it always does (Ctrl+C). With _startedByArgument, calls that take
        // it as an argument (socket.ReceiveAsync(args)).
        private readonly string[] _startCalls;
        private readonly bool _startedByArgument;
        private readonly string? _startProperty;

        private OffThreadEvent(string api, INamedTypeSymbol source, ISymbol? receiver, bool overlapsItself = false, bool serial = false,
            bool joinedByWaitForExit = false, bool endsWithNullData = false, bool isStatic = false, string[]? startCalls = null, string? startProperty = null,
            bool oncePerStart = false, bool startedByArgument = false)
        {
            _startedByArgument = startedByArgument;
            _oncePerStart = oncePerStart;
            Api = api;
            _source = source;
            Receiver = receiver;
            OverlapsItself = overlapsItself;
            Serial = serial;
            _joinedByWaitForExit = joinedByWaitForExit;
            _endsWithNullData = endsWithNullData;
            _static = isStatic;
            _startCalls = startCalls ?? new string[0];
            _startProperty = startProperty;
        }

        /// <summary>"Process.OutputDataReceived", as messages name the work; the timer keeps its full name.</summary>
        public string Api { get; }

        /// <summary>The local, parameter or field of this (or static field) holding the source; null for a static event or a source reached otherwise.</summary>
        public ISymbol? Receiver { get; }

        /// <summary>One raise of the event may overlap the next (a periodic timer).</summary>
        public bool OverlapsItself { get; }

        /// <summary>One thread raises all of the receiver's events of this kind, one after another.</summary>
        private bool Serial { get; }

        /// <summary>
        /// The event when <paramref name="assignment"/> subscribes a handler to one that comes on another thread, seen from
        /// <paramref name="host"/> (the function that subscribes); null otherwise.
        /// </summary>
        public static OffThreadEvent? Of(IEventAssignmentOperation assignment, KnownSymbols symbols, IOperation host)
        {
            if (!assignment.Adds || !(assignment.EventReference is IEventReferenceOperation reference))
            {
                return null;
            }

            var type = reference.Event.ContainingType;
            var name = reference.Event.Name;
            var receiver = reference.Instance == null ? null : Places.SharedObjectOf(SpawnClassifier.Unwrap(reference.Instance));
            var events = symbols.EventSources;
            if (KnownSymbols.Is(type, symbols.Threading.TimersTimer) && name == "Elapsed")
            {
                if (Sets(receiver, "SynchronizingObject", NotNull))
                {
                    return null;
                }

                var periodic = !Sets(receiver, "AutoReset", IsFalse) && !(receiver == null && SetsAutoResetFalseIn(host));
                return new OffThreadEvent("System.Timers.Timer.Elapsed", type, receiver, overlapsItself: periodic, serial: !periodic,
                    startCalls: new[] { "Start" }, startProperty: "Enabled", oncePerStart: !periodic);
            }

            if (KnownSymbols.Is(type, events.Process) && ProcessEvents.Contains(name))
            {
                var startCall = name == "OutputDataReceived" ? "BeginOutputReadLine" : name == "ErrorDataReceived" ? "BeginErrorReadLine" : "Start";
                return Sets(receiver, "SynchronizingObject", NotNull)
                    ? null
                    : new OffThreadEvent("Process." + name, type, receiver, joinedByWaitForExit: true, endsWithNullData: name != "Exited", startCalls: new[] { startCall },
                        oncePerStart: name == "Exited");
            }

            if (KnownSymbols.Is(type, events.FileSystemWatcher) && WatcherEvents.Contains(name))
            {
                return Sets(receiver, "SynchronizingObject", NotNull)
                    ? null
                    : new OffThreadEvent("FileSystemWatcher." + name, type, receiver, serial: true, startProperty: "EnableRaisingEvents");
            }

            if (KnownSymbols.Is(type, events.SerialPort) && PortEvents.Contains(name))
            {
                return new OffThreadEvent("SerialPort." + name, type, receiver, serial: true, startCalls: new[] { "Open" });
            }

            if (KnownSymbols.Is(type, events.BackgroundWorker) && name == "DoWork")
            {
                // ProgressChanged and RunWorkerCompleted go to the context RunWorkerAsync captured (a UI thread): not here.
                return new OffThreadEvent("BackgroundWorker.DoWork", type, receiver, serial: true, startCalls: new[] { "RunWorkerAsync" }, oncePerStart: true);
            }

            if (KnownSymbols.Is(type, events.SocketAsyncEventArgs) && name == "Completed")
            {
                // One operation at a time per args object: its completions come one after another.
                return new OffThreadEvent("SocketAsyncEventArgs.Completed", type, receiver, serial: true, startCalls: SocketOperations, startedByArgument: true);
            }

            if (KnownSymbols.Is(type, events.Console) && name == "CancelKeyPress")
            {
                return new OffThreadEvent("Console.CancelKeyPress", type, null, serial: true, isStatic: true);
            }

            return null;
        }

        /// <summary>
        /// Where in <paramref name="host"/> the handler subscribed at <paramref name="subscription"/> may start running:
        /// null to start at the subscription itself (the source may already raise events there: it was started before,
        /// or made elsewhere, or needs no start); empty when it never runs beside <paramref name="host"/> (the host makes
        /// the source and never starts it: <c>_timer = new Timer(…); _timer.Elapsed += …;</c> with <c>Start()</c> in
        /// another method); else the operations that start it after the subscription (<c>timer.Start()</c>,
        /// <c>watcher.EnableRaisingEvents = true</c>, <c>p.BeginOutputReadLine()</c>, <c>port.Open()</c>).
        /// </summary>
        public List<IOperation>? StartsIn(IOperation host, IOperation subscription)
        {
            if (Receiver == null || (_startCalls.Length == 0 && _startProperty == null))
            {
                return null;
            }

            var function = Functions.EnclosingFunction(subscription);
            var starts = new List<IOperation>();
            var madeHere = function == null && IsOwnedBy(host, subscription);
            foreach (var operation in host.DescendantsAndSelf())
            {
                if (Functions.EnclosingFunction(operation) != function)
                {
                    continue;
                }

                // A start in the method, or in a method of the type it calls (a constructor calling StartPolling()).
                if (StartsHereOrInOwnCall(operation, host, anyFile: false))
                {
                    if (operation.Syntax.SpanStart < subscription.Syntax.SpanStart)
                    {
                        // Started before it is subscribed: the handler may run from the subscription on.
                        return null;
                    }

                    starts.Add(operation);
                }

                madeHere |= operation is ISimpleAssignmentOperation { Target: var target, Value: var value } && Holds(target) && SpawnClassifier.Unwrap(value) is IObjectCreationOperation;
                madeHere |= operation is IVariableDeclaratorOperation { Symbol: var local, Initializer: { Value: var initial } } &&
                            SymbolEqualityComparer.Default.Equals(local, Receiver) && SpawnClassifier.Unwrap(initial) is IObjectCreationOperation;
            }

            return starts.Count > 0 || madeHere ? starts : null;
        }

        /// <summary>
        /// The <c>if</c> statement of <c>if (!socket.ReceiveAsync(args)) Process(args);</c> (no <c>else</c>), when
        /// <paramref name="start"/> is such a socket operation: a false result means it completed at once and Completed is
        /// not raised for it. Null otherwise.
        /// </summary>
        public IConditionalOperation? TestedForSynchronousCompletion(IOperation start)
        {
            if (!_startedByArgument)
            {
                return null;
            }

            var test = start;
            while (test.Parent is IConversionOperation or IParenthesizedOperation)
            {
                test = test.Parent;
            }

            return test.Parent is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not &&
                   not.Parent is IConditionalOperation { WhenFalse: null } branch && branch.Condition == not && branch.Parent is IBlockOperation
                ? branch
                : null;
        }

        /// <summary>Both are completions of socket args, whose handlers choose what to do by the operation that completed.</summary>
        public bool DispatchesPerOperation(OffThreadEvent other) => _startedByArgument && other._startedByArgument;

        /// <summary>
        /// Socket args held in a field, which another member of the class starts an operation with (Connect makes them,
        /// Receive starts a read): their handlers run once the member that made them has returned.
        /// </summary>
        public bool StartedByAnotherMember(IOperation host)
        {
            if (!_startedByArgument || !(Receiver is IFieldSymbol or IPropertySymbol) || !(host.SemanticModel?.GetEnclosingSymbol(host.Syntax.SpanStart) is { } maker))
            {
                return false;
            }

            foreach (var member in Receiver.ContainingType.GetMembers().OfType<IMethodSymbol>())
            {
                if (!SymbolEqualityComparer.Default.Equals(member, maker) && SourceCallees.BodyOf(member, host, anyFile: true) is { } body &&
                    body.Descendants().Any(IsStart))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <paramref name="body"/> starts an operation with the socket args that raise this event (<c>if
        /// (!_socket.ReceiveAsync(_args)) Process(_args);</c>), itself or through a method of its type: an args object takes
        /// one operation at a time, so that code runs between the completions of its operations, not beside one. (What
        /// it does after an operation it started is still pending is not told apart.)
        /// </summary>
        public bool StartsNextOperationIn(IOperation body, IOperation caller) =>
            _startedByArgument && Receiver != null && body.Descendants().Any(operation => StartsHereOrInOwnCall(operation, caller, anyFile: true));

        /// <summary>The operation starts the source, or calls a method of the receiver's type (on this) that does.</summary>
        private bool StartsHereOrInOwnCall(IOperation operation, IOperation caller, bool anyFile) =>
            IsStart(operation) ||
            operation is IInvocationOperation { TargetMethod: var called } call && (call.Instance == null || Places.IsThis(call.Instance)) &&
            SymbolEqualityComparer.Default.Equals(called.ContainingType, Receiver!.ContainingType) &&
            SourceCallees.BodyOf(called, caller, anyFile) is { } callee && callee.Descendants().Any(IsStart);

        /// <summary>
        /// The event comes once per start of its source (a timer with <c>AutoReset = false</c>, <c>Process.Exited</c>,
        /// <c>BackgroundWorker.DoWork</c>) and <paramref name="handler"/> does not start a source of this kind again (a
        /// one-shot timer restarted at the end of its own handler runs again): the handler then runs once per start.
        /// </summary>
        public bool RaisesOnceFor(IOperation handler) =>
            _oncePerStart && !handler.DescendantsAndSelf().Any(operation => operation switch
            {
                IInvocationOperation call => _startCalls.Contains(call.TargetMethod.Name) && KnownSymbols.Is(call.TargetMethod.ContainingType, _source),
                ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: var property } } => property.Name == _startProperty && KnownSymbols.Is(property.ContainingType, _source),
                _ => false,
            });

        /// <summary>The operation starts the source: a start call on the receiver (or one taking it, for socket args), or its start property set true.</summary>
        private bool IsStart(IOperation operation) => operation switch
        {
            IInvocationOperation call when _startedByArgument => _startCalls.Contains(call.TargetMethod.Name) && call.Arguments.Any(argument => Holds(argument.Value)),
            IInvocationOperation { Instance: { } instance } call => _startCalls.Contains(call.TargetMethod.Name) && Holds(instance),
            ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: var set }, Instance: { } instance } } assignment =>
                set == _startProperty && assignment.Value.ConstantValue is { HasValue: true, Value: true } &&
                (Holds(instance) || (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } && MadeFor(assignment))),
            _ => false,
        };

        /// <summary>
        /// The receiver is a field (or auto-property) of the object that <paramref name="host"/>, one of its type's
        /// constructors, is building, given a new object in its declaration: nothing outside can have started it yet.
        /// </summary>
        private bool IsOwnedBy(IOperation host, IOperation subscription)
        {
            if (Receiver is not (IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false }) ||
                !(host.SemanticModel?.GetEnclosingSymbol(subscription.Syntax.SpanStart) is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor) ||
                !SymbolEqualityComparer.Default.Equals(constructor.ContainingType, Receiver.ContainingType))
            {
                return false;
            }

            var initializer = Receiver.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).Select(declaration => declaration switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            }).FirstOrDefault(value => value != null);
            return initializer is BaseObjectCreationExpressionSyntax;
        }

        /// <summary>The operation names the receiver (a local, parameter, field of this or static field).</summary>
        private bool Holds(IOperation operation) =>
            SymbolEqualityComparer.Default.Equals(Places.SharedObjectOf(SpawnClassifier.Unwrap(operation)), Receiver);

        /// <summary>An object initialiser's member assignment, in the creation of the object the receiver is given.</summary>
        private bool MadeFor(IOperation initializerMember)
        {
            var creation = initializerMember.Parent is IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation made } ? made : null;
            var value = creation == null ? null : SpawnClassifier.Wrapped(creation);

            return value?.Parent switch
            {
                ISimpleAssignmentOperation assignment => Holds(assignment.Target),
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => SymbolEqualityComparer.Default.Equals(declarator.Symbol, Receiver),
                _ => false,
            };
        }

        /// <summary>
        /// Handlers of this event and <paramref name="other"/> never run at the same time: one thread raises both, for
        /// the same receiver (or the same static event).
        /// </summary>
        public bool RunsApartFrom(OffThreadEvent other)
        {
            if (!Serial || !other.Serial || !SymbolEqualityComparer.Default.Equals(_source, other._source))
            {
                return false;
            }

            return (_static && other._static) || (Receiver != null && SymbolEqualityComparer.Default.Equals(Receiver, other.Receiver));
        }

        /// <summary>
        /// The operations of <paramref name="host"/> that return only once every handler of this event has run:
        /// <c>p.WaitForExit()</c> without a timeout (or with an infinite one) and an awaited <c>p.WaitForExitAsync(…)</c>
        /// on the same process.
        /// </summary>
        public List<IOperation> JoinsIn(IOperation host)
        {
            var joins = new List<IOperation>();
            if (!_joinedByWaitForExit || Receiver == null)
            {
                return joins;
            }

            foreach (var operation in host.DescendantsAndSelf())
            {
                if (!(operation is IInvocationOperation { Instance: { } instance } call) ||
                    !KnownSymbols.Is(call.TargetMethod.ContainingType, _source) ||
                    !SymbolEqualityComparer.Default.Equals(Places.SharedObjectOf(SpawnClassifier.Unwrap(instance)), Receiver))
                {
                    continue;
                }

                if (call.TargetMethod.Name == "WaitForExit" &&
                    (call.Arguments.Length == 0 || call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: -1 }))
                {
                    joins.Add(call);
                }
                else if (call.TargetMethod.Name == "WaitForExitAsync" && AwaitedValues.AwaitOf(call) is { } awaited)
                {
                    joins.Add(awaited);
                }
            }

            return joins;
        }

        /// <summary>
        /// <paramref name="release"/>, in the handler <paramref name="handler"/> (a lambda, or the delegate made of one), runs only in the call that ends the
        /// stream (under <c>if (e.Data == null)</c>): that call comes after every other call of the handler for this
        /// stream, so the release follows all of their accesses.
        /// </summary>
        public bool ReleasesAtEndOfStream(IOperation release, IOperation handler)
        {
            if (handler is IDelegateCreationOperation creation)
            {
                handler = creation.Target;
            }

            if (!_endsWithNullData || !(handler is IAnonymousFunctionOperation { Symbol: { Parameters: { Length: 2 } parameters } }))
            {
                return false;
            }

            var args = parameters[1];
            for (var node = release.Syntax; node != null && node != handler.Syntax; node = node.Parent)
            {
                // if (e.Data == null) { release } — or the else of if (e.Data != null).
                if ((node.Parent is IfStatementSyntax { Statement: var then } branch && then == node && TestsNullData(branch.Condition, args.Name) == true) ||
                    (node.Parent is ElseClauseSyntax { Parent: IfStatementSyntax otherwise } && TestsNullData(otherwise.Condition, args.Name) == false))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for a test that <c>e.Data</c> is null, false for one that it is not, null for any other condition.</summary>
        private static bool? TestsNullData(ExpressionSyntax condition, string args)
        {
            bool IsData(ExpressionSyntax e) =>
                e is MemberAccessExpressionSyntax { Name: { Identifier: { Text: "Data" } }, Expression: IdentifierNameSyntax { Identifier: { Text: var name } } } && name == args;

            bool IsNull(ExpressionSyntax e) => e.IsKind(SyntaxKind.NullLiteralExpression);

            bool ComparesDataToNull(BinaryExpressionSyntax binary) =>
                (IsData(binary.Left) && IsNull(binary.Right)) || (IsNull(binary.Left) && IsData(binary.Right));

            return condition switch
            {
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals when ComparesDataToNull(equals) => true,
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } notEquals when ComparesDataToNull(notEquals) => false,
                IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression: var constant } } pattern when IsData(pattern.Expression) && IsNull(constant) => true,
                IsPatternExpressionSyntax { Pattern: UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: var negated } } } pattern
                    when IsData(pattern.Expression) && IsNull(negated) => false,
                ParenthesizedExpressionSyntax parenthesized => TestsNullData(parenthesized.Expression, args),
                _ => null,
            };
        }

        private static bool NotNull(ExpressionSyntax value) => !value.IsKind(SyntaxKind.NullLiteralExpression);

        private static bool IsFalse(ExpressionSyntax value) => value.IsKind(SyntaxKind.FalseLiteralExpression);

        /// <summary>
        /// The receiver is given <paramref name="property"/> = a value that <paramref name="matches"/> where the file lets us
        /// see it: <c>x.P = v</c>, <c>this.x.P = v</c>, or <c>P = v</c> in the object initialiser of what is stored in x, in
        /// the member that declares a local or parameter, or in every part of the type that declares a field (the designer
        /// part of a form too). Read from syntax by name, so that the other parts need no semantic model.
        /// </summary>
        private static bool Sets(ISymbol? receiver, string property, Func<ExpressionSyntax, bool> matches)
        {
            if (receiver == null)
            {
                return false;
            }

            foreach (var root in SearchRoots(receiver))
            {
                foreach (var node in root.DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax { Left: MemberAccessExpressionSyntax { Name: { Identifier: { Text: var set } }, Expression: var target } } assignment &&
                        set == property && Names(target, receiver.Name) && matches(assignment.Right))
                    {
                        return true;
                    }

                    if (node is InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ObjectInitializerExpression, Parent: BaseObjectCreationExpressionSyntax creation } initializer &&
                        StoredIn(creation) == receiver.Name &&
                        initializer.Expressions.Any(e => e is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier: { Text: var member } } } a && member == property && matches(a.Right)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>A timer reached some other way: any <c>AutoReset = false</c> in the subscribing function, as before receivers were followed.</summary>
        private static bool SetsAutoResetFalseIn(IOperation host) =>
            host.Syntax.DescendantNodes().Any(node =>
                (node is AssignmentExpressionSyntax { Left: MemberAccessExpressionSyntax { Name: { Identifier: { Text: "AutoReset" } } } } a && IsFalse(a.Right)) ||
                (node is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier: { Text: "AutoReset" } }, Parent: InitializerExpressionSyntax } b && IsFalse(b.Right)));

        private static IEnumerable<SyntaxNode> SearchRoots(ISymbol receiver)
        {
            if (receiver is IFieldSymbol || receiver is IPropertySymbol)
            {
                return receiver.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax());
            }

            return receiver.DeclaringSyntaxReferences.Select(r => r.GetSyntax())
                .Select(declaration => declaration.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member && !(member is GlobalStatementSyntax)
                    ? (SyntaxNode)member
                    : declaration.SyntaxTree.GetRoot());
        }

        private static bool Names(ExpressionSyntax target, string name) => target switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.Text == name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: { Identifier: { Text: var member } } } => member == name,
            _ => false,
        };

        /// <summary>The name of the variable or field a new object goes into (<c>x = new T { … }</c>, <c>var x = new T { … }</c>); null otherwise.</summary>
        private static string? StoredIn(ExpressionSyntax creation)
        {
            SyntaxNode node = creation;
            while (node.Parent is ParenthesizedExpressionSyntax || node.Parent is CastExpressionSyntax)
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } => declarator.Identifier.Text,
                EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } => property.Identifier.Text,
                AssignmentExpressionSyntax assignment when assignment.Right == node => assignment.Left switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.Text,
                    MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: { Identifier: { Text: var member } } } => member,
                    _ => null,
                },
                _ => null,
            };
        }
    }
}
