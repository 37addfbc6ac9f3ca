#!/usr/bin/env bash
# Publishes the benchmark program (tests/ScopeSafety.Benchmarks) as a self-contained linux-x64
# folder, so that its side-by-side mode runs on a machine without the .NET SDK or runtime:
#   build/publish-bench.sh [out-dir] [extra dotnet publish arguments]
# (default out-dir: artifacts/bench-linux-x64). Then, on that machine:
#   <out-dir>/ScopeSafety.Benchmarks --side-by-side [--quick]
#   build/bench-cores.sh --exe <out-dir>/ScopeSafety.Benchmarks
# BenchmarkDotNet's own mode needs the SDK (it builds a project per benchmark), so it is not expected
# to work from this folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/bench-linux-x64}"
shift || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# publish -o never deletes, so an earlier publish with other settings would linger; only a folder
# that holds a previous publish is removed.
if [ -e "$out/ScopeSafety.Benchmarks" ]; then
  rm -rf "$out"
fi

# A plain self-contained folder is over 100 MiB, mostly BenchmarkDotNet's dependencies (Roslyn,
# TraceEvent, a disassembler) and the whole framework; it has to travel to a bench machine. So:
# trim the framework only (TrimMode=partial leaves our code, the runtime and BenchmarkDotNet whole),
# bundle everything into one compressed executable, keep English resources only, no pdbs. The trim
# warnings (BenchmarkDotNet and its dependencies use reflection) concern the BenchmarkDotNet mode only.
# About 30 MiB. Pass -p:PublishSingleFile=false -p:PublishTrimmed=false for a plain folder.
dotnet publish "$root/tests/ScopeSafety.Benchmarks" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:TrimMode=partial \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true \
  -p:SatelliteResourceLanguages=en -p:DebugType=none -p:SuppressTrimAnalysisWarnings=true \
  -o "$out" -nologo "$@"
echo "published $(du -sh "$out" | cut -f1) to $out"
