#!/usr/bin/env bash
# Writes docs/commands.md from the programs' own help (a test keeps the two equal).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product kaa >&2
swift build --product kaa-hub >&2
bin=$(swift build --show-bin-path)
{ "$bin/kaa" help --reference; echo; "$bin/kaa-hub" help --reference; } > docs/commands.md
echo "docs/commands.md written" >&2
