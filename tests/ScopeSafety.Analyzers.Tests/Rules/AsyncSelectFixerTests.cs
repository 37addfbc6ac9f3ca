using InterlockedFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.InterlockedFixer>;
using LockFix = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ScopeSafety.Analyzers.ConcurrentAccessAnalyzer,
    ScopeSafety.CodeFixes.LockSharedObjectFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// The race fixes on the runs of a <c>Select</c> of tasks started at once: what each writes, and that the harness
/// finds the fixed code building with no race of the fixed id left.
/// </summary>
public class AsyncSelectFixerTests
{
    [Fact]
    public Task A_list_filled_after_an_await_gets_a_lock() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        class Program
        {
            static async Task<int> Collect(int[] ids)
            {
                var results = new List<int>();
                await Task.WhenAll(ids.Select(async id =>
                {
                    await Task.Delay(1);
                    {|SCOPE011:results|}.Add(id);
                }));
                return results.Count;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        class Program
        {
            static async Task<int> Collect(int[] ids)
            {
                var results = new List<int>();
                await Task.WhenAll(ids.Select(async id =>
                {
                    await Task.Delay(1);
                    lock (results)
                    {
                        results.Add(id);
                    }
                }));
                return results.Count;
            }
        }
        """);

    [Fact]
    public Task A_count_of_runs_in_flight_is_counted_with_Interlocked() => InterlockedFix.VerifyCodeFixAsync("""
        using System.Linq;
        using System.Threading.Tasks;

        class Program
        {
            static async Task<int> Run(int[] ids)
            {
                var inFlight = 0;
                await Task.WhenAll(ids.Select(async id => { {|SCOPE010:inFlight|}++; await Task.Delay(id); inFlight--; }));
                return inFlight;
            }
        }
        """, """
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static async Task<int> Run(int[] ids)
            {
                var inFlight = 0;
                await Task.WhenAll(ids.Select(async id => { Interlocked.Increment(ref inFlight); await Task.Delay(id); Interlocked.Decrement(ref inFlight); }));
                return inFlight;
            }
        }
        """);

    [Fact]
    public Task A_dictionary_set_from_an_await_gets_no_lock_around_the_await() => LockFix.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        class Warmer
        {
            private readonly Dictionary<int, string> _cache = new();

            static async Task<string> Fetch(int id) { await Task.Delay(1); return id.ToString(); }

            public Task Warm(int[] ids) => Task.WhenAll(ids.Select(async id => { {|SCOPE011:_cache|}[id] = await Fetch(id); }));
        }
        """);

    // Reported at the call of the local function that uses it: the lock fix names the object where it is used, and a lock
    // around the call is not what it writes; it offers nothing rather than lock the wrong thing.
    [Fact]
    public Task A_list_filled_in_a_local_function_gets_no_lock_fix() => LockFix.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static int Squares()
            {
                var results = new List<int>();
                void Add(int i) { results.Add(i * i); }
                Parallel.For(0, 10, i => {|SCOPE011:Add(i)|});
                return results.Count;
            }
        }
        """);

    // An async method handed the list: the list is used in that method under another name, so the fix offers nothing
    // rather than lock the call.
    [Fact]
    public Task A_list_handed_to_async_methods_in_flight_gets_no_lock_fix() => LockFix.VerifyNoCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static async Task Fetch(int id, List<int> into) { await Task.Delay(id); into.Add(id); }

            static async Task<int> Run()
            {
                var results = new List<int>();
                await Task.WhenAll({|SCOPE011:Fetch(1, results)|}, Fetch(2, results));
                return results.Count;
            }
        }
        """);

    [Fact]
    public Task A_list_filled_by_async_local_functions_in_flight_gets_a_lock() => LockFix.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static async Task<int> Run()
            {
                var results = new List<int>();
                async Task Fetch(int i) { await Task.Delay(i); {|SCOPE011:results|}.Add(i); }
                await Task.WhenAll(Fetch(1), Fetch(2));
                return results.Count;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static async Task<int> Run()
            {
                var results = new List<int>();
                async Task Fetch(int i) { await Task.Delay(i); lock (results) { results.Add(i); } }
                await Task.WhenAll(Fetch(1), Fetch(2));
                return results.Count;
            }
        }
        """);
}
