using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// Work that moves onto a program's main loop before it touches the shared state (MonoTorrent's
/// <c>await ClientEngine.MainLoop;</c>, a SynchronizationContext of its own that runs what is posted on one thread): the
/// runs take turns on that thread, so what each does after the await does not race with what another does after an await
/// of the same loop. What a run does before it, after an await that leaves the loop (<c>ConfigureAwait(false)</c>, a switch
/// to the pool), or on a context that the base class posts to the pool, still races.
/// </summary>
public class MainLoopContextTests
{
    private static string Source(string handler, string contextBody = PostOverride) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        {{Loop(contextBody)}}

        class Engine
        {
            internal static readonly MainLoop Loop = new MainLoop();
            private readonly List<string> _peers = new List<string>();
            private int _received;

            public void Receive(IEnumerable<string> messages)
            {
                foreach (var message in messages)
                {
                    {|#0:Handle|}(message);
                }
            }

            {{handler}}
        }
        """;

    // The run's code after its await at that line against the next call's, which the caller makes while it goes on.
    private static Verifiers.DiagnosticResult Race(int line) =>
        Verify.Diagnostic("SCOPE010").WithLocation(1).WithArguments("_received", "Handle after its await at line " + line,
            "Engine.Receive at line 26 (in Engine.Handle) (after it calls Handle at line 26)", "also write");

    // A main loop: an awaitable SynchronizationContext; with PostOverride, one that takes the posts in itself.
    private static string Loop(string contextBody) => $$"""
        sealed class MainLoop : SynchronizationContext, System.Runtime.CompilerServices.INotifyCompletion
        {
            {{contextBody}}
            public MainLoop GetAwaiter() => this;
            public bool IsCompleted => false;
            public void GetResult() { }
            public void OnCompleted(Action continuation) => Post(_ => continuation(), null);
        }
        """;

    private const string PostOverride = "public override void Post(SendOrPostCallback callback, object state) { }";

    [Fact]
    public Task Runs_that_move_onto_the_main_loop_first_take_turns_there() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Loop;
            _received++;
            _peers.Add(message);
        }
        """));

    [Fact]
    public Task A_call_made_on_the_main_loop_runs_there_too() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Loop;
            if (message.Length > 0)
            {
                try
                {
                    Count(message);
                }
                catch (Exception)
                {
                    Count(message);
                }
            }
        }

        private void Count(string message)
        {
            _received++;
            _peers.Add(message);
        }
        """));

    [Fact]
    public Task An_await_that_comes_back_keeps_the_run_on_the_main_loop() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Loop;
            await Task.Delay(1);
            _received++;
        }
        """));

    [Fact]
    public Task What_runs_before_the_loop_is_awaited_races() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Task.Delay(1);
            {|#1:_received|}++;
            await Loop;
            _peers.Add(message);
        }
        """), Race(line: 32));

    [Fact]
    public Task What_runs_after_an_await_that_leaves_the_loop_races() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Loop;
            await Task.Delay(1).ConfigureAwait(false);
            {|#1:_received|}++;
        }
        """), Race(line: 32));

    [Fact]
    public Task A_loop_that_leaves_the_main_loop_comes_back_to_the_access_off_it() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Loop;
            for (var i = 0; i < 3; i++)
            {
                {|#1:_received|}++;
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
        """), Race(line: 32));

    [Fact]
    public Task A_context_that_posts_to_the_pool_is_no_main_loop() => Verify.VerifyAnalyzerAsync(Source("""
        private async void Handle(string message)
        {
            await Loop;
            {|#1:_received|}++;
        }
        """, contextBody: ""), Race(line: 32));

    private static string Started(string work) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        {{Loop(PostOverride)}}

        class Engine
        {
            internal static MainLoop Loop { get; } = new MainLoop();
            private int _received;

            public void Start(int peers)
            {
                for (var i = 0; i < peers; i++)
                {
                    Task.Run(async () =>
                    {
                        {{work}}
                    });
                }
            }
        }
        """;

    [Fact]
    public Task Pool_work_that_moves_onto_the_main_loop_takes_turns_there() =>
        Verify.VerifyAnalyzerAsync(Started("await Task.Delay(10).ConfigureAwait(false); await Loop; _received++;"));

    [Fact]
    public Task Pool_work_that_leaves_the_main_loop_races() =>
        Verify.VerifyAnalyzerAsync(Started("await Loop; await Task.Delay(10).ConfigureAwait(false); {|#0:_received|}++;"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("_received", "work started with Task.Run at line 25", "another run of the same work", "also write"));

    private static string LeftRunning(string receiveCatch) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        {{Loop(PostOverride)}}

        class Peer
        {
            public bool Disposed;
        }

        class Connections
        {
            internal static readonly MainLoop Loop = new MainLoop();

            public void Connected(Peer peer)
            {
                {|#0:Send(peer)|};
                Receive(peer);
            }

            private async void Send(Peer peer)
            {
                try
                {
                    await Task.Delay(10).ConfigureAwait(false);
                }
                catch
                {
                    await Loop;
                    Cleanup(peer);
                }
            }

            private async void Receive(Peer peer)
            {
                try
                {
                    await Task.Delay(10).ConfigureAwait(false);
                }
                catch
                {
                    {{receiveCatch}}
                }
            }

            private static void Cleanup(Peer peer) => peer.Disposed = true;
        }
        """;

    [Fact]
    public Task Methods_left_running_that_clean_up_on_the_main_loop_take_turns_there() =>
        Verify.VerifyAnalyzerAsync(LeftRunning("await Loop; Cleanup(peer);"));

    [Fact]
    public Task A_method_left_running_that_cleans_up_off_the_main_loop_races() =>
        Verify.VerifyAnalyzerAsync(LeftRunning("Cleanup(peer);"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("peer.Disposed", "work started with Send at line 27 (in Connections.Send)",
                "work started with Receive at line 28 (in Connections.Receive)", "also write"));

    private static string Ticks(string schedule) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        {{Loop(PostOverride)}}

        class Dht
        {
            internal static MainLoop Loop { get; } = new MainLoop();
            private readonly Queue<int> _sendQueue = new Queue<int>();
            private Task _sendTask;

            public void Start() => {{schedule}}(_ =>
            {
                if (_sendTask == null || _sendTask.IsCompleted)
                {
                    _sendTask = {|#0:SendMessages(_sendQueue)|};
                }
            }, null);

            private static void Every(SendOrPostCallback tick, object state) => tick(state);

            private static async Task SendMessages(Queue<int> queue)
            {
                while (queue.Count > 0)
                {
                    queue.Dequeue();
                    await Task.Delay(1);
                }
            }
        }
        """;

    // MonoTorrent's DHT: its tick, queued on the DHT loop, starts SendMessages, whose awaits come back to the loop.
    [Fact]
    public Task An_async_method_a_main_loop_delegate_starts_runs_on_the_loop() => Verify.VerifyAnalyzerAsync(Ticks("Loop.Post"));

    [Fact]
    public Task An_async_method_a_delegate_of_unknown_thread_starts_races_with_its_next_run() => Verify.VerifyAnalyzerAsync(Ticks("Every"),
        Verify.Diagnostic("SCOPE011").WithLocation(0).WithArguments("_sendQueue", "Queue<int>", "work started with SendMessages at line 26 (in Dht.SendMessages)", "another run of the same work", "also mutate"));
}
