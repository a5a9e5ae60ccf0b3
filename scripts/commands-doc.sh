#!/usr/bin/env bash
# Writes docs/commands.md, the man pages in docs/man/ and the bash completions in
# config/bash-completion/ from the programs' own help (a test keeps them all equal to it).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product kaa >&2
swift build --product kaa-hub >&2
bin=$(swift build --show-bin-path)
# The pages' date is fixed unless SOURCE_DATE_EPOCH says otherwise; the committed ones use the fixed one.
unset SOURCE_DATE_EPOCH
{ "$bin/kaa" help --reference; echo; "$bin/kaa-hub" help --reference; } > docs/commands.md
echo "docs/commands.md written" >&2

pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
"$bin/kaa" help --man "$pages"
"$bin/kaa-hub" help --man "$pages"
mkdir -p docs/man
rm -f docs/man/*.1
cp "$pages"/*.1 docs/man/
echo "docs/man/ written ($(ls docs/man | wc -l) pages)" >&2

mkdir -p config/bash-completion
"$bin/kaa" help --bash-completion > config/bash-completion/kaa
"$bin/kaa-hub" help --bash-completion > config/bash-completion/kaa-hub
echo "config/bash-completion/kaa and kaa-hub written" >&2
