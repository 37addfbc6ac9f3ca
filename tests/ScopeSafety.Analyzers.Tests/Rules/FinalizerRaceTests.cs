using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 for a finalizer, which runs on the finalizer thread while the rest of the program goes on: its uses of
/// statics against the other members of its type. Each hazard beside the twin that must stay silent. The class starts
/// at line 7.
/// </summary>
public class FinalizerRaceTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task A_finalizer_decrementing_an_instance_count_races_with_the_constructor() => Verify.VerifyAnalyzerAsync(Usings + """
        class Block
        {
            static int count;

            public Block()
            {
                count++;
            }

            ~Block()
            {
                {|#0:count|}--;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Block.count", "the finalizer of Block (on the finalizer thread)", "the constructor of Block at line 13", "also write"));

    [Fact]
    public Task An_instance_count_kept_with_Interlocked_on_both_sides_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Block
        {
            static int count;

            public Block()
            {
                Interlocked.Increment(ref count);
            }

            ~Block()
            {
                Interlocked.Decrement(ref count);
            }
        }
        """);

    [Fact]
    public Task A_finalizer_and_a_method_under_one_static_lock_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Block
        {
            static readonly object Gate = new object();
            static int count;

            public Block()
            {
                lock (Gate)
                {
                    count++;
                }
            }

            ~Block()
            {
                lock (Gate)
                {
                    count--;
                }
            }
        }
        """);

    [Fact]
    public Task A_finalizer_reading_a_static_that_a_method_writes_races() => Verify.VerifyAnalyzerAsync(Usings + """
        class Handle
        {
            static bool tracing;

            public static void Trace(bool on) => tracing = on;

            ~Handle()
            {
                if ({|#0:tracing|})
                {
                    Console.WriteLine("finalized");
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Handle.tracing", "Handle.Trace at line 11", "the finalizer of Handle (on the finalizer thread)", "read"));

    [Fact]
    public Task A_finalizer_using_only_the_dying_objects_own_fields_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Handle
        {
            static readonly string Name = "handle";
            int _released;

            public void Release() => _released++;

            ~Handle()
            {
                _released++;
                Console.WriteLine(Name);
            }
        }
        """);

    [Fact]
    public Task Dispose_false_from_a_finalizer_races_on_what_runs_outside_the_disposing_branch() => Verify.VerifyAnalyzerAsync(Usings + """
        class Resource : IDisposable
        {
            static int live;
            bool _disposed;

            public Resource() => live++;

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            ~Resource() => {|#0:Dispose(false)|};

            protected virtual void Dispose(bool disposing)
            {
                if (_disposed)
                {
                    return;
                }

                if (disposing)
                {
                    Console.WriteLine("managed state");
                }

                live--;
                _disposed = true;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Resource.live", "the finalizer of Resource (on the finalizer thread)", "the constructor of Resource at line 12", "also write"));

    [Fact]
    public Task Dispose_false_from_a_finalizer_does_not_run_the_disposing_branch() => Verify.VerifyAnalyzerAsync(Usings + """
        class Resource : IDisposable
        {
            static int live;

            public Resource() => live++;

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            ~Resource() => Dispose(false);

            protected virtual void Dispose(bool disposing)
            {
                if (disposing)
                {
                    live--;
                }
            }
        }
        """);

    [Fact]
    public Task Dispose_false_from_a_finalizer_stops_at_an_early_return_for_not_disposing() => Verify.VerifyAnalyzerAsync(Usings + """
        class Resource : IDisposable
        {
            static int live;

            public Resource() => live++;

            public void Dispose() => Dispose(disposing: true);

            ~Resource() => Dispose(disposing: false);

            void Dispose(bool disposing)
            {
                if (!disposing)
                {
                    return;
                }

                live--;
            }
        }
        """);

    [Fact]
    public Task A_finalizer_removing_from_a_static_dictionary_races_with_the_constructor_adding() => Verify.VerifyAnalyzerAsync(Usings + """
        class Session
        {
            static readonly Dictionary<int, string> Open = new Dictionary<int, string>();
            static int next;
            readonly int _id;

            public Session(string name)
            {
                _id = Interlocked.Increment(ref next);
                Open.Add(_id, name);
            }

            ~Session()
            {
                {|#0:Open|}.Remove(_id);
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("Session.Open", "Dictionary<int, string>", "the finalizer of Session (on the finalizer thread)", "the constructor of Session at line 16", "also mutate"));

    [Fact]
    public Task A_finalizer_removing_from_a_static_concurrent_dictionary_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        using System.Collections.Concurrent;

        class Session
        {
            static readonly ConcurrentDictionary<int, string> Open = new ConcurrentDictionary<int, string>();
            static int next;
            readonly int _id;

            public Session(string name)
            {
                _id = Interlocked.Increment(ref next);
                Open.TryAdd(_id, name);
            }

            ~Session()
            {
                Open.TryRemove(_id, out _);
            }
        }
        """);

    [Fact]
    public Task A_static_written_only_by_the_static_constructor_does_not_race_with_the_finalizer() => Verify.VerifyAnalyzerAsync(Usings + """
        class Block
        {
            static int created;

            static Block()
            {
                created = 1;
            }

            ~Block()
            {
                Console.WriteLine(created);
            }
        }
        """);
}
