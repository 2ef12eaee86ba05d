#!/usr/bin/env bash
# Mutation testing of Spot.Deploy.Planning with dotnet-stryker (a local tool, .config/dotnet-tools.json).
# Not part of CI: it takes minutes. The report lands in artifacts/stryker/; record the score in
# docs/reliability.md together with an explanation of every surviving mutant.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore
# The property tests run fewer cases per mutant; the full count runs in CI.
export SPOT_DEPLOY_PROPERTY_CASES="${SPOT_DEPLOY_PROPERTY_CASES:-300}"
cd src/Spot.Deploy.Planning
dotnet tool run dotnet-stryker --config-file ../../eng/stryker-config.json --output ../../artifacts/stryker "$@"
