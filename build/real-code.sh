#!/usr/bin/env bash
# Builds one project of a checked-out repository with the ScopeSafety analyzers injected, without editing the
# repository, and collects what they report and what they cost (docs/precision.md says how the results are used).
#
#   build/real-code.sh <repo-dir> <project> <tfm|-> <ScopeSafety.Analyzers.dll> <out-dir> [msbuild args...]
#
#   repo-dir  the repository's root; project is a path relative to it (or absolute)
#   tfm       passed as -f; '-' passes none (a single-target project, or pass -p:TargetFrameworks=… after out-dir)
#   dll       the analyzer, e.g. a copy of artifacts/bin/ScopeSafety.Analyzers/release/ScopeSafety.Analyzers.dll in
#             a folder of its own; it must keep that file name
#   out-dir   where everything is written (outside repo-dir): the injected targets and config, build.log (normal
#             verbosity), detailed.log (the compiler's analyzer timings), build.binlog, reports.tsv (file, line,
#             rule, message; deduplicated) and timing.txt
#
# SCOPE001–SCOPE004 are raised to warning (SCOPE004 is hidden by default), so the report is what a team that opted
# in would see. The analyzer's cost comes from -p:ReportAnalyzer=true: the compiler prints the time of every
# analyzer assembly in every compilation; timing.txt sums ScopeSafety's (and a peer's) against the whole compile
# (the Csc task). With SCOPE_PEER_VSTHRD=<version> the build also references Microsoft.VisualStudio.Threading.Analyzers
# of that version, a threading analyzer to compare with (its reports are not collected); a repository that already
# references it is compared with its own version (leave SCOPE_PEER_VSTHRD unset there: a second reference fails).
# SCOPE_REMOVE_PACKAGES="A;B" drops package references the compile does not need (a test logger or an analyzer
# package that the reachable package source does not serve), so that the project restores. SCOPE_GLOBALCONFIG_EXTRA
# adds lines to the injected global config (e.g. "scopesafety.checked_thread_safe_types = T:Lib.Cache", to check the
# types a library documents as thread-safe).
set -euo pipefail

