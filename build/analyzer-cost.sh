#!/usr/bin/env bash
# Times ScopeSafety's analyzers on a real compile, warm, in one process: the compile that build/real-code.sh logged in
# <out-dir>/build.log is bound once, then the analyzers run round after round, single-threaded, each timed by the
# compiler's own telemetry. The first round includes the JIT; compare builds by the later rounds, or by on-CPU samples
# (perf record -F 999 -g with DOTNET_PerfMapEnabled=1), since the machine's load moves wall times a lot
# (docs/precision.md, "The analyzer's cost, brought down").
#
#   build/analyzer-cost.sh <real-code-out-dir> <ScopeSafety.Analyzers.dll> [rounds] [analyzer type name | all]
set -euo pipefail
if [[ $# -lt 2 ]]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$1" && pwd)
dll=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
# The Csc task's command line: the last compile of the project (the one with the analyzers injected).
line=$(grep -E '^\s*\S*/csc(\.dll)? .*/noconfig' "$out/build.log" | tail -1)
if [[ -z $line ]]; then
  echo "analyzer-cost.sh: no compiler command line in $out/build.log" >&2
  exit 1
fi
project=$(grep -oE 'Project "[^"]+\.csproj"' "$out/build.log" | head -1 | sed -E 's/Project "(.*)"/\1/')
args=$(mktemp)
trap 'rm -f "$args"' EXIT
sed -E 's#^\s*\S*/csc(\.dll)? ##' <<< "$line" > "$args"
dotnet build "$root/build/analyzer-cost/AnalyzerCost.csproj" -c Release -v q -nologo > /dev/null
dotnet "$root/artifacts/bin/AnalyzerCost/release/AnalyzerCost.dll" "$args" "$(dirname "$project")" "$dll" "${3:-6}" "${4:-all}"
