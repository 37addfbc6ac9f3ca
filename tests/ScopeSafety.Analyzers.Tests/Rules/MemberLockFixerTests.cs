using LockFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockSharedObjectFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// "Lock the object around every concurrent use" for work a member leaves running beside the type's other members:
/// the report names the first member, the lock goes around the uses in all of them — expression bodies become blocks,
/// a <c>return</c> and a <c>foreach</c> over the object are held whole — also for work started as a method
/// (<c>new Thread(Loop)</c>, reported at the method). A member whose use cannot be held whole gets no fix, since
/// locking the others would leave it racing.
/// </summary>
public class MemberLockFixerTests
{
    [Fact]
    public Task Every_member_beside_a_timer_callback_takes_the_lock() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class Log
        {
            private readonly List<string> _lines = new List<string>();
            private Timer _timer;

            public Log() { _lines.Add("created"); }

            public void Start() { _timer = new Timer(_ => { lock (_lines) { {|SCOPE011:_lines|}.Add("tick"); } }, null, 0, 100); }

            public int Count() => _lines.Count;

            public void Add(string line) => _lines.Add(line);

            public string Last
            {
                get { return _lines[_lines.Count - 1]; }
            }

            public int Total()
            {
                var total = 0;
                foreach (var line in _lines)
                {
                    total += line.Length;
                }

                return total;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Log
        {
            private readonly List<string> _lines = new List<string>();
            private Timer _timer;

            public Log() { _lines.Add("created"); }

            public void Start() { _timer = new Timer(_ => { lock (_lines) { _lines.Add("tick"); } }, null, 0, 100); }

            public int Count()
            {
                lock (_lines)
                {
                    return _lines.Count;
                }
            }

            public void Add(string line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }

            public string Last
            {
                get { lock (_lines) { return _lines[_lines.Count - 1]; } }
            }

            public int Total()
            {
                var total = 0;
                lock (_lines)
                {
                    foreach (var line in _lines)
                    {
                        total += line.Length;
                    }
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task A_timer_callback_racing_with_itself_and_the_members_takes_the_lock_with_them_in_one_fix() => new LockFix.Test
    {
        // One application: the report of the callback's own race carries the members' race too.
        NumberOfIncrementalIterations = 1,
        TestCode = """
        using System.Collections.Generic;
        using System.Threading;

        class Log
        {
            private readonly List<string> _lines = new List<string>();
            private Timer _timer;

            public void Start() { _timer = new Timer(_ => {|SCOPE011:_lines|}.Add("tick"), null, 0, 100); }

            public int Count() => _lines.Count;
        }
        """,
        FixedCode = """
        using System.Collections.Generic;
        using System.Threading;

        class Log
        {
            private readonly List<string> _lines = new List<string>();
            private Timer _timer;

            public void Start() { _timer = new Timer(_ =>
            {
                lock (_lines)
                {
                    _lines.Add("tick");
                }
            }, null, 0, 100); }

            public int Count()
            {
                lock (_lines)
                {
                    return _lines.Count;
                }
            }
        }
        """,
    }.RunAsync();

    [Fact]
    public Task Work_started_as_a_method_and_the_members_take_the_lock() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class Counts
        {
            private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();

            public void Start() => new Thread({|SCOPE011:Loop|}).Start();

            private void Loop()
            {
                while (true)
                {
                    _counts["tick"] = 1;
                    Thread.Sleep(10);
                }
            }

            public void Reset() => _counts.Clear();
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Counts
        {
            private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();

            public void Start() => new Thread(Loop).Start();

            private void Loop()
            {
                while (true)
                {
                    lock (_counts)
                    {
                        _counts["tick"] = 1;
                    }
                    Thread.Sleep(10);
                }
            }

            public void Reset()
            {
                lock (_counts)
                {
                    _counts.Clear();
                }
            }
        }
        """);

    [Fact]
    public Task No_lock_when_a_member_uses_the_object_in_a_declaration() => LockFix.VerifyNoCodeFixAsync(CountsWith("""
            public int Size()
            {
                var size = _counts.Count;
                return size;
            }
        """));

    [Fact]
    public Task No_lock_when_a_member_uses_another_instance_s_object() => LockFix.VerifyNoCodeFixAsync(CountsWith("""
            public void CopyFrom(Counts other) => _counts["copied"] = other._counts.Count;
        """));

    // The Counts of the test above (a loop started as a method beside Reset), with one more member.
    private static string CountsWith(string member) => $$"""
        using System.Collections.Generic;
        using System.Threading;

        class Counts
        {
            private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();

            public void Start() => new Thread({|SCOPE011:Loop|}).Start();

            private void Loop()
            {
                while (true)
                {
                    _counts["tick"] = 1;
                    Thread.Sleep(10);
                }
            }

            public void Reset() => _counts.Clear();

        {{member}}
        }
        """;

    // Work a private method starts, against the code its caller runs after the call: both sides take the lock.
    [Fact]
    public Task A_caller_clearing_the_list_after_the_call_that_starts_the_loop_takes_the_lock_too() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class Feed
        {
            private readonly List<string> _seen = new List<string>();
            private Thread _loop;

            public void Open()
            {
                Start();
                _seen.Clear();
            }

            private void Start()
            {
                _loop = new Thread({|SCOPE011:Run|});
                _loop.Start();
            }

            private void Run()
            {
                while (true)
                {
                    _seen.Add("x");
                    Thread.Sleep(10);
                }
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Feed
        {
            private readonly List<string> _seen = new List<string>();
            private Thread _loop;

            public void Open()
            {
                Start();
                lock (_seen)
                {
                    _seen.Clear();
                }
            }

            private void Start()
            {
                _loop = new Thread(Run);
                _loop.Start();
            }

            private void Run()
            {
                while (true)
                {
                    lock (_seen)
                    {
                        _seen.Add("x");
                    }
                    Thread.Sleep(10);
                }
            }
        }
        """);
}
