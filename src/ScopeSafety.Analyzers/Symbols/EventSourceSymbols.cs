using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>Types whose events .NET raises on a thread of its own, not the subscriber's (see Concurrency.OffThreadEvents).</summary>
    internal sealed class EventSourceSymbols
    {
        internal EventSourceSymbols(Compilation compilation)
        {
            Process = compilation.GetTypeByMetadataName("System.Diagnostics.Process");
            FileSystemWatcher = compilation.GetTypeByMetadataName("System.IO.FileSystemWatcher");
            SerialPort = compilation.GetTypeByMetadataName("System.IO.Ports.SerialPort");
            Console = compilation.GetTypeByMetadataName("System.Console");
            BackgroundWorker = compilation.GetTypeByMetadataName("System.ComponentModel.BackgroundWorker");
            SocketAsyncEventArgs = compilation.GetTypeByMetadataName("System.Net.Sockets.SocketAsyncEventArgs");
        }

        public INamedTypeSymbol? Process { get; }
        public INamedTypeSymbol? FileSystemWatcher { get; }
        public INamedTypeSymbol? SerialPort { get; }
        public INamedTypeSymbol? Console { get; }
        public INamedTypeSymbol? BackgroundWorker { get; }

        /// <summary>System.Net.Sockets.SocketAsyncEventArgs, whose Completed event comes on an I/O thread.</summary>
        public INamedTypeSymbol? SocketAsyncEventArgs { get; }
    }
}
