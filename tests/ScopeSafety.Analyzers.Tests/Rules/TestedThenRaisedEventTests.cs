using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;
using RaiseOnceFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.RaiseOnceFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 for an event tested for null and then raised (<c>if (Changed != null) Changed(this, e)</c>, two reads of its
/// field) in work that runs beside code removing its handlers: the removal between the two reads makes the raise throw.
/// Each hazard beside the twin that must stay silent. The class starts at line 7.
/// </summary>
public class TestedThenRaisedEventTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_thread_testing_then_raising_an_event_races_with_a_member_that_removes_a_handler() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        if (Changed != null) {|#0:Changed(this, EventArgs.Empty)|};
                    }
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Changed", "Source.Detach at line 22", "work started with new Thread at line 13", "test for null and then raise"));

    [Fact]
    public Task Raising_the_event_with_one_read_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        Changed?.Invoke(this, EventArgs.Empty);
                        var handler = Changed;
                        if (handler != null) handler(this, EventArgs.Empty);
                    }
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """);

    [Fact]
    public Task A_method_run_by_a_thread_that_returns_early_when_the_event_is_null_races_with_dispose_clearing_it() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source : IDisposable
        {
            private static event Action<int> Measured;

            public void Start() => new Thread({|#0:Loop|}).Start();

            private void Loop()
            {
                for (var i = 0; ; i++)
                {
                    if (Measured == null)
                    {
                        continue;
                    }

                    Measured.Invoke(i);
                }
            }

            public void Dispose() => Measured = null;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Source.Measured", "Source.Dispose at line 26", "work started with new Thread at line 11 (in Source.Loop)", "test for null and then raise"));

    [Fact]
    public Task Adding_handlers_beside_the_raise_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        if (Changed != null && Environment.TickCount > 0) Changed(this, EventArgs.Empty);
                    }
                }).Start();
            }

            public void Attach(EventHandler handler) => Changed += handler;
        }
        """);

    [Fact]
    public Task The_raise_and_the_removal_under_one_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source
        {
            private readonly object _gate = new object();
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        lock (_gate)
                        {
                            if (Changed != null) Changed(this, EventArgs.Empty);
                        }
                    }
                }).Start();
            }

            public void Detach(EventHandler handler)
            {
                lock (_gate)
                {
                    Changed -= handler;
                }
            }
        }
        """);

    [Fact]
    public Task Two_items_where_one_tests_and_raises_while_the_other_removes_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Run(EventHandler handler)
            {
                Parallel.Invoke(
                    () => { if (Changed is not null) Changed.Invoke(this, EventArgs.Empty); },
                    () => {|#0:Changed -= handler|});
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Changed", "work started with Parallel.Invoke at line 13", "work started with Parallel.Invoke at line 13", "test for null and then raise"));

    [Fact]
    public Task A_raise_that_is_not_guarded_by_a_test_of_the_same_object_is_not_this_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Run(Source other, EventHandler handler)
            {
                Parallel.Invoke(
                    () => { if (other.Changed != null) Changed?.Invoke(this, EventArgs.Empty); },
                    () => Changed -= handler);
            }
        }
        """);

    [Fact]
    public Task A_scope_body_removing_a_handler_while_its_item_tests_and_raises_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Model
        {
            public event EventHandler Changed;

            public void Run(EventHandler handler)
            {
                Scope.Run(scope =>
                {
                    scope.Spawn(() => { if (Changed != null) {|#0:Changed(this, EventArgs.Empty)|}; });
                    Changed -= handler;
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Changed", "the scope body at line 16", "work started with Scope.Spawn at line 15", "test for null and then raise"));

    [Fact]
    public Task A_removal_after_the_scope_has_joined_the_item_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Model
        {
            public event EventHandler Changed;

            public void Run(EventHandler handler)
            {
                Scope.Run(scope => scope.Spawn(() => { if (Changed != null) Changed(this, EventArgs.Empty); }));
                Changed -= handler;
            }
        }
        """);

    // ---- the fix: one read --------------------------------------------------------------------------------

    [Fact]
    public Task The_fix_raises_every_tested_raise_of_the_event_with_one_read() => RaiseOnceFix.VerifyCodeFixAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        // Tell the listeners.
                        if (Changed != null) {|SCOPE010:Changed(this, EventArgs.Empty)|};
                        if ((Changed is not null))
                        {
                            Changed.Invoke(this, EventArgs.Empty);
                        }
                    }
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """, Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        // Tell the listeners.
                        Changed?.Invoke(this, EventArgs.Empty);
                        Changed?.Invoke(this, EventArgs.Empty);
                    }
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """);

    [Fact]
    public Task The_fix_at_the_removal_rewrites_the_raise_of_the_other_item() => RaiseOnceFix.VerifyCodeFixAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Run(EventHandler handler)
            {
                Parallel.Invoke(
                    () => { if (Changed != null) Changed(this, EventArgs.Empty); },
                    () => {|SCOPE010:Changed -= handler|});
            }
        }
        """, Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Run(EventHandler handler)
            {
                Parallel.Invoke(
                    () => { Changed?.Invoke(this, EventArgs.Empty); },
                    () => Changed -= handler);
            }
        }
        """);

    [Fact]
    public Task The_fix_reads_the_test_as_the_rule_does() => RaiseOnceFix.VerifyCodeFixAsync(Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    if (!(this.Changed == null)) {|SCOPE010:Changed(this, EventArgs.Empty)|};
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """, Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    Changed?.Invoke(this, EventArgs.Empty);
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """);

    [Fact]
    public Task No_fix_when_one_tested_raise_has_another_shape() => RaiseOnceFix.VerifyCodeFixAsync(TwoShapes, TwoShapes);

    private const string TwoShapes = Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start(bool loud)
            {
                new Thread(() =>
                {
                    if (Changed != null) {|SCOPE010:Changed(this, EventArgs.Empty)|};
                    if (Changed != null && loud) Changed(this, EventArgs.Empty);
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """;

    // The fixes for a field do not apply to an event: none may be offered for it.

    [Fact]
    public Task No_interlocked_fix_for_the_event() =>
        Verifiers.CSharpCodeFixVerifier<ConcurrentAccessAnalyzer, CodeFixes.InterlockedFixer>.VerifyCodeFixAsync(TestedRaise, TestedRaise);

    [Fact]
    public Task No_lock_field_fix_for_the_event() =>
        Verifiers.CSharpCodeFixVerifier<ConcurrentAccessAnalyzer, CodeFixes.LockFieldFixer>.VerifyCodeFixAsync(TestedRaise, TestedRaise);

    [Fact]
    public Task No_volatile_fix_for_the_event() =>
        Verifiers.CSharpCodeFixVerifier<ConcurrentAccessAnalyzer, CodeFixes.VolatileFlagFixer>.VerifyCodeFixAsync(TestedRaise, TestedRaise);

    [Fact]
    public Task No_type_lock_fix_for_the_event() =>
        Verifiers.CSharpCodeFixVerifier<ConcurrentAccessAnalyzer, CodeFixes.TakeTheTypesLockFixer>.VerifyCodeFixAsync(TestedRaise, TestedRaise);

    private const string TestedRaise = Usings + """
        class Source
        {
            public event EventHandler Changed;

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        if (Changed != null) {|SCOPE010:Changed(this, EventArgs.Empty)|};
                    }
                }).Start();
            }

            public void Detach(EventHandler handler) => Changed -= handler;
        }
        """;
}
