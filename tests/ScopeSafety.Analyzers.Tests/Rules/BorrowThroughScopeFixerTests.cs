using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ScopeSafety.Analyzers.Tests.Infrastructure;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ScopeEscapeAnalyzer,
    ScopeSafety.CodeFixes.BorrowThroughScopeFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// "Borrow through a scope": the compiler refuses a span or a ref captured by work (CS8175, CS9108, CS1628); the
/// fix hands the variable over through Scope.Run(span, (scope, borrowed) => …). The fixed programs are also compiled
/// and run: each computes what the same program over an array (which compiles as it is) computes. The fixed code is
/// analyzed by SCOPE020/SCOPE022 too: a borrow the fix writes never outlives its scope.
/// </summary>
public class BorrowThroughScopeFixerTests
{
    private const string TaskRunStackalloc = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run()
            {
                Span<int> numbers = stackalloc int[1000];
                for (var i = 0; i < numbers.Length; i++) numbers[i] = i;
                var upper = Task.Run(() =>
                {
                    long sum = 0;
                    foreach (var x in {|CS8175:numbers|}[500..]) sum += x;
                    return sum;
                });
                long lower = 0;
                foreach (var x in numbers[..500]) lower += x;
                return lower + upper.Result;
            }
        }
        """;

    private const string TaskRunStackallocFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                Span<int> numbers = stackalloc int[1000];
                for (var i = 0; i < numbers.Length; i++) numbers[i] = i;
                return Scope.Run(numbers, (scope, borrowed) =>
                {
                    var upper = scope.Spawn(() =>
                    {
                        long sum = 0;
                        foreach (var x in borrowed.Span[500..]) sum += x;
                        return sum;
                    });
                    long lower = 0;
                    foreach (var x in borrowed.Span[..500]) lower += x;
                    return lower + upper.Join();
                });
            }
        }
        """;

    private const string ThreadSpanParameter = """
        using System;
        using System.Threading;

        public static class Program
        {
            public static long Run() => Fill(new long[64]);

            static long Fill(Span<long> cells)
            {
                var worker = new Thread(() =>
                {
                    for (var i = 0; i < {|CS9108:cells|}.Length; i += 2) {|CS9108:cells|}[i] = i;
                });
                worker.Start();
                for (var i = 1; i < cells.Length; i += 2) cells[i] = -i;
                worker.Join();
                long total = 0;
                foreach (var c in cells) total += c;
                return total;
            }
        }
        """;

    private const string ThreadSpanParameterFixed = """
        using System;
        using System.Threading;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => Fill(new long[64]);

            static long Fill(Span<long> cells)
            {
                Scope.Run(cells, (scope, borrowed) =>
                {
                    var worker = scope.Spawn(() =>
                    {
                        for (var i = 0; i < borrowed.Span.Length; i += 2) borrowed.Span[i] = i;
                    });
                    for (var i = 1; i < borrowed.Span.Length; i += 2) borrowed.Span[i] = -i;
                    worker.Join();
                });
                long total = 0;
                foreach (var c in cells) total += c;
                return total;
            }
        }
        """;

    private const string RefParameterTaskRun = """
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run()
            {
                long total = 10;
                Add(ref total, 32);
                return total;
            }

            static void Add(ref long total, long amount)
            {
                var t = Task.Run(() => {|CS1628:total|} += amount);
                t.Wait();
            }
        }
        """;

    private const string RefParameterTaskRunFixed = """
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                long total = 10;
                Add(ref total, 32);
                return total;
            }

            static void Add(ref long total, long amount)
            {
                Scope.Run(ref total, (scope, borrowed) =>
                {
                    var t = scope.Spawn(() => borrowed.Value += amount);
                    t.Join();
                });
            }
        }
        """;

    private const string RefLocalParallelFor = """
        using System.Threading;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run()
            {
                var counters = new long[4];
                ref long slot = ref counters[2];
                Parallel.For(0, 100, i => Interlocked.Add(ref {|CS8175:slot|}, i));
                return counters[2];
            }
        }
        """;

    private const string RefLocalParallelForFixed = """
        using System.Threading;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                var counters = new long[4];
                ref long slot = ref counters[2];
                Scope.Run(ref slot, (scope, borrowed) =>
                {
                    Parallel.For(0, 100, i => Interlocked.Add(ref borrowed.Value, i));
                });
                return counters[2];
            }
        }
        """;

    private const string SpanInsideExistingScope = """
        using System;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                return Scope.Run(scope =>
                {
                    Span<long> parts = stackalloc long[2];
                    var a = scope.Spawn(() => { {|CS8175:parts|}[0] = 20; });
                    var b = scope.Spawn(() => { {|CS8175:parts|}[1] = 22; });
                    a.Join();
                    b.Join();
                    return parts[0] + parts[1];
                });
            }
        }
        """;

    private const string SpanInsideExistingScopeFixed = """
        using System;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                return Scope.Run(scope =>
                {
                    Span<long> parts = stackalloc long[2];
                    return Scope.Run(parts, (inner, borrowed) =>
                    {
                        var a = inner.Spawn(() => { borrowed.Span[0] = 20; });
                        var b = inner.Spawn(() => { borrowed.Span[1] = 22; });
                        a.Join();
                        b.Join();
                        return borrowed.Span[0] + borrowed.Span[1];
                    });
                });
            }
        }
        """;

    private const string EnclosingScopeReused = """
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => Total(new int[] { 1, 2, 3, 4, 5, 6, 7, 8 });

            static long Total(ReadOnlySpan<int> data)
            {
                return Scope.Run(scope =>
                {
                    var parts = new List<ScopedTask<long>>();
                    for (var start = 0; start < {|CS9108:data|}.Length; start += 3)
                    {
                        var from = start;
                        parts.Add(scope.Spawn(() =>
                        {
                            long s = 0;
                            foreach (var x in {|CS9108:data|}[from..Math.Min(from + 3, {|CS9108:data|}.Length)]) s += x;
                            return s;
                        }));
                    }

                    long total = 0;
                    foreach (var p in parts) total += p.Join();
                    return total;
                });
            }
        }
        """;

    private const string EnclosingScopeReusedFixed = """
        using System;
        using System.Collections.Generic;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => Total(new int[] { 1, 2, 3, 4, 5, 6, 7, 8 });

            static long Total(ReadOnlySpan<int> data)
            {
                return Scope.Run(data, (scope, borrowed) =>
                {
                    var parts = new List<ScopedTask<long>>();
                    for (var start = 0; start < borrowed.Span.Length; start += 3)
                    {
                        var from = start;
                        parts.Add(scope.Spawn(() =>
                        {
                            long s = 0;
                            foreach (var x in borrowed.Span[from..Math.Min(from + 3, borrowed.Span.Length)]) s += x;
                            return s;
                        }));
                    }

                    long total = 0;
                    foreach (var p in parts) total += p.Join();
                    return total;
                });
            }
        }
        """;

    private const string ScopeJoinResults = """
        using System;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                Span<int> data = stackalloc int[10];
                for (var i = 0; i < data.Length; i++) data[i] = i + 1;
                var ({|CS8130:low|}, {|CS8130:high|}) = Scope.Join(() => Sum({|CS8175:data|}[..5]), () => Sum({|CS8175:data|}[5..]));
                return low * 1000 + high;
            }

            static long Sum(ReadOnlySpan<int> values)
            {
                long s = 0;
                foreach (var v in values) s += v;
                return s;
            }
        }
        """;

    private const string ScopeJoinResultsFixed = """
        using System;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                Span<int> data = stackalloc int[10];
                for (var i = 0; i < data.Length; i++) data[i] = i + 1;
                var (low, high) = Scope.Run(data, (scope, borrowed) =>
                {
                    var (low, high) = Scope.Join(() => Sum(borrowed.Span[..5]), () => Sum(borrowed.Span[5..]));
                    return (low, high);
                });
                return low * 1000 + high;
            }

            static long Sum(ReadOnlySpan<int> values)
            {
                long s = 0;
                foreach (var v in values) s += v;
                return s;
            }
        }
        """;

    private const string ThreadPoolRefParameter = """
        using System.Threading;

        public static class Program
        {
            public static long Run()
            {
                long hits = 0;
                Count(ref hits);
                return hits;
            }

            static void Count(ref long hits)
            {
                for (var i = 0; i < 10; i++)
                    ThreadPool.QueueUserWorkItem(_ => Interlocked.Increment(ref {|CS1628:hits|}));
            }
        }
        """;

    private const string ThreadPoolRefParameterFixed = """
        using System.Threading;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                long hits = 0;
                Count(ref hits);
                return hits;
            }

            static void Count(ref long hits)
            {
                Scope.Run(ref hits, (scope, borrowed) =>
                {
                    for (var i = 0; i < 10; i++)
                        scope.Spawn(() => Interlocked.Increment(ref borrowed.Value));
                });
            }
        }
        """;

    private const string TaskRunInsideExistingScope = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                return Scope.Run(scope =>
                {
                    Span<long> squares = stackalloc long[8];
                    var t = Task.Run(() =>
                    {
                        for (var i = 0; i < {|CS8175:squares|}.Length; i++) {|CS8175:squares|}[i] = i * i;
                    });
                    t.Wait();
                    long total = 0;
                    foreach (var s in squares) total += s;
                    return total;
                });
            }
        }
        """;

    private const string TaskRunInsideExistingScopeFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                return Scope.Run(scope =>
                {
                    Span<long> squares = stackalloc long[8];
                    Scope.Run(squares, (scope1, borrowed) =>
                    {
                        var t = scope1.Spawn(() =>
                        {
                            for (var i = 0; i < borrowed.Span.Length; i++) borrowed.Span[i] = i * i;
                        });
                        t.Join();
                    });
                    long total = 0;
                    foreach (var s in squares) total += s;
                    return total;
                });
            }
        }
        """;

    private const string TwoVariablesFixAll = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run() => First(new long[] { 1, 2, 3 }) + Second(new long[] { 10, 20 });

            static long First(Span<long> a)
            {
                var t = Task.Run(() => {|CS9108:a|}[0] + {|CS9108:a|}[1]);
                return t.Result + a[2];
            }

            static long Second(ReadOnlySpan<long> b)
            {
                var t = Task.Run(() => {|CS9108:b|}[0] * 2);
                return t.Result + b[1];
            }
        }
        """;

    private const string TwoVariablesFixAllFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => First(new long[] { 1, 2, 3 }) + Second(new long[] { 10, 20 });

            static long First(Span<long> a)
            {
                return Scope.Run(a, (scope, borrowed) =>
                {
                    var t = scope.Spawn(() => borrowed.Span[0] + borrowed.Span[1]);
                    return t.Join() + borrowed.Span[2];
                });
            }

            static long Second(ReadOnlySpan<long> b)
            {
                return Scope.Run(b, (scope, borrowed) =>
                {
                    var t = scope.Spawn(() => borrowed.Span[0] * 2);
                    return t.Join() + borrowed.Span[1];
                });
            }
        }
        """;

    private const string SpanReadByTwoStatements = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run() => Twice(new int[] { 1, 2, 3, 4 });

            static long Twice(ReadOnlySpan<int> x)
            {
                long a = 0, b = 0;
                Parallel.Invoke(() => { foreach (var v in {|CS9108:x|}) a += v; });
                Parallel.Invoke(() => { foreach (var v in {|CS9108:x|}) b += v; });
                return a + b;
            }
        }
        """;

    private const string SpanReadByTwoStatementsFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => Twice(new int[] { 1, 2, 3, 4 });

            static long Twice(ReadOnlySpan<int> x)
            {
                long a = 0, b = 0;
                Scope.Run(x, (scope, borrowed) =>
                {
                    Parallel.Invoke(() => { foreach (var v in borrowed.Span) a += v; });
                    Parallel.Invoke(() => { foreach (var v in borrowed.Span) b += v; });
                });
                return a + b;
            }
        }
        """;

    private const string SpanWrittenByTwoStatements = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run()
            {
                Span<int> x = stackalloc int[64];
                Parallel.For(0, x.Length, i => {|CS8175:x|}[i] = i);
                Parallel.For(0, x.Length, i => {|CS8175:x|}[i] += 1);
                long sum = 0;
                foreach (var v in x) sum += v;
                return sum;
            }
        }
        """;

    private const string SpanWrittenByTwoStatementsFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run()
            {
                Span<int> x = stackalloc int[64];
                Scope.Run(x, (scope, borrowed) =>
                {
                    Parallel.For(0, borrowed.Span.Length, i => borrowed.Span[i] = i);
                    Parallel.For(0, borrowed.Span.Length, i => borrowed.Span[i] += 1);
                });
                long sum = 0;
                foreach (var v in x) sum += v;
                return sum;
            }
        }
        """;

    private const string TwoMethodsWithSpanParameters = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run() => Sum(new long[] { 1, 2, 3 }) + Doubled(new long[] { 10, 20 });

            static long Sum(ReadOnlySpan<long> a)
            {
                long total = 0;
                Parallel.Invoke(() => { foreach (var v in {|CS9108:a|}) total += v; });
                return total;
            }

            static long Doubled(ReadOnlySpan<long> b)
            {
                long total = 0;
                Parallel.Invoke(() => { foreach (var v in {|CS9108:b|}) total += 2 * v; });
                return total;
            }
        }
        """;

    private const string TwoMethodsWithSpanParametersFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => Sum(new long[] { 1, 2, 3 }) + Doubled(new long[] { 10, 20 });

            static long Sum(ReadOnlySpan<long> a)
            {
                long total = 0;
                Scope.Run(a, (scope, borrowed) =>
                {
                    Parallel.Invoke(() => { foreach (var v in borrowed.Span) total += v; });
                });
                return total;
            }

            static long Doubled(ReadOnlySpan<long> b)
            {
                long total = 0;
                Scope.Run(b, (scope, borrowed) =>
                {
                    Parallel.Invoke(() => { foreach (var v in borrowed.Span) total += 2 * v; });
                });
                return total;
            }
        }
        """;

    private const string SpanResultReadWhereItStarts = """
        using System;
        using System.Threading.Tasks;

        public static class Program
        {
            public static long Run() => Pair(new long[] { 40, 2 });

            static long Pair(ReadOnlySpan<long> values)
            {
                var sum = Task.Run(() => {|CS9108:values|}[0] + {|CS9108:values|}[1]).Result;
                return sum;
            }
        }
        """;

    private const string SpanResultReadWhereItStartsFixed = """
        using System;
        using System.Threading.Tasks;
        using ScopeSafety;

        public static class Program
        {
            public static long Run() => Pair(new long[] { 40, 2 });

            static long Pair(ReadOnlySpan<long> values)
            {
                var sum = Scope.Run(values, (scope, borrowed) =>
                {
                    return scope.Spawn(() => borrowed.Span[0] + borrowed.Span[1]).Join();
                });
                return sum;
            }
        }
        """;

    /// <summary>RefParameterTaskRun with an expression lambda whose task is waited for where it starts.</summary>
    private static readonly string RefParameterExpressionLambdaWait = Rewritten(RefParameterTaskRun,
        ("var t = Task.Run(() => {|CS1628:total|} += amount);\n        t.Wait();", "Task.Run(() => {|CS1628:total|} += amount).Wait();"));

    private static readonly string RefParameterExpressionLambdaWaitFixed = Rewritten(RefParameterTaskRunFixed,
        ("var t = scope.Spawn(() => borrowed.Value += amount);\n            t.Join();", "scope.Spawn(() => borrowed.Value += amount).Join();"));

    [Fact]
    public Task CS8175_a_stackalloc_span_captured_by_Task_Run_is_borrowed_and_joined_where_it_was() => Verify.VerifyCodeFixAsync(TaskRunStackalloc, TaskRunStackallocFixed);
    [Fact]
    public Task CS9108_a_span_parameter_used_by_a_Thread_is_borrowed_and_the_Thread_joined_where_it_was() => Verify.VerifyCodeFixAsync(ThreadSpanParameter, ThreadSpanParameterFixed);
    [Fact]
    public Task CS1628_a_ref_parameter_used_by_Task_Run_becomes_RefBorrow_Value() => Verify.VerifyCodeFixAsync(RefParameterTaskRun, RefParameterTaskRunFixed);
    [Fact]
    public Task CS8175_a_ref_local_used_by_Parallel_For_is_borrowed_around_the_statement() => Verify.VerifyCodeFixAsync(RefLocalParallelFor, RefLocalParallelForFixed);
    [Fact]
    public Task CS8175_a_span_declared_inside_an_existing_scope_gets_a_nested_scope_that_ends_with_its_block() => Verify.VerifyCodeFixAsync(SpanInsideExistingScope, SpanInsideExistingScopeFixed);
    [Fact]
    public Task CS9108_a_span_captured_by_the_body_of_an_existing_scope_is_borrowed_through_that_scope() => Verify.VerifyCodeFixAsync(EnclosingScopeReused, EnclosingScopeReusedFixed);
    [Fact]
    public Task CS8175_a_span_split_by_Scope_Join_is_borrowed_and_the_results_flow_out() => Verify.VerifyCodeFixAsync(ScopeJoinResults, ScopeJoinResultsFixed);

    [Fact]
    public Task CS1628_a_ref_parameter_used_by_ThreadPool_work_is_borrowed_to_the_end_of_the_block() => Verify.VerifyCodeFixAsync(ThreadPoolRefParameter, ThreadPoolRefParameterFixed);

    [Fact]
    public Task CS8175_Task_Run_inside_an_existing_scope_of_a_span_declared_in_its_body_gets_a_nested_scope() => Verify.VerifyCodeFixAsync(TaskRunInsideExistingScope, TaskRunInsideExistingScopeFixed);

    [Fact]
    public Task CS9108_Fix_All_borrows_every_variable_one_after_the_other() => Verify.VerifyCodeFixAsync(TwoVariablesFixAll, TwoVariablesFixAllFixed);

    // ---- where the meaning cannot be kept, nothing is offered ------------------------------------------------------

    [Fact]
    public Task Not_offered_for_a_span_of_a_managed_type() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(string[] names)
            {
                Span<string> view = names;
                var t = Task.Run(() => {|CS8175:view|}[0] = "a");
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_span_is_reassigned_inside_the_region() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(Span<int> data)
            {
                var t = Task.Run(() => {|CS9108:data|}[0] = 1);
                data = data[1..];
                t.Wait();
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_an_in_parameter() => Verify.VerifyNoCodeFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            long M(in long value)
            {
                var t = Task.Run(() => {|CS1628:value|} * 2);
                return t.Result;
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_a_lambda_that_is_not_handed_to_work() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Collections.Generic;

        class C
        {
            void M(Span<int> data, List<int> list)
            {
                list.ForEach(x => {|CS9108:data|}[0] += x);
                Func<int> first = () => {|CS9108:data|}[0];
            }
        }
        """);

    [Fact]
    public Task Not_offered_when_the_work_escapes_the_method() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            Task M(Span<int> data) => Task.Run(() => {|CS9108:data|}[0] = 1);
        }
        """);

    [Fact]
    public Task CS9108_a_span_read_by_work_in_two_statements_is_borrowed_by_one_scope_around_both() =>
        Verify.VerifyCodeFixAsync(SpanReadByTwoStatements, SpanReadByTwoStatementsFixed);

    [Fact]
    public Task CS8175_a_span_written_by_work_in_two_statements_is_borrowed_by_one_scope_around_both() =>
        Verify.VerifyCodeFixAsync(SpanWrittenByTwoStatements, SpanWrittenByTwoStatementsFixed);

    [Fact]
    public Task CS9108_two_methods_are_fixed_one_after_the_other_and_by_Fix_All() =>
        Verify.VerifyCodeFixAsync(TwoMethodsWithSpanParameters, TwoMethodsWithSpanParametersFixed);

    [Fact]
    public Task CS1628_a_ref_parameter_in_an_expression_lambda_with_a_chained_Wait_is_borrowed() =>
        Verify.VerifyCodeFixAsync(RefParameterExpressionLambdaWait, RefParameterExpressionLambdaWaitFixed);

    [Fact]
    public Task CS9108_a_span_read_by_Task_Run_whose_Result_is_read_where_it_starts_is_borrowed() =>
        Verify.VerifyCodeFixAsync(SpanResultReadWhereItStarts, SpanResultReadWhereItStartsFixed);

    [Fact]
    public void The_fixed_program_of_SpanResultReadWhereItStarts_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(SpanResultReadWhereItStarts, ("Pair(ReadOnlySpan<long> values)", "Pair(long[] values)"))), RunProgram(SpanResultReadWhereItStartsFixed));

    [Fact]
    public Task Not_offered_when_other_work_capturing_the_span_would_stay_outside_the_scope() => Verify.VerifyNoCodeFixAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            long M(ReadOnlySpan<int> x)
            {
                long a = 0;
                Parallel.Invoke(() => a += {|CS9108:x|}[0]);
                var t = Task.Run(() => {|CS9108:x|}[1]);
                var r = a + t.Result;
                Console.WriteLine(r);
                return r;
            }
        }
        """);

    // ---- the fixed programs run ---------------------------------------------------------------------------------

    [Fact]
    public void The_fixed_program_of_SpanReadByTwoStatements_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(SpanReadByTwoStatements, ("Twice(ReadOnlySpan<int> x)", "Twice(int[] x)"))), RunProgram(SpanReadByTwoStatementsFixed));

    [Fact]
    public void The_fixed_program_of_SpanWrittenByTwoStatements_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(SpanWrittenByTwoStatements, ("Span<int> x = stackalloc int", "int[] x = new int"))), RunProgram(SpanWrittenByTwoStatementsFixed));

    [Fact]
    public void The_fixed_program_of_TwoMethodsWithSpanParameters_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(TwoMethodsWithSpanParameters, ("Sum(ReadOnlySpan<long> a)", "Sum(long[] a)"), ("Doubled(ReadOnlySpan<long> b)", "Doubled(long[] b)"))), RunProgram(TwoMethodsWithSpanParametersFixed));

    [Fact]
    public void The_fixed_program_of_RefParameterExpressionLambdaWait_computes_42() => Assert.Equal(42L, RunProgram(RefParameterExpressionLambdaWaitFixed));

    [Fact]
    public void The_fixed_program_of_TaskRunStackalloc_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(TaskRunStackalloc, ("Span<int> numbers = stackalloc int", "int[] numbers = new int"))), RunProgram(TaskRunStackallocFixed));
    [Fact]
    public void The_fixed_program_of_ThreadSpanParameter_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(ThreadSpanParameter, ("Fill(Span<long> cells)", "Fill(long[] cells)"))), RunProgram(ThreadSpanParameterFixed));
    [Fact]
    public void The_fixed_program_of_RefParameterTaskRun_computes_42() => Assert.Equal(42L, RunProgram(RefParameterTaskRunFixed));
    [Fact]
    public void The_fixed_program_of_RefLocalParallelFor_computes_4950() => Assert.Equal(4950L, RunProgram(RefLocalParallelForFixed));
    [Fact]
    public void The_fixed_program_of_SpanInsideExistingScope_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(SpanInsideExistingScope, ("Span<long> parts = stackalloc long", "long[] parts = new long"))), RunProgram(SpanInsideExistingScopeFixed));
    [Fact]
    public void The_fixed_program_of_EnclosingScopeReused_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(EnclosingScopeReused, ("Total(ReadOnlySpan<int> data)", "Total(int[] data)"))), RunProgram(EnclosingScopeReusedFixed));
    [Fact]
    public void The_fixed_program_of_ScopeJoinResults_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(ScopeJoinResults, ("Span<int> data = stackalloc int", "int[] data = new int"), ("{|CS8130:low|}", "low"), ("{|CS8130:high|}", "high"))), RunProgram(ScopeJoinResultsFixed));

    [Fact]
    public void The_fixed_program_of_ThreadPoolRefParameter_computes_10() => Assert.Equal(10L, RunProgram(ThreadPoolRefParameterFixed));

    [Fact]
    public void The_fixed_program_of_TaskRunInsideExistingScope_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(TaskRunInsideExistingScope, ("Span<long> squares = stackalloc long", "long[] squares = new long"))), RunProgram(TaskRunInsideExistingScopeFixed));

    [Fact]
    public void The_fixed_program_of_TwoVariablesFixAll_computes_what_the_array_program_computes() =>
        Assert.Equal(RunProgram(ArrayTwin(TwoVariablesFixAll, ("First(Span<long> a)", "First(long[] a)"), ("Second(ReadOnlySpan<long> b)", "Second(long[] b)"))), RunProgram(TwoVariablesFixAllFixed));

    /// <summary>The program with its spans turned into arrays: what the original meant, in a form the compiler accepts.</summary>
    private static string ArrayTwin(string source, params (string From, string To)[] replacements) => Rewritten(source, replacements);

    /// <summary>The source with each piece replaced; each piece must be in it.</summary>
    private static string Rewritten(string source, params (string From, string To)[] replacements)
    {
        foreach (var (from, to) in replacements)
        {
            Assert.Contains(from, source);
            source = source.Replace(from, to, StringComparison.Ordinal);
        }

        return source;
    }

    /// <summary>Compiles the source (markup removed) with the harness's references and calls Program.Run().</summary>
    private static long RunProgram(string source) =>
        (long)ProgramRunner.Invoke(Regex.Replace(source, @"\{\|CS\d+:(.*?)\|\}", "$1"), "Program", "Run")!;
}
