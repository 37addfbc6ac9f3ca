#!/usr/bin/env bash
# Runs the runtime benchmarks (tests/ScopeSafety.Benchmarks) in a short configuration: first a
# correctness check of every variant, then BenchmarkDotNet with --job short (1 launch, 3 warm-up and
# 3 measured iterations) over every benchmark. Takes a few minutes on 2 cores.
# Extra arguments go to BenchmarkDotNet and replace the defaults they name, e.g.
#   build/bench.sh --filter '*Fib*'          only the fib group
#   build/bench.sh --job medium              a longer, steadier run
# Results (Markdown, CSV, HTML, logs) land in BenchmarkDotNet.Artifacts/ at the repository root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
project=tests/ScopeSafety.Benchmarks

args=("$@")
has() { local a; for a in "${args[@]}"; do for name in "$@"; do [ "$a" = "$name" ] && return 0; done; done; return 1; }
has --filter -f || args+=(--filter '*')
has --job -j || args+=(--job short)
has --artifacts -a || args+=(--artifacts "$root/BenchmarkDotNet.Artifacts")

dotnet build "$project" -c Release --nologo -v quiet
dotnet run --project "$project" -c Release --no-build -- --verify
dotnet run --project "$project" -c Release --no-build -- "${args[@]}"
