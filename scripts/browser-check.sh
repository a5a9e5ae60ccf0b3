#!/usr/bin/env bash
# Loads a demo hub's dashboard in Debian's Chromium, headless, checks the page (title, one row per
# kommun, charts present) and saves a screenshot to .build/dashboard.png. Part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(chromium)
kaa_ensure_packages

kaa_log "browser check: running the demo region"
demo_output=$(bash scripts/demo.sh 2>/dev/null)
work=$(echo "$demo_output" | sed -n 's/^Allt ligger i \([^ ]*\) .*/\1/p')
[ -n "$work" ] && [ -f "$work/hub.sqlite" ] || { echo "browser check: the demo left no hub database" >&2; exit 1; }
bindir="$(swift build --show-bin-path)"
"$bindir/kaa-hub" --db "$work/hub.sqlite" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 > "$work/browser-hub.out" 2> "$work/browser-hub.log" &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$work/browser-hub.out" 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/browser-hub.out")/"

browser() { timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" 2>/dev/null; }
browser --dump-dom "$url" > "$work/dashboard.html"
failures=0
check() { # $1 = what, then a command that must succeed
    local what=$1; shift
    if "$@"; then echo "browser check: ok: $what"; else echo "browser check: FAILED: $what" >&2; failures=$((failures + 1)); fi
}
check "the title names the region" grep -q "<title>Regionens aktivitetsansvar" "$work/dashboard.html"
rows=$(grep -o '<th scope="row"><a href="/kommun/' "$work/dashboard.html" | wc -l)
check "one row per kommun of Uppsala län (8, found $rows)" test "$rows" -eq 8
charts=$(grep -o '<svg role="img"' "$work/dashboard.html" | wc -l)
check "a bar chart and a trend (found $charts charts)" test "$charts" -ge 2
check "no script on the page" bash -c "! grep -q '<script' '$work/dashboard.html'"
mkdir -p .build
browser --window-size=1280,2200 --screenshot="$PWD/.build/dashboard.png" "$url"
check "a screenshot was saved to .build/dashboard.png" test -s .build/dashboard.png
[ "$failures" -eq 0 ] || exit 1
