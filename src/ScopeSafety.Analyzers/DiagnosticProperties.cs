namespace ScopeSafety.Analyzers
{
    /// <summary>
    /// What a diagnostic tells its fix, in one place (the analyzers write, the fixes read): the keys of
    /// <c>Diagnostic.Properties</c> and the order of <c>Diagnostic.AdditionalLocations</c>.
    /// </summary>
    internal static class DiagnosticProperties
    {
        /// <summary>SCOPE001–004: the spawn API's display name, as <c>SpawnSite.Api</c> has it ("Task.Run", "new Thread").</summary>
        public const string Api = "Api";

        /// <summary>SCOPE010–012: the name of the variable or object.</summary>
        public const string Variable = "Variable";

        /// <summary>SCOPE010/011: <see cref="OtherSideItem"/> or <see cref="OtherSideBody"/>.</summary>
        public const string OtherSide = "OtherSide";

        /// <summary>The other side is another work item, or another run of the same one.</summary>
        public const string OtherSideItem = "Item";

        /// <summary>The other side is the code that started the work.</summary>
        public const string OtherSideBody = "Body";

        /// <summary>The reported access is a finalizer's, and the other side another member of its type (see <c>FinalizerRaces</c>).</summary>
        public const string OtherSideMember = "Member";

        /// <summary>The other side is a caller of the method that started the work, after the call (see <c>CallersAfterCall</c>).</summary>
        public const string OtherSideCaller = "Caller";

        /// <summary>
        /// The other side is another member of the type whose member started the work, which the type's users may call while
        /// the work runs (see <c>CallersAfterCall.FirstMemberRace</c>).
        /// </summary>
        public const string OtherSideTypeMember = "TypeMember";

        /// <summary>
        /// The reported write is a member's of a type declared thread-safe, and the other side another call of it or of
        /// another member, which users may make at the same time (see <c>ThreadSafeTypes</c>).
        /// </summary>
        public const string OtherSideConcurrentMember = "ConcurrentMember";

        /// <summary>
        /// SCOPE010/011: "true" when both sides of the reported pair write (the message's "may also write it"): a fix that
        /// only makes each access atomic does not keep one write from being lost to the other.
        /// </summary>
        public const string BothWrite = "BothWrite";

        /// <summary>
        /// SCOPE010/011 against the type's members: the declaration id of the field the race is on, when the place is the
        /// field itself (the report names the method the work runs, and the other side may reach the field in a callee).
        /// </summary>
        public const string Field = "Field";

        /// <summary>
        /// SCOPE011 on an object held in a field, reported against another run of the same work: "true" when that work is
        /// left running beside the type's other members too (see <c>CallersAfterCall.FirstMemberRace</c>), whose uses a lock
        /// must then hold as well. One report of the two causes; the member's comes once the work's own is mended.
        /// </summary>
        public const string BesideMembers = "BesideMembers";

        /// <summary>SCOPE003 (an asynchronous call), SCOPE021/023/024: which rewrite fits (values named by the analyzer).</summary>
        public const string Fix = "Fix";

        /// <summary>AdditionalLocations[0]: the spawn (the invocation or object creation that starts the work).</summary>
        public const int SpawnLocation = 0;

        /// <summary>
        /// AdditionalLocations[1], when present and in source: the conflicting access of the other side (SCOPE002,
        /// SCOPE010/011), the end of the pinned region (SCOPE001), the disposal (SCOPE003) or the use of the outer task as
        /// the work (SCOPE024). <c>Location.None</c> where there is no conflict but waits follow.
        /// </summary>
        public const int ConflictLocation = 1;

        /// <summary>
        /// AdditionalLocations[2] on (SCOPE001–004): the host's waits on a synchronisation object the work releases after
        /// its last use of the variable (<c>SignalOrderings.HostWaits</c>); past them the rule no longer sees the work.
        /// </summary>
        public const int FirstWaitLocation = 2;
    }
}
