#!/usr/bin/env bash
# Packs the one ScopeSafety package and its symbols package (.snupkg) into artifacts/package (where
# `dotnet pack ScopeSafety.sln` also puts it, and where the README installs from), or into the folder
# given as the first argument. Extra arguments go to dotnet pack (e.g. -p:Version=0.2.0).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/package}"
shift || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# ContinuousIntegrationBuild maps source paths in the pdbs to repository-relative ones, so that the
# shipped binaries do not depend on where the tree was checked out.
dotnet pack "$root/src/ScopeSafety.Package/ScopeSafety.Package.csproj" -c Release -o "$out" \
  -p:ContinuousIntegrationBuild=true -nologo "$@"
ls -l "$out"/ScopeSafety.*nupkg
