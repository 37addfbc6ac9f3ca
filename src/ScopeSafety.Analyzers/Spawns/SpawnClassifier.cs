using System;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ScopeSafety.Analyzers.Configuration;
using ScopeSafety.Analyzers.Flow;
using ScopeSafety.Analyzers.Symbols;

namespace ScopeSafety.Analyzers.Spawns
{
    /// <summary>
    /// Recognises delegates handed to APIs that run them on another thread, by symbol. The one place every rule
    /// asks "is this a spawn, and which kind?".
    /// </summary>
    internal sealed partial class SpawnClassifier
    {
        private readonly KnownSymbols _symbols;

        public SpawnClassifier(KnownSymbols symbols) => _symbols = symbols;

        public KnownSymbols Symbols => _symbols;

        /// <summary>
        /// The display name of the built-in unscoped API <paramref name="operation"/> hands work to ("Task.Run", "new Thread",
        /// …, the names diagnostics carry in Properties["Api"]); null when it starts no unscoped work. What a fix asks
        /// before it decides whether it can rewrite the shape.
        /// </summary>
        public static string? UnscopedApiOf(IOperation? operation, KnownSymbols symbols)
        {
            if (operation == null)
            {
                return null;
            }

            foreach (var site in new SpawnClassifier(symbols).Classify(operation, SpawnOptions.Empty))
            {
                if (site.Kind == SpawnKind.Unscoped)
                {
                    return site.Api;
                }
            }

            return null;
        }

        /// <summary>The spawn sites of an invocation or object creation; empty when it hands no delegate to a spawn API.</summary>
        public ImmutableArray<SpawnSite> Classify(IOperation operation, SpawnOptions options)
        {
            switch (operation)
            {
                case IInvocationOperation invocation when invocation.TargetMethod != null:
                    return Classify(operation, invocation.TargetMethod, invocation.Instance, invocation.Arguments, options);
                case IObjectCreationOperation creation when creation.Constructor != null:
                    return Classify(operation, creation.Constructor, null, creation.Arguments, options);
                default:
                    return ImmutableArray<SpawnSite>.Empty;
            }
        }

        private ImmutableArray<SpawnSite> Classify(IOperation operation, IMethodSymbol method, IOperation? instance, ImmutableArray<IArgumentOperation> arguments, SpawnOptions options) =>
            BuiltIn(method, instance, arguments) is { } api
                ? Sites(operation, arguments, api.Kind, api.Name, api.Handle, api.Overlaps, onlyParameter: null, api.Paused, ticks: api.Overlaps, late: api.Late)
                : ClassifyUserApi(operation, method, arguments, options);

