namespace ScopeSafety.Analyzers
{
    /// <summary>The stable rule ids and categories; every analyzer, fixer, test and doc page refers to these.</summary>
    internal static class RuleIds
    {
        public const string StackPointerCapturedByUnscopedWork = "SCOPE001";
        public const string LocalSharedMutablyWithUnscopedWork = "SCOPE002";
        public const string DisposedWhileUnscopedWorkMayRun = "SCOPE003";
        public const string UnscopedWorkNotJoined = "SCOPE004";
        public const string DataRaceOnCapturedVariable = "SCOPE010";
        public const string NonThreadSafeObjectSharedByConcurrentWork = "SCOPE011";
        public const string LoopVariableCapturedByConcurrentWork = "SCOPE012";
        public const string ScopeValueEscapes = "SCOPE020";
        public const string BlockingScopeInAsyncCode = "SCOPE021";
        public const string BorrowOutlivedByScope = "SCOPE022";
        public const string AsyncWorkInSynchronousScope = "SCOPE023";
        public const string NestedTaskUsedAsWork = "SCOPE024";
        public const string InvalidOption = "SCOPE090";

        public const string LifetimeCategory = "ScopeSafety.Lifetime";
        public const string ConcurrencyCategory = "ScopeSafety.Concurrency";
        public const string UsageCategory = "ScopeSafety.Usage";

        /// <summary>Where the documentation of a rule lives; each descriptor's help link.</summary>
        public static string HelpLink(string id) =>
            "https://github.com/scopesafety/scopesafety/blob/main/docs/rules/" + id + ".md";
    }
}
