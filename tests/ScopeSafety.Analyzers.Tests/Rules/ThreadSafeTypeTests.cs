using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 for a type declared thread-safe ([ThreadSafe] or scopesafety.checked_thread_safe_types): every two members
/// its users call, and two calls of one member, run at the same time. Each hazard beside the twin that must stay silent.
/// The class starts at line 7.
/// </summary>
public class ThreadSafeTypeTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task An_unlocked_update_beside_a_locked_one_races() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Account
        {
            private readonly object _gate = new object();
            private int _balance;

            public void Deposit(int amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                }
            }

            public int Withdraw(int amount)
            {
                if (amount >= 0 && _balance - amount >= 0)
                {
                    {|#0:_balance|} -= amount;
                    return _balance;
                }

                return 0;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_balance", "Account.Withdraw at line 25",
            "a call of Account.Deposit at line 17 at the same time (Account is declared thread-safe)", "also write"));

    [Fact]
    public Task Every_use_under_one_lock_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Account
        {
            private readonly object _gate = new object();
            private int _balance;

            public void Deposit(int amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                }
            }

            public int Withdraw(int amount)
            {
                lock (_gate)
                {
                    if (amount >= 0 && _balance - amount >= 0)
                    {
                        _balance -= amount;
                        return _balance;
                    }
                }

                return 0;
            }

            public int Balance
            {
                get { lock (_gate) { return _balance; } }
            }
        }
        """);

    [Fact]
    public Task The_same_class_without_the_declaration_is_not_checked() => Verify.VerifyAnalyzerAsync(Usings + """
        public class Account
        {
            private int _balance;

            public void Deposit(int amount) => _balance += amount;

            public int Balance => _balance;
        }
        """);

    [Fact]
    public Task Two_calls_of_one_counting_member_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Hits
        {
            private int _count;

            public void Hit() => {|#0:_count|}++;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "Hits.Hit at line 12",
            "another call of Hits.Hit at the same time (Hits is declared thread-safe)", "also write"));

    [Fact]
    public Task Interlocked_counting_read_with_a_plain_read_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Hits
        {
            private int _count;

            public void Hit() => Interlocked.Increment(ref _count);

            public int Count => _count;
        }
        """);

    [Fact]
    public Task A_list_mutated_without_the_lock_its_other_uses_take_races() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Registry
        {
            private readonly object _gate = new object();
            private readonly List<string> _names = new List<string>();

            public void Add(string name) => {|#0:_names|}.Add(name);

            public bool Contains(string name)
            {
                lock (_gate)
                {
                    return _names.Contains(name);
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_names", "List<string>", "Registry.Add at line 13",
            "another call of Registry.Add at the same time (Registry is declared thread-safe)", "also mutate"));

    [Fact]
    public Task A_list_behind_a_lock_taken_by_a_private_helper_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Registry
        {
            private readonly object _gate = new object();
            private readonly List<string> _names = new List<string>();

            public void Add(string name)
            {
                lock (_gate)
                {
                    AddCore(name);
                }
            }

            public bool Contains(string name)
            {
                lock (_gate)
                {
                    return _names.Contains(name);
                }
            }

            private void AddCore(string name) => _names.Add(name);
        }
        """);

    [Fact]
    public Task A_concurrent_dictionary_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Registry
        {
            private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _ids = new();

            public void Add(string name) => _ids.TryAdd(name, _ids.Count);

            public bool Contains(string name) => _ids.ContainsKey(name);
        }
        """);

    [Fact]
    public Task Synchronized_methods_hold_the_same_lock_as_lock_this() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Tally
        {
            private long _total;

            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)]
            public void Add(long x) => _total += x;

            public long Total
            {
                get { lock (this) { return _total; } }
            }
        }
        """);

    [Fact]
    public Task A_read_beside_an_unlocked_reset_races_and_the_constructor_and_dispose_are_left_out() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Window : IDisposable
        {
            private readonly object _gate = new object();
            private int[] _samples;
            private int _next;

            public Window(int size) { _samples = new int[size]; _next = 0; }

            public void Add(int sample)
            {
                lock (_gate)
                {
                    _samples[_next] = sample;
                    _next = (_next + 1) % _samples.Length;
                }
            }

            public void Clear() => {|#0:_next|} = 0;

            public void Dispose() { _samples = null; _next = -1; }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_next", "Window.Clear at line 25",
            "a call of Window.Add at line 20 at the same time (Window is declared thread-safe)", "read"));

    [Fact]
    public Task Private_and_internal_members_are_not_called_by_users_at_once() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Cache
        {
            private int _misses;

            internal void Miss() => _misses++;

            private void Reset() => _misses = 0;
        }
        """);

    [Fact]
    public Task A_type_derived_from_a_declared_type_is_checked_too() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public abstract class Counter
        {
            public abstract void Add();
        }

        public sealed class Naive : Counter
        {
            private int _n;

            public override void Add() => {|#0:_n|}++;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_n", "Naive.Add at line 17",
            "another call of Naive.Add at the same time (Naive is declared thread-safe)", "also write"));

    [Fact]
    public Task A_static_counter_of_a_declared_type_races_across_static_calls() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public static class Ids
        {
            private static int s_next;

            public static int Next() => {|#0:s_next|}++;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Ids.s_next", "Ids.Next at line 12",
            "another call of Ids.Next at the same time (Ids is declared thread-safe)", "also write"));

    [Fact]
    public Task Two_plain_stores_and_a_lazy_initialisation_do_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Switch
        {
            private bool _closed;
            private object _shared;

            public void Open() => _closed = false;

            public void Close() => _closed = true;

            public object Shared => _shared ??= new object();
        }
        """);

    [Fact]
    public Task A_type_listed_in_the_option_is_checked() => new Verify.Test
    {
        TestCode = Usings + """
            namespace MyLib
            {
                public class Hits
                {
                    private int _count;

                    public void Hit() => {|#0:_count|}++;
                }
            }
            """,
        EditorConfig = "root = true\n[*.cs]\nscopesafety.checked_thread_safe_types = T:MyLib.Hits\n",
        ExpectedDiagnostics =
        {
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_count", "Hits.Hit at line 13",
                "another call of Hits.Hit at the same time (Hits is declared thread-safe)", "also write"),
        },
    }.RunAsync();

    [Fact]
    public Task An_explicit_interface_implementation_is_called_by_users_too() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Names : IEnumerable<string>
        {
            private readonly List<string> _names = new List<string>();

            public void Add(string name)
            {
                lock (_names)
                {
                    {|#0:_names|}.Add(name);
                }
            }

            IEnumerator<string> IEnumerable<string>.GetEnumerator() => _names.GetEnumerator();

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<string>)this).GetEnumerator();
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_names", "List<string>", "Names.Add at line 16",
            "a call of Names.IEnumerable<string>.GetEnumerator at line 20 at the same time (Names is declared thread-safe)", "read"));

    [Fact]
    public Task A_partial_type_is_checked_across_its_files() => new Verify.Test
    {
        TestSources =
        {
                Usings + """
                    [ThreadSafe]
                    public partial class Stats
                    {
                        private long _total;

                        public void Add(long x) => {|#0:_total|} += x;
                    }
                    """,
                Usings + """
                    public partial class Stats
                    {
                        public long Total => _total;
                    }
                    """,
        },
        ExpectedDiagnostics =
        {
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_total", "Stats.Add at line 12",
                "another call of Stats.Add at the same time (Stats is declared thread-safe)", "also write"),
        },
    }.RunAsync();

    // ---- what is left out -----------------------------------------------------------------------------------

    [Fact]
    public Task A_class_that_locks_but_is_not_declared_thread_safe_is_not_checked() => Verify.VerifyAnalyzerAsync(Usings + """
        public class ThreadSafety
        {
            int mBalance = 0;
            private readonly object balanceLock = new object();

            public void deposit(int amount)
            {
                if (amount > 0)
                {
                    lock (balanceLock)
                    {
                        mBalance += amount;
                    }
                }
            }

            public int withdraw(int amount)
            {
                if (amount >= 0 && mBalance - amount >= 0)
                {
                    mBalance -= amount;
                    return mBalance;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task Double_checked_locking_on_a_volatile_field_does_not_race() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Settings
        {
            private readonly object _gate = new object();
            private volatile Dictionary<string, string> _values;

            public IReadOnlyDictionary<string, string> Values
            {
                get
                {
                    if (_values == null)
                    {
                        lock (_gate)
                        {
                            if (_values == null)
                            {
                                _values = new Dictionary<string, string> { ["mode"] = "fast" };
                            }
                        }
                    }

                    return _values;
                }
            }
        }
        """);

    [Fact]
    public Task Double_checked_locking_on_a_plain_field_races_as_ECMA_335_allows() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Settings
        {
            private readonly object _gate = new object();
            private Dictionary<string, string> _values;

            public IReadOnlyDictionary<string, string> Values
            {
                get
                {
                    if (_values == null)
                    {
                        lock (_gate)
                        {
                            if (_values == null)
                            {
                                {|#0:_values|} = new Dictionary<string, string> { ["mode"] = "fast" };
                            }
                        }
                    }

                    return _values;
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_values", "Settings.Values at line 23",
            "another call of Settings.Values at the same time (Settings is declared thread-safe)", "read"));

    [Fact]
    public Task A_store_under_a_lock_without_the_second_check_races_with_the_unlocked_check() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Settings
        {
            private readonly object _gate = new object();
            private Dictionary<string, string> _values;

            public IReadOnlyDictionary<string, string> Values
            {
                get
                {
                    if (_values == null)
                    {
                        lock (_gate)
                        {
                            {|#0:_values|} = new Dictionary<string, string>();
                        }
                    }

                    return _values;
                }
            }

            public void Reload() { lock (_gate) { _values = null; } }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_values", "Settings.Values at line 21",
            "another call of Settings.Values at the same time (Settings is declared thread-safe)", "read"));

    [Fact]
    public Task The_constructor_dispose_and_a_private_setup_helper_are_not_compared() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Pool : IDisposable
        {
            private readonly object _gate = new object();
            private readonly Queue<int> _free = new Queue<int>();
            private int _size;

            public Pool(int size)
            {
                Fill(size);
            }

            public int Rent()
            {
                lock (_gate)
                {
                    _size--;
                    return _free.Dequeue();
                }
            }

            public void Dispose()
            {
                _free.Clear();
                _size = 0;
            }

            private void Fill(int size)
            {
                for (var i = 0; i < size; i++)
                {
                    _free.Enqueue(i);
                }

                _size = size;
            }
        }
        """);

    [Fact]
    public Task An_unlocked_insert_beside_locked_uses_races() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public class Subscribers
        {
            private readonly List<Action> _handlers = new List<Action>();

            public void Add(Action handler)
            {
                lock (_handlers)
                {
                    _handlers.Add(handler);
                }
            }

            public void AddFirst(Action handler) => {|#0:_handlers|}.Insert(0, handler);

            public void Raise()
            {
                lock (_handlers)
                {
                    foreach (var handler in _handlers) handler();
                }
            }
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_handlers", "List<Action>", "Subscribers.AddFirst at line 20",
            "a call of Subscribers.Add at line 16 at the same time (Subscribers is declared thread-safe)", "also mutate"));

    [Fact]
    public Task A_protected_step_the_base_type_runs_under_its_lock_is_not_compared() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public abstract class RandomSource
        {
            private readonly object _lock = new object();

            public double Sample()
            {
                lock (_lock)
                {
                    return DoSample();
                }
            }

            protected abstract double DoSample();
        }

        public sealed class Lcg : RandomSource
        {
            private ulong _state = 1;

            protected override double DoSample()
            {
                _state = _state * 6364136223846793005UL + 1442695040888963407UL;
                return (_state >> 11) * (1.0 / (1UL << 53));
            }
        }
        """);

    [Fact]
    public Task One_member_racing_with_itself_on_several_fields_is_reported_once() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public sealed class Xorshift
        {
            private uint _x = 1, _y = 2, _z = 3;

            public uint Next()
            {
                var t = _x ^ (_x << 11);
                {|#0:_x|} = _y;
                _y = _z;
                _z = _z ^ (_z >> 19) ^ t ^ (t >> 8);
                return _z;
            }
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_x", "Xorshift.Next at line 15",
            "another call of Xorshift.Next at the same time (Xorshift is declared thread-safe)", "read"));

    [Fact]
    public Task A_setter_storing_its_value_beside_a_read_is_configuration_but_beside_an_update_races() => Verify.VerifyAnalyzerAsync(Usings + """
        [ThreadSafe]
        public sealed class Gauge
        {
            private string _name = "";
            private long _value;

            public string Name
            {
                get => _name;
                set => _name = value;
            }

            public long Value
            {
                get => Interlocked.Read(ref _value);
                set => {|#0:_value|} = value;
            }

            public void Add(long delta) => Interlocked.Add(ref _value, delta);

            public override string ToString() => _name + "=" + Value;
        }
        """,
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_value", "Gauge.Value at line 22",
            "a call of Gauge.Add at line 25 at the same time (Gauge is declared thread-safe)", "also write"));
}
