#!/usr/bin/env bash
# Runs the analyzers of this checkout over a folder of single-file C# programs and, where each case has a label file
# beside it in ParallelChecker's format (blaeser/parallelchecker, src/ParallelChecker._Test/ParallelCheckerCases),
# counts the cases with a race that a hazard rule reports and the cases without one that it reports anyway.
#
#   build/corpus.sh <cases-folder> [out.tsv]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cases=$(cd "$1" && pwd)
out=${2:-$(mktemp)}
dotnet build "$root/build/corpus/ScopeCorpus.csproj" -c Release -v q -nologo > /dev/null
dotnet "$root/artifacts/bin/ScopeCorpus/release/ScopeCorpus.dll" "$cases" > "$out"
echo "reports: $out"
python3 "$root/build/corpus/compare.py" "$out" "$cases"
