#!/usr/bin/env bash
# /metrics checked with Prometheus' own linter (issue #17): runs the demo region (--small), serves its hub with
# /metrics on a listener of its own, checks that the public listener answers 404 there, reads a few
# public pages (so the request histograms have samples), and pipes a scrape into
# `promtool check metrics` (Debian's prometheus package), which must print nothing.
# Part of the test command. Usage: bash scripts/metrics-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(prometheus curl)
kaa_ensure_packages

kaa_log "metrics check: running the demo region"
demo_log=$(mktemp)
demo_output=$(bash scripts/demo.sh --small 2>"$demo_log") || { tail -n 30 "$demo_log" >&2; kaa_die "metrics check: the demo failed"; }
rm -f "$demo_log"
work=$(echo "$demo_output" | sed -n 's/^Allt ligger i \([^ ]*\) .*/\1/p')
[ -n "$work" ] && [ -f "$work/hub.sqlite" ] || kaa_die "metrics check: the demo left no hub database"
bindir="$(swift build --show-bin-path)"
"$bindir/kaa-hub" --db "$work/hub.sqlite" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 > "$work/metrics-hub.out" 2> "$work/metrics-hub.log" &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "^metrics on" "$work/metrics-hub.out" 2>/dev/null && break; sleep 0.1; done
public="http://$(sed -n 's/^listening on //p' "$work/metrics-hub.out")"
metrics="http://$(sed -n 's/^metrics on //p' "$work/metrics-hub.out")"
[ "$metrics" != "http://" ] || { cat "$work/metrics-hub.log" >&2; kaa_die "metrics check: the hub did not start"; }

failures=0
check() { # $1 = what, then a command that must succeed
    local what=$1; shift
    if "$@"; then echo "metrics check: ok: $what"; else echo "metrics check: FAILED: $what" >&2; failures=$((failures + 1)); fi
}
status() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
period=$(TZ=Europe/Stockholm date +%Y-%m)
for path in "/" "/v1/published?period=$period" "/v1/published.csv?period=$period" "/v1/published.xlsx?period=$period" "/nowhere"; do
    curl -s -o /dev/null "$public$path"
done
check "the public listener answers 404 at /metrics" test "$(status "$public/metrics")" = 404
check "the metrics listener serves nothing but /metrics" test "$(status "$metrics/")" = 404
curl -sf "$metrics/metrics" > "$work/metrics.txt"
check "promtool check metrics finds nothing to say" bash -c "promtool check metrics < '$work/metrics.txt' > '$work/promtool.out' 2>&1 && ! [ -s '$work/promtool.out' ] || { cat '$work/promtool.out' >&2; false; }"
kommuner=$(grep -c '^kaa_hub_last_contact_timestamp_seconds{kommun="[0-9]\{4\}"} [0-9]\{10\}$' "$work/metrics.txt" || true)
check "a last-contact timestamp for each of the demo's 8 kommuner (found $kommuner)" test "$kommuner" -eq 8
check "no value is -1" bash -c "! grep -E ' -1(\\.0+)?$' '$work/metrics.txt'"
check "the public requests are timed per route" grep -q '^kaa_hub_http_request_duration_seconds_count{route="/v1/published.xlsx"} 1$' "$work/metrics.txt"
check "build info and process metrics" bash -c "grep -q '^kaa_hub_build_info{version=' '$work/metrics.txt' && grep -q '^process_start_time_seconds ' '$work/metrics.txt'"
[ "$failures" -eq 0 ] || exit 1
