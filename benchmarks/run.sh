#!/usr/bin/env bash
# Benchmarks of design §11, each run several times beside its baseline measured in the same run.
# Prints a table: median and spread (min-max) of each figure, the baseline and the ratio.
#
#   bash benchmarks/run.sh           full sizes (about 10 minutes on 2 cores, release build)
#   bash benchmarks/run.sh --quick   small sizes, one repetition (keeps the script from rotting)
#
# Data is generated (valid personnummer) into a temporary folder and deleted afterwards; nothing is
# committed. Cases 3 (a national night of 290 concurrent uploads) and 4 (the published table under
# 50 readers) are not written yet: see issue #7.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
kaa_ensure_swift
KAA_APT_PACKAGES+=(python3 time)
kaa_ensure_packages

quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ "$quick" -eq 1 ]; then small=2000 large=20000 episodes=5000 runs=1; else small=50000 large=500000 episodes=50000 runs=3; fi

kaa_log "building (release)"
swift build -c release --product kaa >&2
swift build -c release --product kaa-hub >&2
bin="$(swift build -c release --show-bin-path)"
work=$(mktemp -d "${TMPDIR:-/tmp}/kaa-bench.XXXXXX")
trap 'pkill -f "kaa-hub --db $work" 2>/dev/null || true; rm -rf "$work"' EXIT
export KAA_TODAY=$(TZ=Europe/Stockholm date +%F)

# time_of COMMAND...: prints "seconds peak_kb" of one run (GNU time), output discarded.
time_of() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true; cat "$work/time"; }
# stats VALUES...: "median (min–max)".
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.2f (%.2f–%.2f)", m, v[1], v[NR]}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

rows=()
# --- Case 1: identify vs sqlite3 .import, and peak memory at two sizes.
declare -A peak
for size in "$small" "$large"; do
    mkdir -p "$work/$size"
    kaa_log "case 1: generating a $size-row extract"
    python3 benchmarks/generate.py extract "$size" "$work/$size"
    times=() baselines=() memories=()
    for run in $(seq "$runs"); do
        rm -f "$work/$size/r.sqlite"* "$work/$size/import.sqlite"
        "$bin/kaa" --db "$work/$size/r.sqlite" init --kommun 0380 >/dev/null 2>&1
        read -r seconds kb < <(time_of "$bin/kaa" --db "$work/$size/r.sqlite" identify --date "$KAA_TODAY" \
            --folkbokforing "$work/$size/folkbokforing.csv" --enrolment "$work/$size/enrolment.csv")
        times+=("$seconds") memories+=("$kb")
        read -r base _ < <(time_of sqlite3 "$work/$size/import.sqlite" ".mode csv" ".separator ;" ".import $work/$size/folkbokforing.csv t")
        baselines+=("$base")
    done
    peak[$size]=$(median "${memories[@]}")
    ratio=$(awk -v a="$(median "${times[@]}")" -v b="$(median "${baselines[@]}")" 'BEGIN {printf "%.1f×", a / b}')
    rows+=("1 identify, $size rows|$(stats "${times[@]}") s|sqlite3 .import $(stats "${baselines[@]}") s|$ratio|≤ 2×")
done
growth=$(awk -v a="${peak[$small]}" -v b="${peak[$large]}" 'BEGIN {printf "%.1f×", b / a}')
rows+=("1 identify peak memory|${peak[$small]} KB → ${peak[$large]} KB|—|$growth|flat (≈ 1×)")

# --- Case 2: one night for a kommun with $episodes episodes and three years of history.
kaa_log "case 2: a register with $episodes episodes over three years"
mkdir -p "$work/night"
python3 benchmarks/generate.py history "$episodes" "$KAA_TODAY" "$work/night"
register="$work/night/r.sqlite"
"$bin/kaa" --db "$register" init --kommun 0380 >/dev/null 2>&1
"$bin/kaa" --db "$register" import history --episodes "$work/night/episodes.csv" --contacts "$work/night/contacts.csv" >/dev/null 2>&1
"$bin/kaa-hub" --db "$work/night/hub.sqlite" site add 0380 > "$work/night/token"
"$bin/kaa-hub" --db "$work/night/hub.sqlite" serve --listen 127.0.0.1:0 > "$work/night/hub.out" 2>/dev/null &
for _ in $(seq 100); do grep -q "listening on" "$work/night/hub.out" 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/night/hub.out")"
sync() { "$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token" 2>/dev/null; }
read -r first _ < <(time_of "$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token")
snapshot=$("$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token" --new-generation 2>/dev/null | sed -nE 's/.*batch [0-9]+ \(([0-9]+) byte\).*/\1/p')
nights=() changed=()
for run in $(seq "$runs"); do
    # 1 % of the people get a contact tonight (straight into the file: this measures the night, not the CLI).
    sqlite3 "$register" "INSERT INTO contact (episode_id, contacted_on, channel, is_reached)
        SELECT id, '$KAA_TODAY', 'SMS', 1 FROM episode WHERE deregistered_on IS NULL ORDER BY random() LIMIT $((episodes / 100))"
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin/kaa" --db "$register" sync --hub "$url" --token-file "$work/night/token" > "$work/night/out" 2>/dev/null || true
    read -r seconds _ < "$work/time"
    nights+=("$seconds")
    changed+=("$(sed -nE 's/.*batch [0-9]+ \(([0-9]+) byte\).*/\1/p' "$work/night/out")")
done
rows+=("2 first night (freeze 3 years + snapshot)|$first s|—|—|—")
rows+=("2 recompute + seal + upload, 1 % changed|$(stats "${nights[@]}") s|—|—|< 1 s")
share=$(awk -v a="$(median "${changed[@]}")" -v b="$snapshot" 'BEGIN {printf "%.1f %%", 100 * a / b}')
rows+=("2 bytes: 1 % night vs snapshot|$(median "${changed[@]}") B vs $snapshot B|—|$share|≤ 10 %")

echo
printf '%-44s | %-26s | %-32s | %-7s | %s\n' "case" "measured: median (min–max)" "baseline (same run)" "ratio" "target"
printf '%s\n' "$(printf '%.0s-' {1..130})"
for row in "${rows[@]}"; do
    IFS='|' read -r name measured baseline ratio target <<< "$row"
    printf '%-44s | %-26s | %-32s | %-7s | %s\n' "$name" "$measured" "$baseline" "$ratio" "$target"
done
