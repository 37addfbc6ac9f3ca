using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010 and SCOPE011 on framework objects and options the rules had misread: streams and their writers, hash
/// algorithms, <c>BitArray</c> and <c>DataTable</c> are not thread-safe; a <c>SpinLock</c> in a readonly field excludes
/// nobody (each call enters a copy); a Parallel call with <c>MaxDegreeOfParallelism = 1</c> runs its iterations one after
/// another. Each hazard beside the twin that must stay silent. The class starts at line 7 (line 9 with the extra usings).
/// </summary>
public class FrameworkShapeTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    private const string IoUsings = Usings + """
        using System.IO;
        using System.Security.Cryptography;

        """;

    // ---- not thread-safe framework types --------------------------------------------------------------------

    [Fact]
    public Task Runs_writing_lines_to_one_StreamWriter_race() => Verify.VerifyAnalyzerAsync(IoUsings + """
        class C
        {
            void M(string[] lines)
            {
                using var writer = new StreamWriter("out.txt");
                Parallel.ForEach(lines, line => {|#0:writer|}.WriteLine(line.ToUpperInvariant()));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("writer", "StreamWriter", "work started with Parallel.ForEach at line 14", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_writing_lines_to_a_synchronized_writer_are_silent() => Verify.VerifyAnalyzerAsync(IoUsings + """
        class C
        {
            void M(string[] lines)
            {
                using var inner = new StreamWriter("out.txt");
                var writer = TextWriter.Synchronized(inner);
                Parallel.ForEach(lines, line => writer.WriteLine(line.ToUpperInvariant()));
            }
        }
        """);

    [Fact]
    public Task Runs_hashing_with_one_shared_SHA256_race() => Verify.VerifyAnalyzerAsync(IoUsings + """
        class C
        {
            private static readonly SHA256 s_sha = SHA256.Create();

            byte[][] M(byte[][] blobs)
            {
                var hashes = new byte[blobs.Length][];
                Parallel.For(0, blobs.Length, i => hashes[i] = {|#0:s_sha|}.ComputeHash(blobs[i]));
                return hashes;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("s_sha", "SHA256", "work started with Parallel.For at line 16", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_hashing_with_the_static_HashData_are_silent() => Verify.VerifyAnalyzerAsync(IoUsings + """
        class C
        {
            byte[][] M(byte[][] blobs)
            {
                var hashes = new byte[blobs.Length][];
                Parallel.For(0, blobs.Length, i => hashes[i] = SHA256.HashData(blobs[i]));
                return hashes;
            }
        }
        """);

    [Fact]
    public Task Runs_setting_distinct_bits_of_one_BitArray_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            System.Collections.BitArray M(int n)
            {
                var composite = new System.Collections.BitArray(n);
                Parallel.For(2, n, i => { if (i > 2 && i % 2 == 0) {|#0:composite|}[i] = true; });
                return composite;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("composite", "BitArray", "work started with Parallel.For at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_setting_distinct_elements_of_a_bool_array_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            bool[] M(int n)
            {
                var composite = new bool[n];
                Parallel.For(2, n, i => { if (i > 2 && i % 2 == 0) composite[i] = true; });
                return composite;
            }
        }
        """);

    [Fact]
    public Task Runs_importing_rows_into_one_DataTable_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(System.Data.DataTable target, System.Data.DataRow[] rows)
            {
                Parallel.ForEach(rows, row => {|#0:target|}.ImportRow(row));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("target", "DataTable", "work started with Parallel.ForEach at line 11", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_adding_rows_through_the_tables_Rows_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M(System.Data.DataTable table)
            {
                Parallel.For(0, 100, i => {|#0:table|}.Rows.Add(i));
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("table", "DataTable", "work started with Parallel.For at line 11", "another run of the same work", "also mutate"));

    [Fact]
    public Task Runs_reading_the_tables_rows_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            int[] M(System.Data.DataTable table, Dictionary<string, int> counts)
            {
                var seen = new int[100];
                Parallel.For(0, 100, i => seen[i] = table.Rows.Count + table.Columns.IndexOf("n") + counts.Keys.Count + counts.Values.Sum());
                return seen;
            }
        }
        """);

    // ---- SpinLock in a readonly field ----------------------------------------------------------------------

    [Fact]
    public Task A_SpinLock_in_a_readonly_field_excludes_nobody() => Verify.VerifyAnalyzerAsync(Usings + """
        class Bag
        {
            private readonly SpinLock _spin = new(false);
            private readonly List<int> _items = new();

            public void Fill()
            {
                Parallel.For(0, 100, i =>
                {
                    var taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        {|#0:_items|}.Add(i);
                    }
                    finally
                    {
                        if (taken) _spin.Exit();
                    }
                });
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_items", "List<int>", "work started with Parallel.For at line 14", "another run of the same work", "also mutate"));

    // A_count_under_a_SpinLock_is_silent (CommonShapeTests) is the twin: the same lock in a field that is not readonly.

    // ---- MaxDegreeOfParallelism = 1 ------------------------------------------------------------------------

    [Fact]
    public Task Iterations_limited_to_one_at_a_time_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            List<int> M(int[] items)
            {
                var list = new List<int>();
                Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = 1 }, x => list.Add(x));
                var sequential = new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = CancellationToken.None };
                Parallel.For(0, items.Length, sequential, i => list.Add(items[i]));
                Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 1 }, () => list.Add(1), () => list.Add(2));
                return list;
            }
        }
        """);

    [Fact]
    public Task Iterations_limited_to_two_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            List<int> M(int[] items)
            {
                var list = new List<int>();
                Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = 2 }, x => {|#0:list|}.Add(x));
                return list;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with Parallel.ForEach at line 12", "another run of the same work", "also mutate"));

    [Fact]
    public Task Options_whose_limit_is_raised_before_the_call_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            List<int> M(int[] items, int degree)
            {
                var list = new List<int>();
                var options = new ParallelOptions { MaxDegreeOfParallelism = 1 };
                options.MaxDegreeOfParallelism = degree;
                Parallel.ForEach(items, options, x => {|#0:list|}.Add(x));
                return list;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with Parallel.ForEach at line 14", "another run of the same work", "also mutate"));

    [Fact]
    public Task ForEachAsync_one_at_a_time_still_runs_beside_its_caller() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            async Task<int> M(int[] items)
            {
                var list = new List<int>();
                var loop = Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 1 }, async (x, ct) => { await Task.Yield(); {|#0:list|}.Add(x); });
                var seen = list.Count;
                await loop;
                return seen;
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "work started with Parallel.ForEachAsync at line 12", "the method at line 13", "read"));

    // ---- a library method handed the object reads it --------------------------------------------------------

    [Fact]
    public Task A_library_method_walking_a_list_reads_it_while_the_method_adds() => Verify.VerifyAnalyzerAsync(Usings + """
        class C
        {
            void M()
            {
                var list = new List<int>();
                var joined = Task.Run(() => Console.WriteLine(string.Join(",", {|#0:list|})));
                list.Add(1);
                joined.Wait();

                var seen = new HashSet<string>();
                var copy = Task.Run(() => new List<string>({|#1:seen|}));
                seen.Add("x");
                copy.Wait();

                var after = new List<int>();
                Task.Run(() => after.Add(1)).Wait();
                Console.WriteLine(string.Join(",", after));

                var both = new List<int> { 1, 2 };
                var reading = Task.Run(() => Console.WriteLine(string.Join(",", both)));
                Console.WriteLine(both.Count);
                reading.Wait();
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("list", "List<int>", "the method at line 13", "work started with Task.Run at line 12", "read"),
        Verify.Diagnostic("SCOPE011").WithLocation(1).WithArguments("seen", "HashSet<string>", "the method at line 18", "work started with Task.Run at line 17", "read"));
}
