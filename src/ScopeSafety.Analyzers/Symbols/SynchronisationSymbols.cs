using Microsoft.CodeAnalysis;

namespace ScopeSafety.Analyzers.Symbols
{
    /// <summary>Locks, atomics, and the objects through which one thread releases another (events, countdowns, semaphores, barriers, TaskCompletionSource, the queues that hand items over).</summary>
    internal sealed class SynchronisationSymbols
    {
        internal SynchronisationSymbols(Compilation compilation)
        {
            Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
            Interlocked = compilation.GetTypeByMetadataName("System.Threading.Interlocked");
            Volatile = compilation.GetTypeByMetadataName("System.Threading.Volatile");
            ImmutableInterlocked = compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableInterlocked");
            SpinWait = compilation.GetTypeByMetadataName("System.Threading.SpinWait");
            WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
            EventWaitHandle = compilation.GetTypeByMetadataName("System.Threading.EventWaitHandle");
            ManualResetEventSlim = compilation.GetTypeByMetadataName("System.Threading.ManualResetEventSlim");
            CountdownEvent = compilation.GetTypeByMetadataName("System.Threading.CountdownEvent");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            ReaderWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
            ReaderWriterLock = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLock");
            Mutex = compilation.GetTypeByMetadataName("System.Threading.Mutex");
            SpinLock = compilation.GetTypeByMetadataName("System.Threading.SpinLock");
            Semaphore = compilation.GetTypeByMetadataName("System.Threading.Semaphore");
            Barrier = compilation.GetTypeByMetadataName("System.Threading.Barrier");
            TaskCompletionSource = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskCompletionSource");
            TaskCompletionSourceOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskCompletionSource`1");
            BlockingCollection = compilation.GetTypeByMetadataName("System.Collections.Concurrent.BlockingCollection`1");
            Channel = compilation.GetTypeByMetadataName("System.Threading.Channels.Channel`2");
            ChannelWriter = compilation.GetTypeByMetadataName("System.Threading.Channels.ChannelWriter`1");
            ChannelReader = compilation.GetTypeByMetadataName("System.Threading.Channels.ChannelReader`1");
        }

        /// <summary>System.Threading.Monitor: Enter/Exit pairs hold a lock like the lock statement.</summary>
        public INamedTypeSymbol? Monitor { get; }
        public INamedTypeSymbol? Interlocked { get; }
        public INamedTypeSymbol? Volatile { get; }

        /// <summary>System.Collections.Immutable.ImmutableInterlocked: swaps an immutable collection held in a ref location by compare-exchange.</summary>
        public INamedTypeSymbol? ImmutableInterlocked { get; }

        /// <summary>System.Threading.SpinWait: SpinUntil(condition) returns once the condition holds.</summary>
        public INamedTypeSymbol? SpinWait { get; }
        public INamedTypeSymbol? WaitHandle { get; }
        public INamedTypeSymbol? EventWaitHandle { get; }
        public INamedTypeSymbol? ManualResetEventSlim { get; }
        public INamedTypeSymbol? CountdownEvent { get; }
        public INamedTypeSymbol? SemaphoreSlim { get; }
        public INamedTypeSymbol? ReaderWriterLockSlim { get; }
        public INamedTypeSymbol? ReaderWriterLock { get; }
        public INamedTypeSymbol? Mutex { get; }

        /// <summary>System.Threading.SpinLock: Enter(ref taken) in a try whose finally calls Exit() excludes like a lock.</summary>
        public INamedTypeSymbol? SpinLock { get; }
        public INamedTypeSymbol? Semaphore { get; }
        public INamedTypeSymbol? Barrier { get; }
        public INamedTypeSymbol? TaskCompletionSource { get; }
        public INamedTypeSymbol? TaskCompletionSourceOfT { get; }

        /// <summary>System.Collections.Concurrent.BlockingCollection&lt;T&gt;: an Add lets one Take through, like a semaphore's Release.</summary>
        public INamedTypeSymbol? BlockingCollection { get; }

        /// <summary>System.Threading.Channels.Channel&lt;TWrite, TRead&gt;, the base of Channel&lt;T&gt;: its Writer and Reader are one queue.</summary>
        public INamedTypeSymbol? Channel { get; }

        /// <summary>ChannelWriter&lt;T&gt;: a write lets one read through.</summary>
        public INamedTypeSymbol? ChannelWriter { get; }

        /// <summary>ChannelReader&lt;T&gt;: a read waits for a write.</summary>
        public INamedTypeSymbol? ChannelReader { get; }

        /// <summary>Interlocked, Volatile or ImmutableInterlocked: a call of theirs reads or writes the location it is given atomically.</summary>
        public bool IsAtomicApi(ITypeSymbol? type) => KnownSymbols.Is(type, Interlocked) || KnownSymbols.Is(type, Volatile) || KnownSymbols.Is(type, ImmutableInterlocked);
    }
}
