using Verify = ScopeSafety.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ScopeSafety.Analyzers.ConcurrentAccessAnalyzer>;

namespace ScopeSafety.Analyzers.Tests.Rules;

/// <summary>
/// A static struct passed by <c>ref</c> to a helper that only computes an offset from it with <c>Unsafe.As</c> and
/// <c>Unsafe.ByteOffset</c> (Ryujinx's <c>NativeContext.GetRegisterOffset</c>) is not written: those calls compute
/// addresses, and what writes is what the code does with their result. A helper that stores through the result writes.
/// </summary>
public class AddressOnlyRefTests
{
    private static string Source(string offset) => $$"""
        using System;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;

        struct Storage
        {
            public long A;
            public long B;
        }

        static class Layout
        {
            private static Storage _dummy;

            public static int OffsetOfB() => Offset(ref _dummy, ref _dummy.B);

            private static int Offset<T>(ref Storage storage, ref T target) => {{offset}};
        }

        class Program
        {
            public static void Main()
            {
                var a = Task.Run(() => {|#0:Layout.OffsetOfB()|});
                var b = Task.Run(() => Layout.OffsetOfB());
                Task.WaitAll(a, b);
            }
        }
        """;

    [Fact]
    public Task An_offset_computed_from_the_refs_writes_nothing() =>
        Verify.VerifyAnalyzerAsync(Source("(int)Unsafe.ByteOffset(ref Unsafe.As<Storage, T>(ref storage), ref target)"));

    [Fact]
    public Task A_store_through_what_Unsafe_As_returns_writes_the_struct() =>
        Verify.VerifyAnalyzerAsync(Source("(int)(Unsafe.As<Storage, long>(ref storage) = 1)"),
            Verify.Diagnostic("SCOPE010").WithLocation(0).WithArguments("Layout._dummy", "work started with Task.Run at line 24 (in Layout.OffsetOfB)", "work started with Task.Run at line 25 (in Layout.OffsetOfB)", "also write"));
}
