#!/usr/bin/env bash
# Publishes everything PowerShell needs to use Spot.Deploy without a project: one folder holding
# Spot.Deploy.Strategies and Spot.Deploy.Emulator with every assembly they load (Planning, Elastigroup, Aws,
# AWSSDK.*, Polly.Core, Microsoft.Extensions.*) and, for the emulator, the ASP.NET Core shared framework
# assemblies (PowerShell itself runs on Microsoft.NETCore.App only). See docs/powershell/README.md.
#
# usage: eng/publish-powershell.sh [output-folder] [extra dotnet publish arguments...]
#   output-folder  default: artifacts/powershell (emptied first)
#   CONFIGURATION  environment variable, default Release
#   NO_EMULATOR=1  leaves out the emulator and the ASP.NET Core assemblies
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/powershell}"
[ $# -gt 0 ] && shift
config="${CONFIGURATION:-Release}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

publish() {
  local project="$1"
  shift
  dotnet publish "$root/src/$project/$project.csproj" -c "$config" -o "$out" "$@"
}

publish Spot.Deploy.Strategies "$@"

if [ "${NO_EMULATOR:-}" != "1" ]; then
  publish Spot.Deploy.Emulator "$@"
  # The newest installed Microsoft.AspNetCore.App of the same major version as the target framework.
  major=10
  aspnet="$(dotnet --list-runtimes | awk -v m="$major" '$1 == "Microsoft.AspNetCore.App" && index($2, m ".") == 1 { v = $2; d = $3 } END { if (v != "") { gsub(/^\[|\]$/, "", d); print d "/" v } }')"
  if [ -z "$aspnet" ] || [ ! -d "$aspnet" ]; then
    echo "error: no Microsoft.AspNetCore.App $major.x runtime found (dotnet --list-runtimes); the emulator needs it" >&2
    exit 1
  fi
  # -n: the packages' own copies (already published) win over the shared framework's.
  cp -n "$aspnet"/*.dll "$out"/
fi

# Add-Type loads assemblies by path: the .deps.json files of the two libraries would only mislead.
rm -f "$out"/*.deps.json
echo "published for PowerShell: $out ($(ls "$out"/*.dll | wc -l) assemblies)"
