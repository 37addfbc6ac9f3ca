#!/usr/bin/env bash
# The README's 30-second tour, for real, on a copy of samples/HazardTour:
#   pack ScopeSafety -> build the sample with -warnaserror (fails with SCOPE errors)
#   -> dotnet format analyzers (applies the code fixes) -> show the diff -> rebuild clean -> run.
# Needs only the .NET SDK. The committed sample is never modified. Exits non-zero as soon as a step
# does not behave as expected.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker nodes left running after the demo.
export MSBUILDDISABLENODEREUSE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/scopesafety-demo.XXXXXX")"
keep_work=0
cleanup() { if [ "$keep_work" -eq 0 ]; then rm -rf "$work"; else echo "(files kept in $work)"; fi; }
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf '\n\033[31mdemo failed: %s\033[0m\n' "$*" >&2; keep_work=1; exit 1; }
# Diagnostics as "Program.cs(12,5): error SCOPE001: message", each once, without the project suffix.
scope_diagnostics() {
  grep -E '\): (error|warning) SCOPE[0-9]+:' "$1" | sed -E 's#^[^(]*/##; s# \(https?://[^)]*\)##; s# \[[^]]*\]$##' | sort -u || true
}

base_version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
# A version no earlier run used, so no NuGet cache can serve a stale package.
version="$base_version-demo.$(date -u +%Y%m%d%H%M%S)"
feed="$work/feed"
app="$work/HazardTour"

step "1/6 Packing ScopeSafety $version"
if ! ArtifactsPath="$work/artifacts" dotnet pack "$root/src/ScopeSafety.Package/ScopeSafety.Package.csproj" \
    -c Release -o "$feed" -p:Version="$version" -nologo -v quiet -clp:NoSummary > "$work/pack.log" 2>&1; then
  cat "$work/pack.log"; fail "dotnet pack failed"
fi
ls "$feed"

step "2/6 Copying samples/HazardTour to $app"
cp -R "$root/samples/HazardTour" "$app"
rm -rf "$app/bin" "$app/obj"
cp -R "$app" "$work/HazardTour.original"
# The freshly packed folder joins the machine's configured package sources.
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="scopesafety-demo" value="$feed" />
  </packageSources>
</configuration>
XML
# Read by the sample's project file (environment variables are MSBuild properties), also by dotnet format.
export ScopeSafetyVersion="$version"
# A private packages folder: the demo leaves the user's NuGet cache untouched.
export NUGET_PACKAGES="$work/packages"
cd "$app"

step "3/6 dotnet build -warnaserror (the hazards must fail the build)"
if dotnet build -c Release -warnaserror -nologo -clp:NoSummary > "$work/build1.log" 2>&1; then
  cat "$work/build1.log"; fail "the first build succeeded, but the sample's hazards should have failed it"
fi
scope_diagnostics "$work/build1.log" | tee "$work/build1.scope"
for id in SCOPE001 SCOPE002 SCOPE003 SCOPE004; do
  grep -q " $id:" "$work/build1.scope" || { cat "$work/build1.log"; fail "the first build did not report $id"; }
done
if grep -E '\): error [A-Z]+[0-9]+:' "$work/build1.log" | grep -vq ' error SCOPE'; then
  cat "$work/build1.log"; fail "the first build failed for another reason than the SCOPE rules"
fi

step "4/6 dotnet format analyzers --diagnostics SCOPE001 SCOPE002 SCOPE003 SCOPE004 --severity info"
if ! dotnet format analyzers --diagnostics SCOPE001 SCOPE002 SCOPE003 SCOPE004 --severity info > "$work/format.log" 2>&1; then
  cat "$work/format.log"; fail "dotnet format analyzers failed"
fi

step "5/6 What the fixes changed"
show_diff() {
  if command -v diff > /dev/null; then
    diff -u --label original/Program.cs --label fixed/Program.cs "$1" "$2"
  else
    git diff --no-index --no-color "$1" "$2"
  fi
}
if show_diff "$work/HazardTour.original/Program.cs" "$app/Program.cs"; then
  fail "dotnet format analyzers changed nothing"
fi

step "6/6 dotnet build -warnaserror again, then run"
if ! dotnet build -c Release -warnaserror -nologo -clp:NoSummary > "$work/build2.log" 2>&1; then
  cat "$work/build2.log"; fail "the fixed sample does not build clean"
fi
echo "Build succeeded: no SCOPE diagnostics left."
echo
if ! dotnet run -c Release --no-build > "$work/run.log" 2>&1; then
  cat "$work/run.log"; fail "the fixed sample failed to run"
fi
cat "$work/run.log"
printf '\n\033[32mdemo passed\033[0m: the hazards failed the build, the fixes made it build clean and run.\n'
