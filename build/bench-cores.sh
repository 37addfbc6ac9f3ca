#!/usr/bin/env bash
# Runs the side-by-side runtime benchmarks once per core count, each in a fresh process restricted to
# the first n CPUs (taskset) and told it has n of them (DOTNET_PROCESSOR_COUNT, which sizes the thread
# pool and Environment.ProcessorCount), then merges the runs into one Markdown table of medians
# (rows: pattern / variant, columns: cores) and one of ratios (Scope ÷ best peer).
#   build/bench-cores.sh [--exe PATH] [--cores "1 2 4 8 16"] [--quick] [--rounds N] [--filter TEXT]
# Without --exe it builds tests/ScopeSafety.Benchmarks with the SDK and runs the dll; with --exe it runs
# that program, e.g. the self-contained artifacts/bench-linux-x64/ScopeSafety.Benchmarks from
# build/publish-bench.sh, on a machine without the SDK. Core counts above nproc are skipped.
# The full output of each run (tables with min/max and bytes per op) is kept in a log folder
# (BENCH_LOG_DIR, else a new temporary one) whose path is printed at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/tests/ScopeSafety.Benchmarks"

exe=""
cores="1 2 4 8 16"
args=()
while (($#)); do
  case "$1" in
    --exe) exe="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [ -n "$exe" ]; then
  cmd=("$exe")
else
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  dotnet build "$project" -c Release --nologo -v quiet >&2
  cmd=(dotnet "$(dotnet msbuild "$project" -getProperty:TargetPath -p:Configuration=Release)")
fi

logs="${BENCH_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/bench-cores.XXXXXX")}"
mkdir -p "$logs"
available=$(nproc)
pin=1
command -v taskset >/dev/null || { pin=0; echo "taskset not found: runs are not pinned, only DOTNET_PROCESSOR_COUNT is set" >&2; }

ran=""
for n in $cores; do
  if [ "$n" -gt "$available" ]; then
    echo "skipping $n cores: only $available available" >&2
    continue
  fi
  echo "running on $n core(s)..." >&2
  log="$logs/cores-$n.md"
  if [ "$pin" = 1 ]; then
    run=(taskset -c "0-$((n - 1))" "${cmd[@]}")
  else
    run=("${cmd[@]}")
  fi
  # The call-counting delay is zero so that hot methods reach tier 1: with DOTNET_PROCESSOR_COUNT=1 the
  # runtime otherwise kept them at tier 0 for the whole run (measured: a 3-line method stayed at 45 ns a
  # call instead of 2), which would time unoptimised code at 1 core only. It applies to every variant.
  if ! DOTNET_TC_CallCountingDelayMs=0 DOTNET_PROCESSOR_COUNT="$n" "${run[@]}" --side-by-side ${args[@]+"${args[@]}"} >"$log" 2>"$log.err"; then
    cat "$log.err" >&2
    echo "the run on $n core(s) failed; its output is in $log" >&2
    exit 1
  fi
  ran="$ran $n"
done
[ -n "$ran" ] || { echo "no core count to run" >&2; exit 1; }

head -n 7 "$logs/cores-${ran##* }.md" | grep '^- \(CPU\|OS\|runtime\|rounds\)' || true
echo
# Cells are medians in ms; a ratio cell names the best peer, which can change with the core count.
cat "$logs"/cores-*.md | awk -F, -v cores="$ran" '
  $1 == "csv" {
    key = $3 SUBSEP $4
    if (!(key in seen)) { seen[key] = 1; rows[++n] = key }
    median[key, $2] = $5
  }
  $1 == "ratio" {
    key = $3 SUBSEP $4
    if (!(key in rseen)) { rseen[key] = 1; rrows[++rn] = key }
    ratio[key, $2] = sprintf("%.2f (%s)", $6, $5)
  }
  function header(title,   i, line, rule) {
    line = "| " title; rule = "|---|---"
    for (i = 1; i <= nc; i++) { line = line " | " c[i]; rule = rule "|---:" }
    print line " |"; print rule "|"
  }
  function row(key, values,   i, parts, line) {
    split(key, parts, SUBSEP)
    line = "| " parts[1] " | " parts[2]
    for (i = 1; i <= nc; i++) line = line " | " (((key, c[i]) in values) ? values[key, c[i]] : "-")
    print line " |"
  }
  END {
    nc = split(cores, c, " ")
    print "Median ms per operation (lower is better), by core count:"; print ""
    header("pattern | variant")
    for (i = 1; i <= n; i++) row(rows[i], median)
    print ""; print "Scope ÷ best parallel peer (below 1: Scope is faster), by core count:"; print ""
    header("pattern | Scope variant")
    for (i = 1; i <= rn; i++) row(rrows[i], ratio)
  }'
echo
echo "full output per core count: $logs" >&2
