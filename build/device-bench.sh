#!/usr/bin/env bash
# The 16-core measurement in one call, for a machine without the .NET SDK (the device machine): runs the
# published side-by-side harness at 1, 2, 4, 8 and 16 cores and leaves three files in $OUT (else
# artifacts/device-out): machine.txt, scaling.md (the merged median and ratio tables) and logs.tgz (the
# full output per core count). Publish first, on a machine with the SDK: build/publish-bench.sh, then
# carry artifacts/bench-linux-x64. Takes about 6 minutes with the default 21 rounds. EXE names another
# published harness (say, one built over an older runtime, for a before/after in the same call).
#   ROUNDS=21 CORES="1 2 4 8 16" [EXE=path] build/device-bench.sh [more harness arguments, e.g. --quick]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT:-$root/artifacts/device-out}"
exe="${EXE:-$root/artifacts/bench-linux-x64/ScopeSafety.Benchmarks}"
[ -x "$exe" ] || { echo "no published harness at $exe: run build/publish-bench.sh first" >&2; exit 2; }
mkdir -p "$out"
{ echo "nproc: $(nproc)"; lscpu 2>/dev/null || cat /proc/cpuinfo; } > "$out/machine.txt"
logs="$(mktemp -d)"
BENCH_LOG_DIR="$logs" "$root/build/bench-cores.sh" --exe "$exe" --rounds "${ROUNDS:-21}" --cores "${CORES:-1 2 4 8 16}" "$@" \
  | tee "$out/scaling.md"
tar -C "$logs" -czf "$out/logs.tgz" .
