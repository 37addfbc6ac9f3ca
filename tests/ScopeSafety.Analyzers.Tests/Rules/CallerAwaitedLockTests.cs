using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A private async method whose every caller awaits it where it calls it, inside the caller's lock, runs all of its code
/// under that lock, also after its own awaits (Technitium's DNS-over-TCP connection: <c>GetConnectionAsync</c> reads
/// <c>_tcpStream</c> after connecting, called only as <c>await GetConnectionAsync()</c> between <c>WaitAsync</c> and
/// <c>Release</c>, while the read loop it starts clears the field under the same semaphore). A caller that lets the lock
/// go before it awaits the task, or one that holds no lock, leaves the code after the await unguarded.
/// </summary>
public class CallerAwaitedLockTests
{
    private static string Source(string send) => ConcurrentAccessAnalyzerTests.Usings + $$"""
        class Connection
        {
            private readonly SemaphoreSlim _sendLock = new SemaphoreSlim(1, 1);
            private System.IO.Stream _stream;

            private async Task<System.IO.Stream> GetConnectionAsync()
            {
                if (_stream != null)
                    return _stream;

                _stream = await OpenAsync();
                _ = ReadLoopAsync(_stream);
                return {|#0:_stream|};
            }

            private static Task<System.IO.Stream> OpenAsync() => Task.FromResult<System.IO.Stream>(new System.IO.MemoryStream());

            private async Task {|#1:ReadLoopAsync|}(System.IO.Stream stream)
            {
                try
                {
                    while (true)
                    {
                        await stream.ReadAsync(new byte[10], 0, 10);
                    }
                }
                catch (Exception)
                {
                    await _sendLock.WaitAsync();
                    try
                    {
                        if (ReferenceEquals(stream, _stream))
                        {
                            {|#2:_stream|} = null;
                        }
                    }
                    finally
                    {
                        _sendLock.Release();
                    }
                }
            }

            {{send}}
        }
        """;

    private const string Awaited = """
        public async Task<bool> SendAsync(byte[] data, int timeout)
            {
                if (!await _sendLock.WaitAsync(timeout))
                    return false;

                try
                {
                    var stream = await GetConnectionAsync();
                    await stream.WriteAsync(data, 0, data.Length);
                    return true;
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        """;

    private static Verifiers.DiagnosticResult Race =>
        Verify.Diagnostic("SCOPE010").WithLocation(2).WithLocation(1).WithLocation(0)
            .WithArguments("_stream", "ReadLoopAsync after its await at line 35", "Connection.GetConnectionAsync at line 19 (after it calls ReadLoopAsync at line 18)", "read");

    [Fact]
    public Task A_method_every_caller_awaits_inside_its_lock_runs_under_it_after_its_awaits() =>
        Verify.VerifyAnalyzerAsync(Source(Awaited));

    [Fact]
    public Task A_caller_that_lets_the_lock_go_before_awaiting_the_task_leaves_the_rest_unguarded() =>
        Verify.VerifyAnalyzerAsync(Source("""
            public async Task SendAsync(byte[] data)
                {
                    Task<System.IO.Stream> pending;
                    await _sendLock.WaitAsync();
                    try
                    {
                        pending = GetConnectionAsync();
                    }
                    finally
                    {
                        _sendLock.Release();
                    }

                    var stream = await pending;
                    await stream.WriteAsync(data, 0, data.Length);
                }
            """), Race);

    [Fact]
    public Task A_second_caller_without_the_lock_leaves_the_rest_unguarded() =>
        Verify.VerifyAnalyzerAsync(Source(Awaited + """

                public async Task<long> LengthAsync() => (await GetConnectionAsync()).Length;
            """), Race);
}
