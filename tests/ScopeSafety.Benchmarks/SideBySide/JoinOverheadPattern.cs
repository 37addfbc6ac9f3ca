namespace ScopeSafety.Benchmarks.SideBySide;

// The fixed cost of a Scope.Join whose right half is not stolen: two trivial static delegates,
// joined or simply called one after the other, many times per operation. An unstolen join must not
// allocate, so its bytes per join must be 0.
internal static class JoinOverheadPattern
{
    private static int s_left;
    private static int s_right;

    // Mutable fields, not readonly ones: the JIT could otherwise see through the delegates of the
    // direct calls, inline them and fold the baseline away to nothing.
    private static Action s_leftWork = static () => s_left++;
    private static Action s_rightWork = static () => s_right++;

    public static Pattern Create(bool quick)
    {
        int joins = quick ? 100_000 : 1_000_000;

        var variants = new Variant[]
        {
            new("Scope.Join", Kind.Scope, () =>
            {
                Action left = s_leftWork, right = s_rightWork;
                for (int i = 0; i < joins; i++)
                {
                    Scope.Join(left, right);
                }
                return s_left;
            }),
            new("direct calls", Kind.Baseline, () =>
            {
                Action left = s_leftWork, right = s_rightWork;
                for (int i = 0; i < joins; i++)
                {
                    left();
                    right();
                }
                return s_left;
            }),
        };

        return new Pattern(
            $"unstolen join x{joins}",
            variants,
            Check: result => result == joins && s_right == joins ? null : $"left ran {result} times, right {s_right}, expected {joins} each",
            Reset: () => (s_left, s_right) = (0, 0),
            Unit: "join",
            UnitsPerOp: joins,
            TimePerUnit: true);
    }
}