if [[ $# -lt 5 ]]; then
  sed -n '2,24p' "$0" >&2
  exit 2
fi
repo=$(cd "$1" && pwd)
project=$2
tfm=$3
dll=$(cd "$(dirname "$4")" && pwd)/$(basename "$4")
out=$(realpath -m "$5")
shift 5

[[ $project = /* ]] || project=$repo/$project
if [[ $(basename "$dll") != ScopeSafety.Analyzers.dll || ! -f $dll ]]; then
  echo "real-code.sh: the analyzer must be an existing file named ScopeSafety.Analyzers.dll: $dll" >&2
  exit 2
fi
case "$out/" in
  "$repo"/*) echo "real-code.sh: out-dir must lie outside the repository ($repo)" >&2; exit 2 ;;
esac
mkdir -p "$out"

remove=""
if [[ -n ${SCOPE_REMOVE_PACKAGES:-} ]]; then
  remove="<PackageReference Remove=\"$SCOPE_REMOVE_PACKAGES\" />"
fi

peer=""
if [[ -n ${SCOPE_PEER_VSTHRD:-} ]]; then
  # Under central package management a reference may only carry VersionOverride.
  peer="<PackageReference Include=\"Microsoft.VisualStudio.Threading.Analyzers\" Version=\"$SCOPE_PEER_VSTHRD\" PrivateAssets=\"all\" Condition=\"'\$(ManagePackageVersionsCentrally)' != 'true'\" />
    <PackageReference Include=\"Microsoft.VisualStudio.Threading.Analyzers\" VersionOverride=\"$SCOPE_PEER_VSTHRD\" PrivateAssets=\"all\" Condition=\"'\$(ManagePackageVersionsCentrally)' == 'true'\" />"
fi

# Imported last by Microsoft.Common.targets, so these settings win over the repository's own.
cat > "$out/scope-inject.targets" <<EOF
<Project>
  <PropertyGroup>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <MSBuildTreatWarningsAsErrors>false</MSBuildTreatWarningsAsErrors>
    <CodeAnalysisTreatWarningsAsErrors>false</CodeAnalysisTreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <Analyzer Include="\$(ScopeSafetyAnalyzerDll)" />
    <!-- A GlobalAnalyzerConfigFiles item is ignored here; an EditorConfigFiles item with is_global is read. -->
    <EditorConfigFiles Include="$out/scope-measure.globalconfig" />
    $peer
    $remove
  </ItemGroup>
</Project>
EOF

cat > "$out/scope-measure.globalconfig" <<EOF
is_global = true
dotnet_diagnostic.SCOPE001.severity = warning
dotnet_diagnostic.SCOPE002.severity = warning
dotnet_diagnostic.SCOPE003.severity = warning
dotnet_diagnostic.SCOPE004.severity = warning
${SCOPE_GLOBALCONFIG_EXTRA:-}
EOF

framework=()
[[ $tfm == - ]] || framework=(-f "$tfm")

status=0
dotnet build "$project" -c Release "${framework[@]}" -m:1 --no-incremental -v:n -clp:PerformanceSummary \
  -bl:"$out/build.binlog" -flp:"Verbosity=detailed;LogFile=$out/detailed.log" \
  -p:RunAnalyzers=true -p:ReportAnalyzer=true \
  -p:CustomAfterMicrosoftCommonTargets="$out/scope-inject.targets" \
  -p:ScopeSafetyAnalyzerDll="$dll" \
  -p:TreatWarningsAsErrors=false -p:EnableNETAnalyzers=false \
  "$@" > "$out/build.log" 2>&1 || status=$?

# One line per report: file (relative to the repository), line, rule, message; repeated target frameworks and the
# build's summary repeat each report, so they are deduplicated.
grep -aE ': (warning|error|info) SCOPE[0-9]+:' "$out/build.log" \
  | sed -E 's/^[[:space:]]*[0-9]+>//; s/^[[:space:]]+//; s/ \[[^]]*\]$//' \
  | sed -E 's/^(.*)\(([0-9]+),[0-9]+(,[0-9]+,[0-9]+)?\): (warning|error|info) (SCOPE[0-9]+): (.*)$/\1\t\2\t\5\t\6/' \
  | sed -E "s#^$repo/##" \
  | sort -u -t$'\t' -k1,1 -k2,2n -k3,3 -k4,4 > "$out/reports.tsv" || true

# The compiler prints its analyzer report at detailed verbosity only. Assembly lines look like
# "   1.234   12   ScopeSafety.Analyzers, Version=…" ("<0.001" counts as 0); the peer ships two assemblies.
sum_assembly() {
  { grep -aE "^[[:space:]]*<?[0-9.]+[[:space:]]+<?[0-9]+[[:space:]]+$1, Version=" "$out/detailed.log" || true; } \
    | sed -E 's/^[[:space:]]*<?([0-9.]+).*/\1/' \
    | awk '{ s += $1 } END { printf "%.3f", s }'
}
analyzers_total=$({ grep -aoE 'Total analyzer execution time: [0-9.]+' "$out/detailed.log" || true; } \
  | awk '{ s += $5 } END { printf "%.3f", s }')
csc_ms=$({ grep -aE '^[[:space:]]+[0-9]+ ms[[:space:]]+Csc[[:space:]]+[0-9]+ calls' "$out/build.log" || true; } \
  | tail -1 | awk '{ print $1 }')
scope=$(sum_assembly 'ScopeSafety\.Analyzers')
vsthrd=$(sum_assembly 'Microsoft\.VisualStudio\.Threading\.Analyzers(\.CSharp)?')
{
  echo "build exit code:               $status"
  echo "reports (deduplicated):        $(wc -l < "$out/reports.tsv")"
  echo "Csc task, all compilations:    ${csc_ms:-?} ms"
  echo "all analyzers (summed):        $analyzers_total s"
  echo "ScopeSafety.Analyzers:         $scope s"
  [[ $vsthrd == 0.000 ]] || echo "VisualStudio.Threading (peer): $vsthrd s"
  if [[ -n ${csc_ms:-} ]]; then
    awk -v s="$scope" -v c="$csc_ms" 'BEGIN { printf "ScopeSafety share of Csc:      %.1f %%\n", 100 * s * 1000 / c }'
  fi
  if [[ $vsthrd != 0.000 ]]; then
    awk -v s="$scope" -v p="$vsthrd" 'BEGIN { if (p > 0) printf "ScopeSafety / peer:            %.0f %%\n", 100 * s / p }'
  fi
} > "$out/timing.txt"
cat "$out/timing.txt"
cut -f3 "$out/reports.tsv" | sort | uniq -c || true
exit "$status"
