using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ScopeEscapeAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE020 (a scope, borrow or scoped task escapes its scope) and SCOPE022 (a borrow used by work of a scope that
/// may outlive the borrow's Run): each hazard next to its safe twin.
/// </summary>
public class ScopeEscapeAnalyzerTests
{
    // ---- SCOPE022: a borrow handed to a longer scope ---------------------------------------------------------------

    [Fact]
    public Task SCOPE022_outer_scope_work_captures_the_borrow_of_a_stackalloc_buffer_of_an_inner_Run() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void M()
            {
                Scope.Run(outer =>
                {
                    Span<int> buffer = stackalloc int[16];
                    Scope.Run(buffer, (inner, borrowed) =>
                    {
                        outer.Spawn(() => {|SCOPE022:borrowed|}.Span.Fill(1));
                    });
                });
            }
        }
        """);

    [Fact]
    public Task Safe_twin_work_spawned_into_the_borrowing_Run_s_own_scope() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void M()
            {
                Scope.Run(outer =>
                {
                    Span<int> buffer = stackalloc int[16];
                    Scope.Run(buffer, (inner, borrowed) =>
                    {
                        inner.Spawn(() => borrowed.Span.Fill(1));
                        inner.Spawn(s => s.Spawn(() => borrowed.Span.Fill(2)));
                    });
                });
            }
        }
        """);

    [Fact]
    public Task SCOPE022_a_slice_spawned_into_the_outer_scope() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void M()
            {
                Scope.Run(outer =>
                {
                    Span<int> buffer = stackalloc int[16];
                    Scope.Run(buffer, (inner, borrowed) =>
                    {
                        outer.Spawn({|SCOPE022:borrowed.Slice(0, 8)|}, span => span.Clear());
                        inner.Spawn(borrowed.Slice(8), span => span.Clear());
                    });
                });
            }
        }
        """);

    [Fact]
    public Task SCOPE022_a_scope_from_the_caller_and_a_borrow_copied_to_a_local() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void Fill(Scope scope, Span<int> data)
            {
                Scope.Run(data, (inner, borrowed) =>
                {
                    var half = borrowed.Slice(0, borrowed.Length / 2);
                    scope.Spawn(() => {|SCOPE022:half|}.Span.Clear());
                });
            }
        }
        """);

    [Fact]
    public Task Safe_twin_a_scope_created_inside_the_borrowing_Run() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ScopeSafety;

        class C
        {
            void Fill(Scope scope, Span<int> data)
            {
                Scope.Run(data, (inner, borrowed) =>
                {
                    var half = borrowed.Slice(0, borrowed.Length / 2);
                    // The expression body makes the task the (discarded) result of Run: nothing escapes.
                    Scope.Run(nested => nested.Spawn(() => half.Span.Clear()));
                    scope.Spawn(() => Console.WriteLine("no borrow here"));
                });
            }
        }
        """);

    // ---- SCOPE020: escapes -----------------------------------------------------------------------------------------

    [Fact]
    public Task SCOPE020_scope_and_task_stored_in_fields() => Verify.VerifyAnalyzerAsync("""
        using ScopeSafety;

        class C
        {
            private Scope? _scope;
            private static ScopedTask? s_last;

            void M()
            {
                Scope.Run(scope =>
                {
                    _scope = {|SCOPE020:scope|};
                    s_last = {|SCOPE020:scope.Spawn(() => { })|};
                });
            }
        }
        """);

    [Fact]
    public Task Safe_twin_the_scope_passed_to_a_helper_that_spawns_and_returns() => Verify.VerifyAnalyzerAsync("""
        using ScopeSafety;

        class C
        {
            void M(int[] data)
            {
                Scope.Run(scope =>
                {
                    SpawnHalves(scope, data);
                    var local = scope.Spawn(() => data.Length);
                    local.Join();
                });
            }

            static void SpawnHalves(Scope scope, int[] data)
            {
                scope.Spawn(() => data[0]++);
                scope.Spawn(() => data[^1]++);
            }
        }
        """);

    [Fact]
    public Task Safe_twin_objects_that_end_with_the_body_may_hold_tasks() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using ScopeSafety;

        class Work
        {
            public ScopedTask<int>? Task { get; set; }
        }

        ref struct Context
        {
            public Scope Scope;
        }

        class C
        {
            int M()
            {
                return Scope.Run(scope =>
                {
                    var items = new List<Work>();
                    items.Add(new Work { Task = scope.Spawn(() => 1) });
                    var work = new Work();
                    work.Task = scope.Spawn(() => 2);
                    var context = new Context { Scope = scope };
                    context.Scope = scope;
                    var total = work.Task.Join();
                    foreach (var item in items) total += item.Task!.Join();
                    return total;
                });
            }
        }
        """);

    [Fact]
    public Task SCOPE020_a_member_of_an_object_that_outlives_the_body() => Verify.VerifyAnalyzerAsync("""
        using ScopeSafety;

        class Work
        {
            public ScopedTask<int>? Task;
        }

        class C
        {
            int M(Work work)
            {
                Scope.Run(scope =>
                {
                    work.Task = {|SCOPE020:scope.Spawn(() => 1)|};
                });
                return work.Task!.Join();
            }
        }
        """);

    [Fact]
    public Task SCOPE020_returned_from_the_body() => Verify.VerifyAnalyzerAsync("""
        using ScopeSafety;

        class C
        {
            void M()
            {
                var escaped = Scope.Run(scope => {|SCOPE020:scope|});
                var task = Scope.Run(scope =>
                {
                    return {|SCOPE020:scope.Spawn(() => 1)|};
                });
            }
        }
        """);

    [Fact]
    public Task Safe_twin_the_result_is_joined_inside_the_body() => Verify.VerifyAnalyzerAsync("""
        using ScopeSafety;

        class C
        {
            int M()
            {
                return Scope.Run(scope =>
                {
                    var nested = scope.Spawn(() => scope.Spawn(() => 1));
                    return nested.Join().Join();
                });
            }
        }
        """);

    [Fact]
    public Task SCOPE020_a_collection_and_a_local_that_outlive_the_body() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        class C
        {
            void M(int[] data)
            {
                var tasks = new List<ScopedTask>();
                SpanBorrow<int> kept = default;
                Scope.Run(data.AsSpan(), (scope, borrowed) =>
                {
                    tasks.Add({|SCOPE020:scope.Spawn(() => { })|});
                    kept = {|SCOPE020:borrowed|};
                });
                Console.WriteLine(tasks.Count + kept.Length);
            }
        }
        """);

    [Fact]
    public Task Safe_twin_a_collection_and_a_local_that_end_with_the_body() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        class C
        {
            long M(int[] data)
            {
                SpanBorrow<int> current = default;
                return Scope.Run(data.AsSpan(), (scope, borrowed) =>
                {
                    var parts = new List<ScopedTask<long>>();
                    current = borrowed;
                    parts.Add(scope.Spawn(() => (long)current.Length));
                    long total = 0;
                    foreach (var part in parts) total += part.Join();
                    return total;
                });
            }
        }
        """);

    [Fact]
    public Task SCOPE020_captured_by_unscoped_work() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(int[] data)
            {
                Scope.Run(data.AsSpan(), (scope, borrowed) =>
                {
                    _ = Task.Run(() => {|SCOPE020:scope|}.Spawn(() => { }));
                    ThreadPool.QueueUserWorkItem(_ => {|SCOPE020:borrowed|}.Span.Clear());
                });
            }
        }
        """);

    [Fact]
    public Task Safe_twin_structured_work_may_use_the_scope_and_the_borrow() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        class C
        {
            void M(int[] data)
            {
                Scope.Run(data.AsSpan(), (scope, borrowed) =>
                {
                    Parallel.For(0, 2, i => scope.Spawn(borrowed.Slice(i * 2, 2), span => span.Clear()));
                    Scope.Join(() => borrowed.Span[0]++, () => borrowed.Span[^1]++);
                });
            }
        }
        """);
}
