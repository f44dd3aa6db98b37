#!/usr/bin/env bash
# The README's and docs' screenshots, taken again from the running sample into docs/screenshots: the dashboard's screens at
# 1280 and 375 px, Swagger UI and ReDoc (tests/Hookline.Tests/Docs/DocsScreenshots.cs; needs Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
HOOKLINE_SCREENSHOTS="$PWD/docs/screenshots" dotnet test tests/Hookline.Tests --filter "FullyQualifiedName~DocsScreenshots"