        /// <summary>
        /// The .NET or ScopeSafety API the call or creation hands work to, with what it does with it; null for any other method.
        /// Overlaps: the API may run the work again while it runs, which of these only a periodic timer does, tick by tick.
        /// </summary>
        private (SpawnKind Kind, string Name, HandleKind Handle, bool Overlaps, bool Paused, bool Late)? BuiltIn(IMethodSymbol method, IOperation? instance, ImmutableArray<IArgumentOperation> arguments)
        {
            var type = method.ContainingType;
            var name = method.Name;
            SpawnKind kind;
            string api;
            var handle = HandleKind.None;
            var overlaps = false;
            var paused = false;
            var late = false;

            if (KnownSymbols.Is(type, _symbols.Tasks.Task) && method.IsStatic && name == "Run")
            {
                (kind, api, handle) = (SpawnKind.Unscoped, "Task.Run", HandleKind.Task);
            }
            else if ((KnownSymbols.Is(type, _symbols.Tasks.TaskFactory) || KnownSymbols.Is(type, _symbols.Tasks.TaskFactoryOfT)) && name == "StartNew")
            {
                api = IsTaskFactoryProperty(instance) ? "Task.Factory.StartNew" : "TaskFactory.StartNew";
                (kind, handle) = (SpawnKind.Unscoped, HandleKind.Task);
            }
            else if ((KnownSymbols.Is(type, _symbols.Tasks.Task) || KnownSymbols.Is(type, _symbols.Tasks.TaskOfT)) && !method.IsStatic && name == "ContinueWith")
            {
                (kind, api, handle) = (SpawnKind.Unscoped, "Task.ContinueWith", HandleKind.Task);
            }
            else if ((KnownSymbols.Is(type, _symbols.Tasks.TaskFactory) || KnownSymbols.Is(type, _symbols.Tasks.TaskFactoryOfT)) && (name == "ContinueWhenAll" || name == "ContinueWhenAny"))
            {
                // Runs on the pool once all (or one) of its antecedents end, like ContinueWith.
                (kind, api, handle) = (SpawnKind.Unscoped, "Task.Factory." + name, HandleKind.Task);
            }
            else if (KnownSymbols.Is(type, _symbols.Threading.ThreadPool) && (name == "QueueUserWorkItem" || name == "UnsafeQueueUserWorkItem"))
            {
                (kind, api) = (SpawnKind.Unscoped, "ThreadPool." + name);
            }
            else if ((KnownSymbols.Is(type, _symbols.Tasks.Task) || KnownSymbols.Is(type, _symbols.Tasks.TaskOfT)) && method.MethodKind == MethodKind.Constructor)
            {
                // new Task(...): runs on the pool from its Start call on (RunSynchronously runs it on the caller).
                (kind, api, handle) = (SpawnKind.Unscoped, "new Task", HandleKind.Task);
            }
            else if (KnownSymbols.Is(type, _symbols.Threading.Thread) && method.MethodKind == MethodKind.Constructor)
            {
                (kind, api, handle) = (SpawnKind.Unscoped, "new Thread", HandleKind.Thread);
            }
            else if (KnownSymbols.Is(type, _symbols.Threading.Timer) && method.MethodKind == MethodKind.Constructor)
            {
                (kind, api, overlaps, paused) = (SpawnKind.Unscoped, "new Timer", IsPeriodic(arguments), IsPaused(arguments));
                late = !paused && IsDueLate(arguments);
            }
            else if (IsBeginMethod(method))
            {
                (kind, api) = (SpawnKind.Unscoped, type.Name + "." + name);
            }
            else if (KnownSymbols.Is(type, _symbols.Tasks.Parallel) && (name == "For" || name == "ForEach" || name == "Invoke"))
            {
                (kind, api) = (SpawnKind.Structured, "Parallel." + name);
            }
            else if (KnownSymbols.Is(type, _symbols.Tasks.ParallelEnumerable) && name == "ForAll")
            {
                (kind, api) = (SpawnKind.Structured, "ForAll");
            }
            else if (_symbols.Runtime.IsSpawn(method) || RuntimeSymbols.IsIn(_symbols.Runtime.Join, method))
            {
                (kind, api) = (SpawnKind.Structured, "Scope." + name);
            }
            else if (KnownSymbols.Is(type, _symbols.Runtime.Scope) && (name == "Run" || name == "RunAsync"))
            {
                (kind, api) = (SpawnKind.ScopeBody, "Scope." + name);
            }
            else
            {
                return null;
            }

            return (kind, api, handle, overlaps, paused, late);
        }

        /// <summary>
        /// A Begin method of the asynchronous programming model (<c>socket.BeginAccept(OnAccept, null)</c>,
        /// <c>stream.BeginRead(buffer, 0, n, OnRead, state)</c>): it returns an IAsyncResult and takes an AsyncCallback,
        /// which runs when the operation completes, on an I/O or pool thread, beside the code that called it (or inside the
        /// call, when it completes at once). A delegate type's own BeginInvoke runs the delegate itself, not only the
        /// callback, and is left out.
        /// </summary>
        private bool IsBeginMethod(IMethodSymbol method) =>
            method.Name.StartsWith("Begin", StringComparison.Ordinal) && method.ContainingType.TypeKind != TypeKind.Delegate &&
            _symbols.Threading.AsyncResult != null && KnownSymbols.Is(method.ReturnType, _symbols.Threading.AsyncResult) &&
            method.Parameters.Any(parameter => KnownSymbols.Is(parameter.Type, _symbols.Threading.AsyncCallback));

