using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>Threads, the thread pool, timers and cancellation.</summary>
    internal sealed class ThreadingSymbols
    {
        internal ThreadingSymbols(Compilation compilation)
        {
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
            Timer = compilation.GetTypeByMetadataName("System.Threading.Timer");
            TimersTimer = compilation.GetTypeByMetadataName("System.Timers.Timer");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            SynchronizationContext = compilation.GetTypeByMetadataName("System.Threading.SynchronizationContext");
            AsyncCallback = compilation.GetTypeByMetadataName("System.AsyncCallback");
            AsyncResult = compilation.GetTypeByMetadataName("System.IAsyncResult");
        }

        public INamedTypeSymbol? Thread { get; }
        public INamedTypeSymbol? ThreadPool { get; }

        /// <summary>System.Threading.Timer.</summary>
        public INamedTypeSymbol? Timer { get; }

        /// <summary>System.Timers.Timer, whose Elapsed handlers run on the pool.</summary>
        public INamedTypeSymbol? TimersTimer { get; }

        public INamedTypeSymbol? CancellationToken { get; }

        /// <summary>System.Threading.SynchronizationContext, whose derived types may run what is posted on one thread of their own.</summary>
        public INamedTypeSymbol? SynchronizationContext { get; }

        /// <summary>System.AsyncCallback, the completion callback of a Begin method (the asynchronous programming model).</summary>
        public INamedTypeSymbol? AsyncCallback { get; }

        /// <summary>System.IAsyncResult, what a Begin method returns.</summary>
        public INamedTypeSymbol? AsyncResult { get; }

        public bool IsThread(ITypeSymbol? type) => KnownSymbols.Is(type, Thread);
    }
}
