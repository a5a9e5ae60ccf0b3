#!/usr/bin/env bash
# Loads the ÖMS demo's upper hub's dashboard in Debian's Chromium, headless, checks the page (title, one
# row per kommun of the five län, charts present, the signs' legend, only periods with figures) and saves screenshots at
# 375, 1280 and 1920 px to .build/dashboard-{375,1280,1920}.png (and .build/dashboard.png, 1280 px).
# Part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(chromium)
kaa_ensure_packages

kaa_log "browser check: running the demo (#jagmed Östra Mellansverige; hub.sqlite is the ÖMS hub)"
demo_output=$(bash scripts/demo.sh 2>/dev/null)
work=$(echo "$demo_output" | sed -n 's/^Allt ligger i \([^ ]*\) .*/\1/p')
[ -n "$work" ] && [ -f "$work/hub.sqlite" ] || { echo "browser check: the demo left no hub database" >&2; exit 1; }
bindir="$(swift build --show-bin-path)"
# The ÖMS hub with the demo's config: its regionName is the title, its lan the län it groups by.
"$bindir/kaa-hub" --db "$work/hub.sqlite" --config "$work/hub.json" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 > "$work/browser-hub.out" 2> "$work/browser-hub.log" &
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
check "the title names the region" grep -q "<title>Aktivitetsansvaret i Östra Mellansverige, " "$work/dashboard.html"
# The demo's last night is today: the page opens on the last month that has ended, not on this one.
last_month=$(TZ=Europe/Stockholm date -d "$(TZ=Europe/Stockholm date +%Y-%m-01) -1 day" +%Y-%m)
check "it opens on the last ended month ($last_month)" grep -q "<option value=\"$last_month\" selected" "$work/dashboard.html"
options=$(grep -o '<option value="[^"]*"' "$work/dashboard.html" | wc -l)
check "the period selector lists only periods with figures (found $options)" test "$options" -ge 1 -a "$options" -le 8
tables=$(grep -o '<table' "$work/dashboard.html" | wc -l)
legends=$(grep -o '<p class="legend">' "$work/dashboard.html" | wc -l)
check "every table has its legend ($tables tables, $legends legends)" test "$legends" -ge "$tables"
check "no dash stands for a missing figure" bash -c "! grep -q '<td>–</td>' '$work/dashboard.html'"
rows=$(grep -o '<th scope="row"><a href="/kommun/' "$work/dashboard.html" | wc -l)
check "one row per kommun of the five län (52, found $rows)" test "$rows" -eq 52
charts=$(grep -o '<svg role="img"' "$work/dashboard.html" | wc -l)
check "a bar chart and a trend (found $charts charts)" test "$charts" -ge 2
check "no script on the page" bash -c "! grep -q '<script' '$work/dashboard.html'"
mkdir -p .build
browser --window-size=1280,2200 --screenshot="$PWD/.build/dashboard.png" "$url"
check "a screenshot was saved to .build/dashboard.png" test -s .build/dashboard.png
for width in 375 1280 1920; do
    browser --window-size="$width,2600" --screenshot="$PWD/.build/dashboard-$width.png" "$url"
    check "a screenshot at $width px was saved to .build/dashboard-$width.png" test -s ".build/dashboard-$width.png"
done
browser --window-size=1280,2200 --screenshot="$PWD/.build/dashboard-kommun.png" "${url}kommun/0380"
check "a kommun page's screenshot was saved to .build/dashboard-kommun.png" test -s .build/dashboard-kommun.png
[ "$failures" -eq 0 ] || exit 1