        /// <summary>A Timer whose period is not the constant Timeout.Infinite (-1) may run its callback again while it still runs.</summary>
        private static bool IsPeriodic(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name != "period")
                {
                    continue;
                }

                return !IsInfinite(argument.Value);
            }

            // new Timer(callback): no period until Change sets one; Change with a period is not followed.
            return false;
        }

        /// <summary>
        /// A Timer created (or changed, by Change's arguments) with a due time of Timeout.Infinite, or with none, does not
        /// run until a Change with a due time starts it.
        /// </summary>
        public static bool IsPaused(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == "dueTime")
                {
                    return IsInfinite(argument.Value);
                }
            }

            // new Timer(callback): an infinite due time and period.
            return true;
        }

        /// <summary>
        /// The shortest due time, in milliseconds, that no stall of the creating thread between making a timer and storing
        /// it lasts: a tenth of a second, ten times a Windows scheduler quantum. A timer due later cannot run before the
        /// statement that made it ends (<see cref="SpawnSite.StartsLate"/>).
        /// </summary>
        internal const double LateDueMilliseconds = 100;

        /// <summary>
        /// A Timer created with a due time that is a constant of at least <see cref="LateDueMilliseconds"/>: an
        /// integer or a constant TimeSpan (<c>TimeSpan.FromSeconds(30)</c>, <c>new TimeSpan(0, 5, 0)</c>). A due time
        /// read from a field, a parameter or a setting may be zero, and is not late.
        /// </summary>
        private static bool IsDueLate(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Name == "dueTime")
                {
                    return ConstantMilliseconds(argument.Value) >= LateDueMilliseconds;
                }
            }

            return false;
        }

        /// <summary>The milliseconds of a constant due time; null when it is not a constant, or negative parts make it unclear.</summary>
        private static double? ConstantMilliseconds(IOperation value)
        {
            if (ConstantNumber(value) is { } number)
            {
                return number;
            }

            switch (Unwrap(value))
            {
                case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType: { Name: "TimeSpan" } } call } invocation
                    when IsSystemType(call.ContainingType) && invocation.Arguments.Length > 0 && Unit(call.Name) is { } unit:
                    // FromSeconds(30), and .NET 9's FromSeconds(seconds, milliseconds, …), whose later parts, each of a
                    // smaller unit, only add: the first alone is a lower bound.
                    return NonNegativeConstants(invocation.Arguments) is { } parts ? parts[0] * unit : null;
                case IObjectCreationOperation { Constructor: { ContainingType: { Name: "TimeSpan" } } constructor } creation
                    when IsSystemType(constructor.ContainingType):
                    return NonNegativeConstants(creation.Arguments) is { } values ? TimeSpanMilliseconds(values) : null;
                default:
                    return null;
            }
        }

        private static bool IsSystemType(INamedTypeSymbol type) =>
            type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

        private static double? Unit(string name) => name switch
        {
            "FromMilliseconds" => 1,
            "FromSeconds" => 1_000,
            "FromMinutes" => 60_000,
            "FromHours" => 3_600_000,
            "FromDays" => 86_400_000,
            _ => null,
        };

        // new TimeSpan(ticks), (hours, minutes, seconds), (days, hours, minutes, seconds[, milliseconds[, microseconds]]).
        private static double? TimeSpanMilliseconds(double[] values) => values.Length switch
        {
            1 => values[0] / 10_000,
            3 => ((values[0] * 60 + values[1]) * 60 + values[2]) * 1_000,
            >= 4 => (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1_000 + (values.Length > 4 ? values[4] : 0),
            _ => null,
        };

        private static double[]? NonNegativeConstants(ImmutableArray<IArgumentOperation> arguments)
        {
            var values = new double[arguments.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                if (!(ConstantNumber(arguments[i].Value) is { } number) || number < 0)
                {
                    return null;
                }

                values[i] = number;
            }

            return values;
        }

        /// <summary>The value of a numeric constant (<c>5 * 60 * 1000</c>, <c>Timeout.Infinite</c>); null for anything else.</summary>
        private static double? ConstantNumber(IOperation value) =>
            value.ConstantValue is { HasValue: true, Value: IConvertible number } && !(number is string) ? number.ToDouble(null) : null;

        /// <summary>The constant Timeout.Infinite (-1), or Timeout.InfiniteTimeSpan.</summary>
        private static bool IsInfinite(IOperation value)
        {
            if (ConstantNumber(value) == -1)
            {
                return true;
            }

            return Unwrap(value) is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", IsStatic: true } };
        }

        private ImmutableArray<SpawnSite> ClassifyUserApi(IOperation operation, IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments, SpawnOptions options)
        {
            // Cheap filter first: most calls take no delegate at all.
            if (!HasDelegateArgument(arguments))
            {
                return ImmutableArray<SpawnSite>.Empty;
            }

            var api = UserApiName(method);
            var handle = HandleOf(method);
            var listed = options.Classify(method);
            if (listed.HasValue)
            {
                return Sites(operation, arguments, listed.Value ? SpawnKind.Unscoped : SpawnKind.Structured, api, handle, overlaps: false, onlyParameter: null);
            }

            // Marks on the parameters say what the method does; failing those, a method that only starts its delegate, one
            // that starts every delegate of a collection, or one that starts its delegate once per round of a loop.
            var builder = ImmutableArray.CreateBuilder<SpawnSite>();
            if (_symbols.Runtime.UnscopedWorkAttribute != null || _symbols.Runtime.StructuredWorkAttribute != null)
            {
                foreach (var argument in arguments)
                {
                    if (argument.Parameter is { } parameter && MarkedKind(parameter) is { } marked)
                    {
                        builder.AddRange(Sites(operation, ImmutableArray.Create(argument), marked, api, handle, overlaps: false, onlyParameter: parameter));
                    }
                }
            }

            if (builder.Count > 0)
            {
                return builder.ToImmutable();
            }

            // The work the argument for the inferred parameter hands over, started as the method's body does.
            ImmutableArray<SpawnSite> SitesOf(IParameterSymbol inferred, SpawnKind kind, bool overlaps, bool ticks = false)
            {
                foreach (var argument in arguments)
                {
                    if (argument.Parameter != null && SymbolEqualityComparer.Default.Equals(argument.Parameter.OriginalDefinition, inferred))
                    {
                        return Sites(operation, ImmutableArray.Create(argument), kind, api, handle, overlaps, onlyParameter: argument.Parameter, ticks: ticks);
                    }
                }

                return ImmutableArray<SpawnSite>.Empty;
            }

            return WrappedParameter(method, operation) is { } wrapped ? SitesOf(wrapped.Parameter, SpawnKind.Unscoped, wrapped.Overlaps, wrapped.Ticks)
                : EachElementParameter(method, operation) is { } each ? SitesOf(each.Parameter, each.Kind, overlaps: false)
                : EachRoundParameter(method, operation) is { } round ? SitesOf(round.Parameter, round.Kind, overlaps: true)
                : ImmutableArray<SpawnSite>.Empty;
        }

        /// <summary>What <paramref name="find"/> reads from a method's body, read once per method (a helper is called from many places).</summary>
        private static T? Once<T>(ConditionalWeakTable<IMethodSymbol, StrongBox<T?>> answers, IMethodSymbol method, Func<T?> find)
            where T : struct =>
            answers.GetValue(method, _ => new StrongBox<T?>(find())).Value;

        private static readonly ConditionalWeakTable<IMethodSymbol, StrongBox<(IParameterSymbol Parameter, bool Overlaps, bool Ticks)?>> Wrappers =
            new ConditionalWeakTable<IMethodSymbol, StrongBox<(IParameterSymbol Parameter, bool Overlaps, bool Ticks)?>>();

        /// <summary>
        /// The delegate parameter a project method only starts elsewhere: its body hands the parameter (or a lambda that
        /// only calls it) to a .NET API that starts unscoped work, calls it nowhere else, and waits for nothing (no await,
        /// Join, Wait or Result), as in <c>static void StartThread(ThreadStart start) =&gt; new Thread(start).Start();</c>.
        /// A call of it then starts that work as the API would. Null for any other method, and for one whose body is not
        /// in this compilation or may be replaced (abstract, virtual, an override, an extension's reduced form).
        /// </summary>
        private (IParameterSymbol Parameter, bool Overlaps, bool Ticks)? WrappedParameter(IMethodSymbol method, IOperation caller)
        {
            var definition = method.OriginalDefinition;
            if (!IsReadableHelper(definition) || !definition.Parameters.Any(parameter => parameter.Type.TypeKind == TypeKind.Delegate))
            {
                return null;
            }

            return Once(Wrappers, definition, () => FindWrappedParameter(definition, caller));
        }

        // The parameter, whether the API may run it again while it runs (a periodic timer, or a start in each round of a
        // loop), and whether those runs are a periodic timer's ticks.
        private (IParameterSymbol Parameter, bool Overlaps, bool Ticks)? FindWrappedParameter(IMethodSymbol method, IOperation caller)
        {
            if (!(Concurrency.SourceCallees.BodyOf(method, caller, anyFile: true) is { } body))
            {
                return null;
            }

            IParameterSymbol? started = null;
            var startedAt = default(IOperation);
            var overlaps = false;
            var ticks = false;
            foreach (var operation in body.Descendants())
            {
                if (IsWait(operation))
                {
                    return null;
                }

                var (api, spawnArguments) = operation switch
                {
                    IInvocationOperation { TargetMethod: { } target } call => (BuiltIn(target, call.Instance, call.Arguments), call.Arguments),
                    IObjectCreationOperation { Constructor: { } constructor } creation => (BuiltIn(constructor, null, creation.Arguments), creation.Arguments),
                    _ => (null, ImmutableArray<IArgumentOperation>.Empty),
                };
                if (api is not { Kind: SpawnKind.Unscoped })
                {
                    continue;
                }

                foreach (var argument in spawnArguments)
                {
                    // Only the API's own delegate: one handed on as state (QueueUserWorkItem(cb, work)) runs only if cb calls it.
                    if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate && StartedParameter(argument.Value, method) is { } parameter)
                    {
                        if (started != null)
                        {
                            return null;
                        }

                        // A periodic timer, or a start in each round of a loop, runs it again while it runs.
                        (started, startedAt, ticks) = (parameter, argument, api.Value.Overlaps);
                        overlaps = ticks || StartsEachRound(operation, body);
                    }
                }
            }

            // Called or handed on anywhere else, the delegate also runs where the method does.
            return started != null && !body.Descendants().Any(operation => operation is IParameterReferenceOperation reference &&
                                                                              SymbolEqualityComparer.Default.Equals(reference.Parameter, started) &&
                                                                              !startedAt!.Syntax.Span.Contains(reference.Syntax.Span))
                ? (started, overlaps, ticks)
                : null;
        }

        /// <summary>
        /// A project method whose body the analyzers read to tell what it does with its delegates: an ordinary method declared
        /// once, that no override can replace.
        /// </summary>
        private static bool IsReadableHelper(IMethodSymbol definition) =>
            definition.MethodKind == MethodKind.Ordinary && !definition.IsAbstract && !definition.IsVirtual && !definition.IsOverride && !definition.IsExtern &&
            definition.DeclaringSyntaxReferences.Length == 1;

        /// <summary>An operation that waits, by name: an await, Join, Wait, WaitAll, WaitAny, WaitOne, SignalAndWait, GetResult, RunSynchronously or Result.</summary>
        private static bool IsWait(IOperation operation) =>
            operation is IAwaitOperation ||
            operation is IInvocationOperation { TargetMethod.Name: "Join" or "Wait" or "WaitAll" or "WaitAny" or "WaitOne" or "SignalAndWait" or "GetResult" or "RunSynchronously" } ||
            operation is IPropertyReferenceOperation { Property.Name: "Result" };

        /// <summary>The method's delegate parameter a spawn's argument starts: the parameter itself, <c>p.Invoke</c>, or a lambda that only calls it.</summary>
        private static IParameterSymbol? StartedParameter(IOperation value, IMethodSymbol method)
        {
            var reference = Unwrap(value) switch
            {
                IParameterReferenceOperation parameter => parameter,
                IDelegateCreationOperation { Target: IMethodReferenceOperation { Method.Name: "Invoke", Instance: { } invoked } } => Unwrap(invoked) as IParameterReferenceOperation,
                IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Body.Operations: var statements } } when OnlyCall(statements) is { Instance: { } invoked } =>
                    Unwrap(invoked) as IParameterReferenceOperation,
                _ => null,
            };
            return reference != null && reference.Parameter.Type.TypeKind == TypeKind.Delegate && SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, method)
                ? reference.Parameter
                : null;
        }

        // The delegate call a lambda's body makes and nothing else: () => start(), _ => start(), with or without a return.
        private static IInvocationOperation? OnlyCall(ImmutableArray<IOperation> statements) =>
            statements.Length is 1 or 2 && (statements.Length == 1 || statements[1] is IReturnOperation { ReturnedValue: null }) &&
            (statements[0] is IExpressionStatementOperation { Operation: IInvocationOperation call } ? call
                : statements[0] is IReturnOperation { ReturnedValue: IInvocationOperation returned } ? returned : null) is { TargetMethod.MethodKind: MethodKind.DelegateInvoke } only
                ? only
                : null;

        private static bool HasDelegateArgument(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                var value = Unwrap(argument.Value);
                if (value is IDelegateCreationOperation || value is IArrayCreationOperation || value is ICollectionExpressionOperation ||
                    value is ILocalReferenceOperation { Local: { Type: { TypeKind: TypeKind.Delegate } } })
                {
                    return true;
                }
            }

            return false;
        }

        private SpawnKind? MarkedKind(IParameterSymbol parameter)
        {
            var definition = parameter.OriginalDefinition;
            if (definition.ContainingSymbol is IMethodSymbol { ReducedFrom: { } reducedFrom } && definition.Ordinal + 1 < reducedFrom.Parameters.Length)
            {
                definition = reducedFrom.Parameters[definition.Ordinal + 1];
            }

            foreach (var attribute in definition.GetAttributes())
            {
                if (KnownSymbols.Is(attribute.AttributeClass, _symbols.Runtime.UnscopedWorkAttribute))
                {
                    return SpawnKind.Unscoped;
                }

                if (KnownSymbols.Is(attribute.AttributeClass, _symbols.Runtime.StructuredWorkAttribute))
                {
                    return SpawnKind.Structured;
                }
            }

            return null;
        }

        private static ImmutableArray<SpawnSite> Sites(IOperation operation, ImmutableArray<IArgumentOperation> arguments, SpawnKind kind, string api, HandleKind handle, bool overlaps, IParameterSymbol? onlyParameter, bool paused = false,
            bool ticks = false, bool late = false)
        {
            var builder = ImmutableArray.CreateBuilder<SpawnSite>();
            foreach (var argument in arguments)
            {
                if (argument.Parameter == null || (onlyParameter != null && !SymbolEqualityComparer.Default.Equals(argument.Parameter, onlyParameter)))
                {
                    continue;
                }

                var value = Unwrap(argument.Value);
                if (argument.Parameter.Type.TypeKind == TypeKind.Delegate && (value is ILocalReferenceOperation || value is IDelegateCreationOperation))
                {
                    if (HandedDelegate(value, operation) is { } handed)
                    {
                        builder.Add(new SpawnSite(kind, api, operation, handed, handle, overlaps, paused, ticks: ticks, startsLate: late));
                    }

                    continue;
                }

                // params Action[] / params ReadOnlySpan<Action> (Parallel.Invoke): each element is work.
                var elements = value switch
                {
                    IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                    ICollectionExpressionOperation collection => collection.Elements,
                    _ => ImmutableArray<IOperation>.Empty,
                };

                foreach (var element in elements)
                {
                    if (Unwrap(element) is IDelegateCreationOperation creation)
                    {
                        builder.Add(new SpawnSite(kind, api, operation, creation, handle, overlaps, paused, ticks: ticks, startsLate: late));
                    }
                }
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// The lambda, anonymous method or method group <paramref name="value"/> hands to <paramref name="spawn"/>: the
        /// value itself, or what a delegate local certainly holds there (see <see cref="DelegateAssignedTo"/>); null otherwise.
        /// </summary>
        public static IDelegateCreationOperation? HandedDelegate(IOperation value, IOperation spawn) => Unwrap(value) switch
        {
            IDelegateCreationOperation creation => creation,
            ILocalReferenceOperation reference => DelegateAssignedTo(reference.Local, spawn),
            _ => null,
        };

        /// <summary>
        /// The lambda, anonymous method or method group a delegate local holds at <paramref name="spawn"/>, when that is
        /// certain: the local is declared and given its one value (initialiser or one simple assignment) in the function
        /// that spawns, and nothing else writes it (no second assignment, ref/out, ref alias or address). Null otherwise.
        /// </summary>
        private static IDelegateCreationOperation? DelegateAssignedTo(ILocalSymbol local, IOperation spawn) =>
            DelegateHeldBy(local, spawn, Functions.EnclosingFunction(spawn), anyFunction: false);

        /// <summary>
        /// The lambda, anonymous method or method group a delegate local invoked at <paramref name="use"/> holds: as
        /// for a spawn, but the local may be declared in a function around the one that uses it (work calling a
        /// delegate its host made). Null when that is not certain.
        /// </summary>
        public static IDelegateCreationOperation? DelegateInvokedAt(ILocalSymbol local, IOperation use) =>
            DelegateHeldBy(local, use, null, anyFunction: true);

        /// <summary>
        /// The one delegate creation given to <paramref name="local"/> (see <see cref="Flow.LocalValues.OnlyValue"/>), in
        /// <paramref name="function"/> (with <paramref name="anyFunction"/>: in the function that declares it).
        /// </summary>
        private static IDelegateCreationOperation? DelegateHeldBy(ILocalSymbol local, IOperation use, IOperation? function, bool anyFunction) =>
            local.Type.TypeKind == TypeKind.Delegate &&
            Flow.LocalValues.OnlyValue(local, use, anyFunction ? null : function) is { } value
                ? Unwrap(value) as IDelegateCreationOperation
                : null;

        private HandleKind HandleOf(IMethodSymbol method)
        {
            var returned = method.MethodKind == MethodKind.Constructor ? method.ContainingType : method.ReturnType;
            return _symbols.Tasks.IsTask(returned) ? HandleKind.Task : _symbols.Threading.IsThread(returned) ? HandleKind.Thread : HandleKind.None;
        }

        private static string UserApiName(IMethodSymbol method) =>
            method.MethodKind == MethodKind.Constructor ? "new " + method.ContainingType.Name : method.ContainingType.Name + "." + method.Name;

        private bool IsTaskFactoryProperty(IOperation? instance) =>
            instance is IPropertyReferenceOperation { Property: { Name: "Factory", IsStatic: true } property } &&
            (KnownSymbols.Is(property.ContainingType, _symbols.Tasks.Task) || KnownSymbols.Is(property.ContainingType, _symbols.Tasks.TaskOfT));

        /// <summary>Removes conversions and parentheses around a value.</summary>
        public static IOperation Unwrap(IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        break;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        break;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The value with the conversions and parentheses around it: the operand its parent operation sees (the other way from <see cref="Unwrap"/>).</summary>
        public static IOperation Wrapped(IOperation operation)
        {
            while (operation.Parent is IConversionOperation or IParenthesizedOperation)
            {
                operation = operation.Parent;
            }

            return operation;
        }
    }
}
