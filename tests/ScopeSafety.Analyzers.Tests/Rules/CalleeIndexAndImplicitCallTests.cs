using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 on elements of multi-dimensional arrays, on element indices given to a callee (a method or an indexer
/// whose parameter indexes an array), on a host loop over the whole array, and on the calls the language makes for the
/// code (operators, constructors, Deconstruct, Dispose). Each hazard beside the twin that must stay silent. The class
/// starts at line 7.
/// </summary>
public class CalleeIndexAndImplicitCallTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    // ---- multi-dimensional arrays -------------------------------------------------------------------------

    [Fact]
    public Task Two_tasks_writing_one_cell_of_a_grid_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int[,] M()
            {
                var grid = new int[2, 2];
                var a = Task.Run(() => {|#0:grid[0, 1]|} = 1);
                var b = Task.Run(() => grid[0, 1] = 2);
                Task.WaitAll(a, b);
                return grid;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("grid[]", "work started with Task.Run at line 12", "work started with Task.Run at line 13", "also write"));

    [Fact]
    public Task Two_tasks_writing_different_cells_of_a_grid_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int[,] M()
            {
                var grid = new int[2, 2];
                var a = Task.Run(() => grid[0, 1] = 1);
                var b = Task.Run(() => grid[1, 1] = 2);
                Task.WaitAll(a, b);
                return grid;
            }
        }
        """);

    [Fact]
    public Task Parallel_rows_of_a_matrix_product_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            double[,] Multiply(double[,] a, double[,] b, int n)
            {
                var product = new double[n, n];
                Parallel.For(0, n, i =>
                {
                    for (var j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (var k = 0; k < n; k++)
                        {
                            sum += a[i, k] * b[k, j];
                        }

                        product[i, j] = sum;
                    }
                });
                return product;
            }
        }
        """);

    [Fact]
    public Task Every_row_writing_the_first_column_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[,] grid, int n)
            {
                Parallel.For(0, n, i =>
                {
                    {|#0:grid[0, 0]|} += grid[i, 1];
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("grid[]", "work started with Parallel.For at line 11", "another run of the same work", "also write"));

    [Fact]
    public Task A_thread_writing_a_cell_while_the_method_fills_the_grid_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var grid = new int[2, 3];
                var thread = new Thread(() => {|#0:grid[0, 0]|} = 0);
                thread.Start();
                for (var i = 0; i < grid.GetLength(0); i++)
                {
                    for (var j = 0; j < grid.GetLength(1); j++)
                    {
                        grid[i, j] = i + j;
                    }
                }

                thread.Join();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("grid[]", "work started with new Thread at line 12", "the method at line 18", "also write"));

    [Fact]
    public Task A_thread_writing_a_cell_after_the_method_filled_the_grid_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var grid = new int[2, 3];
                for (var i = 0; i < grid.GetLength(0); i++)
                {
                    for (var j = 0; j < grid.GetLength(1); j++)
                    {
                        grid[i, j] = i + j;
                    }
                }

                var thread = new Thread(() => grid[0, 0] = 0);
                thread.Start();
                thread.Join();
            }
        }
        """);

    // ---- a host loop over the whole array ------------------------------------------------------------------

    [Fact]
    public Task A_task_writing_the_first_element_while_the_method_walks_the_array_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(int[] values)
            {
                var task = Task.Run(() => {|#0:values[0]|} = -1);
                var sum = 0;
                for (var i = 0; i < values.Length; i++)
                {
                    sum += values[i];
                }

                task.Wait();
                return sum;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("values[]", "work started with Task.Run at line 11", "the method at line 15", "read"));

    [Fact]
    public Task A_task_writing_the_first_element_while_the_method_walks_the_rest_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int M(int[] values)
            {
                var task = Task.Run(() => values[0] = -1);
                var sum = 0;
                for (var i = 1; i < values.Length; i++)
                {
                    sum += values[i];
                }

                task.Wait();
                return sum;
            }
        }
        """);

    [Fact]
    public Task A_loop_that_starts_one_task_per_element_gives_each_its_own_element() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(int[] values)
            {
                var tasks = new Task[values.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    var k = i;
                    values[i] = i;
                    tasks[i] = Task.Run(() => values[k] *= 2);
                }

                Task.WaitAll(tasks);
            }
        }
        """);

    // ---- element indices given to a callee -----------------------------------------------------------------

    private const string Buffer = """
        class Buffer
        {
            private readonly int[] _items = new int[16];

            public void Set(int index, int value) => _items[index] = value;

            public int Get(int index) => _items[index];

            public int this[int index]
            {
                get => _items[index];
                set => _items[index] = value;
            }
        }

        """;

    [Fact]
    public Task Two_tasks_setting_one_slot_through_a_method_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M(Buffer buffer)
            {
                var a = Task.Run(() => {|#0:buffer.Set(3, 1)|});
                var b = Task.Run(() => buffer.Set(3, 2));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("buffer._items[]", "work started with Task.Run at line 25 (in Buffer.Set)", "work started with Task.Run at line 26 (in Buffer.Set)", "also write"));

    [Fact]
    public Task Two_tasks_setting_different_slots_through_a_method_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M(Buffer buffer)
            {
                var a = Task.Run(() => buffer.Set(3, 1));
                var b = Task.Run(() => buffer.Set(4, 2));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task Parallel_runs_setting_their_own_slot_through_an_indexer_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M(Buffer buffer)
            {
                Parallel.For(0, 16, i => buffer[i] = i * i);
            }
        }
        """);

    [Fact]
    public Task Parallel_runs_reading_the_slot_before_their_own_through_an_indexer_race() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            void M(Buffer buffer)
            {
                Parallel.For(1, 16, i => {|#0:buffer[i]|} += buffer[i - 1]);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("buffer._items[]", "work started with Parallel.For at line 25 (in Buffer.this[])", "another run of the same work", "read"));

    [Fact]
    public Task A_task_writing_a_slot_the_method_reads_through_the_indexer_races() => Verify.VerifyAnalyzerAsync(Usings + Buffer + """
        class C
        {
            int M(Buffer buffer)
            {
                var task = Task.Run(() => {|#0:buffer[2]|} = 7);
                var seen = buffer.Get(2);
                task.Wait();
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("buffer._items[]", "work started with Task.Run at line 25 (in Buffer.this[])", "the method at line 26 (in Buffer.Get)", "read"));

    // ---- calls the language makes: operators, constructors, Deconstruct, Dispose ----------------------------

    [Fact]
    public Task An_operator_that_counts_in_a_static_races_when_two_tasks_use_it() => Verify.VerifyAnalyzerAsync(Usings + """
        readonly struct Money
        {
            public static int Additions;
            public readonly decimal Amount;
            public Money(decimal amount) => Amount = amount;
            public static Money operator +(Money a, Money b)
            {
                Additions++;
                return new Money(a.Amount + b.Amount);
            }
        }

        class C
        {
            void M(Money x, Money y)
            {
                var a = Task.Run(() => {|#0:x + y|});
                var b = Task.Run(() => x + y);
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Money.Additions", "work started with Task.Run at line 23 (in Money.operator +)", "work started with Task.Run at line 24 (in Money.operator +)", "also write"));

    [Fact]
    public Task An_operator_that_counts_with_Interlocked_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        readonly struct Money
        {
            public static int Additions;
            public readonly decimal Amount;
            public Money(decimal amount) => Amount = amount;
            public static Money operator +(Money a, Money b)
            {
                Interlocked.Increment(ref Additions);
                return new Money(a.Amount + b.Amount);
            }
        }

        class C
        {
            void M(Money x, Money y)
            {
                var a = Task.Run(() => x + y);
                var b = Task.Run(() => x + y);
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task A_constructor_that_counts_instances_races_when_two_tasks_make_one() => Verify.VerifyAnalyzerAsync(Usings + """
        class Node
        {
            public static int Created;
            public readonly int Value;
            public Node(int value)
            {
                Value = value;
                Created++;
            }
        }

        class C
        {
            void M()
            {
                var a = Task.Run(() => {|#0:new Node(1)|});
                var b = Task.Run(() => new Node(2));
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Node.Created", "work started with Task.Run at line 22 (in new Node)", "work started with Task.Run at line 23 (in new Node)", "also write"));

    [Fact]
    public Task A_constructor_that_sets_only_its_own_fields_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Node
        {
            public int Value;
            public Node? Next;
            public Node(int value, Node? next)
            {
                Value = value;
                Next = next;
            }
        }

        class C
        {
            void M()
            {
                var a = Task.Run(() => new Node(1, null));
                var b = Task.Run(() => new Node(2, null));
                Task.WaitAll(a, b);
            }
        }
        """);

    [Fact]
    public Task A_deconstruction_that_counts_on_the_shared_object_races_with_the_method() => Verify.VerifyAnalyzerAsync(Usings + """
        class Point
        {
            public int Reads;
            public int X;
            public int Y;
            public void Deconstruct(out int x, out int y)
            {
                x = X;
                y = Y;
                Reads++;
            }
        }

        class C
        {
            void M(Point point)
            {
                var task = Task.Run(() => { {|#0:(var x1, var y1) = point|}; });
                var (x2, y2) = point;
                task.Wait();
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("point.Reads", "work started with Task.Run at line 24 (in Point.Deconstruct)", "the method at line 25 (in Point.Deconstruct)", "also write"));

    [Fact]
    public Task A_deconstruction_that_only_reads_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Point
        {
            public int X;
            public int Y;
            public void Deconstruct(out int x, out int y)
            {
                x = X;
                y = Y;
            }
        }

        class C
        {
            void M(Point point)
            {
                var task = Task.Run(() => { var (x1, y1) = point; });
                var (x2, y2) = point;
                task.Wait();
            }
        }
        """);

    [Fact]
    public Task A_dispose_that_counts_in_a_static_races_when_two_tasks_use_one_each() => Verify.VerifyAnalyzerAsync(Usings + """
        class Lease : IDisposable
        {
            public static int Returned;
            public void Dispose() => Returned++;
        }

        class C
        {
            void M()
            {
                var a = Task.Run(() => { {|#0:using (var lease = new Lease()) { }|} });
                var b = Task.Run(() => { using var lease = new Lease(); });
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Lease.Returned", "work started with Task.Run at line 17 (in Lease.Dispose)", "work started with Task.Run at line 18 (in Lease.Dispose)", "also write"));

    [Fact]
    public Task Two_tasks_disposing_one_shared_object_race_on_its_fields() => Verify.VerifyAnalyzerAsync(Usings + """
        class Lease : IDisposable
        {
            private bool _disposed;
            public void Dispose() => _disposed = true;
        }

        class C
        {
            void M(Lease lease)
            {
                var a = Task.Run(() => { {|#0:using (lease) { }|} });
                var b = Task.Run(() => { using (lease) { } });
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("lease._disposed", "work started with Task.Run at line 17 (in Lease.Dispose)", "work started with Task.Run at line 18 (in Lease.Dispose)", "also write"));

    [Fact]
    public Task A_dispose_that_touches_only_its_own_object_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Lease : IDisposable
        {
            private bool _disposed;
            public void Dispose() => _disposed = true;
        }

        class C
        {
            void M()
            {
                var a = Task.Run(() => { using (var lease = new Lease()) { } });
                var b = Task.Run(() => { using var lease = new Lease(); });
                Task.WaitAll(a, b);
            }
        }
        """);

    // ---- work left running by a member its file runs twice --------------------------------------------------

    [Fact]
    public Task A_constructor_run_twice_whose_task_writes_a_static_races_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Node
        {
            private static int s_last;

            public Node(int value) => Task.Run(() => {|#0:s_last|} = value);

            public static void Build()
            {
                new Node(1);
                new Node(2);
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Node.s_last", "work started with Task.Run at line 11", "another run of the same work", "also write"));

    [Fact]
    public Task A_constructor_run_on_one_branch_or_the_other_does_not_race_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Node
        {
            private static int s_last;

            public Node(int value) => Task.Run(() => s_last = value);

            public static void Build(bool small)
            {
                if (small)
                {
                    new Node(1);
                }
                else
                {
                    new Node(2);
                }
            }
        }
        """);

    // One call in a branch that returns, one after it: a run of Open makes one of the two calls (a socket's read loop
    // started once per connection). The twin calls it twice on one path.
    [Fact]
    public Task A_method_called_in_a_branch_that_returns_and_again_after_it_runs_once_per_call() => Verify.VerifyAnalyzerAsync(Usings + """
        class Reader
        {
            private byte[] _buffer = new byte[16];

            private void Receive() => Task.Delay(1).ContinueWith(_ => _buffer = null);

            public bool Open(bool streamMode)
            {
                if (streamMode)
                {
                    Receive();
                    return true;
                }

                Receive();
                return true;
            }
        }

        class Writer
        {
            private byte[] _buffer = new byte[16];

            private void Send() => Task.Delay(1).ContinueWith(_ => {|#0:_buffer|} = null);

            public bool Open(bool streamMode)
            {
                if (streamMode)
                {
                    Send();
                }

                Send();
                return true;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_buffer", "work started with Task.ContinueWith at line 30", "another run of the same work", "also write"));

    [Fact]
    public Task A_constructor_run_twice_whose_task_writes_its_own_field_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Node
        {
            private int _last;

            public Node(int value) => Task.Run(() => _last = value);

            public static void Build()
            {
                new Node(1);
                new Node(2);
            }
        }
        """);

    [Fact]
    public Task A_setter_run_twice_on_one_object_whose_task_writes_a_field_races_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Gauge
        {
            private int _value;

            public int Value
            {
                set => Task.Run(() => {|#0:_value|} = value);
            }

            public static void Update(Gauge gauge)
            {
                gauge.Value = 1;
                gauge.Value = 2;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_value", "work started with Task.Run at line 13", "another run of the same work", "also write"));

    [Fact]
    public Task A_setter_run_once_on_each_of_two_objects_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Gauge
        {
            private int _value;

            public int Value
            {
                set => Task.Run(() => _value = value);
            }

            public static void Update(Gauge first, Gauge second)
            {
                first.Value = 1;
                second.Value = 2;
            }
        }
        """);

    [Fact]
    public Task A_method_called_in_a_loop_whose_thread_writes_a_static_races_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private static int s_done;

            private static void StartOne() => new Thread(() => {|#0:s_done|}++).Start();

            public static void StartAll(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    StartOne();
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Worker.s_done", "work started with new Thread at line 11", "another run of the same work", "also write"));

    [Fact]
    public Task A_method_called_twice_whose_task_it_waits_for_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private static int s_done;

            private static void RunOne() => Task.Run(() => s_done++).Wait();

            public static void RunTwo()
            {
                RunOne();
                RunOne();
            }
        }
        """);

    [Fact]
    public Task A_method_called_once_whose_task_writes_a_static_does_not_race_with_itself() => Verify.VerifyAnalyzerAsync(Usings + """
        class Worker
        {
            private static int s_done;

            private static void StartOne() => Task.Run(() => s_done++);

            public static void Main() => StartOne();
        }
        """);

    // ---- branches a constant bool argument decides ------------------------------------------------------

    [Fact]
    public Task A_callee_branch_taken_for_the_work_s_constant_argument_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _hits;

            void M()
            {
                var task = Task.Run(() => {|#0:Record(true)|});
                _hits++;
                task.Wait();
            }

            void Record(bool count)
            {
                if (count)
                {
                    _hits++;
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_hits", "work started with Task.Run at line 13 (in C.Record)", "the method at line 14", "also write"));

    [Fact]
    public Task A_callee_branch_the_work_s_constant_argument_skips_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            private int _hits;

            void M()
            {
                var task = Task.Run(() => Record(false));
                _hits++;
                task.Wait();
            }

            void Record(bool count)
            {
                if (count)
                {
                    _hits++;
                }
            }
        }
        """);
}
