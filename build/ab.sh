#!/usr/bin/env bash
# Times the runtime of the working tree against another revision (HEAD unless --base), interleaved in one process
# per core count, so that the drift of a shared machine lands on both builds alike (whole-table runs of the harness,
# one process per build, moved by 10-70 % between runs minutes apart on the 2-core machine). Each pattern line gives
# the median and lowest ns per item of each build and the median of new ÷ base over paired samples.
#
#   build/ab.sh [--base REV] [--cores "1 2"] [--samples N] [--pgo off] PATTERN[:ITEMS] ...
#
# --pgo off runs without tiered PGO (DOTNET_TieredPGO=0). With it on (the default, as in production), which
# delegate calls the JIT devirtualizes and inlines is decided from each process's own early samples, so it can differ
# between two processes of the same builds: one pair of Go builds timed 0.89 and then 1.13 in two runs a minute apart;
# without PGO, 0.92 and 0.86, with the base build at 103.3 and 103.4 ns both times. Use it to see a change of a few
# per cent, then confirm with PGO on.
#
# Patterns (build/ab/Ops/Ops.cs): spawn, go, go-tiny and parallel-invoke-tiny (an item that only stores its index), parallel-invoke-handles (Parallel.Invoke paying a spawned item's allocation, context capture and claim: the floor of spawn), spawn-join-each, spawn-all-join-all, spawn-async (each item awaits
# Task.Yield), for, parallel-invoke, parallel-for (10,000 items of the harness's work by default), nested-go,
# nested-spawn, nested-for and nested-parallel-for (64 x 64), empty-run, run-one-spawn, unstolen-join (100,000), fib and fib-spawn (fib(30) with Scope.Join, or with a
# scope per fork). Cores as in build/bench-cores.sh: taskset to the first n CPUs and DOTNET_PROCESSOR_COUNT=n.
set -euo pipefail
cd "$(dirname "$0")/.."
base=HEAD
cores="1 2"
samples=31
pgo=1
patterns=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --pgo) case "$2" in on) pgo=1 ;; off) pgo=0 ;; *) echo "--pgo takes on or off" >&2; exit 2 ;; esac; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) patterns+=("$1"); shift ;;
  esac
done
[ ${#patterns[@]} -gt 0 ] || { sed -n 2,17p "$0"; exit 2; }

work=$(mktemp -d)
cleanup() { git worktree remove --force "$work/base-src" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

echo "building $base and the working tree..." >&2
git worktree add --detach "$work/base-src" "$base" >/dev/null 2>&1
dotnet build "$work/base-src/src/ScopeSafety/ScopeSafety.csproj" -c Release -p:ArtifactsPath="$work/base-artifacts" -v q -nologo >/dev/null
dotnet build build/ab/Ops/Ops.csproj -c Release -v q -nologo >/dev/null
dotnet build build/ab/Host/Host.csproj -c Release -v q -nologo >/dev/null
mkdir -p "$work/base" "$work/new"
cp artifacts/bin/Ops/release/Ops.dll "$work/base/"
cp artifacts/bin/Ops/release/Ops.dll artifacts/bin/ScopeSafety/release/ScopeSafety.dll "$work/new/"
cp "$work/base-artifacts/bin/ScopeSafety/release/ScopeSafety.dll" "$work/base/"

default_items() {
  case "$1" in
    nested-*) echo 4096 ;;
    empty-run|run-one-spawn|unstolen-join) echo 100000 ;;
    fib|fib-spawn) echo 30 ;;
    *) echo 10000 ;;
  esac
}

echo "base: $(git rev-parse --short "$base"), new: the working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ', with changes')), tiered PGO $([ $pgo = 1 ] && echo on || echo off)"
for n in $cores; do
  echo "== $n core(s), load $(cut -d' ' -f1 /proc/loadavg)"
  for spec in "${patterns[@]}"; do
    pattern=${spec%%:*}
    items=${spec#*:}
    [ "$items" != "$spec" ] || items=$(default_items "$pattern")
    taskset -c "0-$((n - 1))" env DOTNET_PROCESSOR_COUNT="$n" DOTNET_TC_CallCountingDelayMs=0 DOTNET_TieredPGO="$pgo" \
      dotnet artifacts/bin/Host/release/Host.dll "$samples" \
      "base $pattern=$work/base:$pattern:$items" "new $pattern=$work/new:$pattern:$items"
  done
done
