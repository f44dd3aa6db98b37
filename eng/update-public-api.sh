#!/usr/bin/env bash
# Rewrites every shipped project's PublicAPI.Unshipped.txt from its public surface (PublicApiAnalyzers' own fixer),
# sorted. Run after changing the public API on purpose, then read the diff: it is the API change under review.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  echo '#nullable enable' > "$dir/PublicAPI.Unshipped.txt"
  dotnet format analyzers "$project" --diagnostics RS0016 RS0037 --severity info -v q
  { head -1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort; } > "$dir/PublicAPI.Unshipped.tmp"
  mv "$dir/PublicAPI.Unshipped.tmp" "$dir/PublicAPI.Unshipped.txt"
done
