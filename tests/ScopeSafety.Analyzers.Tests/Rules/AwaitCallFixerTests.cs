using ScopeSafety.Analyzers.Tests.Infrastructure;
using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<ScopeSafety.Analyzers.UnscopedCaptureAnalyzer, ScopeSafety.CodeFixes.AwaitCallFixer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// SCOPE003 on an asynchronous call: "Await the call" awaits it where it is made, in a function made async when the
/// task was returned, so that what it uses is disposed after it. Offered only where the await changes nothing else.
/// </summary>
public class AwaitCallFixerTests
{
    private const string Usings = """
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task A_returned_task_is_awaited_in_a_method_made_async() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            public Task<int> Read(byte[] buffer)
            {
                using var source = File.OpenRead("a");
                return {|SCOPE003:source|}.ReadAsync(buffer, 0, buffer.Length);
            }

            public Task Copy(Stream destination)
            {
                using (var source = File.OpenRead("a"))
                {
                    return {|SCOPE003:source|}.CopyToAsync(destination);
                }
            }

            Task Copy(Stream destination, bool fast)
            {
                using var source = File.OpenRead("a");
                if (fast)
                    return {|SCOPE003:source|}.CopyToAsync(destination);
                throw new InvalidOperationException();
            }
        }
        """, Usings + """
        class C
        {
            public async Task<int> Read(byte[] buffer)
            {
                using var source = File.OpenRead("a");
                return await source.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
            }

            public async Task Copy(Stream destination)
            {
                using (var source = File.OpenRead("a"))
                {
                    await source.CopyToAsync(destination).ConfigureAwait(false);
                }
            }

            async Task Copy(Stream destination, bool fast)
            {
                using var source = File.OpenRead("a");
                if (fast)
                {
                    await source.CopyToAsync(destination).ConfigureAwait(false);
                    return;
                }
                throw new InvalidOperationException();
            }
        }
        """);

    [Fact]
    public Task A_local_function_and_a_call_left_running_in_an_async_method_are_awaited() => Verify.VerifyCodeFixAsync(Usings + """
        class C
        {
            async Task Flush(Stream destination, CancellationToken token)
            {
                await destination.FlushAsync(token);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                _ = destination.FlushAsync({|SCOPE003:cts.Token|});
            }

            async Task FlushOffContext(Stream destination, CancellationToken token)
            {
                await destination.FlushAsync(token).ConfigureAwait(false);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                destination.FlushAsync({|SCOPE003:cts.Token|});
            }

            Task Outer(Stream destination)
            {
                return Copy();

                Task Copy()
                {
                    using var source = File.OpenRead("a");
                    return {|SCOPE003:source|}.CopyToAsync(destination);
                }
            }
        }
        """, Usings + """
        class C
        {
            async Task Flush(Stream destination, CancellationToken token)
            {
                await destination.FlushAsync(token);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                await destination.FlushAsync(cts.Token);
            }

            async Task FlushOffContext(Stream destination, CancellationToken token)
            {
                await destination.FlushAsync(token).ConfigureAwait(false);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                await destination.FlushAsync(cts.Token).ConfigureAwait(false);
            }

            Task Outer(Stream destination)
            {
                return Copy();

                async Task Copy()
                {
                    using var source = File.OpenRead("a");
                    await source.CopyToAsync(destination).ConfigureAwait(false);
                }
            }
        }
        """);

    // Awaiting a call that other code after it may be needed for could wait for ever, a stored task may be awaited
    // elsewhere, and a second return would need rewriting too: no fix.
    [Fact]
    public Task Not_offered_where_the_await_would_change_more_than_the_disposal() => Verify.VerifyNoCodeFixAsync(Usings + """
        class C
        {
            async Task NotLast(Stream destination)
            {
                using var source = File.OpenRead("a");
                {|SCOPE003:source|}.CopyToAsync(destination);
                await destination.FlushAsync();
            }

            void NotAsync(Stream destination)
            {
                using var source = File.OpenRead("a");
                {|SCOPE003:source|}.CopyToAsync(destination);
            }

            Task Stored(Stream destination)
            {
                using var source = File.OpenRead("a");
                var copy = {|SCOPE003:source|}.CopyToAsync(destination);
                return copy;
            }

            Task TwoReturns(Stream destination, bool skip)
            {
                if (skip) return Task.CompletedTask;
                using var source = File.OpenRead("a");
                return {|SCOPE003:source|}.CopyToAsync(destination);
            }
        }
        """);

    [Fact]
    public Task The_fix_makes_the_copy_finish_before_its_source_is_disposed() => Verify.VerifyCodeFixAsync(DisposedSource, DisposedSourceFixed);

    [Fact]
    public void The_returned_copy_reads_a_disposed_source_and_the_awaited_one_does_not()
    {
        Assert.Equal(1, ProgramRunner.Run(DisposedSource));
        Assert.Equal(0, ProgramRunner.Run(DisposedSourceFixed));
    }

    private const string SlowSource = """
            sealed class SlowSource : Stream
            {
                private bool _disposed;
                private int _left = 3;

                public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken token)
                {
                    await Task.Delay(5, token);
                    if (_disposed) throw new ObjectDisposedException(nameof(SlowSource));
                    return _left-- > 0 ? 1 : 0;
                }

                protected override void Dispose(bool disposing) => _disposed = true;
                public override bool CanRead => true;
                public override bool CanSeek => false;
                public override bool CanWrite => false;
                public override long Length => throw new NotSupportedException();
                public override long Position { get => 0; set => throw new NotSupportedException(); }
                public override void Flush() { }
                public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
                public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
                public override void SetLength(long value) => throw new NotSupportedException();
                public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            }
        """;

    // 1 when the copy read its source after the source was disposed.
    private const string Runner = """
        public static class Program
        {
            public static int Run()
            {
                try
                {
                    Copy(new MemoryStream()).Wait();
                    return 0;
                }
                catch (AggregateException e) when (e.InnerException is ObjectDisposedException)
                {
                    return 1;
                }
            }

        """;

    private const string DisposedSource = Usings + Runner + """
            static Task Copy(Stream destination)
            {
                using var source = new SlowSource();
                return {|SCOPE003:source|}.CopyToAsync(destination);
            }
        }

        """ + SlowSource;

    private const string DisposedSourceFixed = Usings + Runner + """
            static async Task Copy(Stream destination)
            {
                using var source = new SlowSource();
                await source.CopyToAsync(destination).ConfigureAwait(false);
            }
        }

        """ + SlowSource;
}
