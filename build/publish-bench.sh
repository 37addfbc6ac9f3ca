#!/usr/bin/env bash
# Publishes the benchmark program (tests/ScopeSafety.Benchmarks) as a self-contained linux-x64
# folder, so that it runs on a machine without the .NET SDK or runtime:
#   build/publish-bench.sh [out-dir] [extra dotnet publish arguments]
# (default out-dir: artifacts/bench-linux-x64). Run it there with
#   <out-dir>/ScopeSafety.Benchmarks --side-by-side        or   build/bench-cores.sh --exe <out-dir>/ScopeSafety.Benchmarks
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/bench-linux-x64}"
shift || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# No pdbs: they are not needed to run and only make the folder slower to copy to a bench machine.
dotnet publish "$root/tests/ScopeSafety.Benchmarks" -c Release -r linux-x64 --self-contained \
  -p:DebugType=none -o "$out" -nologo "$@"
echo "published $(du -sh "$out" | cut -f1) to $out"
