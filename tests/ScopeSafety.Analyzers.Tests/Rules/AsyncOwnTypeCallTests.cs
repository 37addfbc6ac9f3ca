using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE010/011 on async methods of the caller's own type left running side by side (<c>Task.WhenAll(LoadUsers(),
/// LoadOrders())</c>): what each does after its first await to an object held in a field, or handed to it, runs beside
/// the other and the caller; what it does before, also inside the call it awaits first, runs in turn. Each hazard beside
/// the twin that must stay silent. The class starts at line 7.
/// </summary>
public class AsyncOwnTypeCallTests
{
    private const string Usings = ConcurrentAccessAnalyzerTests.Usings;

    [Fact]
    public Task Two_methods_adding_to_the_log_after_their_awaits_race() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private readonly List<string> _log = new();

            private async Task LoadUsers() { await Task.Delay(1); {|#0:_log|}.Add("users"); }

            private async Task LoadOrders() { await Task.Delay(1); _log.Add("orders"); }

            public async Task LoadAll() => await Task.WhenAll(LoadUsers(), LoadOrders());
        }
        """,
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_log", "List<string>", "work started with LoadUsers at line 15", "work started with LoadOrders at line 15", "also mutate"));

    [Fact]
    public Task Two_calls_adding_before_their_first_await_run_in_turn() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private readonly List<string> _log = new();

            private async Task Load(string what) { _log.Add(what); await Task.Delay(1); }

            public async Task LoadAll()
            {
                await Task.WhenAll(Load("users"), Load("orders"));
                _log.Add("done");
            }
        }
        """);

    // A client handed to two capability checks in flight at once, whose batch the caller sends (and clears) before it
    // awaits them: each check queues its request inside the call it awaits first, SEND the client's way of sending.
    private static string BatchClient(string check, string send) => Usings + """
        class Client
        {
            private List<string> _batch;

            public async Task ScanAsync()
            {
                var rpc = new Client();
                rpc._batch = new List<string>();
                var waiting = Task.WhenAll(CHECK_A, CheckAsync(rpc, "b"));
                rpc.SendBatch();
                await waiting;
            }

            private void SendBatch() => _batch = null;

        SEND

            private static async Task CheckAsync(Client rpc, string command)
            {
        CHECK
                Console.WriteLine(result);
            }
        }
        """.Replace("SEND", send).Replace("CHECK_A", check.Contains("Yield") ? "{|#0:CheckAsync(rpc, \"a\")|}" : "CheckAsync(rpc, \"a\")").Replace("CHECK", check);

    private const string SendAsync = """
            private async Task<string> SendAsync(string command)
            {
                _batch?.Add(command);
                await Task.Delay(10);
                return command;
            }
    """;

    [Fact]
    public Task A_client_handed_to_calls_that_reach_its_batch_through_the_awaited_call_before_they_yield_is_read_in_turn() => Verify.VerifyAnalyzerAsync(BatchClient("""
                var result = await rpc.SendAsync(command).ConfigureAwait(false);
        """, SendAsync));

    [Fact]
    public Task A_client_handed_to_calls_that_reach_its_batch_after_an_earlier_await_races_with_the_caller() => Verify.VerifyAnalyzerAsync(BatchClient("""
                await Task.Yield();
                var result = await rpc.SendAsync(command).ConfigureAwait(false);
        """, SendAsync),
        Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("rpc._batch", "the method at line 16 (in Client.SendBatch)", "work started with CheckAsync at line 15 (in Client.CheckAsync)", "read"));

    [Fact]
    public Task A_client_whose_batch_is_read_through_an_overload_that_hands_back_another_call_s_task_is_read_in_turn() => Verify.VerifyAnalyzerAsync(BatchClient("""
                var result = await rpc.SendAsync(command).ConfigureAwait(false);
        """, """
            private Task<string> SendAsync(string command) => SendAsync(command, 0);

            private async Task<string> SendAsync(string command, int retries)
            {
                _batch?.Add(command);
                await Task.Delay(10);
                return command + retries;
            }
    """));

    [Fact]
    public Task Two_calls_adding_under_a_lock_after_their_awaits_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private readonly List<string> _log = new();
            private readonly SemaphoreSlim _gate = new(1, 1);

            private async Task Load(string what, CancellationToken token)
            {
                await Task.Delay(1, token);
                await _gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    _log.Add(what);
                }
                finally
                {
                    _gate.Release();
                }
            }

            public Task LoadAll(CancellationToken token) => Task.WhenAll(Load("users", token), Load("orders", token));
        }
        """);

    [Fact]
    public Task Calls_awaited_one_after_the_other_are_silent() => Verify.VerifyAnalyzerAsync(Usings + """
        class Loader
        {
            private readonly List<string> _log = new();

            private async Task Load(string what) { await Task.Delay(1); _log.Add(what); }

            public async Task LoadAll()
            {
                await Load("users");
                await Load("orders");
                _log.Add("done");
            }
        }
        """);
}
