#!/usr/bin/env bash
# Runs the analyzers of this checkout over a project whose methods are named for their answer (a race detector's own
# test subject: SharpDetect's Test_DataRace_* and Test_NoDataRace_* methods, docs/precision.md's seventeenth batch) and
# counts the race methods a hazard rule reports in, and the race-free ones it reports in anyway. A report counts for
# the method that holds its line and for those holding the lines its message names (where the racing work starts).
#
#   build/named-cases.sh <repo-dir> <project> <tfm|-> <race-prefix> <safe-prefix> [msbuild args...]
#   e.g. build/named-cases.sh sharpdetect src/Tests/SharpDetect.E2ETests.Subject/SharpDetect.E2ETests.Subject.csproj \
#        net10.0 Test_DataRace_ Test_NoDataRace_
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -ge 5 ]] || { sed -n '2,9p' "$0" >&2; exit 2; }
repo=$1 project=$2 tfm=$3 race=$4 safe=$5
shift 5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/ScopeSafety.Analyzers/ScopeSafety.Analyzers.csproj" -c Release -v q -nologo > /dev/null
mkdir -p "$work/analyzer"
cp "$root/artifacts/bin/ScopeSafety.Analyzers/release/ScopeSafety.Analyzers.dll" "$work/analyzer/"
"$root/build/real-code.sh" "$repo" "$project" "$tfm" "$work/analyzer/ScopeSafety.Analyzers.dll" "$work/out" "$@" > "$work/build.txt" 2>&1 ||
  { tail -20 "$work/build.txt" >&2; exit 1; }
python3 "$root/build/named-cases.py" "$work/out/reports.tsv" "$repo" "$(dirname "$project")" "$race" "$safe"
